// Package keys builds the platform's customer-managed KMS keys: one per data
// domain (training data and models, logs, cluster secrets), each with
// automatic rotation, a 30-day deletion window, an alias, and a key policy
// built from Go structs that delegates to IAM and admits only the AWS
// services the domain needs.
package keys
