package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/ml-platform/ml-platform/conventions"
)

func TestProdStatefulProtected(t *testing.T) {
	key := func(env string, protect bool) Resource {
		r := mk(kmsKeyType, "data", map[string]any{"tags": envTags(env)})
		r.Protect = protect
		return r
	}
	runRuleCases(t, "resource-stateful-protected-prod", []ruleCase{
		{name: "prod protected", r: key("prod", true)},
		{name: "prod unprotected", r: key("prod", false), want: []string{"stateful resource is not protected"}},
		{name: "staging unprotected", r: key("staging", false), want: []string{"not protected"}},
		{name: "dev unprotected", r: key("dev", false)},
		{name: "environment unknown", r: withProps(key("prod", false), map[string]any{"tags": computed})},
		{name: "not stateful", r: mk(vpcType, "v", map[string]any{"tags": envTags("prod")})},
		{name: "config narrows the types", r: key("prod", false), cfg: map[string]any{"statefulTypes": []any{s3BucketV2Type}}},
		{name: "bucket via tagsAll", r: mk(s3BucketV2Type, "b", map[string]any{"tagsAll": envTags("prod")}), want: []string{"not protected"}},
	})
}

func TestEKSControlPlaneLogs(t *testing.T) {
	all := []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}
	runRuleCases(t, "eks-cluster-logs-enabled", []ruleCase{
		{name: "all five", r: mk(eksClusterType, "eks", map[string]any{"enabledClusterLogTypes": all})},
		{name: "none (default)", r: mk(eksClusterType, "eks", nil), want: []string{"lacks api, audit, authenticator, controllerManager, scheduler"}},
		{name: "pulumi-eks component with empty inputs: nothing to judge", r: mk("eks:index:Cluster", "eks", nil)},
		{name: "audit only", r: mk(eksClusterType, "eks", map[string]any{"enabledClusterLogTypes": []string{"audit"}}), want: []string{"lacks api, authenticator"}},
		{name: "config", r: mk(eksClusterType, "eks", map[string]any{"enabledClusterLogTypes": []string{"audit"}}), cfg: map[string]any{"requiredLogTypes": []any{"audit"}}},
		{name: "unknown", r: mk(eksClusterType, "eks", map[string]any{"enabledClusterLogTypes": computed})},
		{name: "an element unknown", r: mk(eksClusterType, "eks", map[string]any{"enabledClusterLogTypes": []any{"api", computed}})},
	})
}

func TestEKSMinimumVersion(t *testing.T) {
	runRuleCases(t, "eks-cluster-version-supported", []ruleCase{
		{name: "1.33", r: mk(eksClusterType, "eks", map[string]any{"version": "1.33"})},
		{name: "1.32", r: mk(eksClusterType, "eks", map[string]any{"version": "1.32"})},
		{name: "1.29", r: mk(eksClusterType, "eks", map[string]any{"version": "1.29"}), want: []string{"version is 1.29; use 1.32 or later"}},
		{name: "unset means latest", r: mk(eksClusterType, "eks", nil)},
		{name: "unknown", r: mk(eksClusterType, "eks", map[string]any{"version": computed})},
		{name: "node group", r: mk(eksNodeGroupType, "ng", map[string]any{"version": "1.30"}), want: []string{"1.30"}},
		{name: "config", r: mk(eksClusterType, "eks", map[string]any{"version": "1.29"}), cfg: map[string]any{"minimumVersion": "1.28"}},
		{name: "unparseable", r: mk(eksClusterType, "eks", map[string]any{"version": "latest"})},
	})
}

func TestSageMakerEndpointInstancesProd(t *testing.T) {
	ep := func(env string, count any) Resource {
		return mk(smEndpointConfigType, "ep", map[string]any{"tags": envTags(env), "productionVariants": []any{
			map[string]any{"variantName": "main", "instanceType": "ml.g5.xlarge", "initialInstanceCount": count}}})
	}
	runRuleCases(t, "sagemaker-endpoint-instances-prod", []ruleCase{
		{name: "prod two", r: ep("prod", 2)},
		{name: "prod one", r: ep("prod", 1), want: []string{"productionVariants[0] main has initialInstanceCount 1; use at least 2"}},
		{name: "dev one", r: ep("dev", 1)},
		{name: "unknown count", r: ep("prod", computed)},
		{name: "serverless", r: mk(smEndpointConfigType, "ep", map[string]any{"tags": envTags("prod"), "productionVariants": []any{
			map[string]any{"serverlessConfig": map[string]any{"maxConcurrency": 1}}}})},
		{name: "autoscaling minimum", r: mk(appAutoscalingTarget, "t", map[string]any{"tags": envTags("prod"), "serviceNamespace": "sagemaker", "minCapacity": 1}),
			want: []string{"minCapacity is 1"}},
		{name: "autoscaling of another service", r: mk(appAutoscalingTarget, "t", map[string]any{"tags": envTags("prod"), "serviceNamespace": "ecs", "minCapacity": 1})},
	})
}

func TestProdInferenceNodeGroups(t *testing.T) {
	runRuleCases(t, "eks-inference-nodes-on-demand-prod", []ruleCase{
		{name: "prod on-demand two", r: nodeGroup("inf", "prod", "inference", "nvidia-gpu", "ON_DEMAND", 2, "g5.2xlarge")},
		{name: "prod default capacity", r: nodeGroup("inf", "prod", "inference", "aws-inferentia", "", 2, "inf2.xlarge")},
		{name: "prod spot", r: nodeGroup("inf", "prod", "inference", "nvidia-gpu", "SPOT", 2, "g5.2xlarge"), want: []string{"runs on spot"}},
		{name: "prod one node", r: nodeGroup("inf", "prod", "inference", "nvidia-gpu", "ON_DEMAND", 1, "g5.2xlarge"), want: []string{"minimum size 1; keep at least 2"}},
		{name: "dev spot at zero", r: nodeGroup("inf", "dev", "inference", "nvidia-gpu", "SPOT", 0, "g5.xlarge")},
		{name: "prod training spot", r: nodeGroup("train", "prod", "training", "nvidia-gpu", "SPOT", 0, "p5.48xlarge")},
		{name: "capacity unknown", r: withProps(nodeGroup("inf", "prod", "inference", "nvidia-gpu", "", 2), map[string]any{"capacityType": computed})},
	})
}

func TestFSxBackupsProd(t *testing.T) {
	fsx := func(env string, props map[string]any) Resource {
		props["tags"] = envTags(env)
		r := mk(fsxLustreType, "fsx", props)
		r.ID = "fs-0123"
		return r
	}
	one := func(name string, r Resource, want ...string) stackCase {
		c := stackCase{name: name, rs: []Resource{r}}
		for _, w := range want {
			c.want = append(c.want, Finding{r.URN, w})
		}
		return c
	}
	unlinked := fsx("prod", map[string]any{"deploymentType": "PERSISTENT_2"})
	dra := mk(fsxDRAType, "data", map[string]any{"fileSystemId": "fs-0123", "dataRepositoryPath": "s3://ml-data/"})
	runStackCases(t, "fsx-filesystem-backups-prod", []stackCase{
		one("prod with backups", fsx("prod", map[string]any{"deploymentType": "PERSISTENT_2", "automaticBackupRetentionDays": 7})),
		one("prod without backups", unlinked, "automaticBackupRetentionDays is 0 or unset"),
		one("prod zero", fsx("prod", map[string]any{"deploymentType": "PERSISTENT_1", "automaticBackupRetentionDays": 0}), "no automatic backups"),
		one("dev without backups", fsx("dev", map[string]any{"deploymentType": "PERSISTENT_2"})),
		one("prod scratch", fsx("prod", map[string]any{"deploymentType": "SCRATCH_2"})),
		one("unknown", fsx("prod", map[string]any{"deploymentType": "PERSISTENT_2", "automaticBackupRetentionDays": computed})),
		{name: "linked by an association: the bucket is the durable copy", rs: []Resource{unlinked, dra}},
		one("linked by an import path", fsx("prod", map[string]any{"deploymentType": "PERSISTENT_1", "importPath": "s3://ml-data"})),
	})
}

func TestFSxDataRepositoriesSupported(t *testing.T) {
	fs := func(props map[string]any) Resource {
		r := mk(fsxLustreType, "fsx", props)
		r.ID = "fs-0123"
		return r
	}
	dra := func(i int) Resource {
		return mk(fsxDRAType, fmt.Sprintf("dra-%d", i), map[string]any{"fileSystemId": "fs-0123", "dataRepositoryPath": fmt.Sprintf("s3://b/%d/", i)})
	}
	p2 := fs(map[string]any{"deploymentType": "PERSISTENT_2", "fileSystemTypeVersion": "2.15", "automaticBackupRetentionDays": 0})
	backedUp := fs(map[string]any{"deploymentType": "PERSISTENT_2", "automaticBackupRetentionDays": 7})
	nine := []Resource{p2}
	for i := range 9 {
		nine = append(nine, dra(i))
	}
	runStackCases(t, "fsx-data-repositories-supported", []stackCase{
		{name: "linked PERSISTENT_2 without backups", rs: []Resource{p2, dra(0), dra(1)}},
		{name: "unlinked with backups", rs: []Resource{backedUp}},
		{name: "linked with backups", rs: []Resource{backedUp, dra(0)}, want: []Finding{{backedUp.URN, "AWS does not back up linked file systems"}}},
		{name: "nine associations", rs: nine, want: []Finding{{p2.URN, "9 data repository associations; a file system takes at most 8"}}},
		{name: "scratch 1", rs: []Resource{fs(map[string]any{"deploymentType": "SCRATCH_1"}), dra(0)},
			want: []Finding{{p2.URN, "not SCRATCH_1"}}},
		{name: "PERSISTENT_2 with an import path", rs: []Resource{fs(map[string]any{"deploymentType": "PERSISTENT_2", "importPath": "s3://b"})},
			want: []Finding{{p2.URN, "importPath/exportPath on PERSISTENT_2"}}},
	})
}

func TestFSxEFAFileSystemValid(t *testing.T) {
	runRuleCases(t, "fsx-efa-filesystem-valid", []ruleCase{
		{name: "EFA done right", r: mk(fsxLustreType, "fsx", map[string]any{"efaEnabled": true, "deploymentType": "PERSISTENT_2",
			"fileSystemTypeVersion": "2.15", "metadataConfiguration": map[string]any{"mode": "AUTOMATIC"}})},
		{name: "no EFA", r: mk(fsxLustreType, "fsx", map[string]any{"deploymentType": "SCRATCH_2"})},
		{name: "EFA on scratch without metadata", r: mk(fsxLustreType, "fsx", map[string]any{"efaEnabled": true, "deploymentType": "SCRATCH_2",
			"fileSystemTypeVersion": "2.12"}),
			want: []string{"EFA needs PERSISTENT_2", "EFA needs 2.15", "needs one"}},
	})
}

func TestLifecycleTransitionsValid(t *testing.T) {
	lc := func(rule map[string]any) Resource {
		rule["id"] = "r"
		return mk(s3LifecycleType, "lc", map[string]any{"rules": []any{rule}})
	}
	tr := func(days int, class string) map[string]any {
		return map[string]any{"days": days, "storageClass": class}
	}
	runRuleCases(t, "s3-lifecycle-transitions-valid", []ruleCase{
		{name: "the seed's training data", r: lc(map[string]any{"transitions": []any{tr(90, "INTELLIGENT_TIERING"), tr(365, "GLACIER_IR")}})},
		{name: "models to Glacier", r: lc(map[string]any{"transitions": []any{tr(180, "GLACIER")}, "noncurrentVersionExpiration": map[string]any{"noncurrentDays": 30}})},
		{name: "checkpoints expire", r: lc(map[string]any{"expiration": map[string]any{"days": 30}})},
		{name: "IA too early", r: lc(map[string]any{"transitions": []any{tr(10, "STANDARD_IA")}}),
			want: []string{`rule "r" moves objects to STANDARD_IA after 10 days: S3 needs at least 30`}},
		{name: "backwards", r: lc(map[string]any{"transitions": []any{tr(30, "GLACIER"), tr(200, "STANDARD_IA")}}),
			want: []string{"from GLACIER to STANDARD_IA: S3 does not transition that way"}},
		{name: "intelligent tiering to IA", r: lc(map[string]any{"transitions": []any{tr(30, "INTELLIGENT_TIERING"), tr(90, "ONEZONE_IA")}}),
			want: []string{"from INTELLIGENT_TIERING to ONEZONE_IA"}},
		{name: "Glacier to Deep Archive too soon", r: lc(map[string]any{"transitions": []any{tr(100, "GLACIER"), tr(150, "DEEP_ARCHIVE")}}),
			want: []string{"moves objects out of GLACIER after 50 days there: S3 needs at least 90"}},
		{name: "expiring before the last transition", r: lc(map[string]any{"transitions": []any{tr(90, "INTELLIGENT_TIERING")}, "expiration": map[string]any{"days": 60}}),
			want: []string{"expires objects after 60 days, not later than its last transition (day 90)"}},
		{name: "noncurrent too", r: lc(map[string]any{"noncurrentVersionTransitions": []any{map[string]any{"noncurrentDays": 5, "storageClass": "STANDARD_IA"}}}),
			want: []string{"STANDARD_IA after 5 days"}},
		{name: "abort with a tag filter", r: lc(map[string]any{"filter": map[string]any{"tag": map[string]any{"key": "k", "value": "v"}},
			"abortIncompleteMultipartUpload": map[string]any{"daysAfterInitiation": 7}}),
			want: []string{"aborts incomplete multipart uploads with a tag filter"}},
		{name: "unknown days are not judged", r: lc(map[string]any{"transitions": []any{map[string]any{"days": computed, "storageClass": "STANDARD_IA"}}})},
	})
}

func TestS3VersioningProd(t *testing.T) {
	prod := mk(s3BucketV2Type, "data", map[string]any{"tags": envTags("prod")})
	dev := mk(s3BucketV2Type, "scratch", map[string]any{"tags": envTags("dev")})
	ver := func(status any) Resource {
		return withDeps(mk(s3VersioningType, "data-ver", map[string]any{"bucket": computed,
			"versioningConfiguration": map[string]any{"status": status}}), "bucket", prod.URN)
	}
	runStackCases(t, "s3-bucket-versioning-prod", []stackCase{
		{name: "enabled", rs: []Resource{prod, ver("Enabled")}},
		{name: "suspended", rs: []Resource{prod, ver("Suspended")}, want: []Finding{{prod.URN, "not Enabled"}}},
		{name: "status unknown", rs: []Resource{prod, ver(computed)}},
		{name: "missing in prod", rs: []Resource{prod}, want: []Finding{{prod.URN, "versioning is not enabled"}}},
		{name: "missing in dev", rs: []Resource{dev}},
		{name: "inline", rs: []Resource{withProps(prod, map[string]any{"versionings": []any{map[string]any{"enabled": true}}})}},
		{name: "inline off (exported outputs)", rs: []Resource{withProps(prod, map[string]any{"versionings": []any{map[string]any{"enabled": false}}})},
			want: []Finding{{prod.URN, "versioning is not enabled"}}},
		{name: "unresolved", rs: []Resource{prod, mk(s3VersioningType, "x", map[string]any{"bucket": computed})}},
	})
}

func TestNodeGroupMultiAZ(t *testing.T) {
	subnet := func(az string) Resource {
		s := mk(subnetType, "private-"+az, map[string]any{"availabilityZone": az})
		s.ID = "subnet-" + az
		return s
	}
	a, b := subnet("us-east-1a"), subnet("us-east-1b")
	a2 := mk(subnetType, "private-2-us-east-1a", map[string]any{"availabilityZone": "us-east-1a"})
	a2.ID = "subnet-a2"
	ng := func(env string, subnets ...string) Resource {
		r := nodeGroup("inf", env, "inference", "nvidia-gpu", "ON_DEMAND", 2, "g5.2xlarge")
		return withProps(r, map[string]any{"subnetIds": subnets})
	}
	efaLT := mk(launchTemplateType, "p5", map[string]any{"networkInterfaces": []any{map[string]any{"interfaceType": "efa"}}})
	efaLT.ID = "lt-efa"
	plainLT := mk(launchTemplateType, "g5", nil)
	plainLT.ID = "lt-plain"
	withLT := func(r Resource, id string) Resource {
		return withProps(r, map[string]any{"launchTemplate": map[string]any{"id": id, "version": "1"}})
	}
	single := ng("prod", "subnet-us-east-1a")
	runStackCases(t, "eks-node-group-multi-az-prod", []stackCase{
		{name: "two AZs", rs: []Resource{a, b, ng("prod", "subnet-us-east-1a", "subnet-us-east-1b")}},
		{name: "one AZ", rs: []Resource{a, b, single}, want: []Finding{{single.URN, "spans 1 availability zone(s)"}}},
		{name: "two subnets in one AZ", rs: []Resource{a, a2, ng("prod", "subnet-us-east-1a", "subnet-a2")}, want: []Finding{{single.URN, "spans 1 availability zone(s)"}}},
		{name: "subnets outside the stack: counted", rs: []Resource{ng("prod", "subnet-x")}, want: []Finding{{single.URN, "1 subnet(s)"}}},
		{name: "subnets outside the stack: two", rs: []Resource{ng("prod", "subnet-x", "subnet-y")}},
		{name: "by dependency", rs: []Resource{a, b, withDeps(withProps(single, map[string]any{"subnetIds": computed}), "subnetIds", a.URN, b.URN)}},
		{name: "unknown subnets", rs: []Resource{withProps(single, map[string]any{"subnetIds": computed})}},
		{name: "dev single AZ", rs: []Resource{a, ng("dev", "subnet-us-east-1a")}},
		{name: "EFA group exempt", rs: []Resource{a, efaLT, withLT(single, "lt-efa")}},
		{name: "EFA group by dependency", rs: []Resource{a, efaLT, withDeps(withLT(single, ""), "launchTemplate", efaLT.URN)}},
		{name: "plain template is not exempt", rs: []Resource{a, plainLT, withLT(single, "lt-plain")}, want: []Finding{{single.URN, "spans 1"}}},
		{name: "template outside the stack", rs: []Resource{a, withLT(single, "lt-elsewhere")}},
	})
}

func TestNodeGroupMultiAZEFALabel(t *testing.T) {
	ng := withProps(nodeGroup("p5", "prod", "training", "nvidia-gpu", "SPOT", 0, "p5.48xlarge"), map[string]any{
		"subnetIds": []string{"subnet-a"},
		"labels":    map[string]any{conventions.LabelWorkloadType: "training", conventions.LabelEFA: "true"},
	})
	runStackCases(t, "eks-node-group-multi-az-prod", []stackCase{{name: "EFA label exempts", rs: []Resource{ng}}})
}

func TestKarpenterAMIPinnedProd(t *testing.T) {
	nodeClassWith := func(env any, terms any) Resource {
		return mk(karpenterNodeClassType, "accelerated", map[string]any{"spec": map[string]any{
			"tags": map[string]any{"Environment": env}, "amiSelectorTerms": terms,
		}})
	}
	alias := func(a any) []any { return []any{map[string]any{"alias": a}} }
	runRuleCases(t, "karpenter-ami-pinned-prod", []ruleCase{
		{name: "pinned in prod", r: nodeClassWith("prod", alias("al2023@v20251120"))},
		{name: "latest in prod", r: nodeClassWith("prod", alias("al2023@latest")), want: []string{`"al2023@latest" in prod: pin a version such as al2023@vYYYYMMDD`}},
		{name: "latest in staging", r: nodeClassWith("staging", alias("al2023@latest")), want: []string{"in staging"}},
		{name: "latest in dev is fine", r: nodeClassWith("dev", alias("al2023@latest"))},
		{name: "ID selector", r: nodeClassWith("prod", []any{map[string]any{"id": "ami-0123456789abcdef0"}})},
		{name: "alias unknown", r: nodeClassWith("prod", alias(computed))},
		{name: "terms unknown", r: nodeClassWith("prod", computed)},
		{name: "environment unknown", r: nodeClassWith(computed, alias("al2023@latest"))},
	})
}

func TestEKSStandardSupport(t *testing.T) {
	defer func(old func() time.Time) { Now = old }(Now)
	Now = func() time.Time { return time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) }
	ng := func(version string, env string) Resource {
		return mk(eksNodeGroupType, "ng", map[string]any{"version": version, "tags": map[string]any{"Environment": env}})
	}
	runRuleCases(t, "eks-version-standard-support", []ruleCase{
		{name: "1.35: standard support until 2027-03-27", r: ng("1.35", "dev")},
		{name: "1.34 left on 2026-12-02", r: ng("1.34", "dev"), want: []string{"version 1.34 left EKS standard support on 2026-12-02"}},
		{name: "not in the calendar: eks-cluster-version-supported judges it", r: ng("1.29", "dev")},
		{name: "prod on 1.34: refused by the -prod rule, not advised twice", r: ng("1.34", "prod")},
		{name: "unset", r: mk(eksNodeGroupType, "ng", map[string]any{})},
	})
	runRuleCases(t, "eks-version-standard-support", []ruleCase{
		{name: "1.35 within 110 days, with 120 days' warning", r: ng("1.35", "dev"), cfg: map[string]any{"warnDays": float64(120)},
			want: []string{"version 1.35 leaves EKS standard support on 2027-03-27 (in 110 days)"}},
	})
	runRuleCases(t, "eks-version-standard-support-prod", []ruleCase{
		{name: "prod on 1.35", r: ng("1.35", "prod")},
		{name: "prod on 1.34", r: ng("1.34", "prod"), want: []string{"left EKS standard support"}},
		{name: "dev on 1.34 is advised, not refused", r: ng("1.34", "dev")},
	})
}
