package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultStatefulTypes are the resources whose loss loses data: in prod and
// staging they are protected (pulumi.Protect), so no update or destroy
// deletes them by accident.
var DefaultStatefulTypes = []string{
	s3BucketV2Type, s3BucketType, kmsKeyType, fsxLustreType, smDomainType, logGroupType,
	"aws:efs/fileSystem:FileSystem", "aws:ecr/repository:Repository", "aws:dynamodb/table:Table",
	"aws:sagemaker/modelPackageGroup:ModelPackageGroup",
}

// DefaultControlPlaneLogTypes are the five EKS control-plane log types.
var DefaultControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// DefaultMinimumEKSVersion is the oldest Kubernetes version in EKS standard
// support when the rule was written (1.31 left it in November 2025).
const DefaultMinimumEKSVersion = "1.32"

func init() {
	register(
		Rule{
			Name: "prod-stateful-protected",
			Description: "In prod and staging, stateful resources (buckets, KMS keys, FSx, the SageMaker " +
				"domain, log groups, ...) are protected, so no update or destroy deletes them by accident.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"statefulTypes": {
					"type":        "array",
					"items":       map[string]any{"type": "string"},
					"description": "Type tokens that must be protected in prod and staging.",
				},
			},
			Defaults: map[string]any{"statefulTypes": toAnySlice(DefaultStatefulTypes)},
			Check:    checkProdStatefulProtected,
		},
		Rule{
			Name: "eks-control-plane-logs",
			Description: "EKS clusters send the required control-plane logs (all five types by default) " +
				"to CloudWatch; pulumi-eks and AWS enable none by default.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"requiredLogTypes": {
					"type":        "array",
					"items":       map[string]any{"type": "string", "enum": toAnySlice(DefaultControlPlaneLogTypes)},
					"description": "enabledClusterLogTypes values that must be on.",
				},
			},
			Defaults: map[string]any{"requiredLogTypes": toAnySlice(DefaultControlPlaneLogTypes)},
			Check:    checkEKSControlPlaneLogs,
		},
		Rule{
			Name: "eks-minimum-version",
			Description: "EKS clusters and node groups run a Kubernetes version still in standard " +
				"support (extended support costs six times as much per cluster hour).",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"minimumVersion": {
					"type":        "string",
					"description": "Oldest accepted Kubernetes minor version, as \"1.32\".",
				},
			},
			Defaults: map[string]any{"minimumVersion": DefaultMinimumEKSVersion},
			Check:    checkEKSMinimumVersion,
		},
		Rule{
			Name: "sagemaker-endpoint-instances-prod",
			Description: "In prod and staging, SageMaker endpoint variants (and their autoscaling " +
				"minimum) keep at least two instances, which SageMaker spreads across AZs.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"minimumInstances": {"type": "integer", "minimum": 1, "description": "Smallest instance count accepted."},
			},
			Defaults: map[string]any{"minimumInstances": float64(2)},
			Check:    checkSageMakerEndpointInstances,
		},
		Rule{
			Name: "prod-inference-node-groups",
			Description: "In prod and staging, node groups labelled workload-type: inference run on-demand " +
				"and keep at least two nodes, so serving survives spot reclaims and a node loss.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"minimumSize": {"type": "integer", "minimum": 1, "description": "Smallest minSize accepted."},
			},
			Defaults: map[string]any{"minimumSize": float64(2)},
			Check:    checkProdInferenceNodeGroups,
		},
		Rule{
			Name: "fsx-backups-prod",
			Description: "In prod and staging, persistent FSx for Lustre file systems keep automatic " +
				"backups (AWS's default is none). Scratch file systems cannot be backed up.",
			Level: Mandatory,
			Check: checkFSxBackupsProd,
		},
	)
	registerStack(
		StackRule{
			Name: "s3-versioning-prod",
			Description: "In prod and staging, every S3 bucket has versioning enabled (an aws:s3/bucketVersioningV2 " +
				"referring to it, or inline), so overwritten or deleted objects can be recovered.",
			Level: Mandatory,
			Check: checkS3VersioningProd,
		},
		StackRule{
			Name: "node-group-multi-az-prod",
			Description: "In prod and staging, node groups span subnets in at least two availability zones. " +
				"EFA groups, pinned to one AZ with their cluster placement group, are exempt.",
			Level: Mandatory,
			Check: checkNodeGroupMultiAZ,
		},
	)
}

// checkProdStatefulProtected fires on unprotected stateful resources in
// prod and staging.
func checkProdStatefulProtected(r Resource, cfg map[string]any) []string {
	if r.Protect || !slices.Contains(cfgStrings(cfg, "statefulTypes"), r.Type) || !prodLike(r) {
		return nil
	}
	return []string{"stateful resource is not protected in a prod-like environment; create it with pulumi.Protect(true)"}
}

// checkEKSControlPlaneLogs fires when a cluster's enabledClusterLogTypes
// lacks a required type (none are on by default).
func checkEKSControlPlaneLogs(r Resource, cfg map[string]any) []string {
	if r.Type != eksComponentType && r.Type != eksClusterType {
		return nil
	}
	on, p := getStrings(r.Properties, "enabledClusterLogTypes")
	if p == unknown {
		return nil
	}
	var missing []string
	for _, t := range cfgStrings(cfg, "requiredLogTypes") {
		if !slices.Contains(on, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("enabledClusterLogTypes lacks %s", strings.Join(missing, ", "))}
}

// minorVersion parses "1.33" (or "1.33.2") into its major and minor numbers.
func minorVersion(s string) (major, minor int, ok bool) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

// checkEKSMinimumVersion fires when a cluster or node group pins a version
// older than the minimum. An unset version means the latest.
func checkEKSMinimumVersion(r Resource, cfg map[string]any) []string {
	switch r.Type {
	case eksComponentType, eksClusterType, eksNodeGroupType, eksManagedNGType:
	default:
		return nil
	}
	v, ok := getString(r.Properties, "version")
	if !ok {
		return nil
	}
	minStr, _ := cfgString(cfg, "minimumVersion")
	gotMaj, gotMin, ok1 := minorVersion(v)
	wantMaj, wantMin, ok2 := minorVersion(minStr)
	if !ok1 || !ok2 {
		return nil
	}
	if gotMaj < wantMaj || (gotMaj == wantMaj && gotMin < wantMin) {
		return []string{fmt.Sprintf("version is %s; use %s or later", v, minStr)}
	}
	return nil
}

// checkSageMakerEndpointInstances fires on prod-like instance-backed
// variants, and SageMaker autoscaling targets, below the minimum.
func checkSageMakerEndpointInstances(r Resource, cfg map[string]any) []string {
	minimum, _ := cfgNumber(cfg, "minimumInstances")
	if !prodLike(r) {
		return nil
	}
	switch r.Type {
	case smEndpointConfigType:
		variants, _ := getMaps(r.Properties, "productionVariants")
		var out []string
		for i, v := range variants {
			if _, sp := lookup(v, "serverlessConfig"); sp != absent {
				continue
			}
			if n, ok := getNumber(v, "initialInstanceCount"); ok && n < minimum {
				name, _ := getString(v, "variantName")
				out = append(out, fmt.Sprintf("productionVariants[%d] %s has initialInstanceCount %g; use at least %g in prod-like environments",
					i, name, n, minimum))
			}
		}
		return out
	case appAutoscalingTarget:
		if ns, ok := getString(r.Properties, "serviceNamespace"); !ok || ns != "sagemaker" {
			return nil
		}
		if n, ok := getNumber(r.Properties, "minCapacity"); ok && n < minimum {
			return []string{fmt.Sprintf("minCapacity is %g: autoscaling may shrink the endpoint below %g instances", n, minimum)}
		}
	}
	return nil
}

// checkProdInferenceNodeGroups fires on prod-like inference node groups that
// may run on spot or keep fewer nodes than the minimum.
func checkProdInferenceNodeGroups(r Resource, cfg map[string]any) []string {
	if !isNodeGroup(r.Type) || !prodLike(r) {
		return nil
	}
	if wt, ok := nodeLabel(r, labelWorkloadType); !ok || wt != "inference" {
		return nil
	}
	var out []string
	if nodeCapacity(r) == capacitySpot {
		out = append(out, "inference node group runs on spot in a prod-like environment; use ON_DEMAND capacity")
	}
	minimum, _ := cfgNumber(cfg, "minimumSize")
	if n, ok := nodeMinSize(r); ok && n < minimum {
		out = append(out, fmt.Sprintf("inference node group has minimum size %g; keep at least %g in prod-like environments", n, minimum))
	}
	return out
}

// checkFSxBackupsProd fires on prod-like persistent file systems without
// automatic backups.
func checkFSxBackupsProd(r Resource, _ map[string]any) []string {
	if r.Type != fsxLustreType || !persistentFSx(r) || !prodLike(r) {
		return nil
	}
	v, p := lookup(r.Properties, "automaticBackupRetentionDays")
	if p == unknown {
		return nil
	}
	if n, ok := asNumber(v); p == absent || (ok && n < 1) {
		return []string{"automaticBackupRetentionDays is 0 or unset: no automatic backups; keep at least 1 day"}
	}
	return nil
}

// checkS3VersioningProd fires for each prod-like bucket without versioning
// enabled. A separate versioning resource, when one refers to the bucket,
// decides; otherwise the bucket's inline versioning does.
func checkS3VersioningProd(rs []Resource, _ map[string]any) []Finding {
	found, unresolved := companions(rs, isBucket, s3VersioningType, []string{"bucket"}, "bucket")
	if unresolved {
		return nil
	}
	var out []Finding
	for _, b := range rs {
		if !isBucket(b.Type) || !prodLike(b) {
			continue
		}
		if cs := found[b.URN]; len(cs) > 0 {
			enabled := slices.ContainsFunc(cs, func(c Resource) bool {
				s, ok := getString(c.Properties, "versioningConfiguration", "status")
				return (ok && s == "Enabled") || isUnknown(c.Properties, "versioningConfiguration", "status")
			})
			if !enabled {
				out = append(out, Finding{URN: b.URN, Message: "its versioning configuration is not Enabled"})
			}
			continue
		}
		if !inlineVersioning(b) {
			out = append(out, Finding{URN: b.URN, Message: "versioning is not enabled: no aws:s3/bucketVersioningV2 refers to this bucket"})
		}
	}
	return out
}

// inlineVersioning reads a bucket's own versioning block (versioning on
// aws:s3/bucket, versionings on BucketV2); unknown counts as enabled.
func inlineVersioning(b Resource) bool {
	key := "versionings"
	if b.Type == s3BucketType {
		key = "versioning"
	}
	blocks, p := getMaps(b.Properties, key)
	if p == unknown {
		return true
	}
	for _, v := range blocks {
		if on, ok := getBool(v, "enabled"); (ok && on) || isUnknown(v, "enabled") {
			return true
		}
	}
	return false
}

// checkNodeGroupMultiAZ fires on prod-like node groups whose subnets cover
// fewer than two AZs (counted from the subnets in the stack when they can
// all be found, else from the number of subnets), unless their launch
// template has EFA interfaces.
func checkNodeGroupMultiAZ(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, ng := range rs {
		if !isNodeGroup(ng.Type) || !prodLike(ng) {
			continue
		}
		key := "subnetIds"
		if ng.Type == eksNodeGroupV2Type || ng.Type == eksNodeGroupCompType {
			key = "nodeSubnetIds"
		}
		ref := referenceOf(ng, key)
		_, p := lookup(ng.Properties, key)
		if p == absent {
			continue // the pulumi-eks default: the cluster's subnets
		}
		if p == unknown && len(ref.urns) == 0 {
			continue
		}
		spread, zonesKnown := subnetZones(rs, ref)
		if spread >= 2 || (!zonesKnown && ref.unresolved) {
			continue
		}
		if _, vp := getStrings(ng.Properties, key); vp == unknown && len(ref.urns) == 0 {
			continue
		}
		if efa, known := nodeGroupIsEFA(rs, ng); !known || efa {
			continue
		}
		unit := "subnet(s), so at most that many availability zones,"
		if zonesKnown {
			unit = "availability zone(s)"
		}
		out = append(out, Finding{URN: ng.URN, Message: fmt.Sprintf(
			"node group spans %d %s in a prod-like environment; give it subnets in at least two zones", spread, unit)})
	}
	return out
}

// subnetZones measures how far the subnets ref points at spread: the number
// of distinct AZs when every subnet is in the stack with a known
// availabilityZone (zonesKnown), else the number of distinct subnets.
func subnetZones(rs []Resource, ref reference) (spread int, zonesKnown bool) {
	count := max(len(slices.Compact(slices.Sorted(slices.Values(ref.urns)))),
		len(slices.Compact(slices.Sorted(slices.Values(ref.values)))))
	azs := map[string]bool{}
	matched := 0
	for _, s := range rs {
		if s.Type != subnetType || !ref.matches(s) {
			continue
		}
		az, ok := getString(s.Properties, "availabilityZone")
		if !ok {
			return count, false
		}
		azs[az] = true
		matched++
	}
	if matched == 0 || matched < count {
		return count, false
	}
	return len(azs), true
}

// nodeGroupIsEFA reports whether a node group carries EFA: labelled
// vpc.amazonaws.com/efa.present, or its launch template (found in the stack
// through launchTemplate.id or .name) has EFA interfaces. known is
// false when the group names a template that cannot be found.
func nodeGroupIsEFA(rs []Resource, ng Resource) (efa, known bool) {
	if v, ok := nodeLabel(ng, labelEFAPresent); ok && v == "true" {
		return true, true
	}
	byID := referenceOf(ng, "launchTemplate", "id")
	byName := referenceOf(ng, "launchTemplate", "name")
	if byID.empty() && byName.empty() {
		return false, true
	}
	if byID.unresolved || byName.unresolved {
		return false, false
	}
	for _, lt := range rs {
		if lt.Type == launchTemplateType && (byID.matches(lt) || byName.matches(lt, "name")) {
			return isEFATemplate(lt), true
		}
	}
	return false, false
}
