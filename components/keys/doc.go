// Package keys builds the platform's customer-managed KMS keys: one per data
// domain (training data and models, logs, cluster secrets and node
// volumes), each with automatic rotation, a 30-day deletion window, an
// alias, and a key policy built from Go structs that delegates to IAM and
// admits only the AWS services the domain needs: CloudWatch Logs for log
// groups, the Auto Scaling and EC2 Spot service-linked roles for encrypted
// node volumes, and service principals such as EventBridge for encrypted
// queues.
//
// KMS refuses a key policy that names a principal which does not exist, so
// a key whose policy names service-linked roles waits for them (DependsOn).
package keys
