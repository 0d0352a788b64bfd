package access

import "testing"

// TestConditionOperators follows the IAM User Guide's pages
// reference_policies_elements_condition_operators.html (operators,
// ...IfExists, Null) and
// reference_policies_condition-single-vs-multi-valued-context-keys.html
// (ForAnyValue, ForAllValues).
func TestConditionOperators(t *testing.T) {
	cases := []struct {
		name string
		op   string
		key  string
		vals []string
		ctx  Context
		want tri
	}{
		{"StringEquals matches one of the values", "StringEquals", "aws:PrincipalTag/job", []string{"iamuser-admin", "iamuser-dev"}, Context{"aws:PrincipalTag/job": {"iamuser-dev"}}, yes},
		{"StringEquals keys compare without case", "StringEquals", "AWS:principaltag/job", []string{"a"}, Context{"aws:PrincipalTag/job": {"a"}}, yes},
		{"StringEquals values compare with case", "StringEquals", "k", []string{"A"}, Context{"k": {"a"}}, no},
		{"StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "k", []string{"A"}, Context{"k": {"a"}}, yes},
		{"StringEquals with the key absent", "StringEquals", "k", []string{"a"}, Context{}, no},
		{"StringNotEquals with the key absent is true", "StringNotEquals", "aws:SourceVpce", []string{"vpce-1"}, Context{}, yes},
		{"StringNotEquals with a listed value", "StringNotEquals", "k", []string{"a", "b"}, Context{"k": {"b"}}, no},
		{"StringNotEquals with another value", "StringNotEquals", "k", []string{"a", "b"}, Context{"k": {"c"}}, yes},
		{"StringLike glob", "StringLike", "s3:prefix", []string{"home/*"}, Context{"s3:prefix": {"home/alice/"}}, yes},
		{"StringNotLike", "StringNotLike", "s3:prefix", []string{"home/*"}, Context{"s3:prefix": {"tmp/"}}, yes},
		{"StringLikeIfExists, key absent", "StringLikeIfExists", "ec2:InstanceType", []string{"t1.*", "t2.*", "m3.*"}, Context{}, yes},
		{"StringLikeIfExists, key present, no match", "StringLikeIfExists", "ec2:InstanceType", []string{"t1.*", "t2.*", "m3.*"}, Context{"ec2:InstanceType": {"p5.48xlarge"}}, no},
		{"NumericLessThanEquals", "NumericLessThanEquals", "s3:max-keys", []string{"10"}, Context{"s3:max-keys": {"10"}}, yes},
		{"NumericGreaterThan", "NumericGreaterThan", "n", []string{"10"}, Context{"n": {"9"}}, no},
		{"NumericEquals malformed policy value", "NumericEquals", "n", []string{"ten"}, Context{"n": {"10"}}, no},
		{"DateGreaterThan", "DateGreaterThan", "aws:CurrentTime", []string{"2020-04-01T00:00:00Z"}, Context{"aws:CurrentTime": {"2026-12-07T00:00:00Z"}}, yes},
		{"DateLessThan epoch", "DateLessThan", "aws:EpochTime", []string{"1600000000"}, Context{"aws:EpochTime": {"1700000000"}}, no},
		{"Bool", "Bool", "aws:SecureTransport", []string{"false"}, Context{"aws:SecureTransport": {"true"}}, no},
		{"Bool absent", "Bool", "aws:SecureTransport", []string{"false"}, Context{}, no},
		{"BoolIfExists absent", "BoolIfExists", "aws:ViaAWSService", []string{"false"}, Context{}, yes},
		{"BinaryEquals", "BinaryEquals", "k", []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, Context{"k": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, yes},
		{"IpAddress in range", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, Context{"aws:SourceIp": {"203.0.113.7"}}, yes},
		{"NotIpAddress out of range", "NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, Context{"aws:SourceIp": {"198.51.100.1"}}, yes},
		{"ArnLike with wildcards per part", "ArnLike", "aws:SourceArn", []string{"arn:aws:sagemaker:*:111122223333:training-job/*"}, Context{"aws:SourceArn": {"arn:aws:sagemaker:us-east-1:111122223333:training-job/x"}}, yes},
		{"ArnLike other account", "ArnLike", "aws:SourceArn", []string{"arn:aws:sagemaker:*:111122223333:*"}, Context{"aws:SourceArn": {"arn:aws:sagemaker:us-east-1:444455556666:training-job/x"}}, no},
		{"ArnNotLikeIfExists, absent", "ArnNotLikeIfExists", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/x"}, Context{}, yes},
		{"ArnNotLike, matching", "ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/x"}, Context{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/x"}}, no},
		{"Null true, key absent", "Null", "aws:TokenIssueTime", []string{"true"}, Context{}, yes},
		{"Null true, key present", "Null", "aws:TokenIssueTime", []string{"true"}, Context{"aws:TokenIssueTime": {"x"}}, no},
		{"Null false, key present", "Null", "aws:TokenIssueTime", []string{"false"}, Context{"aws:TokenIssueTime": {"x"}}, yes},
		// Multi-valued keys.
		{"ForAllValues all allowed", "ForAllValues:StringEquals", "aws:TagKeys", []string{"environment", "cost-center"}, Context{"aws:TagKeys": {"environment"}}, yes},
		{"ForAllValues one outside", "ForAllValues:StringEquals", "aws:TagKeys", []string{"environment", "cost-center"}, Context{"aws:TagKeys": {"environment", "owner"}}, no},
		{"ForAllValues with the key absent is true", "ForAllValues:StringEquals", "aws:TagKeys", []string{"environment"}, Context{}, yes},
		{"ForAnyValue one matches", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"environment", "cost-center"}, Context{"aws:TagKeys": {"owner", "environment"}}, yes},
		{"ForAnyValue with the key absent is false", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"environment"}, Context{}, no},
		{"ForAnyValue:StringLike aws:CalledVia", "ForAnyValue:StringLike", "aws:CalledVia", []string{"s3.amazonaws.com"}, Context{"aws:CalledVia": {"athena.amazonaws.com", "s3.amazonaws.com"}}, yes},
		{"ForAllValues:StringNotEquals", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"secret"}, Context{"aws:TagKeys": {"a", "b"}}, yes},
		{"ForAnyValue:StringNotEquals", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"a"}, Context{"aws:TagKeys": {"a"}}, no},
		// What cannot be known.
		{"unknown context value", "StringEquals", "aws:SourceVpce", []string{"vpce-1"}, Context{"aws:SourceVpce": {Unknown}}, maybe},
		{"unmodelled operator", "StringSomething", "k", []string{"a"}, Context{"k": {"a"}}, maybe},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := condition(c.op, map[string][]string{c.key: c.vals}, c.ctx)
			if got != c.want {
				t.Errorf("%s %s %v with %v = %v, want %v", c.op, c.key, c.vals, c.ctx, got, c.want)
			}
		})
	}
}

// TestConditionBlockIsAnd: keys in one operator block and operator blocks
// in one statement are ANDed (reference_policies_condition-logic-multiple-context-keys-or-values.html).
func TestConditionBlockIsAnd(t *testing.T) {
	st := Statement{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"},
		Condition: map[string]map[string][]string{
			"StringEquals": {"aws:PrincipalTag/dept": {"ml"}, "aws:ResourceTag/dept": {"ml"}},
			"Bool":         {"aws:SecureTransport": {"true"}},
		}}
	req := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	full := Context{"aws:PrincipalTag/dept": {"ml"}, "aws:ResourceTag/dept": {"ml"}, "aws:SecureTransport": {"true"}}
	if got, _ := applies(st, req, full); got != yes {
		t.Fatalf("all conditions hold: got %v", got)
	}
	for _, drop := range []string{"aws:PrincipalTag/dept", "aws:ResourceTag/dept", "aws:SecureTransport"} {
		ctx := Context{}
		for k, v := range full {
			if k != drop {
				ctx[k] = v
			}
		}
		if got, _ := applies(st, req, ctx); got != no {
			t.Errorf("without %s: got %v, want no", drop, got)
		}
	}
}
