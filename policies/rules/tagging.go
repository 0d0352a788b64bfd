package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
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
	"eks:index:ManagedNodeGroup":                                true,
	"aws:bedrock/guardrail:Guardrail":                           true,
	"aws:cloudwatch/eventRule:EventRule":                        true,
	"aws:ebs/volume:Volume":                                     true,
	"aws:ec2/instance:Instance":                                 true,
	"aws:eks/accessEntry:AccessEntry":                           true,
	"aws:eks/addon:Addon":                                       true,
	"aws:eks/podIdentityAssociation:PodIdentityAssociation":     true,
	"aws:iam/instanceProfile:InstanceProfile":                   true,
	"aws:sagemaker/notebookInstance:NotebookInstance":           true,
	"aws:sagemaker/pipeline:Pipeline":                           true,
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
	}, Rule{
		Name: "environment-tag-values",
		Description: "The Environment tag takes one of the platform's environments, so that " +
			"cost reports and the environment-specific rules (prod protection, availability) see it.",
		Level: Mandatory,
		ConfigSchema: map[string]map[string]any{
			"allowedValues": {
				"type":        "array",
				"items":       map[string]any{"type": "string"},
				"description": "Values the Environment tag may take.",
			},
		},
		Defaults: map[string]any{"allowedValues": toAnySlice(DefaultEnvironments)},
		Check:    checkEnvironmentTagValues,
	}, Rule{
		Name: "launch-template-tag-specifications",
		Description: "Launch templates tag the instances and volumes they launch: provider default " +
			"tags do not reach them, and node groups do not propagate their own tags.",
		Level: Mandatory,
		ConfigSchema: map[string]map[string]any{
			"requiredTags": {
				"type":        "array",
				"items":       map[string]any{"type": "string"},
				"description": "Tag keys each tag specification must carry with a non-empty value.",
			},
			"resourceTypes": {
				"type":        "array",
				"items":       map[string]any{"type": "string"},
				"description": "resourceType values that need a tag specification.",
			},
		},
		Defaults: map[string]any{
			"requiredTags":  toAnySlice(DefaultRequiredTags),
			"resourceTypes": []any{"instance", "volume"},
		},
		Check: checkLaunchTemplateTagSpecs,
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
			var known bool
			if tags, known = tagMap(v); !known {
				return nil
			}
		}
	}
	if missing := missingTags(tags, required); len(missing) > 0 {
		return []string{fmt.Sprintf("missing required tags: %s (checked %s)", strings.Join(missing, ", "), source)}
	}
	return nil
}

// tagMap reads a tags value: a map, or a list of maps merged in order (the
// form pulumi-eks's Addon takes). known is false when a list element is
// computed. Any other kind carries no tags.
func tagMap(v property.Value) (tags property.Map, known bool) {
	if m, ok := asMap(v); ok {
		return m, true
	}
	elems, ok := asArray(v)
	if !ok {
		return property.Map{}, true
	}
	merged := map[string]property.Value{}
	for _, e := range elems {
		if e.IsComputed() {
			return property.Map{}, false
		}
		if m, ok := asMap(e); ok {
			for k, x := range m.All {
				merged[k] = x
			}
		}
	}
	return property.NewMap(merged), true
}

// missingTags returns the required keys that tags lacks or holds blank. An
// unknown value counts as present.
func missingTags(tags property.Map, required []string) []string {
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
	return missing
}

// checkEnvironmentTagValues fires when the Environment tag is a known value
// outside the allowed list. A missing tag is required-tags' finding.
func checkEnvironmentTagValues(r Resource, cfg map[string]any) []string {
	env, ok := environment(r)
	if !ok {
		return nil
	}
	allowed := cfgStrings(cfg, "allowedValues")
	if slices.Contains(allowed, env) {
		return nil
	}
	return []string{fmt.Sprintf("Environment tag is %q; allowed: %s", env, strings.Join(allowed, ", "))}
}

// checkLaunchTemplateTagSpecs fires when a launch template has no tag
// specification for a required resource type, or one that lacks required
// tags. Unknown specifications or tags are never judged.
func checkLaunchTemplateTagSpecs(r Resource, cfg map[string]any) []string {
	if r.Type != launchTemplateType {
		return nil
	}
	specs, p := getMaps(r.Properties, "tagSpecifications")
	if p == unknown {
		return nil
	}
	byType := map[string]property.Map{}
	for _, spec := range specs {
		rt, ok := getString(spec, "resourceType")
		if !ok {
			return nil // a specification of unknown type might be the missing one
		}
		byType[rt] = spec
	}
	required := slices.Compact(slices.Sorted(slices.Values(cfgStrings(cfg, "requiredTags"))))
	var out []string
	for _, rt := range cfgStrings(cfg, "resourceTypes") {
		spec, ok := byType[rt]
		if !ok {
			out = append(out, fmt.Sprintf("tagSpecifications has no entry for resourceType %q: what the template launches "+
				"carries no cost-allocation tags", rt))
			continue
		}
		v, tp := lookup(spec, "tags")
		if tp == unknown {
			continue
		}
		tags, _ := asMap(v)
		if missing := missingTags(tags, required); len(missing) > 0 {
			out = append(out, fmt.Sprintf("tagSpecifications for %q lacks tags: %s", rt, strings.Join(missing, ", ")))
		}
	}
	return out
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
