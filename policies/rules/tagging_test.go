package rules

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestRequiredTags(t *testing.T) {
	const (
		vpc = "aws:ec2/vpc:Vpc"
		all = "CostCenter, Environment, ManagedBy, Project, Team"
	)
	tests := []struct {
		name  string
		typ   string
		props map[string]property.Value
		cfg   map[string]any
		want  []string
	}{
		{
			name:  "all tags set",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(fullTags())},
		},
		{
			name: "taggable type without tags",
			typ:  vpc,
			want: []string{"missing required tags: " + all + " (checked tags)"},
		},
		{
			name:  "tags null",
			typ:   vpc,
			props: map[string]property.Value{"tags": property.New(property.Null)},
			want:  []string{"missing required tags: " + all + " (checked tags)"},
		},
		{
			name:  "missing keys named in sorted order",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(without(fullTags(), "Team", "CostCenter"))},
			want:  []string{"missing required tags: CostCenter, Team (checked tags)"},
		},
		{
			name:  "empty value counts as missing",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(with(fullTags(), "Team", ""))},
			want:  []string{"missing required tags: Team (checked tags)"},
		},
		{
			name:  "blank value counts as missing",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(with(fullTags(), "Project", "  "))},
			want:  []string{"missing required tags: Project (checked tags)"},
		},
		{
			name: "unknown tag value counts as present",
			typ:  vpc,
			props: map[string]property.Value{"tags": property.New(map[string]property.Value{
				"Project": computed, "Environment": property.New("dev"), "Team": property.New("t"),
				"CostCenter": property.New("c"), "ManagedBy": computed,
			})},
		},
		{
			name: "secret tag value counts as present",
			typ:  vpc,
			props: map[string]property.Value{"tags": property.New(map[string]property.Value{
				"Project": property.New("p").WithSecret(true), "Environment": property.New("dev"),
				"Team": property.New("t"), "CostCenter": property.New("c"), "ManagedBy": property.New("m"),
			})},
		},
		{
			name:  "unknown tags never fire",
			typ:   vpc,
			props: map[string]property.Value{"tags": computed},
		},
		{
			name:  "tagsAll and tags both unknown never fire",
			typ:   vpc,
			props: map[string]property.Value{"tags": computed, "tagsAll": computed},
		},
		{
			name: "tagsAll preferred over tags (provider default tags)",
			typ:  vpc,
			props: map[string]property.Value{
				"tags":    tagValue(without(fullTags(), "ManagedBy", "CostCenter")),
				"tagsAll": tagValue(fullTags()),
			},
		},
		{
			name: "tagsAll preferred over tags when it lacks a key",
			typ:  vpc,
			props: map[string]property.Value{
				"tags":    tagValue(fullTags()),
				"tagsAll": tagValue(without(fullTags(), "Environment")),
			},
			want: []string{"missing required tags: Environment (checked tagsAll)"},
		},
		{
			// A real preview: tagsAll (default tags merged in) unknown until
			// the provider computes it; tags alone would miss the defaults.
			name: "unknown tagsAll never fires, even when tags lacks keys",
			typ:  vpc,
			props: map[string]property.Value{
				"tags":    tagValue(without(fullTags(), "ManagedBy")),
				"tagsAll": computed,
			},
		},
		{
			name:  "absent tagsAll falls back to tags",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(without(fullTags(), "ManagedBy"))},
			want:  []string{"missing required tags: ManagedBy (checked tags)"},
		},
		{
			name:  "tags of the wrong kind carry no tags",
			typ:   vpc,
			props: map[string]property.Value{"tags": property.New("Project=x")},
			want:  []string{"missing required tags: " + all + " (checked tags)"},
		},
		{
			name:  "non-taggable type without tags is skipped",
			typ:   "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
			props: map[string]property.Value{"role": property.New("r")},
		},
		{
			name:  "any type with a tags property is checked",
			typ:   "aws:ec2/transitGateway:TransitGateway",
			props: map[string]property.Value{"tags": tagValue(without(fullTags(), "Team"))},
			want:  []string{"missing required tags: Team (checked tags)"},
		},
		{
			// pulumi-eks v2.8.1 registers its component with no inputs; the
			// aws:eks/cluster child carries the tags.
			name: "pulumi-eks cluster component with empty inputs",
			typ:  "eks:index:Cluster",
		},
		{
			name:  "requiredTags override",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(map[string]string{"Owner": "me"})},
			cfg:   map[string]any{"requiredTags": []any{"Owner"}},
		},
		{
			name:  "requiredTags override fires on its own keys only",
			typ:   vpc,
			props: map[string]property.Value{"tags": tagValue(fullTags())},
			cfg:   map[string]any{"requiredTags": []any{"Owner", "Project", "Owner"}},
			want:  []string{"missing required tags: Owner (checked tags)"},
		},
		{
			name: "empty requiredTags checks nothing",
			typ:  vpc,
			cfg:  map[string]any{"requiredTags": []any{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, "resource-tags-required", res(tt.typ, "net", tt.props), tt.cfg)
			assertMessages(t, got, tt.want)
		})
	}
}

// TestTaggableTypes pins the types the brief requires, so that dropping one
// from the set is noticed.
func TestTaggableTypes(t *testing.T) {
	for _, typ := range []string{
		"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway",
		"aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable",
		"aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/securityGroup:SecurityGroup",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/flowLog:FlowLog",
		"aws:cloudwatch/logGroup:LogGroup", "aws:kms/key:Key", "aws:iam/role:Role", "aws:iam/policy:Policy",
		"aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/nodeGroup:NodeGroup", "aws:eks/cluster:Cluster",
		"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "aws:fsx/lustreFileSystem:LustreFileSystem",
		"aws:sagemaker/domain:Domain", "aws:sagemaker/endpoint:Endpoint", "aws:sqs/queue:Queue",
		"aws:sns/topic:Topic", "aws:budgets/budget:Budget", "aws:ec2/placementGroup:PlacementGroup",
		"aws:eks/addon:Addon", "aws:eks/accessEntry:AccessEntry", "aws:iam/serviceLinkedRole:ServiceLinkedRole",
		"aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:cloudwatch/eventRule:EventRule",
		"aws:ec2/instance:Instance", "aws:sagemaker/notebookInstance:NotebookInstance", "aws:sagemaker/pipeline:Pipeline",
		"aws:bedrock/guardrail:Guardrail",
	} {
		if !IsTaggable(typ) {
			t.Errorf("IsTaggable(%q) = false, want true", typ)
		}
	}
	if IsTaggable("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		t.Error("IsTaggable(RolePolicyAttachment) = true, want false")
	}
}

func TestRequiredTagsListOfMaps(t *testing.T) {
	// pulumi-eks's Addon takes tags as a list of maps, merged in order.
	addon := mk("eks:index:Addon", "cni", map[string]any{"tags": []any{
		map[string]any{"Project": "p", "Environment": "dev"},
		map[string]any{"Team": "t", "CostCenter": "c", "ManagedBy": "pulumi"},
	}})
	assertMessages(t, check(t, "resource-tags-required", addon, nil), nil)
	partial := mk("eks:index:Addon", "cni", map[string]any{"tags": []any{map[string]any{"Project": "p"}}})
	assertContains(t, check(t, "resource-tags-required", partial, nil), []string{"CostCenter, Environment, ManagedBy, Team"})
	unknownElem := mk("eks:index:Addon", "cni", map[string]any{"tags": []any{computed}})
	assertMessages(t, check(t, "resource-tags-required", unknownElem, nil), nil)
}

func TestEnvironmentTagValues(t *testing.T) {
	vpc := func(tags any) Resource { return mk(vpcType, "net", map[string]any{"tags": tags}) }
	runRuleCases(t, "resource-environment-tag-valid", []ruleCase{
		{name: "dev", r: vpc(envTags("dev"))},
		{name: "staging", r: vpc(envTags("staging"))},
		{name: "prod in tagsAll", r: mk(vpcType, "net", map[string]any{"tagsAll": envTags("prod"), "tags": envTags("Production")})},
		{name: "unknown value fires", r: vpc(envTags("production")), want: []string{`Environment tag is "production"; allowed: dev, staging, prod`}},
		{name: "case matters", r: vpc(envTags("Prod")), want: []string{`"Prod"`}},
		{name: "missing tag is resource-tags-required' finding", r: vpc(without(fullTags(), "Environment"))},
		{name: "computed value", r: vpc(map[string]any{"Environment": computed})},
		{name: "computed tags", r: vpc(computed)},
		{name: "config", r: vpc(envTags("qa")), cfg: map[string]any{"allowedValues": []any{"qa"}}},
	})
}

func TestLaunchTemplateTagSpecifications(t *testing.T) {
	lt := func(specs any) Resource {
		return mk(launchTemplateType, "gpu", map[string]any{"tags": fullTags(), "tagSpecifications": specs})
	}
	spec := func(rt string, tags any) map[string]any { return map[string]any{"resourceType": rt, "tags": tags} }
	runRuleCases(t, "ec2-launch-template-tags-propagated", []ruleCase{
		{name: "instance and volume tagged", r: lt([]any{spec("instance", fullTags()), spec("volume", fullTags())})},
		{
			name: "no tag specifications",
			r:    mk(launchTemplateType, "gpu", map[string]any{"tags": fullTags()}),
			want: []string{`no entry for resourceType "instance"`, `no entry for resourceType "volume"`},
		},
		{name: "volume missing", r: lt([]any{spec("instance", fullTags())}), want: []string{`"volume"`}},
		{
			name: "tags missing keys",
			r:    lt([]any{spec("instance", without(fullTags(), "CostCenter")), spec("volume", fullTags())}),
			want: []string{`tagSpecifications for "instance" lacks tags: CostCenter`},
		},
		{name: "specifications unknown", r: lt(computed)},
		{name: "a specification's type unknown", r: lt([]any{map[string]any{"resourceType": computed, "tags": fullTags()}})},
		{name: "tags unknown", r: lt([]any{spec("instance", computed), spec("volume", computed)})},
		{name: "config: instances only", r: lt([]any{spec("instance", fullTags())}), cfg: map[string]any{"resourceTypes": []any{"instance"}}},
		{name: "other types skipped", r: mk(vpcType, "v", nil)},
	})
}
