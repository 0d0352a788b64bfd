package workloads_test

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/spec"
	"github.com/ml-platform/ml-platform/workloads"
)

func withProvider(t *testing.T, f func(ctx *pulumi.Context, p *kubernetes.Provider) error) (*mock.Recorder, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	err := rec.Run(func(ctx *pulumi.Context) error {
		p, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		return f(ctx, p)
	}, nil)
	return rec, err
}

func TestLustreVolume(t *testing.T) {
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		_, err := workloads.NewLustreVolume(ctx, "lustre", &workloads.LustreVolumeArgs{
			Provider: p, FileSystemID: pulumi.String("fs-0abc"), DNSName: pulumi.String("fs-0abc.fsx.us-east-1.amazonaws.com"),
			MountName: pulumi.String("abcd1234"), CapacityGiB: 2400, Namespace: pulumi.String(workloads.TrainingNamespace),
		})
		return err
	})
	require.NoError(t, err)
	pv := rec.ByType("kubernetes:core/v1:PersistentVolume")
	require.Len(t, pv, 1)
	spec := mock.Object(pv[0].Inputs, "spec")
	csi := mock.Object(spec, "csi")
	require.Equal(t, catalog.FSxCSIDriver, mock.String(csi, "driver"))
	require.Equal(t, "fs-0abc", mock.String(csi, "volumeHandle"))
	attrs := mock.Object(csi, "volumeAttributes")
	require.Equal(t, "fs-0abc.fsx.us-east-1.amazonaws.com", mock.String(attrs, "dnsname"))
	require.Equal(t, "abcd1234", mock.String(attrs, "mountname"))
	require.Equal(t, []string{"ReadWriteMany"}, mock.Strings(spec, "accessModes"))
	require.Equal(t, "Retain", mock.String(spec, "persistentVolumeReclaimPolicy"))
	require.Equal(t, "2400Gi", mock.String(mock.Object(spec, "capacity"), "storage"))

	pvc := rec.ByType("kubernetes:core/v1:PersistentVolumeClaim")
	require.Len(t, pvc, 1)
	require.Equal(t, workloads.TrainingNamespace, mock.String(mock.Object(pvc[0].Inputs, "metadata"), "namespace"))
	claim := mock.Object(pvc[0].Inputs, "spec")
	require.Equal(t, workloads.LustreClaim, mock.String(claim, "volumeName"), "bound to the static volume by name")
	require.Equal(t, "", mock.String(claim, "storageClassName"), "no dynamic provisioning")
}

func trainingArgs(p *kubernetes.Provider) *workloads.TrainingJobArgs {
	return &workloads.TrainingJobArgs{
		Provider: p, NodePool: "gpu-training",
		TrainingJob: spec.TrainingJob{InstanceType: "p5.48xlarge", Nodes: 2, Image: catalog.TrainingImage,
			Command: []string{"torchrun", "/data/code/train.py"}, CheckpointIntervalMinutes: 15, ShmGiB: 64},
		Namespace: pulumi.String(workloads.TrainingNamespace), ClaimName: workloads.LustreClaim,
	}
}

func TestTrainingJob(t *testing.T) {
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		_, err := workloads.NewTrainingJob(ctx, "training", trainingArgs(p))
		return err
	})
	require.NoError(t, err)

	chart := rec.ByType("kubernetes:helm.sh/v4:Chart")
	require.Len(t, chart, 1)
	pinned, _ := catalog.LookupChart("kubeflow-trainer")
	require.Equal(t, pinned.Version, mock.String(chart[0].Inputs, "version"))
	require.Equal(t, pinned.Repository, mock.String(chart[0].Inputs, "chart"))

	var runtime, job *mock.Registered
	for _, r := range rec.ByType("kubernetes:" + catalog.TrainerAPIVersion + ":ClusterTrainingRuntime") {
		runtime = r
	}
	for _, r := range rec.ByType("kubernetes:" + catalog.TrainerAPIVersion + ":TrainJob") {
		job = r
	}
	require.NotNil(t, runtime, "the platform creates the runtime the chart installs only from a hook")
	require.NotNil(t, job)
	require.Contains(t, runtime.Dependencies, chart[0].URN, "the runtime waits for the CRDs")
	require.Contains(t, job.Dependencies, runtime.URN)

	spec := mock.Object(job.Inputs, "spec")
	require.Equal(t, catalog.TrainerRuntime, mock.String(mock.Object(spec, "runtimeRef"), "name"))
	trainer := mock.Object(spec, "trainer")
	require.Equal(t, 2.0, trainer["numNodes"].NumberValue())
	limits := mock.Object(mock.Object(trainer, "resourcesPerNode"), "limits")
	p5, _ := catalog.LookupInstanceType("p5.48xlarge")
	require.Equal(t, "8", mock.String(limits, conventions.ResourceNvidiaGPU), "every GPU of the node")
	require.Equal(t, "32", mock.String(limits, conventions.ResourceEFA), "every EFA interface of the node")
	require.Equal(t, p5.MaxEFAInterfaces, 32)
	env := map[string]string{}
	for _, e := range trainer["env"].ArrayValue() {
		env[mock.String(e.ObjectValue(), "name")] = mock.String(e.ObjectValue(), "value")
	}
	require.Equal(t, "900", env["CHECKPOINT_INTERVAL_SECONDS"])
	require.Equal(t, "/checkpoints/"+workloads.TrainingJobName, env["CHECKPOINT_DIR"])

	pod := podPatch(t, spec)
	require.Equal(t, "p5.48xlarge", mock.String(mock.Object(pod, "nodeSelector"), "node.kubernetes.io/instance-type"))
	require.Equal(t, "gpu-training", mock.String(mock.Object(pod, "nodeSelector"), "karpenter.sh/nodepool"))
	require.Less(t, pod["terminationGracePeriodSeconds"].NumberValue(), 120.0, "a last checkpoint fits in the spot notice")
	vols := map[string]resource.PropertyMap{}
	for _, v := range pod["volumes"].ArrayValue() {
		vols[mock.String(v.ObjectValue(), "name")] = v.ObjectValue()
	}
	require.Equal(t, workloads.LustreClaim, mock.String(mock.Object(vols["fsx"], "persistentVolumeClaim"), "claimName"))
	require.Equal(t, "Memory", mock.String(mock.Object(vols["dshm"], "emptyDir"), "medium"))
	require.Equal(t, "64Gi", mock.String(mock.Object(vols["dshm"], "emptyDir"), "sizeLimit"))
	mounts := map[string]string{}
	for _, m := range pod["containers"].ArrayValue()[0].ObjectValue()["volumeMounts"].ArrayValue() {
		mounts[mock.String(m.ObjectValue(), "mountPath")] = mock.String(m.ObjectValue(), "name") + ":" + mock.String(m.ObjectValue(), "subPath")
	}
	require.Equal(t, map[string]string{"/data": "fsx:data", "/checkpoints": "fsx:checkpoints", "/dev/shm": "dshm:"}, mounts)
}

// podPatch digs the pod spec out of the TrainJob's runtime patch.
func podPatch(t *testing.T, spec resource.PropertyMap) resource.PropertyMap {
	t.Helper()
	patches := spec["runtimePatches"].ArrayValue()
	require.Len(t, patches, 1)
	jobs := mock.Object(mock.Object(mock.Object(patches[0].ObjectValue(), "trainingRuntimeSpec"), "template"), "spec")["replicatedJobs"].ArrayValue()
	require.Len(t, jobs, 1)
	return mock.Object(mock.Object(mock.Object(mock.Object(jobs[0].ObjectValue(), "template"), "spec"), "template"), "spec")
}

func TestTrainingJobValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*workloads.TrainingJobArgs)
		want   string
	}{
		{"CPU type", func(a *workloads.TrainingJobArgs) { a.InstanceType = "m6i.xlarge" }, `InstanceType: "m6i.xlarge" is not an NVIDIA GPU type with EFA`},
		{"no nodes", func(a *workloads.TrainingJobArgs) { a.Nodes = 0 }, "must be positive"},
		{"no command", func(a *workloads.TrainingJobArgs) { a.Command = nil }, "Command: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
				a := trainingArgs(p)
				tc.mutate(a)
				_, err := workloads.NewTrainingJob(ctx, "training", a)
				return err
			})
			require.ErrorContains(t, err, tc.want)
			require.Len(t, rec.Resources(), 1, "only the test's provider")
		})
	}
}
