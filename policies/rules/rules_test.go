package rules

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestRegistry(t *testing.T) {
	names := map[string]bool{}
	for _, want := range []string{
		// tagging
		"required-tags", "environment-tag-values", "launch-template-tag-specifications",
		// encryption
		"kms-key-rotation", "kms-key-deletion-window", "kms-key-policy-no-public", "s3-sse-kms", "s3-bucket-key",
		"s3-encryption-attached", "eks-secrets-encryption", "ebs-encryption", "fsx-customer-key",
		"sagemaker-domain-kms", "sagemaker-notebook-kms", "sagemaker-endpoint-kms", "sagemaker-data-capture-kms",
		"bedrock-guardrail-kms", "log-group-kms", "log-group-retention",
		// network isolation
		"vpc-flow-logs", "vpc-privatelink-endpoints", "eks-endpoint-not-world", "eks-endpoint-private-prod",
		"sagemaker-domain-vpc-only", "sagemaker-notebook-direct-internet", "sagemaker-notebook-root-access",
		"sagemaker-model-network-isolation", "no-public-ip", "imdsv2-required", "imds-hop-limit",
		"s3-public-access-block", "s3-public-access-block-attached", "s3-ownership-enforced",
		"s3-bucket-policy-no-public", "security-group-world-ingress", "node-ssh-disabled",
		// spot and cost
		"training-uses-spot", "batch-cpu-uses-spot", "sagemaker-pipeline-spot-training", "accelerator-allow-list",
		"gpu-scale-to-zero-nonprod", "budget-exists", "s3-lifecycle-rules", "efa-placement-group",
		"karpenter-ami-pinned-prod",
		// IAM
		"iam-no-wildcard-actions", "iam-no-admin-policy", "iam-trust-no-wildcard-principal", "eks-access-entries-mode",
		// availability
		"prod-stateful-protected", "s3-versioning-prod", "eks-control-plane-logs", "eks-minimum-version",
		"sagemaker-endpoint-instances-prod", "prod-inference-node-groups", "node-group-multi-az-prod", "fsx-backups-prod",
	} {
		names[want] = false
	}
	check := func(name, desc string, level Level, schema map[string]map[string]any, defaults map[string]any) {
		t.Helper()
		if desc == "" {
			t.Errorf("%s: no description", name)
		}
		if !level.Valid() || level == Disabled {
			t.Errorf("%s: level %q, want advisory or mandatory", name, level)
		}
		// Defaults must satisfy the rule's own schema in the form JSON config
		// takes ([]any, float64), or the pack would advertise a bad default.
		if errs := validateConfig(schema, defaults); len(errs) > 0 {
			t.Errorf("%s: defaults do not match schema: %v", name, errs)
		}
		names[name] = true
	}
	rs := Rules()
	if !slices.IsSortedFunc(rs, func(a, b Rule) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Rules() is not sorted by name")
	}
	for _, r := range rs {
		check(r.Name, r.Description, r.Level, r.ConfigSchema, r.Defaults)
	}
	srs := StackRules()
	if !slices.IsSortedFunc(srs, func(a, b StackRule) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("StackRules() is not sorted by name")
	}
	for _, r := range srs {
		check(r.Name, r.Description, r.Level, r.ConfigSchema, r.Defaults)
	}
	for name, seen := range names {
		if !seen {
			t.Errorf("rule %q is not registered", name)
		}
	}
	if got, want := Names(), slices.Sorted(maps.Keys(names)); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	if lvl := ruleByName(t, "required-tags").Level; lvl != Mandatory {
		t.Errorf("required-tags level = %q, want mandatory", lvl)
	}
	if lvl := ruleByName(t, "kms-key-rotation").Level; lvl != Mandatory {
		t.Errorf("kms-key-rotation level = %q, want mandatory", lvl)
	}
	if n := len(Names()); n < 35 {
		t.Errorf("%d rules registered; the pack promises at least 35", n)
	}
}

// probeKeys are the properties the rules read. Add the keys a new rule reads
// so that the unknown and wrong-kind sweeps below cover it.
var probeKeys = []string{
	"tags", "tagsAll", "clusterTags", "enableKeyRotation", "deletionWindowInDays", "customerMasterKeySpec", "vpcId",
	"policy", "tagSpecifications", "rules", "bucket", "serverSideEncryptionConfigurations",
	"serverSideEncryptionConfiguration", "encryptionConfigKeyArn", "encryptionConfig", "blockDeviceMappings",
	"rootBlockDevice", "ebsBlockDevices", "launchTemplate", "encrypted", "kmsKeyId", "skipDefaultNodeGroup",
	"fargate", "nodeGroupOptions", "nodeRootVolumeEncrypted", "encryptRootBlockDevice", "deploymentType",
	"kmsKeyArn", "productionVariants", "asyncInferenceConfig", "dataCaptureConfig", "retentionInDays",
	"serviceName", "vpcEndpointType", "privateDnsEnabled", "endpointPublicAccess", "endpointPrivateAccess",
	"publicAccessCidrs", "vpcConfig", "appNetworkAccessType", "directInternetAccess", "rootAccess",
	"enableNetworkIsolation", "networkInterfaces", "associatePublicIpAddress", "mapPublicIpOnLaunch",
	"nodeAssociatePublicIpAddress", "metadataOptions", "enableIMDSv2", "instanceMetadataServiceConfiguration",
	"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets", "rule", "ingress",
	"cidrIpv4", "cidrIpv6", "ipProtocol", "fromPort", "toPort", "type", "cidrBlocks", "ipv6CidrBlocks",
	"protocol", "remoteAccess", "keyName", "nodePublicKey", "labels", "capacityType", "spotPrice", "spec",
	"scalingConfig", "minSize", "instanceTypes", "instanceType", "pipelineDefinition", "lifecycleRules",
	"placement", "inlinePolicies", "assumeRolePolicy", "managedPolicyArns", "policyArn", "policyArns",
	"authenticationMode", "accessConfig", "enabledClusterLogTypes", "version", "serviceNamespace", "minCapacity",
	"automaticBackupRetentionDays", "versionings", "versioning", "versioningConfiguration", "subnetIds",
	"nodeSubnetIds", "availabilityZone", "strategy", "name",
}

// probeTypes are the resource types the sweeps instantiate: every taggable
// type and every type a rule reads.
func probeTypes() []string {
	types := slices.Sorted(maps.Keys(taggableTypes))
	types = append(types,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
		appAutoscalingTarget, ebsVolumeType, securityGroupRuleType, eksAccessPolicyType, iamRolePolicyType,
		iamUserPolicyType, iamGroupPolicyType, kmsKeyPolicyType, s3SSEConfigType, s3PublicAccessType,
		s3OwnershipType, s3VersioningType, s3LifecycleType, s3BucketPolicyType, eksNodeGroupV2Type,
		eksNodeGroupCompType, karpenterNodePoolType, karpenterNodeClassType, "eks:index:Addon",
	)
	return slices.Compact(slices.Sorted(slices.Values(types)))
}

// stackSubjects are the types stack rules report on for lacking a companion
// (a VPC without a flow log, a bucket without encryption): their own
// properties being unknown says nothing about their companions, so the
// unknown sweep leaves them out.
var stackSubjects = []string{vpcType, s3BucketType, s3BucketV2Type}

// TestUnknownNeverFires gives every rule resources whose every probed
// property is computed: a rule must not report what it cannot see.
func TestUnknownNeverFires(t *testing.T) {
	props := map[string]property.Value{}
	for _, k := range probeKeys {
		props[k] = computed
	}
	var all []Resource
	for _, typ := range probeTypes() {
		r := res(typ, "unknown", props)
		all = append(all, r)
		for _, rule := range Rules() {
			if got := rule.Check(r, MergeConfig(rule.Defaults, nil)); len(got) > 0 {
				t.Errorf("%s on %s with unknown properties: %q", rule.Name, typ, got)
			}
		}
	}
	for _, rule := range StackRules() {
		rs := slices.DeleteFunc(slices.Clone(all), func(r Resource) bool { return slices.Contains(stackSubjects, r.Type) })
		if got := rule.Check(rs, MergeConfig(rule.Defaults, nil)); len(got) > 0 {
			t.Errorf("%s with unknown properties: %+v", rule.Name, got)
		}
	}
}

// TestNoPanicOnAnyKind feeds every rule every kind of value under every probed
// key: AsX on the wrong kind would panic and kill the analyzer.
func TestNoPanicOnAnyKind(t *testing.T) {
	kinds := map[string]property.Value{
		"computed":        computed,
		"null":            property.New(property.Null),
		"bool":            property.New(true),
		"number":          property.New(7.0),
		"string":          property.New("x"),
		"string bool":     property.New("false"),
		"array":           property.New([]property.Value{computed, property.New("a")}),
		"map":             property.New(map[string]property.Value{"Project": computed, "Team": property.New(1.0)}),
		"secret computed": computed.WithSecret(true),
		"secret map":      tagValue(fullTags()).WithSecret(true),
	}
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		for _, key := range probeKeys {
			var rs []Resource
			for _, typ := range probeTypes() {
				rs = append(rs, res(typ, "probe", map[string]property.Value{key: kinds[kind]}))
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("panic with %s = %s: %v", key, kind, p)
					}
				}()
				Evaluate(rs, nil)
			}()
		}
	}
}

func TestParseSettings(t *testing.T) {
	got, err := ParseSettings([]byte(`{
		"all": "mandatory",
		"kms-key-rotation": "disabled",
		"required-tags": {"enforcementLevel": "advisory", "requiredTags": ["Owner"]},
		"kms-key-deletion-window": {"minimumDays": 7}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{
		"all":                     {Level: Mandatory},
		"kms-key-rotation":        {Level: Disabled},
		"required-tags":           {Level: Advisory, Config: map[string]any{"requiredTags": []any{"Owner"}}},
		"kms-key-deletion-window": {Config: map[string]any{"minimumDays": 7.0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSettings:\n got %#v\nwant %#v", got, want)
	}

	errCases := []struct {
		name string
		json string
		want []string // substrings the error must contain
	}{
		{"not JSON", `enforcementLevel: mandatory`, []string{"not a JSON object"}},
		{"array", `[]`, []string{"not a JSON object"}},
		{"null", `null`, []string{"not a JSON object"}},
		{"unknown rule", `{"no-such-rule": "advisory"}`, []string{`"no-such-rule"`, "required-tags"}},
		{"bad level string", `{"required-tags": "warn"}`, []string{`"required-tags"`, `"warn"`, "advisory, mandatory, disabled"}},
		{"bad level in object", `{"kms-key-rotation": {"enforcementLevel": "blocking"}}`, []string{`"kms-key-rotation"`, `"blocking"`}},
		{"remediate is not a level here", `{"required-tags": "remediate"}`, []string{`"remediate"`}},
		{"level not a string", `{"required-tags": {"enforcementLevel": 1}}`, []string{`"required-tags"`, "enforcementLevel must be a string"}},
		{"null setting", `{"required-tags": null}`, []string{`"required-tags"`, "got null"}},
		{"number setting", `{"required-tags": 3}`, []string{`"required-tags"`, "string or an object"}},
		{"unknown config key", `{"required-tags": {"tags": ["A"]}}`, []string{`"required-tags"`, `"tags"`, "requiredTags"}},
		{"config on a rule without config", `{"kms-key-rotation": {"days": 1}}`, []string{`"kms-key-rotation"`, `"days"`, "allowed: none"}},
		{"wrong type", `{"required-tags": {"requiredTags": "Project"}}`, []string{`"requiredTags"`, "must be an array"}},
		{"wrong element type", `{"required-tags": {"requiredTags": ["A", 1]}}`, []string{"element 1", "must be a string"}},
		{"below minimum", `{"kms-key-deletion-window": {"minimumDays": 3}}`, []string{`"minimumDays"`, "at least 7"}},
		{"not an integer", `{"kms-key-deletion-window": {"minimumDays": 7.5}}`, []string{`"minimumDays"`, "integer"}},
		{"bad all level", `{"all": "strict"}`, []string{`"all"`, `"strict"`}},
		{"config on all", `{"all": {"enforcementLevel": "advisory", "requiredTags": []}}`, []string{`"all"`, `"requiredTags"`}},
		{
			"every problem at once",
			`{"nope": "advisory", "required-tags": "warn"}`,
			[]string{`"nope"`, `"warn"`},
		},
	}
	for _, tt := range errCases {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSettings([]byte(tt.json))
			if err == nil {
				t.Fatalf("ParseSettings(%s) = %v, want an error", tt.json, s)
			}
			for _, sub := range tt.want {
				if !strings.Contains(err.Error(), sub) {
					t.Errorf("error %q does not contain %q", err, sub)
				}
			}
		})
	}
}

func TestSettingJSONRoundTrip(t *testing.T) {
	in := Settings{
		"required-tags": {Level: Advisory, Config: map[string]any{"requiredTags": []any{"Owner"}}},
		"all":           {Level: Mandatory},
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"all":{"enforcementLevel":"mandatory"},"required-tags":{"enforcementLevel":"advisory","requiredTags":["Owner"]}}`
	if string(data) != want {
		t.Errorf("Marshal = %s, want %s", data, want)
	}
	out, err := ParseSettings(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip = %#v, want %#v", out, in)
	}
}

func TestEvaluate(t *testing.T) {
	vpc := res(vpcType, "net-vpc", nil)
	key := res(kmsKeyType, "data-key", map[string]property.Value{
		"tags":                 tagValue(with(fullTags(), "Owner", "ml-infra")),
		"enableKeyRotation":    property.New(false),
		"deletionWindowInDays": property.New(7.0),
	})
	resources := []Resource{vpc, key}
	v := func(policy string, level Level, urn, msg string) Violation {
		return Violation{Policy: policy, EnforcementLevel: level, URN: urn, Message: msg}
	}
	window := func(l Level) Violation {
		return v("kms-key-deletion-window", l, key.URN, "deletionWindowInDays is 7; use at least 30")
	}
	rotation := func(l Level) Violation {
		return v("kms-key-rotation", l, key.URN, "enableKeyRotation is false; set it to true")
	}
	tags := func(l Level, missing string) Violation {
		return v("required-tags", l, vpc.URN, "missing required tags: "+missing+" (checked tags)")
	}
	flow := func(l Level) Violation {
		return v("vpc-flow-logs", l, vpc.URN, "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC")
	}
	endpoints := func(l Level) Violation {
		return v("vpc-privatelink-endpoints", l, vpc.URN,
			"no VPC endpoint for ecr.api, ecr.dkr, s3, sts: traffic to these AWS APIs leaves through the internet")
	}
	const allTags = "CostCenter, Environment, ManagedBy, Project, Team"

	tests := []struct {
		name     string
		settings string
		want     []Violation
	}{
		{"defaults", `{}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, allTags), flow(Advisory), endpoints(Mandatory)}},
		{"disabled rule skipped", `{"required-tags": "disabled"}`, []Violation{window(Advisory), rotation(Mandatory), flow(Advisory), endpoints(Mandatory)}},
		{"disabled stack rule skipped", `{"vpc-flow-logs": {"enforcementLevel": "disabled"}}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, allTags), endpoints(Mandatory)}},
		{"requiredTags override", `{"required-tags": {"requiredTags": ["Owner"]}}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, "Owner"), flow(Advisory), endpoints(Mandatory)}},
		{"config override of a threshold", `{"kms-key-deletion-window": {"minimumDays": 7}}`, []Violation{rotation(Mandatory), tags(Mandatory, allTags), flow(Advisory), endpoints(Mandatory)}},
		{"stack rule config override", `{"vpc-privatelink-endpoints": {"requiredServices": []}}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, allTags), flow(Advisory)}},
		{"all raises every level", `{"all": "mandatory"}`, []Violation{window(Mandatory), rotation(Mandatory), tags(Mandatory, allTags), flow(Mandatory), endpoints(Mandatory)}},
		{"all lowers every level", `{"all": "advisory"}`, []Violation{window(Advisory), rotation(Advisory), tags(Advisory, allTags), flow(Advisory), endpoints(Advisory)}},
		{"a rule's own level beats all", `{"all": "disabled", "kms-key-rotation": "advisory"}`, []Violation{rotation(Advisory)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSettings([]byte(tt.settings))
			if err != nil {
				t.Fatal(err)
			}
			got := Evaluate(resources, s)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Evaluate:\n got %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
	if got := Evaluate(resources, nil); !slices.Equal(got, Evaluate(resources, Settings{})) {
		t.Error("nil settings differ from empty settings")
	}
}

func TestEvaluateSortsByURN(t *testing.T) {
	b := res(vpcType, "b", map[string]property.Value{"tags": tagValue(fullTags())})
	a := res(vpcType, "a", map[string]property.Value{"tags": tagValue(fullTags())})
	got := Evaluate([]Resource{b, a}, Settings{"required-tags": {Level: Disabled}, "vpc-privatelink-endpoints": {Level: Disabled}})
	if len(got) != 2 || got[0].URN != a.URN || got[1].URN != b.URN {
		t.Errorf("Evaluate order = %s, want a before b", dump(got))
	}
}

func TestHasMandatory(t *testing.T) {
	tests := []struct {
		in   []Violation
		want bool
	}{
		{nil, false},
		{[]Violation{{EnforcementLevel: Advisory}}, false},
		{[]Violation{{EnforcementLevel: Advisory}, {EnforcementLevel: Mandatory}}, true},
	}
	for _, tt := range tests {
		if got := HasMandatory(tt.in); got != tt.want {
			t.Errorf("HasMandatory(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	m := property.NewMap(map[string]property.Value{
		"s":    property.New("x"),
		"sb":   property.New("true"),
		"n":    property.New(3.0),
		"null": property.New(property.Null),
		"c":    computed,
		"m":    property.New(map[string]property.Value{"inner": property.New(true), "c": computed}),
		"a":    property.New([]property.Value{property.New("e")}),
	})
	tests := []struct {
		path []string
		want presence
	}{
		{[]string{"s"}, present},
		{[]string{"missing"}, absent},
		{[]string{"null"}, absent},
		{[]string{"c"}, unknown},
		{[]string{"c", "deeper"}, unknown},
		{[]string{"m", "inner"}, present},
		{[]string{"m", "c"}, unknown},
		{[]string{"s", "through-a-string"}, absent},
		{[]string{"a", "0"}, absent},
	}
	for _, tt := range tests {
		if _, got := lookup(m, tt.path...); got != tt.want {
			t.Errorf("lookup(%v) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if s, ok := getString(m, "s"); !ok || s != "x" {
		t.Errorf("getString(s) = %q, %v", s, ok)
	}
	if _, ok := getString(m, "n"); ok {
		t.Error("getString on a number succeeded")
	}
	if b, ok := getBool(m, "sb"); !ok || !b {
		t.Errorf(`getBool("true") = %v, %v`, b, ok)
	}
	if b, ok := getBool(m, "m", "inner"); !ok || !b {
		t.Errorf("getBool(m.inner) = %v, %v", b, ok)
	}
	if _, ok := getBool(m, "c"); ok {
		t.Error("getBool on a computed value succeeded")
	}
	if n, ok := getNumber(m, "n"); !ok || n != 3 {
		t.Errorf("getNumber(n) = %v, %v", n, ok)
	}
	if _, ok := getMap(m, "c"); ok {
		t.Error("getMap on a computed value succeeded")
	}
	if a, ok := getArray(m, "a"); !ok || len(a) != 1 {
		t.Errorf("getArray(a) = %v, %v", a, ok)
	}
	if _, ok := getArray(m, "m"); ok {
		t.Error("getArray on a map succeeded")
	}
	if !isUnknown(m, "m", "c") || isUnknown(m, "s") {
		t.Error("isUnknown is wrong")
	}
}

func TestConfigHelpers(t *testing.T) {
	cfg := map[string]any{
		"anys": []any{"a", 1.0, "b"}, "strings": []string{"c"}, "f": 2.5, "i": 3, "b": true, "s": "x",
	}
	if got := cfgStrings(cfg, "anys"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("cfgStrings(anys) = %v", got)
	}
	if got := cfgStrings(cfg, "strings"); !slices.Equal(got, []string{"c"}) {
		t.Errorf("cfgStrings(strings) = %v", got)
	}
	if got := cfgStrings(cfg, "s"); got != nil {
		t.Errorf("cfgStrings(s) = %v", got)
	}
	if n, ok := cfgNumber(cfg, "i"); !ok || n != 3 {
		t.Errorf("cfgNumber(i) = %v, %v", n, ok)
	}
	if n, ok := cfgNumber(cfg, "f"); !ok || n != 2.5 {
		t.Errorf("cfgNumber(f) = %v, %v", n, ok)
	}
	if _, ok := cfgNumber(cfg, "s"); ok {
		t.Error("cfgNumber on a string succeeded")
	}
	if b, ok := cfgBool(cfg, "b"); !ok || !b {
		t.Errorf("cfgBool(b) = %v, %v", b, ok)
	}
	if s, ok := cfgString(cfg, "s"); !ok || s != "x" {
		t.Errorf("cfgString(s) = %v, %v", s, ok)
	}
	merged := MergeConfig(map[string]any{"a": 1, "b": 2}, map[string]any{"b": 3, "enforcementLevel": "x"})
	if !reflect.DeepEqual(merged, map[string]any{"a": 1, "b": 3}) {
		t.Errorf("MergeConfig = %v", merged)
	}
}

func dump(v []Violation) string {
	var b strings.Builder
	for _, x := range v {
		fmt.Fprintf(&b, "\n  %s %s %s: %s", x.Policy, x.EnforcementLevel, x.URN, x.Message)
	}
	return b.String()
}
