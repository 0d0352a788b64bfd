package storage

import (
	"slices"

	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
)

// FSxKeyGrant is the key statement FSx for Lustre needs to read and write
// the SSE-KMS objects of buckets a data repository association links,
// through S3. FSx reaches them as a service-linked role named after each
// file system (AWSServiceRoleForFSxS3Access_<fs-id>), which does not exist
// before the file system and so cannot be named; the statement is the FSx
// user guide's account-wide variant ("Working with server-side encrypted
// Amazon S3 buckets"), limited to calls through S3 from this account in
// FSx's session.
func FSxKeyGrant(a awsarn.Account) iamdoc.Statement {
	return iamdoc.Statement{
		Sid:       "AllowFSxDataRepositoriesThroughS3",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{AWS: []string{"*"}},
		Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
		Resource:  []string{"*"},
		Condition: iamdoc.Condition{
			"StringEquals": {"kms:CallerAccount": {a.AccountID}, "kms:ViaService": {"s3." + a.Region + ".amazonaws.com"}},
			"StringLike":   {"aws:userid": {"*:FSx"}},
		},
	}
}

// S3ReadersKeyGrant lets other accounts read objects the key encrypts,
// through S3 in the key's region only (stacks there promote this stack's
// models); an identity policy in that account must grant the same.
func S3ReadersKeyGrant(accountIDs []string) func(awsarn.Account) iamdoc.Statement {
	return func(a awsarn.Account) iamdoc.Statement {
		var roots []string
		for _, id := range accountIDs {
			roots = append(roots, awsarn.Account{Partition: a.Partition, AccountID: id}.Root())
		}
		slices.Sort(roots)
		return iamdoc.Statement{
			Sid:       "AllowReaderAccountsThroughS3",
			Effect:    "Allow",
			Principal: &iamdoc.Principal{AWS: slices.Compact(roots)},
			Action:    []string{"kms:Decrypt", "kms:DescribeKey"},
			Resource:  []string{"*"},
			Condition: iamdoc.Condition{"StringEquals": {"kms:ViaService": {"s3." + a.Region + ".amazonaws.com"}}},
		}
	}
}
