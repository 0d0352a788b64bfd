package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/access"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// edited previews a shipped stack with one config area changed.
func edited(t *testing.T, stack, key string, edit func(map[string]any)) *offline.Result {
	t.Helper()
	project, values := shipped(t, stack)
	area := map[string]any{}
	if raw, ok := values[key]; ok {
		require.NoError(t, json.Unmarshal([]byte(raw), &area))
	}
	edit(area)
	raw, err := json.Marshal(area)
	require.NoError(t, err)
	values[key] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: stack, Values: values, Dir: root})
	require.NoError(t, err)
	return res
}

// flowNamed returns the flow of that name.
func flowNamed(t *testing.T, flows []rules.FlowResult, name string) rules.FlowResult {
	t.Helper()
	for _, f := range flows {
		if f.Name == name {
			return f
		}
	}
	var names []string
	for _, f := range flows {
		names = append(names, f.Name)
	}
	t.Fatalf("no flow %q among %q", name, names)
	return rules.FlowResult{}
}

// editDocument rewrites the JSON policy document at prop of the resource
// of type typ and name: the way a fault shipped, for the failing-before
// half of a test.
func editDocument(t *testing.T, rs []rules.Resource, typ, name, prop string, edit func(doc map[string]any)) []rules.Resource {
	t.Helper()
	out := slices.Clone(rs)
	for i, r := range out {
		if r.Type != typ || r.Name != name {
			continue
		}
		v, ok := r.Properties.GetOk(prop)
		require.True(t, ok && v.IsString(), "%s %s has no %s", typ, name, prop)
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(v.AsString()), &doc))
		edit(doc)
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		out[i].Properties = r.Properties.Set(prop, property.New(string(b)))
		return out
	}
	t.Fatalf("no %s named %s", typ, name)
	return nil
}

func statementsOf(doc map[string]any) []map[string]any {
	var out []map[string]any
	for _, s := range doc["Statement"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func dropStatement(doc map[string]any, sid string) {
	var keep []any
	for _, s := range statementsOf(doc) {
		if s["Sid"] != sid {
			keep = append(keep, s)
		}
	}
	doc["Statement"] = keep
}

// TestShippedStacksFlowsHold: in both shipped stacks every declared flow
// evaluates as declared, none is unknown, and access-flows-hold is quiet.
func TestShippedStacksFlowsHold(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			flows := rules.EvaluateFlows(offline.PolicyResources(res.Registered))
			require.GreaterOrEqual(t, len(flows), 15)
			components := map[string]bool{}
			for _, f := range flows {
				components[f.Component] = true
				require.True(t, f.Holds, f.Explain())
				require.NotEqual(t, access.Undecided, f.Decision, f.Name)
			}
			for _, c := range []string{"storage", "sagemaker", "bedrock", "cluster", "network"} {
				require.True(t, components[c], "%s declares flows", c)
			}
			for _, v := range res.Violations {
				require.NotEqual(t, "access-flows-hold", v.Policy, v.Message)
			}
		})
	}
}

// TestAccessFaults: each fault of the access review (issue "Access flows",
// items 1-9) has a flow that fails when the policy is put back as it
// shipped, and holds as the stack builds it now.
func TestAccessFaults(t *testing.T) {
	prodKB := func(t *testing.T) *offline.Result {
		return edited(t, "prod", config.KeyBedrock, func(b map[string]any) {
			b["knowledgeBase"] = map[string]any{"indexAdminRoleArns": []string{"arn:aws:iam::123456789012:role/platform-admin"}, "indexCreated": true}
		})
	}
	// Dev is the stack others promote from: its buckets have no endpoint
	// restriction, so only the reader grants stand between a reader and
	// the data.
	devReaders := func(t *testing.T) *offline.Result {
		return edited(t, "dev", config.KeySageMaker, func(s map[string]any) {
			s["modelPackageGroups"] = []any{map[string]any{"name": "churn", "readerAccountIds": []any{"210987654321"}}}
		})
	}
	const jobsRole = "arn:aws:iam::123456789012:role/ml-platform-prod-sagemaker"
	cases := []struct {
		item, flow string
		stack      func(*testing.T) *offline.Result
		// asShipped puts the fault back.
		asShipped func(t *testing.T, rs []rules.Resource) []rules.Resource
	}{
		{"1 JsonGet", "Pipelines resolves JsonGet on the evaluation report", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:s3/bucketPolicy:BucketPolicy", "buckets-artifacts-policy", "policy", func(doc map[string]any) {
					for _, s := range statementsOf(doc) {
						if s["Sid"] == "DenyObjectsOutsideVPCEndpoint" {
							c := s["Condition"].(map[string]any)["ArnNotLikeIfExists"].(map[string]any)
							c["aws:PrincipalArn"] = slices.DeleteFunc(c["aws:PrincipalArn"].([]any), func(a any) bool { return a == jobsRole })
						}
					}
				})
			}},
		{"2 KB listing", "the knowledge base lists its documents", prodKB,
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:s3/bucketPolicy:BucketPolicy", "buckets-training-data-policy", "policy", func(doc map[string]any) {
					for _, s := range statementsOf(doc) {
						if s["Sid"] == "DenyServiceRolesOutsideTheirPrefixes" {
							s["Action"] = append(s["Action"].([]any), "s3:ListBucket")
						}
					}
					dropStatement(doc, "DenyServiceRolesListingOutsideTheirPrefixes")
				})
			}},
		{"3 Studio", "a Studio user opens a space", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:iam/rolePolicy:RolePolicy", "sagemaker-studio", "policy", func(doc map[string]any) {
					dropStatement(doc, "StudioSpaces")
					dropStatement(doc, "StudioLists")
				})
			}},
		{"4 budget trust", "AWS Budgets assumes the budget action role", func(t *testing.T) *offline.Result { return preview(t, "dev") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:iam/role:Role", "cost-budget-action", "assumeRolePolicy", func(doc map[string]any) {
					c := statementsOf(doc)[0]["Condition"].(map[string]any)["ArnLike"].(map[string]any)
					c["aws:SourceArn"] = "arn:aws:budgets::123456789012:budget/ml-platform-dev-monthly/action/*"
				})
			}},
		{"5 one identity", "a Studio user overwrites or deletes a model", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:iam/rolePolicy:RolePolicy", "sagemaker-studio", "policy", func(doc map[string]any) {
					doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Sid": "ProjectBuckets", "Effect": "Allow",
						"Action": []any{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, "Resource": "arn:aws:s3:::ml-platform-prod-*"})
				})
			}},
		{"6 readers", "reader account 210987654321 reads data capture", devReaders,
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:s3/bucketPolicy:BucketPolicy", "buckets-artifacts-policy", "policy", func(doc map[string]any) {
					for _, s := range statementsOf(doc) {
						if s["Sid"] == "ReaderAccountsGet" {
							s["Resource"] = []any{strings.TrimSuffix(s["Resource"].([]any)[0].(string), "pipelines/*") + "*"}
						}
					}
				})
			}},
		{"6 approval", "reader account 210987654321 approves a churn model package", devReaders,
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "sagemaker-registry-churn",
					"resourcePolicy", func(doc map[string]any) {
						for _, s := range statementsOf(doc) {
							if s["Sid"] == "UseItsPackages" {
								s["Action"] = append(s["Action"].([]any), "sagemaker:UpdateModelPackage")
							}
						}
					})
			}},
		{"7 pod identity", "a pod in another namespace assumes Karpenter's controller's role", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:iam/role:Role", "karpenter-controller", "assumeRolePolicy", func(doc map[string]any) {
					statementsOf(doc)[0]["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}
				})
			}},
		{"8 endpoint policy", "another account's credentials copy data to its own bucket through the S3 endpoint", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				out := slices.Clone(rs)
				for i, r := range out {
					if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" && r.Name == "network-s3" {
						out[i].Properties = r.Properties.Delete("policy")
					}
				}
				return out
			}},
		{"8 interface endpoint policy", "another account's credentials use their own key through the KMS endpoint", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				out := slices.Clone(rs)
				for i, r := range out {
					if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" && r.Name == "network-kms" {
						out[i].Properties = r.Properties.Delete("policy")
					}
				}
				return out
			}},
		{"9 object actions", "a principal outside the VPC endpoint changes ACLs, tags, retention or restores objects", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:s3/bucketPolicy:BucketPolicy", "buckets-training-data-policy", "policy", func(doc map[string]any) {
					for _, s := range statementsOf(doc) {
						if s["Sid"] == "DenyObjectsOutsideVPCEndpoint" {
							s["Action"] = []any{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:GetObjectVersion",
								"s3:ListBucket", "s3:ListBucketVersions", "s3:PutObject"}
						}
					}
				})
			}},
		{"9 forward access", "a principal outside the VPC endpoint reaches training data through another AWS service", func(t *testing.T) *offline.Result { return preview(t, "prod") },
			func(t *testing.T, rs []rules.Resource) []rules.Resource {
				return editDocument(t, rs, "aws:s3/bucketPolicy:BucketPolicy", "buckets-training-data-policy", "policy", func(doc map[string]any) {
					for _, s := range statementsOf(doc) {
						if s["Sid"] == "DenyObjectsOutsideVPCEndpoint" {
							s["Condition"].(map[string]any)["BoolIfExists"].(map[string]any)["aws:ViaAWSService"] = "false"
						}
					}
				})
			}},
	}
	for _, c := range cases {
		t.Run(c.item, func(t *testing.T) {
			rs := offline.PolicyResources(c.stack(t).Registered)
			now := flowNamed(t, rules.EvaluateFlows(rs), c.flow)
			require.True(t, now.Holds, now.Explain())
			before := flowNamed(t, rules.EvaluateFlows(c.asShipped(t, rs)), c.flow)
			require.False(t, before.Holds, "%s: the flow must fail with the policy as it shipped (got %s)", c.item, before.Decision)
			require.NotEqual(t, access.Undecided, before.Decision)
		})
	}
}

// TestAccessCommand: `offline access` prints the matrix, exits 0 when every
// flow holds, answers ad-hoc queries, and refuses a malformed query file.
func TestAccessCommand(t *testing.T) {
	code, out, errOut := cli(t, "access", "--dir", root, "--stack", "prod")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "Access flows of stack prod:")
	require.Contains(t, out, "ok   allow  allow          Pipelines resolves JsonGet on the evaluation report")

	query := writeFile(t, "query.json", `[
	  {"principal": "arn:aws:iam::123456789012:role/ml-platform-prod-sagemaker-studio", "action": "s3:PutObject",
	   "resource": "arn:aws:s3:::ml-platform-prod-models-123456789012-us-east-1/churn/model.tar.gz"},
	  {"principal": "account:123456789012", "action": "s3:GetObject",
	   "resource": "arn:aws:s3:::ml-platform-prod-training-data-123456789012-us-east-1/x", "context": {"aws:SourceVpce": ["vpce-elsewhere"]}},
	  {"principal": "arn:aws:iam::123456789012:role/ml-platform-prod-sagemaker", "action": "s3:GetObject",
	   "resource": "arn:aws:s3:::ml-platform-prod-artifacts-123456789012-us-east-1/pipelines/ml-platform-prod-build/run/evaluation/evaluation.json"}
	]`)
	code, out, errOut = cli(t, "access", "--dir", root, "--stack", "prod", "--json", "--query", query)
	require.Equal(t, 0, code, errOut)
	var report offline.AccessReport
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	require.Len(t, report.Answers, 3)
	require.NotEqual(t, access.Allow, report.Answers[0].Decision, "Studio users never write models")
	require.Equal(t, access.Deny, report.Answers[1].Decision)
	require.Contains(t, strings.Join(report.Answers[1].Statements, " "), "DenyObjectsOutsideVPCEndpoint")
	require.Equal(t, access.Allow, report.Answers[2].Decision, "the jobs role reads its pipeline's prefix from anywhere")

	bad := writeFile(t, "bad.json", `[{"principal": "someone", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}]`)
	code, _, errOut = cli(t, "access", "--dir", root, "--stack", "prod", "--query", bad)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "request 0: principal \"someone\"")
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// TestRestrictedSourceAdmitsItsReaders: a stack whose buckets admit objects
// only through its VPC endpoint (prod) and that other accounts promote
// from still lets those accounts read what promotion needs, from their own
// networks, and nothing else.
func TestRestrictedSourceAdmitsItsReaders(t *testing.T) {
	res := edited(t, "prod", config.KeySageMaker, func(s map[string]any) {
		s["modelPackageGroups"] = []any{map[string]any{"name": "churn", "readerAccountIds": []any{"210987654321"}}, map[string]any{"name": "recommendations"}}
	})
	flows := rules.EvaluateFlows(offline.PolicyResources(res.Registered))
	for _, name := range []string{"reader account 210987654321 reads promoted model artifacts", "reader account 210987654321 reads data capture",
		"reader account 210987654321 approves a churn model package"} {
		f := flowNamed(t, flows, name)
		require.True(t, f.Holds, f.Explain())
	}
	for _, f := range flows {
		require.True(t, f.Holds, f.Explain())
	}
}

// BenchmarkProdFlows evaluates every declared flow of the prod stack
// (world building included); it must stay well under a second:
//
//	go test ./tests -run '^$' -bench ProdFlows
func BenchmarkProdFlows(b *testing.B) {
	project, err := offline.LoadProject(root)
	require.NoError(b, err)
	values, err := offline.LoadStackConfig(filepath.Join(root, "Pulumi.prod.yaml"))
	require.NoError(b, err)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root})
	require.NoError(b, err)
	rs := offline.PolicyResources(res.Registered)
	b.ResetTimer()
	for b.Loop() {
		if len(rules.EvaluateFlows(rs)) == 0 {
			b.Fatal("no flows")
		}
	}
}
