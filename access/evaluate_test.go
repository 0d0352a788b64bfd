package access

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	acctA = "111122223333"
	acctB = "444455556666"
)

func mustPolicy(t *testing.T, name, text string) *Policy {
	t.Helper()
	p, err := ParseJSON(name, text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func world(t *testing.T) *World {
	t.Helper()
	return &World{Partition: "aws", Region: "us-east-1", Account: acctA,
		Roles: map[string]*Role{}, ResourcePolicies: map[string]*Policy{}, Owned: map[string]bool{},
		Endpoints: map[string]*Endpoint{}, BucketKeys: map[string]BucketKey{}}
}

// ownDemoBucket puts the documentation's bucket in the world, without a policy.
func ownDemoBucket(w *World) { w.Owned["arn:aws:s3:::amzn-s3-demo-bucket"] = true }

func role(w *World, t *testing.T, arn, trust string, identity ...string) {
	t.Helper()
	r := &Role{ARN: arn}
	if trust != "" {
		r.Trust = mustPolicy(t, "trust", trust)
	}
	for i, doc := range identity {
		r.Identity = append(r.Identity, mustPolicy(t, "identity"+string(rune('0'+i)), doc))
	}
	w.Roles[arn] = r
	w.Owned[arn] = true
}

// TestEvaluationLogic follows the worked examples of the IAM User Guide.
func TestEvaluationLogic(t *testing.T) {
	dev := "arn:aws:iam::" + acctA + ":role/dev"
	bucket := "arn:aws:s3:::amzn-s3-demo-bucket"
	cases := []struct {
		name, source string
		setup        func(*World)
		req          Request
		want         Decision
		wantStmt     string
	}{
		{
			// "Policy evaluation logic": by default all requests are implicitly denied.
			name: "no policy allows", source: "reference_policies_evaluation-logic.html",
			setup: func(w *World) { role(w, t, dev, ""); ownDemoBucket(w) },
			req:   Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"},
			want:  ImplicitDeny,
		},
		{
			// An allow in an identity-based policy overrides the default deny.
			name: "identity allow with a wildcard action", source: "reference_policies_evaluation-logic.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"`+bucket+`/*"}}`)
				ownDemoBucket(w)
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"}, want: Allow,
			wantStmt: "identity0 Allow #0",
		},
		{
			// An explicit deny in any policy overrides any allow.
			name: "explicit deny overrides allow", source: "reference_policies_evaluation-logic.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
					{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`)
			},
			req: Request{Principal: dev, Action: "s3:DeleteObject", Resource: bucket + "/a"}, want: Deny,
			wantStmt: "identity0 Deny NoDelete",
		},
		{
			// Within one account, a resource-based policy that names the role
			// allows even when no identity policy does.
			name: "same account: resource policy naming the role", source: "reference_policies_evaluation-logic.html#policy-eval-basics",
			setup: func(w *World) {
				role(w, t, dev, "")
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+dev+`"},"Action":"s3:GetObject","Resource":"`+bucket+`/*"}}`)
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"}, want: Allow,
		},
		{
			// Naming the account in a resource policy delegates to the
			// account's identity policies: alone it allows nothing.
			name: "same account: resource policy naming the account", source: "reference_policies_elements_principal.html#principal-accounts",
			setup: func(w *World) {
				role(w, t, dev, "")
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"s3:GetObject","Resource":"`+bucket+`/*"}}`)
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"}, want: ImplicitDeny,
		},
		{
			// "Cross-account policy evaluation logic": the identity policy in
			// the requesting account and the resource policy in the trusting
			// account must both allow.
			name: "cross account: resource policy alone", source: "reference_policies_evaluation-logic-cross-account.html",
			setup: func(w *World) {
				w.Account = acctB
				role(w, t, dev, "")
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"s3:GetObject","Resource":"`+bucket+`/*"}}`)
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"}, want: ImplicitDeny,
		},
		{
			name: "cross account: both allow", source: "reference_policies_evaluation-logic-cross-account.html",
			setup: func(w *World) {
				w.Account = acctB
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"s3:GetObject","Resource":"`+bucket+`/*"}}`)
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"}, want: Allow,
		},
		{
			name: "cross account: identity allows, no resource statement", source: "reference_policies_evaluation-logic-cross-account.html",
			setup: func(w *World) {
				w.Account = acctB
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+acctB+`"},"Action":"s3:GetObject","Resource":"`+bucket+`/*"}}`)
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"}, want: ImplicitDeny,
		},
		{
			// NotPrincipal with Deny: everyone but the listed principals is denied.
			name: "NotPrincipal deny spares the listed role", source: "reference_policies_elements_notprincipal.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Sid":"OnlyAdmin","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::`+acctA+`:role/admin"]},"Action":"s3:*","Resource":["`+bucket+`","`+bucket+`/*"]}}`)
			},
			req: Request{Principal: dev, Action: "s3:PutObject", Resource: bucket + "/a"}, want: Deny,
			wantStmt: "bucket Deny OnlyAdmin",
		},
		{
			// NotAction with Allow allows everything but the listed actions.
			name: "NotAction allow excludes IAM", source: "reference_policies_elements_notaction.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`)
			},
			req:  Request{Principal: dev, Action: "iam:CreateUser", Resource: "arn:aws:iam::" + acctA + ":user/x"},
			want: ImplicitDeny,
		},
		{
			// NotResource: deny everything outside one bucket.
			name: "NotResource deny outside the bucket", source: "reference_policies_elements_notresource.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
					{"Sid":"OnlyMine","Effect":"Deny","Action":"s3:*","NotResource":["`+bucket+`","`+bucket+`/*"]}]}`)
			},
			req:  Request{Principal: dev, Action: "s3:GetObject", Resource: "arn:aws:s3:::other/a"},
			want: Deny, wantStmt: "identity0 Deny OnlyMine",
		},
		{
			// A key policy that neither allows the principal nor delegates to
			// the account denies, whatever IAM says ("Determining access to a
			// KMS key", KMS developer guide determining-access.html).
			name: "KMS: key policy without root delegation", source: "kms/latest/developerguide/determining-access-key-policy.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}`)
				key := "arn:aws:kms:us-east-1:" + acctA + ":key/1"
				w.Owned[key] = true
				w.ResourcePolicies[key] = mustPolicy(t, "key", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:role/admin"},"Action":"kms:*","Resource":"*"}}`)
			},
			req:  Request{Principal: dev, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:" + acctA + ":key/1"},
			want: ImplicitDeny,
		},
		{
			// The default key policy's root statement lets IAM policies grant.
			name: "KMS: root delegation and an identity allow", source: "kms/latest/developerguide/key-policy-default.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}`)
				key := "arn:aws:kms:us-east-1:" + acctA + ":key/1"
				w.Owned[key] = true
				w.ResourcePolicies[key] = mustPolicy(t, "key", `{"Statement":{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"kms:*","Resource":"*"}}`)
			},
			req:  Request{Principal: dev, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:" + acctA + ":key/1"},
			want: Allow,
		},
		{
			name: "KMS: root delegation without an identity allow", source: "kms/latest/developerguide/key-policy-default.html",
			setup: func(w *World) {
				role(w, t, dev, "")
				key := "arn:aws:kms:us-east-1:" + acctA + ":key/1"
				w.Owned[key] = true
				w.ResourcePolicies[key] = mustPolicy(t, "key", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"kms:*","Resource":"*"}}`)
			},
			req:  Request{Principal: dev, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:" + acctA + ":key/1"},
			want: ImplicitDeny,
		},
		{
			// kms:ViaService limits a key to requests from one service.
			name: "KMS: kms:ViaService", source: "kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
			setup: func(w *World) {
				role(w, t, dev, "")
				key := "arn:aws:kms:us-east-1:" + acctA + ":key/1"
				w.Owned[key] = true
				w.ResourcePolicies[key] = mustPolicy(t, "key", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+dev+`"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}}`)
			},
			req:  Request{Principal: dev, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:" + acctA + ":key/1"},
			want: ImplicitDeny,
		},
		{
			// A role's trust policy decides sts:AssumeRole for a service.
			name: "trust: service principal with aws:SourceAccount", source: "confused-deputy.html",
			setup: func(w *World) {
				role(w, t, dev, `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"`+acctA+`"}}}}`)
			},
			req: Request{Principal: "service:sagemaker.amazonaws.com", Action: "sts:AssumeRole", Resource: dev,
				Context: Context{"aws:SourceAccount": {acctA}}},
			want: Allow,
		},
		{
			name: "trust: another account's resource as source", source: "confused-deputy.html",
			setup: func(w *World) {
				role(w, t, dev, `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"`+acctA+`"}}}}`)
			},
			req: Request{Principal: "service:sagemaker.amazonaws.com", Action: "sts:AssumeRole", Resource: dev,
				Context: Context{"aws:SourceAccount": {acctB}}},
			want: ImplicitDeny,
		},
		{
			// A trust policy naming the account needs the caller's own allow.
			name: "trust: account root and no identity allow", source: "id_roles_common-scenarios_aws-accounts.html",
			setup: func(w *World) {
				role(w, t, "arn:aws:iam::"+acctA+":role/target", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"sts:AssumeRole"}}`)
				role(w, t, dev, "")
			},
			req:  Request{Principal: dev, Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + acctA + ":role/target"},
			want: ImplicitDeny,
		},
		{
			// The VPC endpoint policy must allow what passes through it.
			name: "VPC endpoint policy refuses another bucket", source: "vpc-endpoints-s3.html#vpc-endpoints-policies-s3",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
				w.Endpoints["vpce-1"] = &Endpoint{ID: "vpce-1", Policy: mustPolicy(t, "endpoint", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["`+bucket+`","`+bucket+`/*"]}}`)}
			},
			req: Request{Principal: dev, Action: "s3:GetObject", Resource: "arn:aws:s3:::other/a",
				Context: Context{"aws:SourceVpce": {"vpce-1"}}},
			want: ImplicitDeny,
		},
		{
			// aws:SourceVpce: a bucket that denies requests from elsewhere.
			name: "bucket policy: deny outside the endpoint", source: "example-bucket-policies-vpc-endpoint.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Sid":"Access-to-specific-VPCE-only","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["`+bucket+`","`+bucket+`/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}`)
			},
			req:  Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a"},
			want: Deny, wantStmt: "bucket Deny Access-to-specific-VPCE-only",
		},
		{
			name: "bucket policy: through the endpoint", source: "example-bucket-policies-vpc-endpoint.html",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["`+bucket+`","`+bucket+`/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}`)
				w.Endpoints["vpce-1a2b3c4d"] = &Endpoint{ID: "vpce-1a2b3c4d"} // the default full-access policy
			},
			req:  Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a", Context: Context{"aws:SourceVpce": {"vpce-1a2b3c4d"}}},
			want: Allow,
		},
		{
			// A value that cannot be known leaves the answer unknown.
			name: "unknown context value", source: "(evaluator contract)",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
				w.Owned[bucket] = true
				w.ResourcePolicies[bucket] = mustPolicy(t, "bucket", `{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["`+bucket+`","`+bucket+`/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}}`)
			},
			req:  Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/a", Context: Context{"aws:SourceVpce": {Unknown}}},
			want: Undecided,
		},
		{
			name: "a bucket outside the stack, assumed to allow", source: "(evaluator contract)",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
			},
			req:  Request{Principal: dev, Action: "s3:GetObject", Resource: "arn:aws:s3:::someone-elses/a", Assume: "an AWS-owned bucket"},
			want: Allow,
		},
		{
			name: "a role outside the stack", source: "(evaluator contract)",
			setup: func(w *World) { ownDemoBucket(w) },
			req:   Request{Principal: "arn:aws:iam::" + acctA + ":role/elsewhere", Action: "s3:GetObject", Resource: bucket + "/a"},
			want:  Undecided,
		},
		{
			name: "an account principal against a bucket without a grant", source: "(evaluator contract)",
			setup: func(w *World) { ownDemoBucket(w) },
			req:   Request{Principal: "account:" + acctB, Action: "s3:GetObject", Resource: bucket + "/a"},
			want:  ImplicitDeny,
		},
		{
			name: "a bucket outside the stack", source: "(evaluator contract)",
			setup: func(w *World) {
				role(w, t, dev, "", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
			},
			req:  Request{Principal: dev, Action: "s3:GetObject", Resource: "arn:aws:s3:::someone-elses/a"},
			want: Undecided,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := world(t)
			c.setup(w)
			got := w.Evaluate(c.req)
			if got.Decision != c.want {
				b, _ := json.MarshalIndent(got, "", "  ")
				t.Fatalf("%s (%s): decision %s, want %s\n%s", c.name, c.source, got.Decision, c.want, b)
			}
			if c.wantStmt != "" && !contains(got.Statements, c.wantStmt) {
				t.Errorf("statements %q lack %q", got.Statements, c.wantStmt)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestSSEKMSStep: reading an SSE-KMS object needs kms:Decrypt through S3
// (S3 user guide, UsingKMSEncryption.html#aws-managed-customer-managed-keys).
func TestSSEKMSStep(t *testing.T) {
	dev := "arn:aws:iam::" + acctA + ":role/dev"
	bucket := "arn:aws:s3:::data"
	key := "arn:aws:kms:us-east-1:" + acctA + ":key/1"
	keyPolicy := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"kms:*","Resource":"*"}]}`
	for _, c := range []struct {
		name     string
		identity string
		want     Decision
	}{
		{"s3 only", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, ImplicitDeny},
		{"s3 and kms through s3", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
			{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"},"ArnLike":{"kms:EncryptionContext:aws:s3:arn":"` + bucket + `"}}}]}`, Allow},
		{"kms through another service", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
			{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com"}}}]}`, ImplicitDeny},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := world(t)
			role(w, t, dev, "", c.identity)
			w.Owned[bucket], w.Owned[key] = true, true
			w.ResourcePolicies[key] = mustPolicy(t, "key", keyPolicy)
			w.BucketKeys["data"] = BucketKey{KeyARN: key, BucketKeyEnabled: true}
			w.Endpoints["vpce-1"] = &Endpoint{ID: "vpce-1"}
			got := w.Evaluate(Request{Principal: dev, Action: "s3:GetObject", Resource: bucket + "/x",
				Context: Context{"aws:SourceVpce": {"vpce-1"}}})
			if got.Decision != c.want {
				t.Fatalf("decision %s, want %s: %+v", got.Decision, c.want, got)
			}
			if len(got.Steps) != 1 || got.Steps[0].Request.Action != "kms:Decrypt" || got.Steps[0].Request.Context.has("aws:SourceVpce") {
				t.Errorf("want one kms:Decrypt step without the caller's endpoint: %+v", got.Steps)
			}
		})
	}
}

func TestParsePrincipal(t *testing.T) {
	for in, want := range map[string]Principal{
		"arn:aws:iam::111122223333:role/a/b":                  {Kind: KindRole, ARN: "arn:aws:iam::111122223333:role/a/b", Account: acctA, Partition: "aws"},
		"arn:aws:sts::111122223333:assumed-role/r/session":    {Kind: KindRole, ARN: "arn:aws:iam::111122223333:role/r", Account: acctA, Partition: "aws"},
		"service:bedrock.amazonaws.com":                       {Kind: KindService, Service: "bedrock.amazonaws.com"},
		"account:444455556666":                                {Kind: KindAccount, Account: acctB, Partition: "aws"},
		"arn:aws-us-gov:iam::111122223333:root":               {Kind: KindRoot, ARN: "arn:aws-us-gov:iam::111122223333:root", Account: acctA, Partition: "aws-us-gov"},
		"arn:aws:iam::111122223333:user/alice":                {Kind: KindUser, ARN: "arn:aws:iam::111122223333:user/alice", Account: acctA, Partition: "aws"},
		"federated:arn:aws:iam::111122223333:oidc-provider/x": {Kind: KindFederated, ARN: "arn:aws:iam::111122223333:oidc-provider/x", Account: acctA, Partition: "aws"},
	} {
		got, err := ParsePrincipal(in)
		if err != nil || got != want {
			t.Errorf("ParsePrincipal(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "service:s3", "account:12", "arn:aws:s3:::bucket", "role/x"} {
		if _, err := ParsePrincipal(bad); err == nil {
			t.Errorf("ParsePrincipal(%q): want an error", bad)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*c", "abbbc", true}, {"a*c", "abbb", false}, {"a?c", "abc", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"*a*b*", "xaxxbx", true}, {"**", "x", true},
	} {
		if Glob(c.p, c.s) != c.want {
			t.Errorf("Glob(%q, %q) != %v", c.p, c.s, c.want)
		}
	}
	if !ActionMatches("S3:get*", "s3:GetObject") {
		t.Error("actions compare without case")
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		`{"Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}}`,
		`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"someone"}}`,
		`{}`, `[1]`,
	} {
		if _, err := ParseJSON("doc", bad); err == nil || !strings.Contains(err.Error(), "doc") {
			t.Errorf("ParseJSON(%s): want an error naming the document, got %v", bad, err)
		}
	}
}
