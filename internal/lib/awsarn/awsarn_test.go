package awsarn

import "testing"

func TestARNs(t *testing.T) {
	a := Account{Partition: "aws-us-gov", Region: "us-gov-west-1", AccountID: "123456789012"}
	for got, want := range map[string]string{
		a.ARN("sqs", "q"):                 "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q",
		a.Global("budgets", "budget/b"):   "arn:aws-us-gov:budgets::123456789012:budget/b",
		a.Role("aws-service-role/x/Y"):    "arn:aws-us-gov:iam::123456789012:role/aws-service-role/x/Y",
		a.Policy("p"):                     "arn:aws-us-gov:iam::123456789012:policy/p",
		a.Root():                          "arn:aws-us-gov:iam::123456789012:root",
		a.ManagedPolicy("ReadOnlyAccess"): "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
		a.S3("bucket/key"):                "arn:aws-us-gov:s3:::bucket/key",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	if m := (Account{Region: "r"}).Missing("Partition", "Region", "AccountID"); m != "Partition, AccountID" {
		t.Errorf("Missing: %q", m)
	}
}
