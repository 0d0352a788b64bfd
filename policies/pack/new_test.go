package pack

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ml-platform/ml-platform/policies/rules"
)

type recorder struct{ messages, urns []string }

func (r *recorder) ReportViolation(message, urn string) {
	r.messages = append(r.messages, message)
	r.urns = append(r.urns, urn)
}

// TestNewPolicies checks the pack's policies directly, without gRPC: one per
// rule, in rules order, with the rule's level and a schema the CLI can encode.
func TestNewPolicies(t *testing.T) {
	p, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	levels := map[string]rules.Level{}
	for _, r := range rules.Rules() {
		want = append(want, r.Name)
		levels[r.Name] = r.Level
	}
	for _, r := range rules.StackRules() {
		want = append(want, r.Name)
		levels[r.Name] = r.Level
	}
	policies := p.Policies()
	if len(policies) != len(want) {
		t.Fatalf("%d policies, want %d", len(policies), len(want))
	}
	for i, pol := range policies {
		if pol.Name() != want[i] {
			t.Errorf("policy %d = %q, want %q", i, pol.Name(), want[i])
		}
		if lvl, _ := EnforcementLevel(levels[pol.Name()]); pol.EnforcementLevel() != lvl {
			t.Errorf("policy %q level = %v, want %v", pol.Name(), pol.EnforcementLevel(), lvl)
		}
		if s := pol.ConfigSchema(); s != nil {
			m := map[string]any{}
			for k, v := range s.Properties {
				m[k] = v
			}
			if _, err := structpb.NewStruct(m); err != nil {
				t.Errorf("policy %q schema cannot be sent to the CLI: %v", pol.Name(), err)
			}
		}
	}
}

func TestEnforcementLevel(t *testing.T) {
	tests := map[rules.Level]policyx.EnforcementLevel{
		rules.Advisory:  policyx.EnforcementLevelAdvisory,
		rules.Mandatory: policyx.EnforcementLevelMandatory,
		rules.Disabled:  policyx.EnforcementLevelDisabled,
	}
	for in, want := range tests {
		if got, err := EnforcementLevel(in); err != nil || got != want {
			t.Errorf("EnforcementLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := EnforcementLevel("blocking"); err == nil {
		t.Error(`EnforcementLevel("blocking") succeeded`)
	}
}

func TestValidateResourceDirect(t *testing.T) {
	p, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var tags policyx.ResourceValidationPolicy
	for _, pol := range p.Policies() {
		if pol.Name() == "resource-tags-required" {
			tags = pol.(policyx.ResourceValidationPolicy)
		}
	}
	if tags == nil {
		t.Fatal("resource-tags-required is not a resource validation policy")
	}
	res := policyx.AnalyzerResource{
		Type: "aws:ec2/vpc:Vpc", URN: "urn:pulumi:dev::ml-platform::aws:ec2/vpc:Vpc::net", Name: "net",
		Properties: property.NewMap(map[string]property.Value{
			"tags": property.New(map[string]property.Value{"Owner": property.New("me")}),
		}),
	}
	for _, tt := range []struct {
		name   string
		config map[string]any
		want   int
	}{
		{"defaults apply without config", nil, 1},
		{"config overrides defaults", map[string]any{"requiredTags": []any{"Owner"}}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			err := tags.Validate(context.Background(), policyx.ResourceValidationArgs{
				Manager: rec, Resource: res, Config: tt.config,
			})
			if err != nil || len(rec.messages) != tt.want {
				t.Errorf("Validate = %v, messages %q; want %d", err, rec.messages, tt.want)
			}
		})
	}
}

func TestToResource(t *testing.T) {
	a := policyx.AnalyzerResource{
		Type: "aws:kms/key:Key", URN: "urn:k", Name: "k", Parent: "urn:p",
		Options:              pulumi.ResourceOptions{Protect: true},
		Dependencies:         []string{"urn:d"},
		PropertyDependencies: map[string][]string{"policy": {"urn:d"}},
		Properties:           property.NewMap(map[string]property.Value{"a": property.New("b")}),
	}
	r := toResource(a)
	if r.Type != a.Type || r.URN != a.URN || r.Name != a.Name || r.Parent != "urn:p" || !r.Protect ||
		len(r.Dependencies) != 1 || len(r.PropertyDependencies["policy"]) != 1 || r.Properties.Len() != 1 {
		t.Errorf("toResource = %+v", r)
	}
}

func TestRecoverInto(t *testing.T) {
	f := func() (err error) {
		defer recoverInto(&err, "p", "urn:x")
		var m map[string]int
		m["boom"]++ //nolint:staticcheck // SA5000: the nil-map write is the panic under test
		return nil
	}
	if err := f(); err == nil {
		t.Error("a panicking rule returned no error")
	}
}

// TestVersionMatchesPulumiPolicyYAML keeps the code's version and the
// manifest's in step.
func TestVersionMatchesPulumiPolicyYAML(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "PulumiPolicy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Go packs need CLI 3.176.0; the manifest says so, for CLIs that check.
	if !strings.Contains(string(data), "\nrequiredPulumiVersion: \">=3.176.0\"\n") {
		t.Error(`PulumiPolicy.yaml lacks requiredPulumiVersion: ">=3.176.0"`)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "version:"); ok {
			if got := strings.TrimSpace(v); got != Version.String() {
				t.Errorf("PulumiPolicy.yaml version %s, pack.Version %s", got, Version)
			}
			return
		}
	}
	t.Error("PulumiPolicy.yaml has no version")
}
