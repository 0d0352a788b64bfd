package pack_test

import (
	"bufio"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ml-platform/ml-platform/policies/pack"
	"github.com/ml-platform/ml-platform/policies/rules"
)

const (
	vpcType      = "aws:ec2/vpc:Vpc"
	kmsKeyType   = "aws:kms/key:Key"
	flowLogType  = "aws:ec2/flowLog:FlowLog"
	endpointType = "aws:ec2/vpcEndpoint:VpcEndpoint"
)

func urnOf(typ, name string) string {
	return "urn:pulumi:dev::ml-platform::" + typ + "::" + name
}

// startAnalyzer runs the real analyzer (policyx.Main, as the CLI starts it) in
// this process and dials it. policyx.Main writes its port to os.Stdout, so
// stdout is a pipe until that line is read. The server has no stop hook and
// lives until the test binary exits.
func startAnalyzer(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	mainErr := make(chan error, 1)
	go func() { mainErr <- policyx.Main(pack.New) }()

	portLine := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		portLine <- line
	}()
	var port string
	select {
	case line := <-portLine:
		port = strings.TrimSpace(line)
	case err := <-mainErr:
		os.Stdout = stdout
		t.Fatalf("policyx.Main returned before printing its port: %v", err)
	case <-time.After(30 * time.Second):
		os.Stdout = stdout
		t.Fatal("policyx.Main printed no port within 30s")
	}
	os.Stdout = stdout
	_ = w.Close()
	_ = r.Close()
	if port == "" {
		t.Fatal("policyx.Main printed an empty port line")
	}

	conn, err := grpc.NewClient("127.0.0.1:"+port, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

// handshaken starts an analyzer and makes the CLI's first call, Handshake.
func handshaken(ctx context.Context, t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	client := startAnalyzer(t)
	root := "."
	if _, err := client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &root, ProgramDirectory: &root}); err != nil {
		t.Fatalf("Handshake: %v", err)
	}
	return client
}

// props encodes properties the way the engine sends them, unknowns included.
func props(t *testing.T, m map[string]property.Value) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(resource.ToResourcePropertyMap(property.NewMap(m)), plugin.MarshalOptions{
		KeepUnknowns: true, KeepSecrets: true, KeepResources: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tags(kv map[string]string) property.Value {
	m := map[string]property.Value{}
	for k, v := range kv {
		m[k] = property.New(v)
	}
	return property.New(m)
}

func fullTags() map[string]string {
	return map[string]string{
		"Project": "ml-platform", "Environment": "dev", "Team": "ml-infra",
		"CostCenter": "cc-42", "ManagedBy": "pulumi",
	}
}

var computed = property.New(property.Computed)

func rpcLevel(t *testing.T, l rules.Level) pulumirpc.EnforcementLevel {
	t.Helper()
	pl, err := pack.EnforcementLevel(l)
	if err != nil {
		t.Fatal(err)
	}
	return pulumirpc.EnforcementLevel(pl)
}

type diag struct {
	Policy string
	Level  pulumirpc.EnforcementLevel
	URN    string
}

func diags(ds []*pulumirpc.AnalyzeDiagnostic) []diag {
	out := make([]diag, len(ds))
	for i, d := range ds {
		out[i] = diag{d.GetPolicyName(), d.GetEnforcementLevel(), d.GetUrn()}
	}
	slices.SortFunc(out, func(a, b diag) int {
		return strings.Compare(a.Policy+a.URN, b.Policy+b.URN)
	})
	return out
}

// TestAnalyzerOverGRPC walks the protocol the CLI drives during
// `pulumi preview --policy-pack policies`.
func TestAnalyzerOverGRPC(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := startAnalyzer(t)
	root := "."

	if _, err := client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &root, ProgramDirectory: &root}); err != nil {
		t.Fatalf("Handshake: %v", err)
	}
	if _, err := client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: "dev", Project: "ml-platform", Organization: "ml-platform", DryRun: true,
	}); err != nil {
		t.Fatalf("ConfigureStack: %v", err)
	}

	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetAnalyzerInfo: %v", err)
	}
	if info.GetName() != pack.Name || info.GetVersion() != pack.Version.String() {
		t.Errorf("pack = %s %s, want %s %s", info.GetName(), info.GetVersion(), pack.Name, pack.Version)
	}
	listed := map[string]*pulumirpc.PolicyInfo{}
	for _, p := range info.GetPolicies() {
		listed[p.GetName()] = p
	}
	levels := map[string]rules.Level{}
	for _, r := range rules.Rules() {
		levels[r.Name] = r.Level
	}
	for _, r := range rules.StackRules() {
		levels[r.Name] = r.Level
	}
	if len(listed) != len(levels) {
		t.Errorf("analyzer lists %d policies, rules has %d", len(listed), len(levels))
	}
	for name, level := range levels {
		p, ok := listed[name]
		if !ok {
			t.Errorf("policy %q not listed", name)
			continue
		}
		if got, want := p.GetEnforcementLevel(), rpcLevel(t, level); got != want {
			t.Errorf("policy %q level = %v, want %v", name, got, want)
		}
		if p.GetDescription() == "" {
			t.Errorf("policy %q has no description", name)
		}
	}
	if p := listed["resource-tags-required"]; p == nil || p.GetConfigSchema() == nil {
		t.Error("resource-tags-required has no config schema")
	} else {
		def := p.GetConfigSchema().GetProperties().GetFields()["requiredTags"].GetStructValue().GetFields()["default"]
		if n := len(def.GetListValue().GetValues()); n != len(rules.DefaultRequiredTags) {
			t.Errorf("requiredTags default has %d values, want %d", n, len(rules.DefaultRequiredTags))
		}
	}

	// configure sets an explicit level for every policy (policyx ignores the
	// pack's level) plus the given overrides.
	configure := func(t *testing.T, override map[string]*pulumirpc.PolicyConfig) {
		t.Helper()
		req := &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{}}
		for name, level := range levels {
			req.PolicyConfig[name] = &pulumirpc.PolicyConfig{EnforcementLevel: rpcLevel(t, level), Properties: &structpb.Struct{}}
		}
		for name, c := range override {
			req.PolicyConfig[name] = c
		}
		if _, err := client.Configure(ctx, req); err != nil {
			t.Fatalf("Configure: %v", err)
		}
	}
	analyze := func(t *testing.T, typ, name string, m map[string]property.Value, unprotected bool) []diag {
		t.Helper()
		resp, err := client.Analyze(ctx, &pulumirpc.AnalyzeRequest{
			Type: typ, Urn: urnOf(typ, name), Name: name, Properties: props(t, m),
			Options: &pulumirpc.AnalyzerResourceOptions{Protect: !unprotected},
		})
		if err != nil {
			t.Fatalf("Analyze %s: %v", name, err)
		}
		for _, d := range resp.GetDiagnostics() {
			if d.GetPolicyPackName() != pack.Name || d.GetMessage() == "" {
				t.Errorf("diagnostic %+v lacks pack name or message", d)
			}
		}
		return diags(resp.GetDiagnostics())
	}
	mandatory := pulumirpc.EnforcementLevel_MANDATORY
	advisory := pulumirpc.EnforcementLevel_ADVISORY

	analyzeCases := []struct {
		name        string
		typ         string
		props       map[string]property.Value
		unprotected bool
		override    map[string]*pulumirpc.PolicyConfig
		want        []diag
	}{
		{
			name: "untagged-vpc", typ: vpcType,
			props: map[string]property.Value{"cidrBlock": property.New("10.0.0.0/16")},
			want:  []diag{{"resource-tags-required", mandatory, urnOf(vpcType, "untagged-vpc")}},
		},
		{
			name: "tagged-vpc", typ: vpcType,
			props: map[string]property.Value{"cidrBlock": property.New("10.0.0.0/16"), "tags": tags(fullTags())},
		},
		{
			name: "unknown-tags-vpc", typ: vpcType,
			props: map[string]property.Value{"tags": computed, "tagsAll": computed},
		},
		{
			name: "default-tags-vpc", typ: vpcType,
			props: map[string]property.Value{"tags": tags(map[string]string{"Project": "p"}), "tagsAll": tags(fullTags())},
		},
		{
			name: "rotation-off-key", typ: kmsKeyType,
			props: map[string]property.Value{
				"tags": tags(fullTags()), "enableKeyRotation": property.New(false),
				"deletionWindowInDays": property.New(7.0),
			},
			want: []diag{
				{"kms-key-deletion-window-long", advisory, urnOf(kmsKeyType, "rotation-off-key")},
				{"kms-key-rotation-enabled", mandatory, urnOf(kmsKeyType, "rotation-off-key")},
			},
		},
		{
			name: "unknown-key", typ: kmsKeyType,
			props: map[string]property.Value{
				"tags": computed, "enableKeyRotation": computed, "deletionWindowInDays": computed,
			},
		},
		{
			name: "level-from-configure", typ: kmsKeyType,
			props: map[string]property.Value{
				"tags": tags(fullTags()), "enableKeyRotation": property.New(true),
				"deletionWindowInDays": property.New(7.0),
			},
			override: map[string]*pulumirpc.PolicyConfig{
				"kms-key-deletion-window-long": {EnforcementLevel: mandatory, Properties: &structpb.Struct{}},
			},
			want: []diag{{"kms-key-deletion-window-long", mandatory, urnOf(kmsKeyType, "level-from-configure")}},
		},
		{
			name: "disabled-by-configure", typ: vpcType,
			override: map[string]*pulumirpc.PolicyConfig{
				"resource-tags-required": {EnforcementLevel: pulumirpc.EnforcementLevel_DISABLED},
			},
		},
		{
			name: "config-from-configure", typ: vpcType,
			props: map[string]property.Value{"tags": tags(fullTags())},
			override: map[string]*pulumirpc.PolicyConfig{
				"resource-tags-required": {EnforcementLevel: advisory, Properties: mustStruct(t, map[string]any{
					"requiredTags": []any{"Owner"},
				})},
			},
			want: []diag{{"resource-tags-required", advisory, urnOf(vpcType, "config-from-configure")}},
		},
	}
	analyzeCases = append(analyzeCases, concernCases(t)...)
	for _, tt := range analyzeCases {
		t.Run("Analyze/"+tt.name, func(t *testing.T) {
			configure(t, tt.override)
			if got := analyze(t, tt.typ, tt.name, tt.props, tt.unprotected); !slices.Equal(got, tt.want) {
				t.Errorf("diagnostics:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}

	t.Run("Analyze/message", func(t *testing.T) {
		configure(t, nil)
		resp, err := client.Analyze(ctx, &pulumirpc.AnalyzeRequest{
			Type: vpcType, Urn: urnOf(vpcType, "partial"), Name: "partial",
			Properties: props(t, map[string]property.Value{"tags": tags(map[string]string{"Project": "p", "Team": "t"})}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetDiagnostics()) != 1 ||
			!strings.Contains(resp.GetDiagnostics()[0].GetMessage(), "missing required tags: CostCenter, Environment, ManagedBy (checked tags)") {
			t.Errorf("diagnostics = %v", resp.GetDiagnostics())
		}
	})

	t.Run("AnalyzeStack", func(t *testing.T) {
		configure(t, nil)
		covered, uncovered := urnOf(vpcType, "covered"), urnOf(vpcType, "uncovered")
		tagged := props(t, map[string]property.Value{"tags": tags(fullTags())})
		resources := []*pulumirpc.AnalyzerResource{
			{Type: vpcType, Urn: covered, Name: "covered", Properties: tagged},
			{Type: vpcType, Urn: uncovered, Name: "uncovered", Properties: tagged},
			{
				Type: flowLogType, Urn: urnOf(flowLogType, "covered-flow"), Name: "covered-flow",
				Properties:           props(t, map[string]property.Value{"vpcId": computed, "tags": tags(fullTags())}),
				Dependencies:         []string{covered},
				PropertyDependencies: map[string]*pulumirpc.AnalyzerPropertyDependencies{"vpcId": {Urns: []string{covered}}},
			},
		}
		// The covered VPC has the required endpoints (vpcId unknown, as in a
		// first preview; the dependency says which VPC).
		for _, svc := range []string{"s3", "sts", "ecr.api", "ecr.dkr"} {
			typ := "Interface"
			if svc == "s3" {
				typ = "Gateway"
			}
			resources = append(resources, &pulumirpc.AnalyzerResource{
				Type: endpointType, Urn: urnOf(endpointType, "covered-"+svc), Name: "covered-" + svc,
				Properties: props(t, map[string]property.Value{
					"vpcId": computed, "serviceName": property.New("com.amazonaws.us-east-1." + svc),
					"vpcEndpointType": property.New(typ), "privateDnsEnabled": property.New(true), "tags": tags(fullTags()),
				}),
				PropertyDependencies: map[string]*pulumirpc.AnalyzerPropertyDependencies{"vpcId": {Urns: []string{covered}}},
			})
		}
		resp, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: resources})
		if err != nil {
			t.Fatalf("AnalyzeStack: %v", err)
		}
		want := []diag{{"vpc-endpoints-present", mandatory, uncovered}, {"vpc-flow-logs-enabled", advisory, uncovered}}
		if got := diags(resp.GetDiagnostics()); !slices.Equal(got, want) {
			t.Errorf("diagnostics:\n got %+v\nwant %+v", got, want)
		}
		for _, d := range resp.GetDiagnostics() {
			if d.GetPolicyName() == "vpc-endpoints-present" && !strings.Contains(d.GetMessage(), "no VPC endpoint for ecr.api, ecr.dkr, s3, sts") {
				t.Errorf("message = %q", d.GetMessage())
			}
		}

		// A stack rule's level comes from Configure too.
		configure(t, map[string]*pulumirpc.PolicyConfig{
			"vpc-flow-logs-enabled": {EnforcementLevel: mandatory, Properties: &structpb.Struct{}},
			"vpc-endpoints-present": {EnforcementLevel: pulumirpc.EnforcementLevel_DISABLED},
		})
		resp, err = client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: resources})
		if err != nil {
			t.Fatalf("AnalyzeStack: %v", err)
		}
		want = []diag{{"vpc-flow-logs-enabled", mandatory, uncovered}}
		if got := diags(resp.GetDiagnostics()); !slices.Equal(got, want) {
			t.Errorf("with levels from Configure:\n got %+v\nwant %+v", got, want)
		}
	})

	// A flow declaration (a component, ml-platform:access:Flows) reaches
	// the pack with its flows, and access-flows-hold fires on the stack
	// whose Pod Identity trust admits any namespace.
	t.Run("AnalyzeStackAccessFlows", func(t *testing.T) {
		configure(t, nil)
		data, err := os.ReadFile("../testdata/export-access-pod-identity-any-namespace.json")
		if err != nil {
			t.Fatal(err)
		}
		rs, err := rules.FromStackExport(data)
		if err != nil {
			t.Fatal(err)
		}
		var resources []*pulumirpc.AnalyzerResource
		var flows string
		for _, r := range rs {
			if r.Type == rules.FlowsType {
				flows = r.URN
			}
			resources = append(resources, &pulumirpc.AnalyzerResource{Type: r.Type, Urn: r.URN, Name: r.Name,
				Properties: props(t, r.Properties.AsMap())})
		}
		resp, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: resources})
		if err != nil {
			t.Fatalf("AnalyzeStack: %v", err)
		}
		var found bool
		for _, d := range resp.GetDiagnostics() {
			if d.GetPolicyName() == "access-flows-hold" {
				found = d.GetUrn() == flows && d.GetEnforcementLevel() == mandatory &&
					strings.Contains(d.GetMessage(), "a pod in another namespace assumes Karpenter's controller's role")
			}
		}
		if !found {
			t.Errorf("access-flows-hold did not fire on the declaration: %+v", diags(resp.GetDiagnostics()))
		}
	})
}

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAnalyzerStackConfig drives a second analyzer the way the CLI does for a
// stack that selects a compliance profile and its own settings in its
// configuration: ConfigureStack hands the pack the stack config, the CLI
// reads each policy's level back from GetAnalyzerInfo and sends it in
// Configure, then analyzes.
func TestAnalyzerStackConfig(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := handshaken(ctx, t)
	if _, err := client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: "dev", Project: "ml-platform", Organization: "ml-platform", DryRun: true,
		Config: map[string]string{
			pack.ComplianceKey:     "hipaa",
			pack.PolicySettingsKey: `{"vpc-endpoints-present":{"requiredServices":["sts"]}}`,
		},
	}); err != nil {
		t.Fatalf("ConfigureStack: %v", err)
	}
	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetAnalyzerInfo: %v", err)
	}
	profile, err := rules.StackSettings("hipaa", "")
	if err != nil {
		t.Fatal(err)
	}
	req := &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{}}
	for _, p := range info.GetPolicies() {
		if _, inProfile := profile[p.GetName()]; inProfile && p.GetEnforcementLevel() != pulumirpc.EnforcementLevel_MANDATORY {
			t.Errorf("hipaa stack: %s is %v, want MANDATORY", p.GetName(), p.GetEnforcementLevel())
		}
		req.PolicyConfig[p.GetName()] = &pulumirpc.PolicyConfig{EnforcementLevel: p.GetEnforcementLevel(), Properties: &structpb.Struct{}}
	}
	if len(profile) == 0 {
		t.Fatal("the hipaa profile selects no rules")
	}
	if _, err := client.Configure(ctx, req); err != nil {
		t.Fatalf("Configure: %v", err)
	}

	// A public endpoint with listed CIDRs passes in dev, but not under the
	// profile, whatever the environment.
	typ := "aws:eks/cluster:Cluster"
	resp, err := client.Analyze(ctx, &pulumirpc.AnalyzeRequest{
		Type: typ, Urn: urnOf(typ, "listed"), Name: "listed", Options: &pulumirpc.AnalyzerResourceOptions{Protect: true},
		Properties: props(t, eksCluster(map[string]property.Value{"endpointPublicAccess": property.New(true),
			"publicAccessCidrs": list(str("198.51.100.0/24"))})),
	})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	mandatory := pulumirpc.EnforcementLevel_MANDATORY
	if got, want := diags(resp.GetDiagnostics()), []diag{{"eks-endpoint-private-everywhere", mandatory, urnOf(typ, "listed")}}; !slices.Equal(got, want) {
		t.Errorf("Analyze under hipaa:\n got %+v\nwant %+v", got, want)
	}

	// The stack's own requiredServices reach the stack rule: a VPC with only
	// an STS endpoint is covered.
	vpc := urnOf(vpcType, "sts-only")
	tagged := props(t, map[string]property.Value{"tags": tags(fullTags())})
	stack, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: []*pulumirpc.AnalyzerResource{
		{Type: vpcType, Urn: vpc, Name: "sts-only", Properties: tagged},
		{
			Type: endpointType, Urn: urnOf(endpointType, "sts"), Name: "sts",
			Properties: props(t, map[string]property.Value{
				"vpcId": computed, "serviceName": property.New("com.amazonaws.us-east-1.sts"),
				"vpcEndpointType": property.New("Interface"), "privateDnsEnabled": property.New(true), "tags": tags(fullTags()),
			}),
			PropertyDependencies: map[string]*pulumirpc.AnalyzerPropertyDependencies{"vpcId": {Urns: []string{vpc}}},
		},
	}})
	if err != nil {
		t.Fatalf("AnalyzeStack: %v", err)
	}
	for _, d := range diags(stack.GetDiagnostics()) {
		if d.Policy == "vpc-endpoints-present" {
			t.Errorf("vpc-endpoints-present fired although the stack requires only sts: %+v", stack.GetDiagnostics())
		}
	}
	if got := diags(stack.GetDiagnostics()); !slices.Contains(got, diag{"vpc-flow-logs-enabled", levelOf(info, "vpc-flow-logs-enabled"), vpc}) {
		t.Errorf("vpc-flow-logs-enabled did not fire on a VPC without flow logs: %+v", got)
	}
}

func levelOf(info *pulumirpc.AnalyzerInfo, name string) pulumirpc.EnforcementLevel {
	for _, p := range info.GetPolicies() {
		if p.GetName() == name {
			return p.GetEnforcementLevel()
		}
	}
	return pulumirpc.EnforcementLevel_DISABLED
}

// TestNewRejectsBadStackSettings: a malformed ml-platform:policySettings stops
// ConfigureStack with the key named, instead of silently using defaults.
func TestNewRejectsBadStackSettings(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := handshaken(ctx, t)
	_, err := client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: "dev", Project: "ml-platform", Organization: "ml-platform", DryRun: true,
		Config: map[string]string{pack.PolicySettingsKey: `["not", "an", "object"]`},
	})
	if err == nil || !strings.Contains(err.Error(), pack.PolicySettingsKey) {
		t.Errorf("ConfigureStack with bad settings = %v, want an error naming %s", err, pack.PolicySettingsKey)
	}
}
