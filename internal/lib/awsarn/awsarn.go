// Package awsarn is where a stack deploys (partition, region, account) and
// the ARNs the platform builds from it, in one place instead of a
// fmt.Sprintf("arn:...") per call site. Components embed Account in their
// Args, so args.Partition, args.Region and args.AccountID read as before.
package awsarn

import "strings"

// Account is the partition, region and account a stack deploys into.
type Account struct {
	// Partition is aws, aws-cn or aws-us-gov.
	Partition string
	// Region is the stack's region (for regional ARNs).
	Region string
	// AccountID is the 12-digit account ID.
	AccountID string
}

// Missing names the fields that are not set, for an Args validation
// ("Partition, AccountID").
func (a Account) Missing(fields ...string) string {
	var out []string
	for _, f := range fields {
		if (f == "Partition" && a.Partition == "") || (f == "Region" && a.Region == "") || (f == "AccountID" && a.AccountID == "") {
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}

// ARN is a regional resource's ARN in this account:
// arn:<partition>:<service>:<region>:<account>:<resource>.
func (a Account) ARN(service, resource string) string {
	return "arn:" + a.Partition + ":" + service + ":" + a.Region + ":" + a.AccountID + ":" + resource
}

// Global is a global resource's ARN in this account (IAM, budgets):
// arn:<partition>:<service>::<account>:<resource>.
func (a Account) Global(service, resource string) string {
	return "arn:" + a.Partition + ":" + service + "::" + a.AccountID + ":" + resource
}

// Role is an IAM role's ARN; name may carry a path ("aws-service-role/x/Name").
func (a Account) Role(name string) string { return a.Global("iam", "role/"+name) }

// Policy is a customer-managed IAM policy's ARN.
func (a Account) Policy(name string) string { return a.Global("iam", "policy/"+name) }

// Root is the account's root principal.
func (a Account) Root() string { return a.Global("iam", "root") }

// ManagedPolicy is an AWS managed policy's ARN (no account).
func (a Account) ManagedPolicy(name string) string {
	return "arn:" + a.Partition + ":iam::aws:policy/" + name
}

// S3 is a bucket's (or object's: "bucket/key") ARN (no region, no account).
func (a Account) S3(path string) string { return "arn:" + a.Partition + ":s3:::" + path }
