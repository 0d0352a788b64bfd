// Package cost builds a stack's cost governance (ml-platform:cost:Governance):
// a monthly cost budget with actual and forecast alerts, optional
// per-service budgets, a Cost Anomaly Detection monitor and alert
// subscription, an encrypted SNS topic both publish to, optional
// activation of the platform's tags as cost allocation tags, and an
// opt-in budget action for non-prod stacks.
//
// What AWS decides, and how the component meets it (sources in
// catalog.BillingSource):
//
//   - A budget's filter values for one dimension are ORed, so the budget
//     selects the stack by the one tag that tells stacks apart (Stack),
//     or tracks the whole account. A tag filter counts spend only once
//     the tag is an active cost allocation tag; activating one fails until
//     AWS has seen the tag (up to a day after first use), and in an
//     organization only the management account may activate. Activation
//     is therefore opt-in (ActivateCostAllocationTagKeys), retained on
//     delete since it belongs to the account.
//   - Budgets publish to an SNS topic in the same account, with a topic
//     policy for budgets.amazonaws.com scoped by aws:SourceAccount and
//     aws:SourceArn; Cost Anomaly Detection publishes as
//     costalerts.amazonaws.com. The topic is encrypted with a
//     customer-managed key whose policy must grant both services
//     kms:GenerateDataKey* and kms:Decrypt (the keys component does, and
//     the kms-key-grants-services rule checks it).
//   - Anomaly subscriptions deliver DAILY and WEEKLY alerts by email and
//     IMMEDIATE alerts by SNS only. Tag-based monitors can only be created
//     in a management or standalone account; a member account uses the
//     AWS services monitor (Monitor "services").
//   - Budget actions can only apply an IAM policy, an SCP or run SSM
//     documents that stop EC2 and RDS instances: nothing stops a SageMaker
//     endpoint or an EKS node. The opt-in action attaches a policy that
//     denies launching new compute (EC2, SageMaker jobs, endpoints and
//     notebooks, Bedrock customisation and provisioned throughput) to
//     named roles, the Karpenter controller's among them: running work
//     keeps running and costing.
package cost
