package storage_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/access"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/testkit"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
	"github.com/ml-platform/ml-platform/spec"
)

const dataKey = "arn:aws:kms:us-east-1:123456789012:key/data"

func seedLifecycle() storage.Lifecycle {
	return storage.Lifecycle{
		TrainingDataIntelligentTieringDays: 90, TrainingDataGlacierIRDays: 365, CheckpointsExpireDays: 30,
		ModelsGlacierDays: 180, NoncurrentExpireDays: 30, LogsExpireDays: 365,
	}
}

func bucketsArgs() *storage.BucketsArgs {
	return &storage.BucketsArgs{
		NamePrefix: "ml-platform-test", Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
		DataKeyARN: pulumi.String(dataKey), Lifecycle: seedLifecycle(), AbortIncompleteUploadDays: 7,
		Tags: map[string]string{"Project": "ml-platform"},
	}
}

func buildBuckets(t *testing.T, a *storage.BucketsArgs) (*mock.Recorder, *storage.Buckets, error) {
	t.Helper()
	var b *storage.Buckets
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		var err error
		b, err = storage.NewBuckets(ctx, "buckets", a)
		return err
	})
	return rec, b, err
}

// byBucket returns the resource of typ whose bucket input is the bucket's name.
func byBucket(t *testing.T, rec *mock.Recorder, typ, bucket string) *mock.Registered {
	t.Helper()
	var found []*mock.Registered
	for _, r := range rec.ByType(typ) {
		if mock.String(r.Inputs, "bucket") == bucket {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "%s for %s", typ, bucket)
	return found[0]
}

func TestEveryBucketIsLockedDown(t *testing.T) {
	rec, b, err := buildBuckets(t, bucketsArgs())
	require.NoError(t, err)
	require.Len(t, rec.ByType("aws:s3/bucketV2:BucketV2"), len(storage.Purposes))
	for _, purpose := range storage.Purposes {
		name := b.Names[purpose]
		require.Equal(t, "ml-platform-test-"+purpose+"-123456789012-us-east-1", name)
		bucket := rec.ByName("aws:s3/bucketV2:BucketV2", "buckets-"+purpose)
		require.Equal(t, name, mock.String(bucket.Inputs, "bucket"), "fixed names: the policies naming them are known early")
		require.False(t, bucket.Protect, "not prod")

		sse := byBucket(t, rec, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", name)
		rule := sse.Inputs["rules"].ArrayValue()[0].ObjectValue()
		def := rule["applyServerSideEncryptionByDefault"].ObjectValue()
		if purpose == storage.AccessLogs {
			require.Equal(t, "AES256", mock.String(def, "sseAlgorithm"), "S3 delivers access logs only to SSE-S3 buckets")
		} else {
			require.Equal(t, "aws:kms", mock.String(def, "sseAlgorithm"))
			require.Equal(t, dataKey, mock.String(def, "kmsMasterKeyId"))
			require.True(t, rule["bucketKeyEnabled"].BoolValue())
		}
		ver := byBucket(t, rec, "aws:s3/bucketVersioningV2:BucketVersioningV2", name)
		require.Equal(t, "Enabled", mock.String(mock.Object(ver.Inputs, "versioningConfiguration"), "status"))
		pab := byBucket(t, rec, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name)
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			require.True(t, pab.Inputs[resource.PropertyKey(k)].BoolValue(), "%s %s", name, k)
		}
		own := byBucket(t, rec, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", name)
		require.Equal(t, "BucketOwnerEnforced", mock.String(mock.Object(own.Inputs, "rule"), "objectOwnership"))

		policy := byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", name)
		require.Contains(t, policy.Dependencies, pab.URN)
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(mock.String(policy.Inputs, "policy")), &doc))
		tls := doc.Statement[len(doc.Statement)-1]
		require.Equal(t, "Deny", tls.Effect)
		require.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"], "%s refuses plain HTTP", name)

		lc := byBucket(t, rec, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", name)
		require.Contains(t, lc.Dependencies, ver.URN, "noncurrent-version actions need versioning first")

		logging := rec.ByName("aws:s3/bucketLoggingV2:BucketLoggingV2", "buckets-"+purpose+"-logging")
		if purpose == storage.AccessLogs {
			require.Nil(t, logging, "the log bucket does not log itself")
			continue
		}
		require.NotNil(t, logging)
		require.Equal(t, b.Names[storage.AccessLogs], mock.String(logging.Inputs, "targetBucket"))
		require.Equal(t, purpose+"/", mock.String(logging.Inputs, "targetPrefix"))
		logsPolicy := byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[storage.AccessLogs])
		require.Contains(t, logging.Dependencies, logsPolicy.URN, "logging starts once the log bucket admits S3's delivery")
	}
	golden.AssertJSON(t, "access-logs-policy.json", mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[storage.AccessLogs]).Inputs, "policy"))
}

// lifecycle returns the rule over every object of a bucket's lifecycle
// configuration (the first; the models bucket adds its archive rule).
func lifecycle(t *testing.T, rec *mock.Registered) resource.PropertyMap {
	t.Helper()
	rules := rec.Inputs["rules"].ArrayValue()
	require.NotEmpty(t, rules)
	return rules[0].ObjectValue()
}

func transitions(rule resource.PropertyMap) map[string]float64 {
	out := map[string]float64{}
	if v, ok := rule["transitions"]; ok {
		for _, t := range v.ArrayValue() {
			m := t.ObjectValue()
			out[mock.String(m, "storageClass")] = m["days"].NumberValue()
		}
	}
	return out
}

func TestSeedLifecycle(t *testing.T) {
	a := bucketsArgs()
	a.Lifecycle.LogsExpireDays = 400
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	rule := func(purpose string) resource.PropertyMap {
		return lifecycle(t, byBucket(t, rec, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b.Names[purpose]))
	}
	for _, p := range storage.Purposes {
		r := rule(p)
		require.Equal(t, "Enabled", mock.String(r, "status"))
		require.Equal(t, 7.0, mock.Object(r, "abortIncompleteMultipartUpload")["daysAfterInitiation"].NumberValue(), p)
		_, hasFilter := r["filter"]
		require.True(t, hasFilter, "%s: an empty filter applies the rule to every object", p)
	}
	require.Equal(t, map[string]float64{"INTELLIGENT_TIERING": 90, "GLACIER_IR": 365}, transitions(rule(storage.TrainingData)))
	require.Equal(t, 30.0, mock.Object(rule(storage.TrainingData), "noncurrentVersionExpiration")["noncurrentDays"].NumberValue())

	ckpt := rule(storage.Checkpoints)
	require.Empty(t, transitions(ckpt))
	require.Equal(t, 30.0, mock.Object(ckpt, "expiration")["days"].NumberValue())
	require.Equal(t, 30.0, mock.Object(ckpt, "noncurrentVersionExpiration")["noncurrentDays"].NumberValue(), "noncurrent checkpoints expire too")

	// The seed's models rule: current objects of the models prefix to
	// Glacier Flexible Retrieval at 180 days, noncurrent versions at 30
	// (kept, never deleted); what endpoints serve, outside that prefix,
	// is never archived.
	models := rule(storage.Models)
	require.Empty(t, transitions(models), "served artifacts stay readable")
	_, expires := models["noncurrentVersionExpiration"]
	require.False(t, expires, "no model version is deleted by age")
	nc := models["noncurrentVersionTransitions"].ArrayValue()
	require.Len(t, nc, 1)
	require.Equal(t, "GLACIER", mock.String(nc[0].ObjectValue(), "storageClass"))
	require.Equal(t, 30.0, nc[0].ObjectValue()["noncurrentDays"].NumberValue())
	all := byBucket(t, rec, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b.Names[storage.Models]).Inputs["rules"].ArrayValue()
	require.Len(t, all, 2)
	archive := all[1].ObjectValue()
	require.Equal(t, storage.ModelsArchivePrefix, mock.String(mock.Object(archive, "filter"), "prefix"))
	require.Equal(t, map[string]float64{"GLACIER": 180}, transitions(archive))
	for _, p := range storage.Purposes {
		if p != storage.Models {
			require.Len(t, byBucket(t, rec, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b.Names[p]).Inputs["rules"].ArrayValue(), 1, p)
		}
	}

	require.Equal(t, 400.0, mock.Object(rule(storage.AccessLogs), "expiration")["days"].NumberValue())
	require.Empty(t, transitions(rule(storage.Artifacts)))
}

func TestArchiveTiering(t *testing.T) {
	a := bucketsArgs()
	a.ArchiveTiering = &storage.ArchiveTiering{ArchiveAccessDays: 120, DeepArchiveAccessDays: 200}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	cfg := byBucket(t, rec, "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration", b.Names[storage.TrainingData])
	tiers := map[string]float64{}
	for _, tier := range cfg.Inputs["tierings"].ArrayValue() {
		tiers[mock.String(tier.ObjectValue(), "accessTier")] = tier.ObjectValue()["days"].NumberValue()
	}
	require.Equal(t, map[string]float64{"ARCHIVE_ACCESS": 120, "DEEP_ARCHIVE_ACCESS": 200}, tiers)

	rec, _, err = buildBuckets(t, bucketsArgs())
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration"), "opt-in")
}

func TestVPCEndpointRestriction(t *testing.T) {
	a := bucketsArgs()
	a.VPCEndpointID = pulumi.String("vpce-0s3")
	a.VPCEndpointExemptRoleARNs = []string{"arn:aws:iam::123456789012:role/uploader"}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	for _, p := range storage.Purposes {
		policy := mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[p]).Inputs, "policy")
		if p == storage.AccessLogs {
			require.NotContains(t, policy, "aws:SourceVpce", "S3 delivers logs from outside the VPC")
			continue
		}
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(policy), &doc))
		require.Len(t, doc.Statement, 2)
		deny := doc.Statement[1]
		require.Equal(t, "Deny", deny.Effect)
		require.Equal(t, []string{"vpce-0s3"}, deny.Condition["StringNotEqualsIfExists"]["aws:SourceVpce"])
		require.Equal(t, []string{"arn:aws:iam::123456789012:role/aws-service-role/*", "arn:aws:iam::123456789012:role/uploader"},
			deny.Condition["ArnNotLikeIfExists"]["aws:PrincipalArn"], "service-linked roles (FSx's) and the listed roles are exempt")
		for _, action := range deny.Action {
			require.False(t, action == "s3:*" || strings.Contains(strings.TrimPrefix(action, "s3:ListBucket"), "Bucket"),
				"%s: only object access is restricted, so `pulumi up` still manages the bucket", action)
		}
		for _, action := range []string{"s3:GetObjectAttributes", "s3:PutObjectAcl", "s3:RestoreObject", "s3:PutObjectTagging",
			"s3:DeleteObjectTagging", "s3:PutObjectRetention", "s3:GetObjectVersion", "s3:ListBucketVersions", "s3:AbortMultipartUpload"} {
			require.True(t, slices.ContainsFunc(deny.Action, func(p string) bool { return access.ActionMatches(p, action) }),
				"%s reaches objects: it is denied outside the endpoint too", action)
		}
		require.NotContains(t, deny.Condition["BoolIfExists"], "aws:ViaAWSService",
			"a forward access session (Athena, Glue) with any caller's credentials is not exempt")
	}
	golden.AssertJSON(t, "data-bucket-policy-vpce.json", mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[storage.TrainingData]).Inputs, "policy"))
}

func TestProdBucketsAreKept(t *testing.T) {
	a := bucketsArgs()
	a.Protect = true
	rec, _, err := buildBuckets(t, a)
	require.NoError(t, err)
	for _, bucket := range rec.ByType("aws:s3/bucketV2:BucketV2") {
		require.True(t, bucket.Protect && bucket.RetainOnDelete, bucket.Name)
		require.False(t, bucket.Inputs["forceDestroy"].BoolValue())
	}
}

func TestBucketsValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*storage.BucketsArgs)
		want   string
	}{
		{"name too long", func(a *storage.BucketsArgs) { a.NamePrefix = strings.Repeat("x", 40) }, "which S3 refuses"},
		{"upper case", func(a *storage.BucketsArgs) { a.NamePrefix = "ML" }, `NamePrefix: "ML"`},
		{"lifecycle out of order", func(a *storage.BucketsArgs) { a.Lifecycle.TrainingDataGlacierIRDays = 30 }, "must be later than"},
		{"no key", func(a *storage.BucketsArgs) { a.DataKeyARN = nil }, "DataKeyARN: required"},
		{"archive too early", func(a *storage.BucketsArgs) { a.ArchiveTiering = &storage.ArchiveTiering{ArchiveAccessDays: 10} }, "outside 90-730"},
		{"force destroy in prod", func(a *storage.BucketsArgs) { a.Protect, a.ForceDestroy = true, true }, "ForceDestroy: not with Protect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := bucketsArgs()
			tc.mutate(a)
			rec, _, err := buildBuckets(t, a)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources())
		})
	}
}

func lustreArgs() *storage.LustreArgs {
	return &storage.LustreArgs{
		Name:      "ml-platform-test",
		Lustre:    spec.Lustre{DeploymentType: storage.Persistent2, StorageCapacityGiB: 1200, ThroughputMBpsPerTiB: 125},
		KMSKeyARN: pulumi.String(dataKey), VPCID: pulumi.String("vpc-0"), SubnetID: pulumi.String("subnet-0a"),
		ClientSecurityGroups: map[string]pulumi.StringInput{"nodes": pulumi.String("sg-nodes")},
		DataRepositories: []storage.DataRepository{
			{FileSystemPath: "/data", BucketName: "ml-data"},
			{FileSystemPath: "/checkpoints", BucketName: "ml-checkpoints", Export: true},
		},
		Tags: map[string]string{"Project": "ml-platform"},
	}
}

func buildLustre(t *testing.T, a *storage.LustreArgs) (*mock.Recorder, error) {
	t.Helper()
	return testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := storage.NewLustre(ctx, "lustre", a)
		return err
	})
}

// ports lists the rules of a security group as "direction peer proto from-to".
func ports(rec *mock.Recorder, group string) []string {
	var out []string
	for _, typ := range []string{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"} {
		dir := "in"
		if strings.Contains(typ, "Egress") {
			dir = "out"
		}
		for _, r := range rec.ByType(typ) {
			if mock.String(r.Inputs, "securityGroupId") != group {
				continue
			}
			peer := mock.String(r.Inputs, "referencedSecurityGroupId")
			if peer == group {
				peer = "self"
			}
			span := "all"
			if v, ok := r.Inputs["fromPort"]; ok {
				span = fmt.Sprintf("%s %.0f-%.0f", mock.String(r.Inputs, "ipProtocol"), v.NumberValue(), r.Inputs["toPort"].NumberValue())
			}
			out = append(out, dir+" "+peer+" "+span)
		}
	}
	return out
}

func TestLustrePersistent2(t *testing.T) {
	rec, err := buildLustre(t, lustreArgs())
	require.NoError(t, err)
	fs := rec.ByType("aws:fsx/lustreFileSystem:LustreFileSystem")
	require.Len(t, fs, 1)
	in := fs[0].Inputs
	require.Equal(t, "PERSISTENT_2", mock.String(in, "deploymentType"))
	require.Equal(t, 1200.0, in["storageCapacity"].NumberValue())
	require.Equal(t, 125.0, in["perUnitStorageThroughput"].NumberValue())
	require.Equal(t, "2.15", mock.String(in, "fileSystemTypeVersion"))
	require.Equal(t, "LZ4", mock.String(in, "dataCompressionType"))
	require.Equal(t, dataKey, mock.String(in, "kmsKeyId"))
	require.Equal(t, "AUTOMATIC", mock.String(mock.Object(in, "metadataConfiguration"), "mode"))
	require.Equal(t, 0.0, in["automaticBackupRetentionDays"].NumberValue(), "AWS does not back up linked file systems")
	require.False(t, fs[0].Protect)

	sg := mock.String(rec.ByType("aws:ec2/securityGroup:SecurityGroup")[0].Outputs, "id")
	require.ElementsMatch(t, []string{
		"in self tcp 988-988", "in self tcp 1018-1023", "in sg-nodes tcp 988-988", "in sg-nodes tcp 1018-1023",
		"out self tcp 988-988", "out self tcp 1018-1023", "out sg-nodes tcp 988-988", "out sg-nodes tcp 1018-1023",
	}, ports(rec, sg), "Lustre ports from and to itself and the nodes only")
	require.ElementsMatch(t, []string{"in " + sg + " tcp 988-988", "in " + sg + " tcp 1018-1023"}, ports(rec, "sg-nodes"),
		"the nodes admit the file system's servers")
	require.Equal(t, []string{sg}, mock.Strings(in, "securityGroupIds"))

	dras := map[string]*mock.Registered{}
	for _, d := range rec.ByType("aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation") {
		dras[mock.String(d.Inputs, "fileSystemPath")] = d
		require.Equal(t, mock.String(fs[0].Outputs, "id"), mock.String(d.Inputs, "fileSystemId"))
		require.True(t, d.Inputs["batchImportMetaDataOnCreate"].BoolValue())
		require.ElementsMatch(t, []string{"NEW", "CHANGED", "DELETED"}, mock.Strings(mock.Object(mock.Object(d.Inputs, "s3"), "autoImportPolicy"), "events"))
	}
	require.Equal(t, "s3://ml-data/", mock.String(dras["/data"].Inputs, "dataRepositoryPath"))
	require.Equal(t, "s3://ml-checkpoints/", mock.String(dras["/checkpoints"].Inputs, "dataRepositoryPath"))
	_, dataExports := mock.Object(dras["/data"].Inputs, "s3")["autoExportPolicy"]
	require.False(t, dataExports, "training data is read, not written back")
	require.ElementsMatch(t, []string{"NEW", "CHANGED", "DELETED"},
		mock.Strings(mock.Object(mock.Object(dras["/checkpoints"].Inputs, "s3"), "autoExportPolicy"), "events"), "checkpoints reach S3")
}

func TestLustreEFAAndScratch(t *testing.T) {
	a := lustreArgs()
	a.EFA, a.MetadataIops, a.Protect = true, 12000, true
	rec, err := buildLustre(t, a)
	require.NoError(t, err)
	fs := rec.ByType("aws:fsx/lustreFileSystem:LustreFileSystem")[0]
	require.True(t, fs.Inputs["efaEnabled"].BoolValue())
	meta := mock.Object(fs.Inputs, "metadataConfiguration")
	require.Equal(t, "USER_PROVISIONED", mock.String(meta, "mode"))
	require.Equal(t, 12000.0, meta["iops"].NumberValue())
	require.True(t, fs.Protect && fs.RetainOnDelete)
	sg := mock.String(rec.ByType("aws:ec2/securityGroup:SecurityGroup")[0].Outputs, "id")
	require.ElementsMatch(t, []string{"in self all", "in sg-nodes all", "out self all", "out sg-nodes all"}, ports(rec, sg),
		"EFA needs all traffic to and from itself and the clients")

	a = lustreArgs()
	a.DeploymentType, a.ThroughputMBpsPerTiB, a.KMSKeyARN = storage.Scratch2, 0, nil
	rec, err = buildLustre(t, a)
	require.NoError(t, err)
	fs = rec.ByType("aws:fsx/lustreFileSystem:LustreFileSystem")[0]
	for _, k := range []string{"kmsKeyId", "perUnitStorageThroughput", "metadataConfiguration", "automaticBackupRetentionDays"} {
		_, set := fs.Inputs[resource.PropertyKey(k)]
		require.False(t, set, "SCRATCH_2 takes no %s", k)
	}
	require.Len(t, rec.ByType("aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation"), 2, "SCRATCH_2 takes associations too")
}

func TestLustreValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*storage.LustreArgs)
		want   string
	}{
		{"throughput", func(a *storage.LustreArgs) { a.ThroughputMBpsPerTiB = 300 }, "ThroughputMBpsPerTiB: 300"},
		{"capacity", func(a *storage.LustreArgs) { a.StorageCapacityGiB = 1500 }, "StorageCapacityGiB: 1500"},
		{"EFA on scratch", func(a *storage.LustreArgs) {
			a.DeploymentType, a.ThroughputMBpsPerTiB, a.EFA = storage.Scratch2, 0, true
		}, "takes no throughput tier, metadata IOPS, EFA or backups"},
		{"backups while linked", func(a *storage.LustreArgs) { a.BackupRetentionDays = 7 }, "AWS does not back up file systems linked to S3"},
		{"overlapping paths", func(a *storage.LustreArgs) {
			a.DataRepositories = append(a.DataRepositories, storage.DataRepository{FileSystemPath: "/data/more", BucketName: "b"})
		}, "overlaps /data"},
		{"no clients", func(a *storage.LustreArgs) { a.ClientSecurityGroups = nil }, "ClientSecurityGroups: at least one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := lustreArgs()
			tc.mutate(a)
			rec, err := buildLustre(t, a)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources())
		})
	}
}

// TestServicePrefixes: a role SageMaker writes with from its own network
// reaches its prefix from outside the endpoint, and nothing else.
func TestServicePrefixes(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/ml-platform-test-sagemaker"
	a := bucketsArgs()
	a.VPCEndpointID = pulumi.String("vpce-0s3")
	a.ServicePrefixes = []storage.ServicePrefix{{Purpose: storage.TrainingData, Prefix: "feature-store/", RoleARN: role}}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	for _, p := range storage.Purposes {
		policy := mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[p]).Inputs, "policy")
		if p != storage.TrainingData {
			require.NotContains(t, policy, role, "%s: the exemption is for the training data only", p)
			continue
		}
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(policy), &doc))
		require.Len(t, doc.Statement, 4)
		require.Contains(t, doc.Statement[1].Condition["ArnNotLikeIfExists"]["aws:PrincipalArn"], role)
		listing := doc.Statement[3]
		require.Equal(t, []string{"arn:aws:s3:::" + b.Names[p]}, listing.Resource, "listing is on the bucket ARN")
		require.Equal(t, []string{"feature-store/*"}, listing.Condition["StringNotLikeIfExists"]["s3:prefix"], "listing its own prefix stays open")
		narrow := doc.Statement[2]
		require.Equal(t, "Deny", narrow.Effect)
		require.Equal(t, []string{"arn:aws:s3:::" + b.Names[p] + "/feature-store/*"}, narrow.NotResource, "everything but its prefix")
		require.Equal(t, []string{role}, narrow.Condition["ArnLike"]["aws:PrincipalArn"])
		require.Equal(t, []string{"vpce-0s3"}, narrow.Condition["StringNotEqualsIfExists"]["aws:SourceVpce"])
		golden.AssertJSON(t, "data-bucket-policy-service-prefix.json", policy)
	}

	a = bucketsArgs()
	a.ServicePrefixes = []storage.ServicePrefix{{Purpose: storage.TrainingData, Prefix: "feature-store", RoleARN: role}}
	_, _, err = buildBuckets(t, a)
	require.ErrorContains(t, err, "ServicePrefixes[0]: a data bucket, a prefix ending in /, a role ARN, and VPCEndpointID set")
}

// TestServiceDeliveries: a service writes its logs under its prefix of one
// bucket, for this account's resources only.
func TestServiceDeliveries(t *testing.T) {
	a := bucketsArgs()
	a.VPCEndpointID = pulumi.String("vpce-0s3")
	a.ServiceDeliveries = []storage.ServiceDelivery{{Purpose: storage.Artifacts, Sid: "BedrockInvocationLogs", Service: "bedrock.amazonaws.com",
		Prefix: "bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/*", SourceARN: "arn:aws:bedrock:us-east-1:123456789012:*"}}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	for _, p := range storage.Purposes {
		policy := mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[p]).Inputs, "policy")
		if p != storage.Artifacts {
			require.NotContains(t, policy, "bedrock.amazonaws.com", p)
			continue
		}
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(policy), &doc))
		st := doc.Statement[len(doc.Statement)-1]
		require.Equal(t, "BedrockInvocationLogs", st.Sid)
		require.Equal(t, []string{"bedrock.amazonaws.com"}, st.Principal.Service)
		require.Equal(t, []string{"s3:PutObject"}, st.Action)
		require.Equal(t, []string{"arn:aws:s3:::" + b.Names[p] + "/bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/*"}, st.Resource)
		require.Equal(t, []string{mock.AccountID}, st.Condition["StringEquals"]["aws:SourceAccount"])
		require.Equal(t, []string{"arn:aws:bedrock:us-east-1:123456789012:*"}, st.Condition["ArnLike"]["aws:SourceArn"])
	}
	a = bucketsArgs()
	a.ServiceDeliveries = []storage.ServiceDelivery{{Purpose: storage.AccessLogs, Sid: "x", Service: "bedrock.amazonaws.com", Prefix: "p/*", SourceARN: "arn:x"}}
	_, _, err = buildBuckets(t, a)
	require.ErrorContains(t, err, "ServiceDeliveries[0]: a data bucket")
}

// TestObjectReaders: another account (a stack there promotes this stack's
// models) may list and read the models bucket, never write; other buckets
// do not name it.
func TestObjectReaders(t *testing.T) {
	a := bucketsArgs()
	a.ObjectReaders = []storage.ObjectReader{{Purpose: storage.Models, AccountIDs: []string{"210987654321"}}}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	for _, p := range storage.Purposes {
		policy := mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[p]).Inputs, "policy")
		if p != storage.Models {
			require.NotContains(t, policy, "210987654321", p)
			continue
		}
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(policy), &doc))
		arn := "arn:aws:s3:::" + b.Names[p]
		var sids []string
		for _, st := range doc.Statement {
			if st.Effect != "Allow" {
				continue
			}
			sids = append(sids, st.Sid)
			require.Equal(t, []string{"arn:aws:iam::210987654321:root"}, st.Principal.AWS)
			for _, action := range st.Action {
				require.NotContains(t, []string{"s3:PutObject", "s3:DeleteObject"}, action, "readers never write")
			}
			switch st.Sid {
			case "ReaderAccountsList":
				require.Equal(t, []string{arn}, st.Resource)
			case "ReaderAccountsGet":
				require.Equal(t, []string{"s3:GetObject"}, st.Action)
				require.Equal(t, []string{arn + "/*"}, st.Resource)
			}
		}
		require.Equal(t, []string{"ReaderAccountsList", "ReaderAccountsGet"}, sids)
	}
	a = bucketsArgs()
	a.ObjectReaders = []storage.ObjectReader{{Purpose: storage.Models, AccountIDs: []string{"2109"}}}
	_, _, err = buildBuckets(t, a)
	require.ErrorContains(t, err, "ObjectReaders[0]: a data bucket and 12-digit account IDs")
	a.ObjectReaders = []storage.ObjectReader{{Purpose: storage.Models, AccountIDs: []string{"210987654321"}, Prefixes: []string{"pipelines"}}}
	_, _, err = buildBuckets(t, a)
	require.ErrorContains(t, err, `ObjectReaders[0].Prefixes[0]: "pipelines" is not a key prefix ending in /`)
}

// TestObjectReadersOfPrefixes: readers limited to a prefix list and read
// only under it (the artifacts bucket's pipelines/, not data capture).
func TestObjectReadersOfPrefixes(t *testing.T) {
	a := bucketsArgs()
	a.ObjectReaders = []storage.ObjectReader{{Purpose: storage.Artifacts, AccountIDs: []string{"210987654321"}, Prefixes: []string{"pipelines/"}}}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	var doc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[storage.Artifacts]).Inputs, "policy")), &doc))
	arn := "arn:aws:s3:::" + b.Names[storage.Artifacts]
	got := map[string]iamdoc.Statement{}
	for _, st := range doc.Statement {
		got[st.Sid] = st
	}
	require.Equal(t, []string{arn + "/pipelines/*"}, got["ReaderAccountsGet"].Resource)
	require.Equal(t, []string{"pipelines/*"}, got["ReaderAccountsList"].Condition["StringLike"]["s3:prefix"])
	require.Equal(t, []string{"s3:GetBucketLocation"}, got["ReaderAccountsLocate"].Action)
}

// TestReplicaBucketsTakeOnlyTheirPurposes: a replica set has the models
// bucket, logged to its own access-log bucket, and nothing else.
func TestReplicaBucketsTakeOnlyTheirPurposes(t *testing.T) {
	a := bucketsArgs()
	a.Region, a.DataPurposes = "us-west-2", []string{storage.Models}
	rec, b, err := buildBuckets(t, a)
	require.NoError(t, err)
	require.Len(t, rec.ByType("aws:s3/bucketV2:BucketV2"), 2)
	require.Equal(t, []string{storage.AccessLogs, storage.Models}, slices.Sorted(maps.Keys(b.Names)))
	require.Contains(t, b.Names[storage.Models], "us-west-2")
	logging := byBucket(t, rec, "aws:s3/bucketLoggingV2:BucketLoggingV2", b.Names[storage.Models])
	require.Equal(t, b.Names[storage.AccessLogs], mock.String(logging.Inputs, "targetBucket"))
	policy := mock.String(byBucket(t, rec, "aws:s3/bucketPolicy:BucketPolicy", b.Names[storage.AccessLogs]).Inputs, "policy")
	require.Contains(t, policy, b.Names[storage.Models])
	require.NotContains(t, policy, "training-data", "logs only from the buckets it has")

	for _, bad := range [][]string{{storage.AccessLogs}, {storage.Models, storage.Models}} {
		a := bucketsArgs()
		a.DataPurposes = bad
		_, _, err := buildBuckets(t, a)
		require.ErrorContains(t, err, "DataPurposes[")
	}
	a = bucketsArgs()
	a.DataPurposes, a.ArchiveTiering = []string{storage.Models}, &storage.ArchiveTiering{ArchiveAccessDays: 90}
	_, _, err = buildBuckets(t, a)
	require.ErrorContains(t, err, "ArchiveTiering: needs the training-data bucket")
}

// TestReplication: the role S3 assumes reads the source's versions only,
// writes replicas only, decrypts and encrypts through S3 in each region
// with the named keys, and the configuration replicates SSE-KMS objects
// and delete markers, re-encrypted with the replica key.
func TestReplication(t *testing.T) {
	args := func() *storage.ReplicationArgs {
		return &storage.ReplicationArgs{
			RoleName: "ml-platform-test-replication", Account: awsarn.Account{Partition: "aws", AccountID: mock.AccountID},
			SourceRegion: "us-east-1", DestinationRegion: "us-west-2",
			SourceBucket: "src-models", DestinationBucket: "dst-models",
			SourceKeyAlias: "alias/ml-platform-test-data", DestinationKeyAlias: "alias/ml-platform-test-replica-data",
			DestinationKeyARN: pulumi.String("arn:aws:kms:us-west-2:123456789012:key/replica"),
			Tags:              map[string]string{"Project": "ml-platform"},
		}
	}
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		a := args()
		versioning, err := s3.NewBucketVersioningV2(ctx, "v", &s3.BucketVersioningV2Args{Bucket: pulumi.String("src-models"),
			VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")}})
		if err != nil {
			return err
		}
		a.DependsOn = []pulumi.Resource{versioning}
		_, err = storage.NewReplication(ctx, "replication", a)
		return err
	})
	require.NoError(t, err)
	role := rec.ByType("aws:iam/role:Role")[0]
	golden.AssertJSON(t, "replication-trust.json", mock.String(role.Inputs, "assumeRolePolicy"))
	policy := mock.String(rec.ByType("aws:iam/rolePolicy:RolePolicy")[0].Inputs, "policy")
	golden.AssertJSON(t, "replication-policy.json", policy)
	var doc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(policy), &doc))
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			require.NotContains(t, []string{"s3:PutObject", "s3:DeleteObject", "s3:*", "kms:*"}, a, st.Sid)
		}
		if strings.HasPrefix(st.Action[0], "kms:") {
			require.NotEmpty(t, st.Condition["StringLike"]["kms:ViaService"], st.Sid)
			require.NotEmpty(t, st.Condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"], st.Sid)
		}
	}

	cfg := rec.ByType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")[0]
	require.Equal(t, "src-models", mock.String(cfg.Inputs, "bucket"))
	rule := cfg.Inputs["rules"].ArrayValue()[0].ObjectValue()
	require.Equal(t, "Enabled", mock.String(rule, "status"))
	require.Equal(t, "Enabled", mock.String(rule["deleteMarkerReplication"].ObjectValue(), "status"))
	require.Equal(t, "Enabled", mock.String(rule["sourceSelectionCriteria"].ObjectValue()["sseKmsEncryptedObjects"].ObjectValue(), "status"))
	dest := rule["destination"].ObjectValue()
	require.Equal(t, "arn:aws:s3:::dst-models", mock.String(dest, "bucket"))
	require.Equal(t, "arn:aws:kms:us-west-2:123456789012:key/replica", mock.String(dest["encryptionConfiguration"].ObjectValue(), "replicaKmsKeyId"))
	require.NotContains(t, rule, resource.PropertyKey("existingObjectReplication"), "the provider's docs: it makes S3 answer MalformedXML")
	require.Contains(t, cfg.Dependencies, rec.ByType("aws:s3/bucketVersioningV2:BucketVersioningV2")[0].URN, "after versioning is on")

	for _, c := range []struct {
		edit func(*storage.ReplicationArgs)
		want string
	}{
		{func(a *storage.ReplicationArgs) { a.DestinationRegion = "us-east-1" }, "DestinationRegion: \"us-east-1\" must be a region other than the source's"},
		{func(a *storage.ReplicationArgs) { a.SourceKeyAlias = "ml-platform-test-data" }, "SourceKeyAlias: \"ml-platform-test-data\" is not a key alias"},
		{func(a *storage.ReplicationArgs) {}, "DependsOn"},
	} {
		_, err := testkit.Run(t, func(ctx *pulumi.Context) error {
			a := args()
			c.edit(a)
			_, err := storage.NewReplication(ctx, "replication", a)
			return err
		})
		require.ErrorContains(t, err, c.want)
	}
}
