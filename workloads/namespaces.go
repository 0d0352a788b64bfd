package workloads

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	schedulingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/scheduling/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Namespace names the platform creates.
const (
	TrainingNamespace  = "ml-training"
	InferenceNamespace = "ml-inference"
)

// Priority classes: serving outranks training; training never preempts.
const (
	InferencePriorityClass = "ml-inference"
	TrainingPriorityClass  = "ml-training"
)

// Quota caps one namespace's accelerators and CPU requests.
type Quota struct {
	NvidiaGPUs, NeuronDevices, CPUs int
}

// NamespacesArgs configures the ML namespaces.
type NamespacesArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// Training and Inference are the namespaces' quotas (required; 0 means none of that resource).
	Training, Inference Quota
}

// Namespaces are the ML namespaces, their quotas and priority classes.
type Namespaces struct {
	pulumi.ResourceState

	Namespaces map[string]*corev1.Namespace
}

// NewNamespaces creates ml-training and ml-inference with quotas and priority classes.
func NewNamespaces(ctx *pulumi.Context, name string, args *NamespacesArgs, opts ...pulumi.ResourceOption) (*Namespaces, error) {
	if args == nil || args.Provider == nil {
		return nil, errors.New("namespaces: a Kubernetes provider is required")
	}
	for field, q := range map[string]Quota{"Training": args.Training, "Inference": args.Inference} {
		if q.NvidiaGPUs < 0 || q.NeuronDevices < 0 || q.CPUs < 0 {
			return nil, fmt.Errorf("namespaces: %s quota must not be negative", field)
		}
	}
	n := &Namespaces{Namespaces: map[string]*corev1.Namespace{}}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:Namespaces", name, n, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}

	classes := []struct {
		name       string
		value      int
		preemption string
		desc       string
	}{
		{InferencePriorityClass, 100000, "PreemptLowerPriority", "Online inference: may preempt training pods"},
		{TrainingPriorityClass, 1000, "Never", "Training jobs: queue rather than preempt"},
	}
	for _, c := range classes {
		if _, err := schedulingv1.NewPriorityClass(ctx, name+"-"+c.name, &schedulingv1.PriorityClassArgs{
			Metadata:         &metav1.ObjectMetaArgs{Name: pulumi.String(c.name)},
			Value:            pulumi.Int(c.value),
			PreemptionPolicy: pulumi.String(c.preemption),
			Description:      pulumi.String(c.desc),
		}, k8s...); err != nil {
			return nil, err
		}
	}

	for _, ns := range []struct {
		name  string
		quota Quota
	}{{InferenceNamespace, args.Inference}, {TrainingNamespace, args.Training}} {
		namespace, err := corev1.NewNamespace(ctx, name+"-"+ns.name, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(ns.name),
				Labels: pulumi.StringMap{
					"pod-security.kubernetes.io/enforce": pulumi.String("baseline"),
					"pod-security.kubernetes.io/warn":    pulumi.String("restricted"),
				},
			},
		}, k8s...)
		if err != nil {
			return nil, err
		}
		n.Namespaces[ns.name] = namespace
		if _, err := corev1.NewResourceQuota(ctx, name+"-"+ns.name+"-accelerators", &corev1.ResourceQuotaArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("accelerators"), Namespace: namespace.Metadata.Name()},
			Spec:     &corev1.ResourceQuotaSpecArgs{Hard: quotaHard(ns.quota)},
		}, k8s...); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{}); err != nil {
		return nil, err
	}
	return n, nil
}

// quotaHard is a namespace's ResourceQuota: accelerators always (0 means
// none), CPU requests when capped.
func quotaHard(q Quota) pulumi.StringMap {
	hard := pulumi.StringMap{
		"requests.nvidia.com/gpu":        pulumi.String(fmt.Sprint(q.NvidiaGPUs)),
		"requests.aws.amazon.com/neuron": pulumi.String(fmt.Sprint(q.NeuronDevices)),
	}
	if q.CPUs > 0 {
		hard["requests.cpu"] = pulumi.String(fmt.Sprint(q.CPUs))
	}
	return hard
}
