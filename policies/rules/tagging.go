package rules

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultRequiredTags are the tags every taggable resource carries: they drive
// cost allocation (Project, CostCenter, Team), environment scoping and the
// "who created this" question (ManagedBy).
var DefaultRequiredTags = []string{"Project", "Environment", "Team", "CostCenter", "ManagedBy"}

// taggableTypes are the resource types the platform creates that accept tags.
// A resource of another type is still checked when it has a tags or tagsAll
// property, so a new type is covered as soon as it is tagged at all.
var taggableTypes = map[string]bool{
	"aws:budgets/budget:Budget":                                 true,
	"aws:cloudwatch/logGroup:LogGroup":                          true,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":         true,
	"aws:ec2/eip:Eip":                                           true,
	"aws:ec2/flowLog:FlowLog":                                   true,
	"aws:ec2/internetGateway:InternetGateway":                   true,
	"aws:ec2/launchTemplate:LaunchTemplate":                     true,
	"aws:ec2/natGateway:NatGateway":                             true,
	"aws:ec2/placementGroup:PlacementGroup":                     true,
	"aws:ec2/routeTable:RouteTable":                             true,
	"aws:ec2/securityGroup:SecurityGroup":                       true,
	"aws:ec2/subnet:Subnet":                                     true,
	"aws:ec2/vpc:Vpc":                                           true,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           true,
	"aws:ecr/repository:Repository":                             true,
	"aws:efs/fileSystem:FileSystem":                             true,
	"aws:eks/cluster:Cluster":                                   true,
	"aws:eks/nodeGroup:NodeGroup":                               true,
	"aws:fsx/lustreFileSystem:LustreFileSystem":                 true,
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider":       true,
	"aws:iam/policy:Policy":                                     true,
	"aws:iam/role:Role":                                         true,
	"aws:kms/key:Key":                                           true,
	"aws:s3/bucket:Bucket":                                      true,
	"aws:s3/bucketV2:BucketV2":                                  true,
	"aws:sagemaker/domain:Domain":                               true,
	"aws:sagemaker/endpoint:Endpoint":                           true,
	"aws:sagemaker/endpointConfiguration:EndpointConfiguration": true,
	"aws:sagemaker/model:Model":                                 true,
	"aws:sagemaker/modelPackageGroup:ModelPackageGroup":         true,
	"aws:sagemaker/userProfile:UserProfile":                     true,
	"aws:sns/topic:Topic":                                       true,
	"aws:sqs/queue:Queue":                                       true,
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   true,
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": true,
	"eks:index:Cluster":                                         true,
}

// IsTaggable reports whether resources of type typ must carry the required
// tags even when they set none.
func IsTaggable(typ string) bool { return taggableTypes[typ] }

func init() {
	register(Rule{
		Name: "required-tags",
		Description: "Every taggable resource carries the platform's required tags " +
			"(cost allocation, ownership, environment).",
		Level: Mandatory,
		ConfigSchema: map[string]map[string]any{
			"requiredTags": {
				"type":        "array",
				"items":       map[string]any{"type": "string"},
				"description": "Tag keys every taggable resource must carry with a non-empty value.",
			},
		},
		Defaults: map[string]any{"requiredTags": toAnySlice(DefaultRequiredTags)},
		Check:    checkRequiredTags,
	})
}

// checkRequiredTags reads tagsAll when it is a known map (a real preview puts
// provider default tags there), else tags (mocks and raw inputs). A tag whose
// value is unknown counts as present; an empty or blank value counts as
// missing; unknown tags as a whole are never judged.
func checkRequiredTags(r Resource, cfg map[string]any) []string {
	_, hasTags := r.Properties.GetOk("tags")
	_, hasTagsAll := r.Properties.GetOk("tagsAll")
	if !IsTaggable(r.Type) && !hasTags && !hasTagsAll {
		return nil
	}
	required := slices.Compact(slices.Sorted(slices.Values(cfgStrings(cfg, "requiredTags"))))
	if len(required) == 0 {
		return nil
	}

	source := "tagsAll"
	tags, ok := getMap(r.Properties, source)
	if !ok {
		source = "tags"
		v, p := lookup(r.Properties, source)
		switch p {
		case unknown:
			return nil
		case present:
			tags, _ = asMap(v) // a non-map tags value carries no tags
		}
	}

	var missing []string
	for _, key := range required {
		v, p := lookup(tags, key)
		switch p {
		case absent:
			missing = append(missing, key)
		case present:
			if s, ok := asString(v); ok && strings.TrimSpace(s) == "" {
				missing = append(missing, key)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("missing required tags: %s (checked %s)", strings.Join(missing, ", "), source)}
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
