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
		"resource-tags-required", "resource-environment-tag-valid", "ec2-launch-template-tags-propagated",
		// encryption
		"kms-key-rotation-enabled", "kms-key-deletion-window-long", "kms-key-policy-not-public", "s3-bucket-encryption-kms",
		"s3-bucket-key-enabled", "s3-bucket-encryption-attached", "eks-cluster-secrets-encrypted", "ec2-volume-encrypted",
		"fsx-filesystem-customer-key", "sagemaker-domain-customer-key", "sagemaker-notebook-customer-key",
		"sagemaker-endpoint-customer-key", "sagemaker-capture-customer-key", "bedrock-guardrail-customer-key",
		"logs-group-customer-key", "prometheus-workspace-customer-key", "resource-customer-key-required",
		// network isolation
		"vpc-endpoints-present", "eks-endpoint-cidrs-restricted", "eks-endpoint-private-prod", "eks-endpoint-private-everywhere",
		"sagemaker-domain-vpc-only", "sagemaker-notebook-internet-disabled", "sagemaker-notebook-root-disabled",
		"sagemaker-model-network-isolated", "ec2-public-ip-disabled", "ec2-imdsv2-required", "ec2-imds-hop-limit-low",
		"s3-public-access-blocked", "s3-public-access-block-attached", "s3-bucket-ownership-enforced",
		"s3-bucket-policy-not-public", "ec2-security-group-no-world-ingress", "eks-node-ssh-disabled", "transport-tls-required", "vpn-tunnel-crypto-strong",
		// audit
		"logs-group-retention-set", "logs-group-retention-year-prod", "logs-group-retention-year", "eks-cluster-logs-enabled",
		"vpc-flow-logs-enabled", "vpc-flow-logs-enabled-prod", "s3-bucket-access-logging",
		// spot and cost
		"eks-training-nodes-spot", "eks-batch-nodes-spot", "sagemaker-pipeline-training-spot", "ec2-accelerator-type-allowed",
		"eks-accelerator-nodes-scale-to-zero", "budgets-budget-present", "budgets-budget-present-prod",
		"s3-bucket-lifecycle-enabled", "ec2-efa-placement-cluster",
		// IAM
		"iam-policy-no-wildcard-actions", "iam-policy-no-admin-attached", "iam-role-trust-not-public", "eks-cluster-access-entries",
		// availability
		"resource-stateful-protected-prod", "s3-bucket-versioning-prod", "eks-cluster-version-supported",
		"sagemaker-endpoint-instances-prod", "eks-inference-nodes-on-demand-prod", "eks-node-group-multi-az-prod",
		"fsx-filesystem-backups-prod", "storage-backups-enabled", "karpenter-ami-pinned-prod",
		// generative AI safety
		"bedrock-guardrail-filters-complete", "bedrock-guardrail-filters-complete-prod",
		// deploy readiness
		"aws-input-enums-valid", "kms-key-grants-services", "resource-dependencies-declared",
		"ec2-launch-template-public-ip-single-interface", "ec2-efa-interfaces-within-cards", "iam-policy-size-within-limit",
		"billing-alert-subscribers-valid", "s3-lifecycle-transitions-valid", "fsx-efa-filesystem-valid", "fsx-data-repositories-supported",
		"amp-scraper-deploy-ready",
	} {
		names[want] = false
	}
	inProfile := map[string]bool{}
	for _, p := range Profiles() {
		for name := range p.Controls {
			inProfile[name] = true
		}
	}
	concerns := map[Concern]bool{}
	for _, c := range Concerns {
		concerns[c.Concern] = true
	}
	check := func(name string, concern Concern, types []string, level Level, schema map[string]map[string]any, defaults map[string]any) {
		t.Helper()
		if !concerns[concern] {
			t.Errorf("%s: concern %q is not one of Concerns", name, concern)
		}
		if level == Disabled && !inProfile[name] {
			t.Errorf("%s: off by default but in no compliance profile: nothing can turn it on", name)
		}
		for _, typ := range types {
			if !strings.Contains(typ, ":") {
				t.Errorf("%s: %q is not a type token", name, typ)
			}
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
		check(r.Name, r.Concern, r.Types, r.Level, r.ConfigSchema, r.Defaults)
	}
	srs := StackRules()
	if !slices.IsSortedFunc(srs, func(a, b StackRule) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("StackRules() is not sorted by name")
	}
	for _, r := range srs {
		check(r.Name, r.Concern, r.Types, r.Level, r.ConfigSchema, r.Defaults)
	}
	for name, seen := range names {
		if !seen {
			t.Errorf("rule %q is not registered", name)
		}
	}
	if got, want := Names(), slices.Sorted(maps.Keys(names)); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, name := range slices.Sorted(maps.Keys(inProfile)) {
		if _, ok := names[name]; !ok {
			t.Errorf("a profile lists %q, which is not a rule", name)
		}
	}
	if lvl := ruleByName(t, "resource-tags-required").Level; lvl != Mandatory {
		t.Errorf("resource-tags-required level = %q, want mandatory", lvl)
	}
}

// TestNamingScheme: <service>-<subject>-<expectation>, and the prod scope
// spelled one way (a -prod suffix exactly on prod-scoped rules); register
// enforces it, this shows it fails on a bad name.
func TestNamingScheme(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scope Scope
		ok    bool
	}{
		{"kms-key-rotation-tested", ScopeAll, true},
		{"eks-endpoint-tested-prod", ScopeProdLike, true},
		{"prod-stateful-protected", ScopeProdLike, false},
		{"required-tags", ScopeAll, false},
		{"vpc-flow-logs-enabled-prod", ScopeAll, false},
		{"Bad-Name-Here", ScopeAll, false},
	} {
		func() {
			defer func() {
				if p := recover(); (p == nil) != tc.ok {
					t.Errorf("%s (%s): panic = %v, want ok = %v", tc.name, tc.scope, p, tc.ok)
				}
			}()
			saved := maps.Clone(ruleNames)
			defer func() { ruleNames = saved }()
			mustNewName(tc.name, "why", "what", Advisory, tc.scope, nil, nil, false)
		}()
	}
}

// probeKeys are the properties the rules read. Add the keys a new rule reads
// so that the unknown and wrong-kind sweeps below cover it.
var probeKeys = []string{
	"loggingConfig", "blockedInputMessaging", "blockedOutputsMessaging",
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
	"nodeSubnetIds", "availabilityZone", "strategy", "name", "logFormat", "storageCapacity", "perUnitStorageThroughput",
	"storageType", "dataCompressionType", "contentPolicyConfig", "sensitiveInformationPolicyConfig", "kmsMasterKeyId",
	"encryptionConfigurations", "serverSideEncryption", "pointInTimeRecovery", "sslPolicy", "queueUrl", "arn",
	"targetBucket", "taints", "amiType", "resolveConflictsOnCreate", "accessScope", "budgetType", "timeUnit",
	"notifications", "monitorType", "monitorDimension", "frequency", "trafficType", "logDestinationType",
	"topicPolicyConfig", "wordPolicyConfig", "contextualGroundingPolicyConfig", "clusterName", "keyId",
	"roleConfiguration", "source", "destination", "tunnel1IkeVersions", "tunnel2IkeVersions",
	"tunnel1Phase1EncryptionAlgorithms", "tunnel1Phase2EncryptionAlgorithms", "tunnel2Phase1EncryptionAlgorithms",
	"tunnel2Phase2EncryptionAlgorithms", "tunnel1Phase1IntegrityAlgorithms", "tunnel1Phase2IntegrityAlgorithms",
	"tunnel2Phase1IntegrityAlgorithms", "tunnel2Phase2IntegrityAlgorithms", "tunnel1Phase1DhGroupNumbers",
	"tunnel1Phase2DhGroupNumbers", "tunnel2Phase1DhGroupNumbers", "tunnel2Phase2DhGroupNumbers",
}

// probeTypes are the resource types the sweeps instantiate: every taggable
// type and every type a rule reads.
func probeTypes() []string {
	types := slices.Sorted(maps.Keys(taggableTypes))
	types = append(types,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
		appAutoscalingTarget, ebsVolumeType, securityGroupRuleType, eksAccessPolicyType, iamRolePolicyType,
		iamUserPolicyType, iamGroupPolicyType, kmsKeyPolicyType, s3SSEConfigType, s3PublicAccessType,
		s3OwnershipType, s3VersioningType, s3LifecycleType, s3LoggingType, s3BucketPolicyType, sqsQueuePolicyType,
		lbListenerType, eventTargetType, karpenterNodePoolType, karpenterNodeClassType, "eks:index:Addon",
		bedrockInvocationLogType, aossSecurityPolicyType, aossAccessPolicyType,
		"eks:index:Cluster", "eks:index:ManagedNodeGroup",
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
			if !Applies(rule, r) {
				continue
			}
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
		"kms-key-rotation-enabled": "disabled",
		"resource-tags-required": {"enforcementLevel": "advisory", "requiredTags": ["Owner"]},
		"kms-key-deletion-window-long": {"minimumDays": 7}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{
		"all":                          {Level: Mandatory},
		"kms-key-rotation-enabled":     {Level: Disabled},
		"resource-tags-required":       {Level: Advisory, Config: map[string]any{"requiredTags": []any{"Owner"}}},
		"kms-key-deletion-window-long": {Config: map[string]any{"minimumDays": 7.0}},
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
		{"unknown rule", `{"no-such-rule": "advisory"}`, []string{`"no-such-rule"`, "resource-tags-required"}},
		{"bad level string", `{"resource-tags-required": "warn"}`, []string{`"resource-tags-required"`, `"warn"`, "advisory, mandatory, disabled"}},
		{"bad level in object", `{"kms-key-rotation-enabled": {"enforcementLevel": "blocking"}}`, []string{`"kms-key-rotation-enabled"`, `"blocking"`}},
		{"remediate is not a level here", `{"resource-tags-required": "remediate"}`, []string{`"remediate"`}},
		{"level not a string", `{"resource-tags-required": {"enforcementLevel": 1}}`, []string{`"resource-tags-required"`, "enforcementLevel must be a string"}},
		{"null setting", `{"resource-tags-required": null}`, []string{`"resource-tags-required"`, "got null"}},
		{"number setting", `{"resource-tags-required": 3}`, []string{`"resource-tags-required"`, "string or an object"}},
		{"unknown config key", `{"resource-tags-required": {"tags": ["A"]}}`, []string{`"resource-tags-required"`, `"tags"`, "requiredTags"}},
		{"config on a rule without config", `{"kms-key-rotation-enabled": {"days": 1}}`, []string{`"kms-key-rotation-enabled"`, `"days"`, "allowed: none"}},
		{"wrong type", `{"resource-tags-required": {"requiredTags": "Project"}}`, []string{`"requiredTags"`, "must be an array"}},
		{"wrong element type", `{"resource-tags-required": {"requiredTags": ["A", 1]}}`, []string{"element 1", "must be a string"}},
		{"below minimum", `{"kms-key-deletion-window-long": {"minimumDays": 3}}`, []string{`"minimumDays"`, "at least 7"}},
		{"not an integer", `{"kms-key-deletion-window-long": {"minimumDays": 7.5}}`, []string{`"minimumDays"`, "integer"}},
		{"bad all level", `{"all": "strict"}`, []string{`"all"`, `"strict"`}},
		{"config on all", `{"all": {"enforcementLevel": "advisory", "requiredTags": []}}`, []string{`"all"`, `"requiredTags"`}},
		{
			"every problem at once",
			`{"nope": "advisory", "resource-tags-required": "warn"}`,
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
		"resource-tags-required": {Level: Advisory, Config: map[string]any{"requiredTags": []any{"Owner"}}},
		"all":                    {Level: Mandatory},
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"all":{"enforcementLevel":"mandatory"},"resource-tags-required":{"enforcementLevel":"advisory","requiredTags":["Owner"]}}`
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
		return v("kms-key-deletion-window-long", l, key.URN, "deletionWindowInDays is 7; use at least 30")
	}
	rotation := func(l Level) Violation {
		return v("kms-key-rotation-enabled", l, key.URN, "enableKeyRotation is false; set it to true")
	}
	tags := func(l Level, missing string) Violation {
		return v("resource-tags-required", l, vpc.URN, "missing required tags: "+missing+" (checked tags)")
	}
	flow := func(l Level) Violation {
		return v("vpc-flow-logs-enabled", l, vpc.URN, "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC")
	}
	endpoints := func(l Level) Violation {
		return v("vpc-endpoints-present", l, vpc.URN,
			"no VPC endpoint for ecr.api, ecr.dkr, s3, sts: traffic to these AWS APIs leaves through the internet")
	}
	const allTags = "CostCenter, Environment, ManagedBy, Project, Team"

	tests := []struct {
		name     string
		settings string
		want     []Violation
	}{
		{"defaults", `{}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, allTags), endpoints(Mandatory), flow(Advisory)}},
		{"disabled rule skipped", `{"resource-tags-required": "disabled"}`, []Violation{window(Advisory), rotation(Mandatory), endpoints(Mandatory), flow(Advisory)}},
		{"disabled stack rule skipped", `{"vpc-flow-logs-enabled": {"enforcementLevel": "disabled"}}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, allTags), endpoints(Mandatory)}},
		{"requiredTags override", `{"resource-tags-required": {"requiredTags": ["Owner"]}}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, "Owner"), endpoints(Mandatory), flow(Advisory)}},
		{"config override of a threshold", `{"kms-key-deletion-window-long": {"minimumDays": 7}}`, []Violation{rotation(Mandatory), tags(Mandatory, allTags), endpoints(Mandatory), flow(Advisory)}},
		{"stack rule config override", `{"vpc-endpoints-present": {"requiredServices": []}}`, []Violation{window(Advisory), rotation(Mandatory), tags(Mandatory, allTags), flow(Advisory)}},
		{"all raises every level", `{"all": "mandatory"}`, []Violation{window(Mandatory), rotation(Mandatory), tags(Mandatory, allTags), endpoints(Mandatory), flow(Mandatory)}},
		{"all lowers every level", `{"all": "advisory"}`, []Violation{window(Advisory), rotation(Advisory), tags(Advisory, allTags), endpoints(Advisory), flow(Advisory)}},
		{"a rule's own level beats all", `{"all": "disabled", "kms-key-rotation-enabled": "advisory"}`, []Violation{rotation(Advisory)}},
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
	got := Evaluate([]Resource{b, a}, Settings{"resource-tags-required": {Level: Disabled}, "vpc-endpoints-present": {Level: Disabled}})
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
