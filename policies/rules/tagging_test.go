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
			name: "unknown tagsAll falls back to tags",
			typ:  vpc,
			props: map[string]property.Value{
				"tags":    tagValue(without(fullTags(), "ManagedBy")),
				"tagsAll": computed,
			},
			want: []string{"missing required tags: ManagedBy (checked tags)"},
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
			name: "pulumi-eks cluster component",
			typ:  "eks:index:Cluster",
			want: []string{"missing required tags: " + all + " (checked tags)"},
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
			got := check(t, "required-tags", res(tt.typ, "net", tt.props), tt.cfg)
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
		"eks:index:Cluster",
	} {
		if !IsTaggable(typ) {
			t.Errorf("IsTaggable(%q) = false, want true", typ)
		}
	}
	if IsTaggable("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		t.Error("IsTaggable(RolePolicyAttachment) = true, want false")
	}
}
