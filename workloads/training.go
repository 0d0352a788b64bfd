package workloads

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
)

// The example job's names.
const (
	TrainingJobName = "torch-example"
	// trainerContainer is the container the torch-distributed runtime runs.
	trainerContainer = "node"
	// trainerReplicatedJob is the runtime's one replicated job.
	trainerReplicatedJob = "node"
	// spotNoticeSeconds is how long EC2 warns before reclaiming a spot
	// instance: the job gets that long to write a last checkpoint.
	spotNoticeSeconds = 120
)

// TrainingJobArgs configures the example distributed PyTorch job.
type TrainingJobArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// TrainingJob is the job's shape (spec.TrainingJob, as config
	// produces it): the pods ask for all the instance type's GPUs and EFA
	// interfaces, and CheckpointIntervalMinutes reaches the script as
	// CHECKPOINT_INTERVAL_SECONDS.
	spec.TrainingJob
	// NodePool is the Karpenter pool that launches them (required).
	NodePool string
	// Namespace runs the job; it holds ClaimName (required).
	Namespace pulumi.StringInput
	// ClaimName is the Lustre claim: its data/ directory is mounted at
	// /data, its checkpoints/ directory at /checkpoints (required).
	ClaimName string
	// ServiceAccount runs the pods; "" is the namespace's default, which
	// has no AWS role.
	ServiceAccount string
	// MLflowTrackingURI, when set, is the tracking server's ARN the script
	// logs to (MLFLOW_TRACKING_URI with the sagemaker-mlflow plugin, under
	// the experiment named after the job): its service account's role
	// reaches it.
	MLflowTrackingURI string
	// Queue, when set, is the Kueue LocalQueue in Namespace the job is
	// submitted to (it waits, suspended, until the queue admits it) and
	// Priority its workload priority class; "" runs it at once.
	Queue, Priority string
	// DependsOn are what the job needs first (the claim, the device
	// plugins, the queue). Defaults to none.
	DependsOn []pulumi.Resource
}

// TrainingJob is Kubeflow Trainer, its runtime and the example TrainJob.
type TrainingJob struct {
	pulumi.ResourceState

	Trainer *helmv4.Chart
	Runtime *apiextensions.CustomResource
	Job     *apiextensions.CustomResource
}

func (a *TrainingJobArgs) validate() (catalog.InstanceType, error) {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if a.Provider == nil || a.Namespace == nil {
		add("Provider, Namespace: required")
	}
	t, ok := catalog.LookupInstanceType(a.InstanceType)
	if !ok || t.Accelerator != catalog.AcceleratorNvidiaGPU || !t.SupportsEFA() {
		add("InstanceType: %q is not an NVIDIA GPU type with EFA in the catalog", a.InstanceType)
	}
	if a.NodePool == "" || a.ClaimName == "" || a.Image == "" || len(a.Command) == 0 {
		add("NodePool, ClaimName, Image, Command: required")
	}
	if a.Priority != "" && a.Queue == "" {
		add("Priority: a workload priority needs a Queue")
	}
	if a.Nodes < 1 || a.CheckpointIntervalMinutes < 1 || a.ShmGiB < 1 {
		add("Nodes, CheckpointIntervalMinutes, ShmGiB: must be positive")
	}
	if _, ok := catalog.LookupChart("kubeflow-trainer"); !ok {
		add("the catalog has no kubeflow-trainer chart")
	}
	return t, errors.Join(errs...)
}

// NewTrainingJob installs Kubeflow Trainer (its chart brings the CRDs and
// JobSet), creates the torch-distributed runtime (the chart installs its
// runtimes only from a Helm hook, which Pulumi does not run) and the
// example TrainJob.
func NewTrainingJob(ctx *pulumi.Context, name string, args *TrainingJobArgs, opts ...pulumi.ResourceOption) (*TrainingJob, error) {
	if args == nil {
		return nil, errors.New("training job: args are required")
	}
	instance, err := args.validate()
	if err != nil {
		return nil, fmt.Errorf("training job %q: %w", name, err)
	}
	j := &TrainingJob{}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:TrainingJob", name, j, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(j), pulumi.Provider(args.Provider)}

	j.Trainer, _, err = chartInNamespace(ctx, name+"-namespace", name+"-trainer", "kubeflow-trainer", TrainerValues(), k8s, nil, nil)
	if err != nil {
		return nil, err
	}
	j.Runtime, err = apiextensions.NewCustomResource(ctx, name+"-runtime", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(catalog.TrainerAPIVersion),
		Kind:       pulumi.String("ClusterTrainingRuntime"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:   pulumi.String(catalog.TrainerRuntime),
			Labels: pulumi.StringMap{"trainer.kubeflow.org/framework": pulumi.String("torch")},
		},
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(RuntimeSpec())},
	}, append(k8s, pulumi.DependsOn([]pulumi.Resource{j.Trainer}))...)
	if err != nil {
		return nil, err
	}
	spec := TrainJobSpec(args, instance)
	labels := pulumi.StringMap{}
	if args.Queue != "" {
		// Kueue's webhook suspends the job on create; Kueue resumes it
		// once the pool's quota admits all its pods.
		labels[catalog.KueueQueueLabel] = pulumi.String(args.Queue)
		if args.Priority != "" {
			labels[catalog.KueuePriorityLabel] = pulumi.String(args.Priority)
		}
	}
	j.Job, err = apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(catalog.TrainerAPIVersion),
		Kind:        pulumi.String("TrainJob"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(TrainingJobName), Namespace: args.Namespace, Labels: labels},
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(spec)},
	}, append(k8s,
		pulumi.DependsOn(append([]pulumi.Resource{j.Runtime}, args.DependsOn...)),
		// Most of a TrainJob is immutable: a changed spec is a new job.
		pulumi.ReplaceOnChanges([]string{"spec"}), pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(j, pulumi.Map{}); err != nil {
		return nil, err
	}
	return j, nil
}

// TrainerValues are the Kubeflow Trainer chart values: CRDs and JobSet from
// the chart, runtimes left to the platform (hook-installed otherwise).
func TrainerValues() map[string]any {
	return map[string]any{
		"crds":     map[string]any{"enabled": true},
		"jobset":   map[string]any{"install": true},
		"runtimes": map[string]any{"defaultEnabled": false},
	}
}

// RuntimeSpec is the torch-distributed ClusterTrainingRuntime: one
// replicated job of torchrun nodes, restarted by JobSet after a node is
// lost (a spot interruption) up to ten times.
func RuntimeSpec() map[string]any {
	return map[string]any{
		"mlPolicy": map[string]any{"numNodes": 1, "torch": map[string]any{}},
		"template": map[string]any{"spec": map[string]any{
			"failurePolicy": map[string]any{"maxRestarts": 10},
			"replicatedJobs": []any{map[string]any{
				"name": trainerReplicatedJob,
				"template": map[string]any{
					"metadata": map[string]any{"labels": map[string]any{"trainer.kubeflow.org/trainjob-ancestor-step": "trainer"}},
					"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
						"containers": []any{map[string]any{"name": trainerContainer, "image": catalog.TrainingImage}},
					}}},
				},
			}},
		}},
	}
}

// TrainJobSpec is the example job: Nodes pods on the pool's instance type,
// each asking for all its GPUs and EFA interfaces, tolerating the GPU
// taint, with the Lustre data at /data, checkpoints at /checkpoints, a
// memory-backed /dev/shm, and the spot notice as its grace period to write
// a last checkpoint.
func TrainJobSpec(args *TrainingJobArgs, t catalog.InstanceType) map[string]any {
	command := make([]any, len(args.Command))
	for i, c := range args.Command {
		command[i] = c
	}
	resources := map[string]any{
		conventions.ResourceNvidiaGPU: fmt.Sprint(t.AcceleratorCount),
		conventions.ResourceEFA:       fmt.Sprint(t.MaxEFAInterfaces),
	}
	env := []any{
		map[string]any{"name": "CHECKPOINT_DIR", "value": "/checkpoints/" + TrainingJobName},
		map[string]any{"name": "CHECKPOINT_INTERVAL_SECONDS", "value": fmt.Sprint(args.CheckpointIntervalMinutes * 60)},
		map[string]any{"name": "FI_PROVIDER", "value": "efa"},
	}
	if args.MLflowTrackingURI != "" {
		env = append(env, map[string]any{"name": "MLFLOW_TRACKING_URI", "value": args.MLflowTrackingURI},
			map[string]any{"name": "MLFLOW_EXPERIMENT_NAME", "value": TrainingJobName})
	}
	podSpec := map[string]any{
		"nodeSelector": map[string]any{
			"node.kubernetes.io/instance-type": args.InstanceType,
			conventions.KarpenterNodePoolLabel: args.NodePool,
		},
		"tolerations": []any{map[string]any{
			"key": conventions.TaintNvidiaGPU, "operator": "Exists", "effect": conventions.EffectNoSchedule,
		}},
		"terminationGracePeriodSeconds": spotNoticeSeconds - 10,
		"volumes": []any{
			map[string]any{"name": "fsx", "persistentVolumeClaim": map[string]any{"claimName": args.ClaimName}},
			map[string]any{"name": "dshm", "emptyDir": map[string]any{"medium": "Memory", "sizeLimit": fmt.Sprintf("%dGi", args.ShmGiB)}},
		},
		"containers": []any{map[string]any{
			"name": trainerContainer,
			"volumeMounts": []any{
				map[string]any{"name": "fsx", "mountPath": "/data", "subPath": "data"},
				map[string]any{"name": "fsx", "mountPath": "/checkpoints", "subPath": "checkpoints"},
				map[string]any{"name": "dshm", "mountPath": "/dev/shm"},
			},
		}},
	}
	if args.ServiceAccount != "" {
		podSpec["serviceAccountName"] = args.ServiceAccount
	}
	return map[string]any{
		"runtimeRef": map[string]any{"name": catalog.TrainerRuntime},
		"trainer": map[string]any{
			"image":            args.Image,
			"command":          command,
			"numNodes":         args.Nodes,
			"resourcesPerNode": map[string]any{"limits": resources, "requests": resources},
			"env":              env,
		},
		"runtimePatches": []any{map[string]any{
			"manager": "ml-platform",
			"trainingRuntimeSpec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"replicatedJobs": []any{map[string]any{
					"name":     trainerReplicatedJob,
					"template": map[string]any{"spec": map[string]any{"template": map[string]any{"spec": podSpec}}},
				}},
			}}},
		}},
	}
}
