package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// cli runs `offline ARGS...` from the repository root and returns the exit
// code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	if len(args) > 0 && args[0] == "preview" {
		args = append([]string{"preview", "--dir", root}, args[1:]...)
	}
	var stdout, stderr bytes.Buffer
	code := offline.Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeStack(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Pulumi.broken.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

func TestCLIPreviewJSON(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			code, out, errOut := cli(t, "preview", "--stack", stack, "--json")
			require.Equal(t, 0, code, errOut)
			var doc struct {
				Stack, Project string
				Resources      []struct {
					URN, Type, Name, Parent string
					Inputs                  map[string]any
					Protect, Remote         bool
					Import                  string
					Dependencies            []string
					PropertyDependencies    map[string][]string
				}
				Violations []struct{ Policy, EnforcementLevel, URN, Message string }
				Cost       struct {
					MonthlyUSD float64
					Items      []struct {
						URN, Type, Basis string
						MonthlyUSD       float64
					}
					Ceilings []struct {
						URN, Basis string
						HourlyUSD  float64
					}
				}
				Outputs    map[string]any
				Warnings   []string
				Advisories []string
				Compliance struct {
					Profile string
					Rules   []string
				}
				References []struct{ Stack, Source string }
			}
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&doc), "the JSON has exactly the fields docs/offline.md lists")
			require.NotNil(t, doc.Advisories, "advisories is a list, empty when there are none")
			require.Equal(t, stack, doc.Stack)
			require.Equal(t, "ml-platform", doc.Project)
			require.NotEmpty(t, doc.Resources)
			require.Positive(t, doc.Cost.MonthlyUSD)
			require.NotEmpty(t, doc.Outputs["vpcId"])
			require.Equal(t, "none", doc.Compliance.Profile)
			require.Empty(t, doc.Compliance.Rules)
			require.NotEmpty(t, doc.Warnings, "the shipped stack files hold placeholders")
			for _, v := range doc.Violations {
				require.NotEqual(t, "mandatory", v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
			}
			types := map[string]int{}
			remote := map[string]bool{}
			withDeps := 0
			for _, r := range doc.Resources {
				types[r.Type]++
				require.True(t, strings.HasPrefix(r.URN, "urn:pulumi:"+stack+"::ml-platform::"), r.URN)
				if r.Remote {
					remote[r.Type] = true
				}
				if len(r.Dependencies) > 0 {
					withDeps++
				}
			}
			require.Equal(t, map[string]bool{"eks:index:Cluster": true, "kubernetes:helm.sh/v4:Chart": true}, remote,
				"the components a provider builds are marked remote")
			require.Greater(t, withDeps, len(doc.Resources)/2, "dependencies are in the JSON")
			for _, typ := range []string{"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway",
				"aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/flowLog:FlowLog", "aws:kms/key:Key"} {
				require.Positive(t, types[typ], typ)
			}
		})
	}
}

func TestCLIPreviewText(t *testing.T) {
	code, out, errOut := cli(t, "preview", "--stack", "dev")
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{
		`Offline preview of stack "dev"`,
		"+ ml-platform:network:Network  network",
		"    + aws:ec2/vpc:Vpc  network-vpc",
		"Resources by type:",
		"Policies: 0 mandatory",
		"Estimated monthly cost: $",
		"Warnings (`pulumi up` refuses these until they are set):",
		"ml-platform:cluster.publicAccessCidrs[0]: 203.0.113.0/24 is a documentation range",
		"Not judged offline: 9 remote component(s)",
		"  eks:index:Cluster  cluster",
		"  $   ", "ml-platform:network:Network\n", "  ----------\n",
		"Spot saves $", "Worst case: Karpenter's pools filled to their limits add $",
	} {
		require.Contains(t, out, want)
	}
}

// TestCLIOnDemand: --on-demand prices the same plan without spot, never
// below the default, and its items still add up.
func TestCLIOnDemand(t *testing.T) {
	total := func(args ...string) (float64, float64) {
		code, out, errOut := cli(t, append([]string{"preview", "--stack", "dev", "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var doc struct {
			Cost struct {
				MonthlyUSD float64
				Items      []struct{ MonthlyUSD float64 }
			}
		}
		require.NoError(t, json.Unmarshal([]byte(out), &doc))
		var sum float64
		for _, i := range doc.Cost.Items {
			sum += i.MonthlyUSD
		}
		return doc.Cost.MonthlyUSD, sum
	}
	def, defSum := total()
	od, odSum := total("--on-demand")
	require.Greater(t, def, 0.0)
	require.Less(t, def, od, "dev runs spot capacity: on-demand costs more")
	require.InDelta(t, def, defSum, 0.02)
	require.InDelta(t, od, odSum, 0.02)
}

// TestCLIPreviewCompliance: a prod stack under the HIPAA profile lists the
// rules the profile makes mandatory and passes them.
func TestCLIPreviewCompliance(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(root, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	hipaa := strings.Replace(string(body), "  ml-platform:environment: prod\n", "  ml-platform:environment: prod\n  ml-platform:compliance: hipaa\n", 1)
	require.NotEqual(t, string(body), hipaa)
	path := filepath.Join(t.TempDir(), "Pulumi.prod.yaml")
	require.NoError(t, os.WriteFile(path, []byte(hipaa), 0o644))

	code, out, errOut := cli(t, "preview", "--config", path, "--json")
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Violations []struct{ Policy, EnforcementLevel string }
		Compliance struct {
			Profile string
			Rules   []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Equal(t, "hipaa", doc.Compliance.Profile)
	for _, r := range []string{"eks-endpoint-private-everywhere", "logs-group-retention-year", "resource-customer-key-required", "s3-bucket-access-logging"} {
		require.Contains(t, doc.Compliance.Rules, r)
	}
	for _, v := range doc.Violations {
		require.NotEqual(t, "mandatory", v.EnforcementLevel, v.Policy)
	}

	code, text, errOut := cli(t, "preview", "--config", path)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, text, "Compliance profile hipaa: these rules are mandatory")

	// The dev stack, whose API is public to listed ranges and whose logs
	// are kept a month, fails the profile.
	devBody, err := os.ReadFile(filepath.Join(root, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	devHIPAA := strings.Replace(string(devBody), "  ml-platform:environment: dev\n", "  ml-platform:environment: dev\n  ml-platform:compliance: hipaa\n", 1)
	devPath := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	require.NoError(t, os.WriteFile(devPath, []byte(devHIPAA), 0o644))
	code, out, _ = cli(t, "preview", "--config", devPath, "--json")
	require.Equal(t, 1, code)
	require.Contains(t, out, `"eks-endpoint-private-everywhere"`)
	require.Contains(t, out, `"logs-group-retention-year"`)
}

func TestCLIBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"bad value", []string{"preview", "--config", writeStack(t, `config:
  aws:region: us-east-1
  ml-platform:costCenter: cc
  ml-platform:environment: dev
  ml-platform:network:
    azCount: 9
`)}, []string{"ml-platform:network.azCount: 9 is outside the allowed range 2 to 6"}},
		{"prod weaker than dev", []string{"preview", "--config", writeStack(t, `config:
  aws:region: us-east-1
  ml-platform:costCenter: cc
  ml-platform:environment: prod
  ml-platform:network:
    natGateways: single
`)}, []string{"ml-platform:network.natGateways", `allowed: "perAz"`}},
		{"unknown environment", []string{"preview", "--config", writeStack(t, `config:
  aws:region: us-east-1
  ml-platform:costCenter: cc
`)}, []string{`ml-platform:environment: required when the stack name "broken" is not an environment; allowed: dev, staging, prod`}},
		{"missing file", []string{"preview", "--stack", "nosuchstack"}, []string{"reading the stack file"}},
		{"key Pulumi.yaml requires", []string{"preview", "--config", writeStack(t, `config:
  aws:region: us-east-1
  ml-platform:environment: dev
`)}, []string{"Stack 'broken' is missing configuration value 'costCenter'"}},
		{"not YAML", []string{"preview", "--config", writeStack(t, "config: [")}, []string{"is not a stack file"}},
		{"no stack", []string{"preview"}, []string{"preview needs --stack NAME or --config FILE"}},
		{"unknown command", []string{"deploy"}, []string{`unknown command "deploy"`}},
		{"audit without state", []string{"audit"}, []string{"audit needs --state FILE"}},
		{"audit of a non-export", []string{"audit", "--state", writeStack(t, `{"hello": 1}`)}, []string{"Pulumi.broken.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			require.Equal(t, 2, code, "exit 2 for bad input; stderr: %s", stderr)
			require.Empty(t, stdout, "no plan is printed")
			for _, want := range tc.want {
				require.Contains(t, stderr, want)
			}
		})
	}
}

func TestCLIAudit(t *testing.T) {
	dirty := filepath.Join(root, "policies", "testdata", "export-untagged-vpc.json")
	code, out, errOut := cli(t, "audit", "--state", dirty, "--json")
	require.Equal(t, 1, code, errOut)
	var doc struct {
		Violations []struct{ Policy, EnforcementLevel string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.NotEmpty(t, doc.Violations)
	require.Equal(t, "resource-tags-required", doc.Violations[0].Policy)

	clean := filepath.Join(root, "policies", "testdata", "export-clean.json")
	code, out, errOut = cli(t, "audit", "--state", clean, "--json")
	require.Equal(t, 0, code, errOut+out)
}

func TestCLIPolicyPackConfig(t *testing.T) {
	// Levels from --policy-pack-config are honoured offline too: with every
	// rule advisory the dirty export passes; raising one rule back to
	// mandatory fails it again, naming that rule.
	dirty := filepath.Join(root, "policies", "testdata", "export-untagged-vpc.json")
	cfg := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"all": "advisory"}`), 0o644))
	code, out, errOut := cli(t, "audit", "--state", dirty, "--json", "--policy-pack-config", cfg)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"resource-tags-required"`)
	require.NotContains(t, out, `"mandatory"`)

	require.NoError(t, os.WriteFile(cfg, []byte(`{"all": "advisory", "resource-tags-required": "mandatory"}`), 0o644))
	code, out, errOut = cli(t, "audit", "--state", dirty, "--json", "--policy-pack-config", cfg)
	require.Equal(t, 1, code, errOut)
	var doc struct {
		Violations []struct{ Policy, EnforcementLevel string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	for _, v := range doc.Violations {
		require.Equal(t, v.Policy == "resource-tags-required", v.EnforcementLevel == "mandatory", v.Policy)
	}

	require.NoError(t, os.WriteFile(cfg, []byte(`{"resource-tags-required": "disabled"}`), 0o644))
	_, out, _ = cli(t, "audit", "--state", dirty, "--json", "--policy-pack-config", cfg)
	require.NotContains(t, out, `"resource-tags-required"`)

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"no-such-rule": "mandatory"}`), 0o644))
	code, _, errOut = cli(t, "preview", "--stack", "dev", "--policy-pack-config", bad)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "no-such-rule")
}

// TestCLIChanges: promote.yml compares the change set of the reviewed
// preview with the one right before the update; a change that appeared or
// went away while the plan waited stops it. Steps that change nothing
// (same, and the reads of stack references) do not count.
func TestCLIChanges(t *testing.T) {
	dir := t.TempDir()
	write := func(name, steps string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(`{"steps": [`+steps+`], "changeSummary": {}}`), 0o644))
		return path
	}
	const bucket = `{"op": "update", "urn": "urn:pulumi:prod::ml-platform::aws:s3/bucketV2:BucketV2::models", "diffReasons": ["tags"]}`
	const ref = `{"op": "read", "urn": "urn:pulumi:prod::ml-platform::pulumi:pulumi:StackReference::promotion-source"}`
	const same = `{"op": "same", "urn": "urn:pulumi:prod::ml-platform::aws:kms/key:Key::keys-data"}`
	const endpoint = `{"op": "replace", "urn": "urn:pulumi:prod::ml-platform::aws:sagemaker/endpoint:Endpoint::churn", "replaceReasons": ["endpointConfigName"]}`
	reviewed := write("reviewed.json", bucket+","+ref+","+same)

	code, out, _ := cli(t, "changes", "--reviewed", reviewed)
	require.Equal(t, 0, code)
	require.Contains(t, out, "1 change(s)")
	require.Contains(t, out, "update urn:pulumi:prod::ml-platform::aws:s3/bucketV2:BucketV2::models [tags]")

	code, out, _ = cli(t, "changes", "--reviewed", reviewed, "--current", write("again.json", same+","+bucket))
	require.Equal(t, 0, code, out)

	code, out, _ = cli(t, "changes", "--reviewed", reviewed, "--current", write("moved.json", bucket+","+endpoint))
	require.Equal(t, 1, code)
	require.Contains(t, out, "planned now, not reviewed: replace urn:pulumi:prod::ml-platform::aws:sagemaker/endpoint:Endpoint::churn [endpointConfigName]")

	code, out, _ = cli(t, "changes", "--reviewed", reviewed, "--current", write("less.json", same))
	require.Equal(t, 1, code)
	require.Contains(t, out, "reviewed, not planned now: update")

	code, _, errOut := cli(t, "changes", "--reviewed", filepath.Join(root, "Pulumi.yaml"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "not the output of `pulumi preview --json`")
}

// TestCLIPolicyConfigVersion2: cmd/offline reads the CLI's version 2
// --policy-pack-config: settings under "policies", and exceptions that
// keep a violation in the report but stop it failing anything.
func TestCLIPolicyConfigVersion2(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		path := filepath.Join(dir, fmt.Sprintf("config-%d.json", len(body)))
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		return path
	}
	strict := write(`{"version": 2, "policies": {"resource-customer-key-required": "mandatory"}}`)
	code, out, errOut := cli(t, "preview", "--stack", "dev", "--json", "--policy-pack-config", strict)
	require.Equal(t, 1, code, errOut)
	var res struct{ Violations []rules.Violation }
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	var target string
	for _, v := range res.Violations {
		if v.Policy == "resource-customer-key-required" {
			target = v.URN
		}
	}
	require.NotEmpty(t, target, "the rule made mandatory fires in dev")

	excepted := write(fmt.Sprintf(`{"version": 2, "policies": {"resource-customer-key-required": "mandatory"},
	  "exceptions": {"EXC-7": {"reason": "reviewed", "match": [{"policies": ["resource-customer-key-required"], "targets": [%q]}]}}}`, target))
	code, out, errOut = cli(t, "preview", "--stack", "dev", "--policy-pack-config", excepted)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "(excepted: EXC-7)")

	for body, want := range map[string]string{
		`{"version": 3, "policies": {}}`:                      "version 3 is not supported",
		`{"version": 2, "policy": {}}`:                        `unknown key "policy"`,
		`{"version": 2, "exceptions": {"E1": {"match": []}}}`: `"reason" is required`,
		`{"version": 2, "exceptions": {"E1": {"reason": "r", "match": [{"policies": ["all"], "targets": ["urn:pulumi:a::b::c::d"]}]}}}`:     `unknown policy "all"`,
		`{"version": 2, "exceptions": {"E1": {"reason": "r", "match": [{"policies": ["resource-tags-required"], "targets": ["bucket"]}]}}}`: `target "bucket" is not a URN`,
		`{"environments": ["org/env"]}`: "ESC environments",
	} {
		code, _, errOut := cli(t, "preview", "--stack", "dev", "--policy-pack-config", write(body))
		require.Equal(t, 2, code, body)
		require.Contains(t, errOut, want, body)
	}
}

// TestCLIAccessTakesAccountRoles: offline access plans the account the
// same way preview does, with the roles it already has (--account-role).
func TestCLIAccessTakesAccountRoles(t *testing.T) {
	code, out, errOut := cli(t, "access", "--dir", root, "--stack", "dev", "--json", "--account-role", "AWSServiceRoleForEC2Spot=ml-platform-prod")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"flows"`)
	code, _, errOut = cli(t, "access", "--dir", root, "--stack", "dev", "--account-role", "=x")
	require.Equal(t, 2, code)
	require.NotEmpty(t, errOut)
}
