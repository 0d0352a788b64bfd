package tests

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
	"github.com/ml-platform/ml-platform/workloads"
)

// TestBucketsInBothStacks: every bucket of both plans is encrypted (SSE-KMS
// with the data key, the log bucket SSE-S3 as S3 requires), versioned,
// blocked from public access, TLS-only, logged (but the log bucket) and
// under a lifecycle rule.
func TestBucketsInBothStacks(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			dataKey := res.Outputs["kmsKeyArns"].(map[string]any)[platform.KeyData]
			names := map[string]string{}
			for _, b := range byType(res, "aws:s3/bucketV2:BucketV2") {
				if !strings.HasPrefix(b.Name, "buckets-") {
					continue // the disaster recovery replica: TestModelsReplicatedInProd
				}
				names[str(b.Inputs, "bucket")] = strings.TrimPrefix(b.Name, "buckets-")
				require.Equal(t, res.Config.Environment.ProdLike(), b.Protect, b.Name)
			}
			require.Len(t, names, len(storage.Purposes))
			covered := func(typ string) map[string]resource.PropertyMap {
				out := map[string]resource.PropertyMap{}
				for _, r := range byType(res, typ) {
					out[names[str(r.Inputs, "bucket")]] = r.Inputs
				}
				return out
			}
			sse := covered("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
			ver := covered("aws:s3/bucketVersioningV2:BucketVersioningV2")
			pab := covered("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
			pol := covered("aws:s3/bucketPolicy:BucketPolicy")
			life := covered("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
			logs := covered("aws:s3/bucketLoggingV2:BucketLoggingV2")
			for _, purpose := range storage.Purposes {
				def := sse[purpose]["rules"].ArrayValue()[0].ObjectValue()["applyServerSideEncryptionByDefault"].ObjectValue()
				if purpose == storage.AccessLogs {
					require.Equal(t, "AES256", str(def, "sseAlgorithm"))
					require.NotContains(t, logs, purpose, "the log bucket does not log itself")
				} else {
					require.Equal(t, dataKey, str(def, "kmsMasterKeyId"), purpose)
					require.Contains(t, logs, purpose)
				}
				require.Equal(t, "Enabled", str(obj(ver[purpose], "versioningConfiguration"), "status"), purpose)
				require.True(t, pab[purpose]["restrictPublicBuckets"].BoolValue(), purpose)
				require.Contains(t, str(pol[purpose], "policy"), `"aws:SecureTransport":["false"]`, purpose)
				require.Equal(t, res.Config.Storage.RestrictToVPCEndpoint && purpose != storage.AccessLogs,
					strings.Contains(str(pol[purpose], "policy"), "aws:SourceVpce"), "%s: VPC endpoint restriction as configured", purpose)
				wantRules := 1
				if purpose == storage.Models {
					wantRules = 2 // and the seed's archive rule over models/
				}
				require.Len(t, life[purpose]["rules"].ArrayValue(), wantRules, purpose)
			}
			// The seed's training-data lifecycle, with its days.
			rule := life[storage.TrainingData]["rules"].ArrayValue()[0].ObjectValue()
			got := map[string]float64{}
			for _, tr := range rule["transitions"].ArrayValue() {
				got[str(tr.ObjectValue(), "storageClass")] = tr.ObjectValue()["days"].NumberValue()
			}
			require.Equal(t, map[string]float64{"INTELLIGENT_TIERING": 90, "GLACIER_IR": 365}, got)
		})
	}
}

// TestProdLustre: the prod plan's file system, its associations to the
// buckets, the key grant FSx needs for them, the CSI driver, the static
// volume wired from the file system's outputs, and the Lustre client on
// every node.
func TestProdLustre(t *testing.T) {
	res := preview(t, "prod")
	fsList := byType(res, "aws:fsx/lustreFileSystem:LustreFileSystem")
	require.Len(t, fsList, 1)
	fs := fsList[0]
	require.True(t, fs.Protect, "prod file system protected")
	require.Equal(t, "PERSISTENT_2", str(fs.Inputs, "deploymentType"))
	require.Equal(t, 0.0, fs.Inputs["automaticBackupRetentionDays"].NumberValue(), "linked to S3: the buckets are the copy")

	bucketOf := func(purpose string) string {
		return storage.BucketName("ml-platform-prod", purpose, "123456789012", "us-east-1")
	}
	paths := map[string]string{}
	for _, d := range byType(res, "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation") {
		require.Equal(t, str(fs.Outputs, "id"), str(d.Inputs, "fileSystemId"))
		paths[str(d.Inputs, "fileSystemPath")] = str(d.Inputs, "dataRepositoryPath")
	}
	require.Equal(t, map[string]string{
		"/data":        "s3://" + bucketOf(storage.TrainingData) + "/",
		"/checkpoints": "s3://" + bucketOf(storage.Checkpoints) + "/",
	}, paths)

	key := named(byType(res, "aws:kms/key:Key"), "keys-"+platform.KeyData)
	require.Contains(t, str(key.Inputs, "policy"), "AllowFSxDataRepositoriesThroughS3", "the data key lets FSx read the linked SSE-KMS buckets")

	var csi bool
	for _, a := range byType(res, "aws:eks/addon:Addon") {
		csi = csi || str(a.Inputs, "addonName") == catalog.FSxCSIAddon
	}
	require.True(t, csi, "the FSx CSI driver add-on")

	pv := named(byType(res, "kubernetes:core/v1:PersistentVolume"), "lustre-volume")
	require.NotNil(t, pv)
	volume := obj(obj(pv.Inputs, "spec"), "csi")
	require.Equal(t, str(fs.Outputs, "id"), str(volume, "volumeHandle"), "the PV is wired from the file system's outputs")
	require.Equal(t, str(fs.Outputs, "dnsName"), str(obj(volume, "volumeAttributes"), "dnsname"))
	require.Equal(t, str(fs.Outputs, "mountName"), str(obj(volume, "volumeAttributes"), "mountname"))
	pvc := named(byType(res, "kubernetes:core/v1:PersistentVolumeClaim"), "lustre-volume")
	require.NotNil(t, pvc)
	require.Equal(t, workloads.TrainingNamespace, str(obj(pvc.Inputs, "metadata"), "namespace"))

	// Training nodes install and load the client and do not join when
	// either fails; other nodes do not mount Lustre and skip it. Training
	// capacity stays in the file system's AZ.
	lustreAZ := res.Config.Storage.Lustre.AvailabilityZone
	if lustreAZ == "" {
		lustreAZ = res.Outputs["availabilityZones"].([]any)[0].(string) // the default: the stack's first
	}
	for _, g := range res.Config.Cluster.NodeGroups {
		lt := named(byType(res, "aws:ec2/launchTemplate:LaunchTemplate"), "cluster-"+g.Name)
		require.NotNil(t, lt, g.Name)
		data, _ := base64.StdEncoding.DecodeString(str(lt.Inputs, "userData"))
		training := g.Role == conventions.RoleTraining
		require.Equal(t, training, strings.Contains(string(data), "if ! ( "+catalog.LustreClientInstall+" ); then"), "%s: required install", g.Name)
		require.Equal(t, training, strings.Contains(string(data), "if ! ( "+catalog.LustreClientLoad+" ); then"), "%s: module loads", g.Name)
		if training {
			require.Contains(t, string(data), "shutdown -h now", "%s: a node without the client powers off", g.Name)
			ng := named(byType(res, "aws:eks/nodeGroup:NodeGroup"), "cluster-"+g.Name)
			subnets := mock.Array(ng.Inputs, "subnetIds")
			require.Len(t, subnets, 1, "%s: one AZ", g.Name)
			fsSubnet := fs.Inputs["subnetIds"]
			if fsSubnet.IsArray() {
				fsSubnet = fsSubnet.ArrayValue()[0]
			}
			require.Equal(t, fsSubnet.StringValue(), subnets[0].StringValue(), "%s: the file system's AZ", g.Name)
		}
	}
	classes := map[string]string{}
	for _, c := range byType(res, nodeClassType) {
		classes[str(obj(c.Inputs, "metadata"), "name")] = str(obj(c.Inputs, "spec"), "userData")
	}
	require.Contains(t, classes["training"], "if ! ( "+catalog.LustreClientInstall+" ); then", "Karpenter's training nodes need the client")
	require.NotContains(t, classes["accelerated"], catalog.LustreClientInstall, "inference nodes do not mount Lustre")
	for _, p := range byType(res, nodePoolType) {
		spec := obj(obj(obj(p.Inputs, "spec"), "template"), "spec")
		name := str(obj(p.Inputs, "metadata"), "name")
		var zones []string
		for _, r := range mock.Array(spec, "requirements") {
			if str(r.ObjectValue(), "key") == "topology.kubernetes.io/zone" {
				for _, v := range mock.Array(r.ObjectValue(), "values") {
					zones = append(zones, v.StringValue())
				}
			}
		}
		if strings.Contains(name, "training") {
			require.Equal(t, "training", str(obj(spec, "nodeClassRef"), "name"), name)
			require.Equal(t, []string{lustreAZ}, zones, "%s stays in the file system's AZ", name)
		} else {
			require.Empty(t, zones, name)
		}
	}
	for _, item := range res.Cost.Items {
		if item.URN == fs.URN {
			require.InDelta(t, 1200*catalog.Prices.FSxLustrePersistent2USDPerGBMonth[125], item.MonthlyUSD, 0.01, "FSx priced by capacity and tier")
		}
	}
}

// TestDevHasNoLustre: without a file system, no driver, no client install.
func TestDevHasNoLustre(t *testing.T) {
	res := preview(t, "dev")
	require.Empty(t, byType(res, "aws:fsx/lustreFileSystem:LustreFileSystem"))
	for _, a := range byType(res, "aws:eks/addon:Addon") {
		require.NotEqual(t, catalog.FSxCSIAddon, str(a.Inputs, "addonName"))
	}
	for _, lt := range byType(res, "aws:ec2/launchTemplate:LaunchTemplate") {
		require.Empty(t, str(lt.Inputs, "userData"), lt.Name)
	}
}

// withStorage previews the dev stack with a scratch file system and the
// example training job turned on.
func withStorage(t *testing.T) *offline.Result {
	t.Helper()
	project, values := shipped(t, "dev")
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:storage"]), &s))
	s["lustre"] = map[string]any{"deploymentType": "SCRATCH_2", "storageCapacityGiB": 1200}
	s["trainingJob"] = map[string]any{"enabled": true, "nodes": 2}
	raw, err := json.Marshal(s)
	require.NoError(t, err)
	values["ml-platform:storage"] = string(raw)
	// Two p5 nodes need 16 GPUs: dev's budget-sized pool takes 8.
	var c map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:cluster"]), &c))
	c["karpenter"].(map[string]any)["trainingGpuLimit"] = 16
	raw, err = json.Marshal(c)
	require.NoError(t, err)
	values["ml-platform:cluster"] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.NoError(t, err)
	return res
}

// TestTrainingJobLandsOnItsPool: the example job's pods tolerate every
// taint of the pool they select and ask only for what its nodes have; the
// plan passes every mandatory policy.
func TestTrainingJobLandsOnItsPool(t *testing.T) {
	res := withStorage(t)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	require.Equal(t, "SCRATCH_2", str(byType(res, "aws:fsx/lustreFileSystem:LustreFileSystem")[0].Inputs, "deploymentType"))

	jobs := byType(res, "kubernetes:"+catalog.TrainerAPIVersion+":TrainJob")
	require.Len(t, jobs, 1)
	spec := obj(jobs[0].Inputs, "spec")
	patch := spec["runtimePatches"].ArrayValue()[0].ObjectValue()
	rj := obj(obj(obj(patch, "trainingRuntimeSpec"), "template"), "spec")["replicatedJobs"].ArrayValue()[0].ObjectValue()
	pod := obj(obj(obj(obj(rj, "template"), "spec"), "template"), "spec")
	selector := obj(pod, "nodeSelector")

	var pool *node
	for _, n := range nodesOf(t, res) {
		if n.name == "pool "+str(selector, "karpenter.sh/nodepool") {
			pool = &n
		}
	}
	require.NotNil(t, pool, "the job selects a pool the plan has")
	for _, taint := range pool.taints {
		tolerated := false
		for _, tol := range pod["tolerations"].ArrayValue() {
			m := tol.ObjectValue()
			tolerated = tolerated || (str(m, "key") == taint.Key && str(m, "operator") == "Exists" && str(m, "effect") == taint.Effect)
		}
		require.True(t, tolerated, "the job tolerates the pool's taint %s", taint.Key)
	}
	for k, v := range pool.labels {
		if s := str(selector, k); s != "" {
			require.Equal(t, v, s, k)
		}
	}
	family, _, _ := strings.Cut(str(selector, "node.kubernetes.io/instance-type"), ".")
	var families []string
	for _, p := range byType(res, nodePoolType) {
		if str(obj(p.Inputs, "metadata"), "name") != str(selector, "karpenter.sh/nodepool") {
			continue
		}
		for _, r := range arr(obj(obj(obj(p.Inputs, "spec"), "template"), "spec"), "requirements") {
			if str(r.ObjectValue(), "key") == "karpenter.k8s.aws/instance-family" {
				families = strs(r.ObjectValue(), "values")
			}
		}
	}
	require.Contains(t, families, family, "the pool launches the job's instance type")
	vols := map[string]bool{}
	for _, v := range pod["volumes"].ArrayValue() {
		if c := obj(v.ObjectValue(), "persistentVolumeClaim"); c != nil {
			vols[str(c, "claimName")] = true
		}
	}
	require.True(t, vols[workloads.LustreClaim], "the job mounts the Lustre claim")
}

// TestStorageConfigNamesItsKey: a training job whose GPUs exceed the
// pool's limit fails before anything is registered, naming the key.
func TestStorageConfigNamesItsKey(t *testing.T) {
	project, values := shipped(t, "dev")
	values["ml-platform:storage"] = `{"lustre":{"deploymentType":"SCRATCH_2"},"trainingJob":{"enabled":true,"nodes":20},"efs":{"enabled":true}}`
	_, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.ErrorContains(t, err, "ml-platform:storage.trainingJob.nodes: 20 nodes of p5.48xlarge need 160 GPUs, above the pool's limit of 8")
}

// TestServedArtifactsStayReadable walks every model of both stacks and
// checks its artifact against every lifecycle rule of its bucket: nothing
// an endpoint loads is ever archived to a class that needs a restore, and
// the seed's archive rule still covers the models prefix.
func TestServedArtifactsStayReadable(t *testing.T) {
	rule := stackRule(t, "sagemaker-model-artifact-readable")
	for _, stack := range []string{"dev", "prod"} {
		res := preview(t, stack)
		rs := offline.PolicyResources(res.Registered)
		models := byType(res, "aws:sagemaker/model:Model")
		require.NotEmpty(t, models)
		require.Empty(t, rule.Check(rs, nil), stack)
		var archive bool
		for _, lc := range byType(res, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2") {
			for _, r := range lc.Inputs["rules"].ArrayValue() {
				if str(r.ObjectValue(), "id") == "models-archive" {
					archive = true
				}
			}
		}
		require.True(t, archive, "%s keeps the seed's archive rule", stack)

		// The same walk fails when a model's artifact sits in the archive.
		for i, r := range rs {
			if r.Type != "aws:sagemaker/model:Model" {
				continue
			}
			url, ok := r.Properties.Get("primaryContainer").AsMap().GetOk("modelDataUrl")
			if !ok || !url.IsString() || !strings.Contains(url.AsString(), "ml-platform-"+stack+"-models-") {
				continue
			}
			bucket, _, _ := strings.Cut(strings.TrimPrefix(url.AsString(), "s3://"), "/")
			moved := slices.Clone(rs)
			moved[i].Properties = r.Properties.Set("primaryContainer", property.New(r.Properties.Get("primaryContainer").AsMap().
				Set("modelDataUrl", property.New("s3://"+bucket+"/models/archived.tar.gz"))))
			require.NotEmpty(t, rule.Check(moved, nil), "%s: %s from the archive prefix", stack, r.Name)
			break
		}
	}
}

// TestTrainingNodesFollowTheFileSystem: with the file system in another
// AZ, training groups follow it; a training group pinned elsewhere is
// refused before anything is registered, naming the key.
func TestTrainingNodesFollowTheFileSystem(t *testing.T) {
	res := edited(t, "prod", config.KeyStorage, func(s map[string]any) {
		s["lustre"].(map[string]any)["availabilityZone"] = "us-east-1b"
	})
	for _, p := range byType(res, nodePoolType) {
		if strings.Contains(str(obj(p.Inputs, "metadata"), "name"), "training") {
			require.Contains(t, fmt.Sprint(obj(obj(obj(p.Inputs, "spec"), "template"), "spec")["requirements"]), "us-east-1b")
		}
	}

	project, values := shipped(t, "prod")
	var s, c map[string]any
	require.NoError(t, json.Unmarshal([]byte(values[config.KeyStorage]), &s))
	require.NoError(t, json.Unmarshal([]byte(values[config.KeyCluster]), &c))
	s["lustre"].(map[string]any)["availabilityZone"] = "us-east-1b"
	for _, g := range c["nodeGroups"].([]any) {
		if g.(map[string]any)["name"] == "p5-training" {
			g.(map[string]any)["availabilityZone"] = "us-east-1a"
		}
	}
	for k, v := range map[string]any{config.KeyStorage: s, config.KeyCluster: c} {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		values[k] = string(raw)
	}
	_, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root})
	require.ErrorContains(t, err, `ml-platform:cluster.nodeGroups[1].availabilityZone: "us-east-1a": training nodes live in the Lustre file system's AZ; allowed: us-east-1b`)
}

// TestSharedFiles: the EFS file system is encrypted with the data key,
// kept and backed up in prod, moves cold files to Infrequent Access, has a
// mount target per AZ that only the nodes reach on NFS, refuses mounts
// without TLS, gives each team its own access point; the cluster mounts it
// through the EFS CSI driver (with its Pod Identity role) as a
// ReadWriteMany storage class and a shared claim.
func TestSharedFiles(t *testing.T) {
	prod := preview(t, "prod")
	fs := byType(prod, "aws:efs/fileSystem:FileSystem")
	require.Len(t, fs, 1)
	require.Equal(t, true, fs[0].Inputs["encrypted"].V)
	require.Contains(t, str(fs[0].Inputs, "kmsKeyId"), ":key/")
	require.True(t, fs[0].Protect, "prod keeps its shared files")
	require.Equal(t, "elastic", str(fs[0].Inputs, "throughputMode"))
	lifecycle := fs[0].Inputs["lifecyclePolicies"].ArrayValue()
	require.Equal(t, "AFTER_30_DAYS", str(lifecycle[0].ObjectValue(), "transitionToIa"))
	require.Equal(t, "AFTER_1_ACCESS", str(lifecycle[1].ObjectValue(), "transitionToPrimaryStorageClass"))
	require.Equal(t, "ENABLED", str(obj(byType(prod, "aws:efs/backupPolicy:BackupPolicy")[0].Inputs, "backupPolicy"), "status"))
	require.Len(t, byType(prod, "aws:efs/mountTarget:MountTarget"), 3, "one per AZ")

	var policy iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(str(byType(prod, "aws:efs/fileSystemPolicy:FileSystemPolicy")[0].Inputs, "policy")), &policy))
	require.Equal(t, "Deny", policy.Statement[1].Effect)
	require.Equal(t, []string{"false"}, policy.Statement[1].Condition["Bool"]["aws:SecureTransport"])

	group := named(byType(prod, "aws:ec2/securityGroup:SecurityGroup"), "shared-files")
	require.NotNil(t, group)
	nodes := named(byType(prod, "aws:ec2/securityGroup:SecurityGroup"), "cluster-nodes")
	var ingress []string
	for _, r := range byType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if str(r.Inputs, "securityGroupId") == str(group.Outputs, "id") {
			ingress = append(ingress, fmt.Sprintf("%s %v-%v from %s", str(r.Inputs, "ipProtocol"), r.Inputs["fromPort"].V, r.Inputs["toPort"].V,
				str(r.Inputs, "referencedSecurityGroupId")))
		}
	}
	require.Equal(t, []string{"tcp 2049-2049 from " + str(nodes.Outputs, "id")}, ingress, "NFS from the nodes only")

	addon := named(byType(prod, "aws:eks/addon:Addon"), "cluster-aws-efs-csi-driver")
	require.NotNil(t, addon)
	assoc := addon.Inputs["podIdentityAssociations"].ArrayValue()[0].ObjectValue()
	require.Equal(t, "efs-csi-controller-sa", str(assoc, "serviceAccount"))
	attached := false
	for _, a := range byType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached = attached || strings.HasSuffix(str(a.Inputs, "policyArn"), "service-role/AmazonEFSCSIDriverPolicy")
	}
	require.True(t, attached, "the controller's role has the driver's policy")

	class := byType(prod, "kubernetes:storage.k8s.io/v1:StorageClass")
	require.Len(t, class, 1)
	require.Equal(t, "efs.csi.aws.com", str(class[0].Inputs, "provisioner"))
	require.Equal(t, "efs-ap", str(obj(class[0].Inputs, "parameters"), "provisioningMode"))
	require.Equal(t, []string{"tls"}, strs(class[0].Inputs, "mountOptions"))
	pv := named(byType(prod, "kubernetes:core/v1:PersistentVolume"), "shared-files")
	require.NotNil(t, pv)
	handle := str(obj(obj(pv.Inputs, "spec"), "csi"), "volumeHandle")
	require.Regexp(t, `^fs-[0-9a-f]+::fsap-[0-9a-f]+$`, handle)
	claim := named(byType(prod, "kubernetes:core/v1:PersistentVolumeClaim"), "shared-files")
	require.Equal(t, "ml-training", str(obj(claim.Inputs, "metadata"), "namespace"))

	dev := preview(t, "dev")
	require.False(t, byType(dev, "aws:efs/fileSystem:FileSystem")[0].Protect)
	require.Equal(t, "DISABLED", str(obj(byType(dev, "aws:efs/backupPolicy:BackupPolicy")[0].Inputs, "backupPolicy"), "status"))
	aps := map[string]int{}
	for _, ap := range byType(dev, "aws:efs/accessPoint:AccessPoint") {
		aps[str(obj(ap.Inputs, "rootDirectory"), "path")] = int(obj(ap.Inputs, "posixUser")["uid"].V.(float64))
	}
	require.Equal(t, map[string]int{"/shared": 1000, "/teams/research": 2000}, aps)

	for _, res := range []*offline.Result{dev, prod} {
		for _, v := range res.Violations {
			require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
		}
	}
}
