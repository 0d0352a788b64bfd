package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/conventions"
)

// DefaultRequiredTags are the tags every taggable resource carries.
var DefaultRequiredTags = conventions.RequiredTagKeys

// taggableTypes are the resource types the platform creates that accept tags.
// A resource of another type is still checked when it has a tags or tagsAll
// property, so a new type is covered as soon as it is tagged at all.
var taggableTypes = map[string]bool{
	anomalyMonitorType: true, anomalySubType: true, bedrockGuardrailType: true, budgetType: true, budgetActionType: true,
	eventRuleType: true, logGroupType: true, dynamoTableType: true, ebsVolumeType: true, defaultSGType: true,
	"aws:ec2/eip:Eip": true, flowLogType: true, ec2InstanceType: true, "aws:ec2/internetGateway:InternetGateway": true,
	launchTemplateType: true, "aws:ec2/natGateway:NatGateway": true, placementGroupType: true,
	"aws:ec2/routeTable:RouteTable": true, securityGroupType: true, subnetType: true, vpcType: true, vpcEndpointType: true,
	ecrRepositoryType: true, efsFileSystemType: true, eksAccessEntryType: true, eksAddonType: true, eksClusterType: true,
	eksNodeGroupType: true, eksPodIdentityType: true, fsxLustreType: true, fsxDRAType: true, "aws:iam/instanceProfile:InstanceProfile": true,
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": true, iamPolicyType: true, iamRoleType: true, iamSLRType: true,
	kmsKeyType: true, s3BucketType: true, s3BucketV2Type: true, smDomainType: true, smEndpointType: true,
	smEndpointConfigType: true, smModelType: true, smModelPackageType: true, smNotebookType: true, smPipelineType: true,
	smUserProfileType: true, snsTopicType: true, sqsQueueType: true, sgEgressRuleType: true, sgIngressRuleType: true,
	smFeatureGroupType: true, appAutoscalingTarget: true, "aws:cloudwatch/metricAlarm:MetricAlarm": true,
	bedrockProfileType: true, bedrockThroughputType: true, bedrockKnowledgeBaseType: true, aossCollectionType: true,
	ampWorkspaceType: true, ampScraperType: true, "aws:ec2transitgateway/vpcAttachment:VpcAttachment": true,
	"aws:ec2/vpnGateway:VpnGateway": true, "aws:ec2/customerGateway:CustomerGateway": true, vpnConnectionType: true,
	"aws:s3/objectCopy:ObjectCopy": true, "aws:lambda/function:Function": true,
	"aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": true, "aws:efs/accessPoint:AccessPoint": true,
}

// IsTaggable reports whether resources of type typ must carry the required
// tags even when they set none.
func IsTaggable(typ string) bool { return taggableTypes[typ] }

func init() {
	register(ConcernTagging, Rule{
		Name: "resource-tags-required",
		Description: "Every taggable resource carries the platform's required tags " +
			"(cost allocation, ownership, environment).",
		Checks: "Every taggable resource (the AWS types the platform creates, and any resource with a `tags`/`tagsAll` " +
			"property) has each required tag with a non-empty value. Reads `tagsAll` when it is known (a real preview " +
			"puts provider default tags there), else `tags` when `tagsAll` is absent (mocks and raw inputs); an unknown " +
			"`tagsAll` is not judged. A list of maps, as `eks:index:Addon` takes, is merged. A tag whose value is " +
			"unknown counts as present.",
		Level:        Mandatory,
		ConfigSchema: map[string]map[string]any{"requiredTags": stringList("Tag keys every taggable resource must carry with a non-empty value.")},
		Defaults:     map[string]any{"requiredTags": toAnySlice(DefaultRequiredTags)},
		Check:        checkRequiredTags,
	}, Rule{
		Name: "resource-environment-tag-valid",
		Description: "The Environment tag takes one of the platform's environments, so that " +
			"cost reports and the environment-scoped rules (-prod) see it.",
		Checks: "The `Environment` tag (from `tagsAll`, else `tags`), when present and known, is an allowed value. " +
			"Rules scoped to prod read the same tag and treat `staging` like `prod`; a resource whose `Environment` " +
			"is absent, unknown or unrecognised is judged by the non-prod twin of a -prod rule.",
		Level:        Mandatory,
		ConfigSchema: map[string]map[string]any{"allowedValues": stringList("Values the Environment tag may take.")},
		Defaults:     map[string]any{"allowedValues": toAnySlice(DefaultEnvironments)},
		Check:        checkEnvironmentTagValues,
	}, Rule{
		Name: "ec2-launch-template-tags-propagated",
		Description: "Launch templates tag the instances and volumes they launch: provider default " +
			"tags do not reach them, and node groups do not propagate their own tags.",
		Checks: "`aws:ec2/launchTemplate:LaunchTemplate` has a `tagSpecifications` entry for each resource type, each " +
			"carrying the required tags.",
		Level: Mandatory,
		Types: []string{launchTemplateType},
		ConfigSchema: map[string]map[string]any{
			"requiredTags":  stringList("Tag keys each tag specification must carry with a non-empty value."),
			"resourceTypes": stringList("resourceType values that need a tag specification."),
		},
		Defaults: map[string]any{
			"requiredTags":  toAnySlice(DefaultRequiredTags),
			"resourceTypes": []any{"instance", "volume"},
		},
		Check: checkLaunchTemplateTagSpecs,
	})
}

// checkRequiredTags reads tagsAll when it is a known map (a real preview puts
// provider default tags there), else tags when tagsAll is absent (mocks and
// raw inputs). A tag whose value is unknown counts as present; an empty or
// blank value counts as missing; an unknown tagsAll or tags is never judged:
// falling back to tags when tagsAll is unknown would miss the provider's
// default tags and fire on a compliant resource.
func checkRequiredTags(r Resource, cfg map[string]any) []string {
	_, hasTags := r.Properties.GetOk("tags")
	_, hasTagsAll := r.Properties.GetOk("tagsAll")
	if !IsTaggable(r.Type) && !hasTags && !hasTagsAll {
		return nil
	}
	required := slices.Compact(slices.Sorted(slices.Values(cfgStrings(cfg, "requiredTags"))))
	if len(required) == 0 || isUnknown(r.Properties, "tagsAll") {
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
// outside the allowed list. A missing tag is resource-tags-required' finding.
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
