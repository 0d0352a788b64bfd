package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func readExport(t *testing.T, name string) []Resource {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := FromStackExport(data)
	if err != nil {
		t.Fatalf("FromStackExport(%s): %v", name, err)
	}
	return rs
}

func TestFromStackExportViolations(t *testing.T) {
	const vpc = "urn:pulumi:dev::ml-platform::aws:ec2/vpc:Vpc::net-vpc"
	tests := []struct {
		file string
		want []Violation
	}{
		{
			file: "export-untagged-vpc.json",
			want: []Violation{
				{
					Policy: "resource-tags-required", EnforcementLevel: Mandatory, URN: vpc,
					Message: "missing required tags: CostCenter, Environment, ManagedBy, Project, Team (checked tagsAll)",
				},
				{
					Policy: "vpc-flow-logs-enabled", EnforcementLevel: Advisory, URN: vpc,
					Message: "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC",
				},
			},
		},
		// The VPC's inputs lack ManagedBy, which only the provider's default
		// tags add (outputs.tagsAll); the old VPC is pending deletion.
		{file: "export-clean.json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := Evaluate(readExport(t, tt.file), nil)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Evaluate:\n got %s\nwant %s", dump(got), dump(tt.want))
			}
			if HasMandatory(got) != HasMandatory(tt.want) {
				t.Error("HasMandatory differs")
			}
		})
	}
}

func TestFromStackExportResources(t *testing.T) {
	rs := readExport(t, "export-clean.json")
	var types []string
	for _, r := range rs {
		types = append(types, r.Type)
	}
	wantTypes := []string{
		"ml-platform:network:Network",
		"aws:ec2/vpc:Vpc",
		"aws:cloudwatch/logGroup:LogGroup",
		"aws:ec2/flowLog:FlowLog",
		"aws:kms/key:Key",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment",
		"aws:ec2/vpcEndpoint:VpcEndpoint",
		"aws:ec2/vpcEndpoint:VpcEndpoint",
		"aws:ec2/vpcEndpoint:VpcEndpoint",
		"aws:ec2/vpcEndpoint:VpcEndpoint",
	}
	if !slices.Equal(types, wantTypes) {
		t.Fatalf("types = %v, want %v (stack, providers and pending deletes skipped)", types, wantTypes)
	}

	vpc := rs[1]
	if vpc.Name != "net-vpc" || vpc.ID != "vpc-0clean" || !vpc.Protect ||
		vpc.Parent != "urn:pulumi:prod::ml-platform::ml-platform:network:Network::net" {
		t.Errorf("vpc = %+v", vpc)
	}
	if s, ok := getString(vpc.Properties, "tagsAll", "ManagedBy"); !ok || s != "pulumi" {
		t.Errorf("tagsAll.ManagedBy from outputs = %q, %v", s, ok)
	}
	if _, ok := getString(vpc.Properties, "tags", "ManagedBy"); ok {
		t.Error("tags taken from outputs instead of inputs")
	}
	if n, ok := getNumber(rs[4].Properties, "deletionWindowInDays"); !ok || n != 30 {
		t.Errorf("deletionWindowInDays from outputs = %v, %v", n, ok)
	}

	flow := rs[3]
	wantDeps := []string{
		"urn:pulumi:prod::ml-platform::ml-platform:network:Network$aws:cloudwatch/logGroup:LogGroup::net-flow-logs",
		"urn:pulumi:prod::ml-platform::ml-platform:network:Network$aws:ec2/vpc:Vpc::net-vpc",
	}
	if !slices.Equal(flow.Dependencies, wantDeps) {
		t.Errorf("dependencies = %v", flow.Dependencies)
	}
	if got := flow.PropertyDependencies["vpcId"]; !slices.Equal(got, wantDeps[1:]) {
		t.Errorf("propertyDependencies.vpcId = %v", got)
	}

	secret, p := lookup(rs[2].Properties, "tags", "CostCenter")
	if p != present || !secret.Secret() || !secret.IsString() || secret.AsString() != "cc-42" {
		t.Errorf("plaintext secret tag = %#v (%v)", secret, p)
	}
}

func TestFromStackExportCiphertextIsUnknown(t *testing.T) {
	rs := readExport(t, "export-untagged-vpc.json")
	key := rs[1]
	if key.Type != kmsKeyType {
		t.Fatalf("rs[1] is %s", key.Type)
	}
	v, p := lookup(key.Properties, "policy")
	if p != unknown || !v.Secret() {
		t.Errorf("ciphertext policy = %#v (%v), want an unknown secret", v, p)
	}
}

func TestJSONToValue(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want property.Value
	}{
		{"null", nil, property.New(property.Null)},
		{"unknown sentinel", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", computed},
		{"output value unknown", map[string]any{
			"4dabf18193072939515e22adb298388d": "d0e6a833031e9bbcd3f4e8bde6ca49a4",
		}, computed},
		{"output value known secret", map[string]any{
			"4dabf18193072939515e22adb298388d": "d0e6a833031e9bbcd3f4e8bde6ca49a4",
			"value":                            "x", "secret": true,
		}, property.New("x").WithSecret(true)},
		{"nested", map[string]any{"a": []any{true, "s"}}, property.New(map[string]property.Value{
			"a": property.New([]property.Value{property.New(true), property.New("s")}),
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jsonToValue(tt.in); !got.Equals(tt.want) || got.Secret() != tt.want.Secret() {
				t.Errorf("jsonToValue(%v) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
	ref := jsonToValue(map[string]any{
		"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
		"urn":                              "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v",
		"id":                               "vpc-1",
	})
	if !ref.IsResourceReference() || string(ref.AsResourceReference().URN) != "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::v" {
		t.Errorf("resource reference = %#v", ref)
	}
}

func TestFromStackExportErrors(t *testing.T) {
	stackFile, err := os.ReadFile(filepath.Join("..", "PulumiPolicy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"YAML file", string(stackFile), "not a stack export"},
		{"empty", "", "not a stack export"},
		{"JSON array", `[]`, "not a stack export"},
		{"other JSON object", `{"name": "ml-platform", "runtime": "go"}`, "not a stack export"},
		{"settings file", `{"resource-tags-required": "advisory"}`, "not a stack export"},
		{"no deployment", `{"version": 3}`, "not a stack export"},
		{"no manifest", `{"version": 3, "deployment": {"resources": []}}`, "no manifest"},
		{"future version", `{"version": 9, "deployment": {"manifest": {}}}`, "unsupported version 9"},
		{"resource without type", `{"version": 3, "deployment": {"manifest": {}, "resources": [{"urn": "u"}]}}`, "resources[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := FromStackExport([]byte(tt.data))
			if err == nil {
				t.Fatalf("FromStackExport = %v, want an error", rs)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	// An export of a fresh stack has no resources: valid and empty.
	rs, err := FromStackExport([]byte(`{"version": 3, "deployment": {"manifest": {"time": "t"}}}`))
	if err != nil || len(rs) != 0 {
		t.Errorf("empty export = %v, %v", rs, err)
	}
	if got := nameFromURN("urn:pulumi:dev::p::t::a::b"); got != "a::b" {
		t.Errorf("nameFromURN kept %q, want a::b", got)
	}
}
