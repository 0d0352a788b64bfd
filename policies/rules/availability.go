package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// DefaultStatefulTypes are the resources whose loss loses data: in prod and
// staging they are protected (pulumi.Protect), so no update or destroy
// deletes them by accident.
var DefaultStatefulTypes = concat(bucketTypes, []string{kmsKeyType, fsxLustreType, smDomainType, logGroupType,
	efsFileSystemType, ecrRepositoryType, dynamoTableType, smModelPackageType, smFeatureGroupType})

// DefaultMinimumEKSVersion is the oldest Kubernetes version in EKS standard
// support when the rule was written (1.31 left it in November 2025).
const DefaultMinimumEKSVersion = conventions.MinKubernetesVersion

func init() {
	register(ConcernAvailability,
		Rule{
			Name: "resource-stateful-protected-prod",
			Description: "In prod and staging, stateful resources (buckets, KMS keys, FSx, the SageMaker " +
				"domain, log groups, ...) are protected, so no update or destroy deletes them by accident.",
			Checks: "In prod and staging, resources of the stateful types are protected (`pulumi.Protect(true)`; `protect` in " +
				"exported state).",
			Level: Mandatory,
			Scope: ScopeProdLike,
			ConfigSchema: map[string]map[string]any{
				"statefulTypes": stringList("Type tokens that must be protected in prod and staging."),
			},
			Defaults: map[string]any{"statefulTypes": toAnySlice(DefaultStatefulTypes)},
			Check:    checkProdStatefulProtected,
		},
		Rule{
			Name: "eks-cluster-version-supported",
			Description: "EKS clusters and node groups run a Kubernetes version still in standard " +
				"support (extended support costs six times as much per cluster hour).",
			Checks: "The `version` of `aws:eks/cluster` and `aws:eks/nodeGroup`, when set, is at least the minimum (unset " +
				"means the latest).",
			Level:        Mandatory,
			Types:        []string{eksClusterType, eksNodeGroupType},
			ConfigSchema: map[string]map[string]any{"minimumVersion": text("Oldest accepted Kubernetes minor version, as \"1.32\".")},
			Defaults:     map[string]any{"minimumVersion": DefaultMinimumEKSVersion},
			Check:        checkEKSMinimumVersion,
		},
		Rule{
			Name: "eks-version-standard-support",
			Description: "A cluster runs a Kubernetes version in EKS standard support: in extended support every cluster " +
				"hour costs six times as much. Fires ahead of the date, so the upgrade is planned (catalog.EKSCalendarSource).",
			Checks: "The `version` of `eks:index:Cluster`, `aws:eks/cluster` and `aws:eks/nodeGroup` leaves standard support " +
				"within `warnDays` days (default 60) or, outside prod and staging (where the -prod rule refuses it), has left " +
				"it. Versions the catalog's calendar lacks are left to eks-cluster-version-supported.",
			Level:        Advisory,
			Types:        []string{eksClusterType, eksNodeGroupType, eksComponentClusterType},
			ConfigSchema: map[string]map[string]any{"warnDays": integer("Days ahead of the end of standard support to advise.", 0, 0)},
			Defaults:     map[string]any{"warnDays": float64(60)},
			Check:        checkEKSStandardSupport(false),
		},
		Rule{
			Name: "eks-version-standard-support-prod",
			Description: "In prod and staging, a cluster never runs a Kubernetes version that has left EKS standard " +
				"support (catalog.EKSCalendarSource).",
			Checks: "In prod and staging, the `version` of `eks:index:Cluster`, `aws:eks/cluster` and `aws:eks/nodeGroup` is " +
				"in standard support today.",
			Level: Mandatory,
			Scope: ScopeProdLike,
			Types: []string{eksClusterType, eksNodeGroupType, eksComponentClusterType},
			Check: checkEKSStandardSupport(true),
		},
		Rule{
			Name: "sagemaker-endpoint-instances-prod",
			Description: "In prod and staging, SageMaker endpoint variants (and their autoscaling " +
				"minimum) keep at least two instances, which SageMaker spreads across AZs.",
			Checks: "In prod and staging, instance-backed `productionVariants[].initialInstanceCount` of endpoint " +
				"configurations, and the `minCapacity` of `aws:appautoscaling/target:Target` in namespace `sagemaker`, are at " +
				"least the minimum.",
			Level:        Mandatory,
			Types:        []string{smEndpointConfigType, appAutoscalingTarget},
			Scope:        ScopeProdLike,
			ConfigSchema: map[string]map[string]any{"minimumInstances": integer("Smallest instance count accepted.", 1, 0)},
			Defaults:     map[string]any{"minimumInstances": float64(2)},
			Check:        checkSageMakerEndpointInstances,
		},
		Rule{
			Name: "eks-inference-nodes-on-demand-prod",
			Description: "In prod and staging, node groups labelled workload-type: inference run on-demand " +
				"and keep at least two nodes, so serving survives spot reclaims and a node loss.",
			Checks: "In prod and staging, `aws:eks/nodeGroup`s labelled `workload-type: inference` are on-demand (not " +
				"`SPOT`) and have `scalingConfig.minSize` at least the minimum.",
			Level:        Mandatory,
			Types:        nodeGroupTypes,
			Scope:        ScopeProdLike,
			ConfigSchema: map[string]map[string]any{"minimumSize": integer("Smallest minSize accepted.", 1, 0)},
			Defaults:     map[string]any{"minimumSize": float64(2)},
			Check:        checkProdInferenceNodeGroups,
		},
		Rule{
			Name: "karpenter-ami-pinned-prod",
			Description: "Prod and staging EC2NodeClasses pin their AMI (an alias such as al2023@v20251120, or an " +
				"ID/name selector) instead of @latest, so new nodes do not change image between reviews.",
			Checks: "Prod and staging `EC2NodeClass`es (judged by the `Environment` in `spec.tags`) pin their AMI: an " +
				"`amiSelectorTerms` alias ending in `@latest` fires; pin `al2023@vYYYYMMDD` or select by ID.",
			Level: Advisory,
			Types: nodeClassTypes,
			Scope: ScopeProdLike,
			Check: checkKarpenterAMIPinned,
		},
	)
	registerStack(ConcernAvailability,
		StackRule{
			Name: "fsx-filesystem-backups-prod",
			Description: "In prod and staging, persistent FSx for Lustre file systems keep automatic backups (AWS's " +
				"default is none), unless they are linked to S3: AWS does not back those up, and the linked buckets are the " +
				"durable copy. Scratch file systems cannot be backed up.",
			Checks: "In prod and staging, persistent `aws:fsx/lustreFileSystem` not linked to S3 (no " +
				"`aws:fsx/dataRepositoryAssociation` names it, no `importPath`) set `automaticBackupRetentionDays` of at least 1.",
			Level: Mandatory,
			Types: []string{fsxLustreType},
			Scope: ScopeProdLike,
			Check: unlessLinkedToS3(checkFSxBackups),
		},
		StackRule{
			Name: "storage-backups-enabled",
			Description: "Compliance profiles: stateful storage keeps backups in every environment (contingency " +
				"plans and recovery); a Lustre file system linked to S3 has its durable copy in the buckets.",
			Checks: "Persistent FSx for Lustre not linked to S3 sets `automaticBackupRetentionDays` of at least 1; DynamoDB " +
				"tables turn on `pointInTimeRecovery`. Off unless a compliance profile turns it on.",
			Level: Disabled,
			Types: []string{fsxLustreType, dynamoTableType},
			Check: unlessLinkedToS3(checkStorageBackups),
		},
		StackRule{
			Name: "s3-bucket-versioning-prod",
			Description: "In prod and staging, every S3 bucket has versioning enabled, so overwritten or deleted " +
				"objects can be recovered.",
			Checks: "In prod and staging every S3 bucket has versioning on: an `aws:s3/bucketVersioningV2` referring to it " +
				"with `versioningConfiguration.status: Enabled`, or, without one, inline `versionings`/`versioning` " +
				"`enabled: true`.",
			Level: Mandatory,
			Types: bucketTypes,
			Scope: ScopeProdLike,
			Check: companionCheck(bucketTypes, s3VersioningType, []string{"bucket"}, []string{"bucket"},
				func(_ Resource, cs []Resource, _ map[string]any) []string {
					if slices.ContainsFunc(cs, func(c Resource) bool {
						s, ok := getString(c.Properties, "versioningConfiguration", "status")
						return (ok && s == "Enabled") || isUnknown(c.Properties, "versioningConfiguration", "status")
					}) {
						return nil
					}
					return []string{"its versioning configuration is not Enabled"}
				},
				func(b Resource, _ map[string]any) string {
					if inlineVersioning(b) {
						return ""
					}
					return "versioning is not enabled: no aws:s3/bucketVersioningV2 refers to this bucket"
				}),
		},
		StackRule{
			Name: "eks-node-group-multi-az-prod",
			Description: "In prod and staging, node groups span subnets in at least two availability zones. " +
				"EFA groups, pinned to one AZ with their cluster placement group, are exempt.",
			Checks: "In prod and staging, each `aws:eks/nodeGroup`'s `subnetIds` span at least two AZs (counted from the " +
				"stack's subnets when all are found, else the number of subnets). Groups labelled " +
				"`vpc.amazonaws.com/efa.present: \"true\"` or whose launch template has EFA interfaces are exempt.",
			Level: Mandatory,
			Types: nodeGroupTypes,
			Scope: ScopeProdLike,
			Check: checkNodeGroupMultiAZ,
		},
	)
}

// checkProdStatefulProtected fires on unprotected stateful resources in
// prod and staging.
func checkProdStatefulProtected(r Resource, cfg map[string]any) []string {
	if r.Protect || !slices.Contains(cfgStrings(cfg, "statefulTypes"), r.Type) {
		return nil
	}
	return []string{"stateful resource is not protected in a prod-like environment; create it with pulumi.Protect(true)"}
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
	if wt, ok := nodeLabel(r, conventions.LabelWorkloadType); !ok || wt != string(conventions.RoleInference) {
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

// checkStorageBackups fires on persistent file systems without automatic
// backups and DynamoDB tables without point-in-time recovery.
func checkStorageBackups(r Resource, cfg map[string]any) []string {
	if r.Type == dynamoTableType {
		if on, ok := getBool(r.Properties, "pointInTimeRecovery", "enabled"); (ok && on) || isUnknown(r.Properties, "pointInTimeRecovery") {
			return nil
		}
		return []string{"pointInTimeRecovery is not enabled: the table cannot be restored to a point in time"}
	}
	return checkFSxBackups(r, cfg)
}

// unlessLinkedToS3 runs a resource check over the stack, skipping Lustre
// file systems linked to S3 (by a data repository association or an import
// path): AWS does not back them up (catalog.LustreFactsSource).
func unlessLinkedToS3(check func(Resource, map[string]any) []string) func([]Resource, map[string]any) []Finding {
	return func(rs []Resource, cfg map[string]any) []Finding {
		var out []Finding
		for _, r := range rs {
			if r.Type != fsxLustreType && r.Type != dynamoTableType {
				continue
			}
			if r.Type == fsxLustreType && linkedToS3(rs, r) {
				continue
			}
			for _, msg := range check(r, cfg) {
				out = append(out, Finding{URN: r.URN, Message: msg})
			}
		}
		return out
	}
}

// linkedToS3 says whether a Lustre file system is linked to S3; an
// association whose file system cannot be told counts as linking it.
func linkedToS3(rs []Resource, fs Resource) bool {
	if isSet(fs.Properties, "importPath") {
		return true
	}
	return slices.ContainsFunc(rs, func(a Resource) bool {
		if a.Type != fsxDRAType {
			return false
		}
		ref := referenceOf(a, "fileSystemId")
		return ref.unresolved || ref.matches(fs, "id")
	})
}

// checkFSxBackups fires on persistent file systems without automatic
// backups.
func checkFSxBackups(r Resource, _ map[string]any) []string {
	if !persistentFSx(r) {
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
		if ng.Type != eksNodeGroupType {
			continue
		}
		key := "subnetIds"
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
	if v, ok := nodeLabel(ng, conventions.LabelEFA); ok && v == "true" {
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

// checkKarpenterAMIPinned flags alias terms ending in @latest on prod-like
// node classes. A node class's Environment comes from the tags it puts on
// its instances (spec.tags), as it carries no AWS tags of its own.
func checkKarpenterAMIPinned(r Resource, _ map[string]any) []string {
	env, _ := environment(r)
	terms, ok := getArray(r.Properties, "spec", "amiSelectorTerms")
	if !ok {
		return nil
	}
	var out []string
	for i, term := range terms {
		m, ok := asMap(term)
		if !ok {
			continue
		}
		alias, ok := getString(m, "alias")
		if ok && strings.HasSuffix(alias, "@latest") {
			out = append(out, fmt.Sprintf("spec.amiSelectorTerms[%d].alias is %q in %s: pin a version such as %s@vYYYYMMDD",
				i, alias, env, strings.TrimSuffix(alias, "@latest")))
		}
	}
	return out
}

// Now is the day the version rules judge against; tests set it.
var Now = time.Now

// eksComponentClusterType is pulumi-eks's cluster component.
const eksComponentClusterType = "eks:index:Cluster"

// checkEKSStandardSupport fires on versions out of standard support and,
// unless onlyExpired, on versions close to it or not in the calendar.
func checkEKSStandardSupport(onlyExpired bool) func(Resource, map[string]any) []string {
	return func(r Resource, cfg map[string]any) []string {
		v, ok := getString(r.Properties, "version")
		if !ok {
			return nil
		}
		today := Now().UTC()
		cal, known := catalog.LookupEKSVersion(v)
		standard := strings.Join(catalog.EKSVersionsInStandardSupport(today), ", ")
		switch {
		case !known:
			return nil
		case !today.Before(cal.StandardSupportEnds) && !onlyExpired && prodLike(r):
			return nil // the -prod rule refuses it
		case !today.Before(cal.StandardSupportEnds):
			return []string{fmt.Sprintf("version %s left EKS standard support on %s: extended support costs six times the cluster "+
				"price until %s; upgrade to one of %s", v, cal.StandardSupportEnds.Format("2006-01-02"),
				cal.ExtendedSupportEnds.Format("2006-01-02"), standard)}
		case onlyExpired:
			return nil
		}
		days, _ := cfgNumber(cfg, "warnDays")
		if left := cal.StandardSupportEnds.Sub(today).Hours() / 24; left <= days {
			return []string{fmt.Sprintf("version %s leaves EKS standard support on %s (in %.0f days): plan the upgrade to one of %s",
				v, cal.StandardSupportEnds.Format("2006-01-02"), left, standard)}
		}
		return nil
	}
}
