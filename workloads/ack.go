package workloads

import (
	"errors"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/helmchart"
)

// ACKServiceAccount is the service account the ACK SageMaker controller
// runs as: its Pod Identity association names it.
const ACKServiceAccount = "ack-sagemaker-controller"

// ACKNamespace is the namespace the pinned chart installs into (catalog).
func ACKNamespace() string {
	chart, _ := catalog.LookupChart("ack-sagemaker")
	return chart.Namespace
}

// ACKSageMakerArgs configures the ACK SageMaker controller.
type ACKSageMakerArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// Region is the stack's region: the controller manages SageMaker there (required).
	Region string
	// DependsOn are what the controller needs first: its Pod Identity
	// association. Defaults to none.
	DependsOn []pulumi.Resource
	// Tags are set on every SageMaker resource the controller creates, so
	// jobs started from Kubernetes are allocated like the rest (required).
	Tags map[string]string
}

// ACKSageMaker is the controller that lets training jobs, models and
// endpoints be created as Kubernetes objects.
type ACKSageMaker struct {
	pulumi.ResourceState

	Chart *helmv4.Chart
}

// NewACKSageMaker installs the pinned ACK SageMaker controller chart (its
// CRDs included) in its own namespace.
func NewACKSageMaker(ctx *pulumi.Context, name string, args *ACKSageMakerArgs, opts ...pulumi.ResourceOption) (*ACKSageMaker, error) {
	if args == nil || args.Provider == nil || args.Region == "" || len(args.Tags) == 0 {
		return nil, errors.New("ack sagemaker: a Kubernetes provider, the region and the tags are required")
	}
	chart, ok := catalog.LookupChart("ack-sagemaker")
	if !ok {
		return nil, errors.New("ack sagemaker: the catalog has no ack-sagemaker chart")
	}
	a := &ACKSageMaker{}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:ACKSageMaker", name, a, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(a), pulumi.Provider(args.Provider)}
	ns, err := corev1.NewNamespace(ctx, name+"-namespace", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(chart.Namespace)},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	a.Chart, err = helmv4.NewChart(ctx, name, helmchart.Args(chart, map[string]any{
		"aws":            map[string]any{"region": args.Region},
		"serviceAccount": map[string]any{"create": true, "name": ACKServiceAccount},
		// On the system nodes, like the platform's other controllers.
		"deployment": map[string]any{"nodeSelector": map[string]any{
			"kubernetes.io/os": "linux", conventions.LabelWorkloadType: string(conventions.RoleSystem)}},
		"resourceTags": ackResourceTags(args.Tags),
	}), append(k8s, pulumi.DependsOn(append([]pulumi.Resource{ns}, args.DependsOn...)))...)
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{}); err != nil {
		return nil, err
	}
	return a, nil
}

// ackResourceTags are the chart's own provenance tags (its values.yaml
// defaults, which a list value replaces) and the platform's, "key=value".
func ackResourceTags(tags map[string]string) []any {
	out := []any{
		"services.k8s.aws/controller-version=%CONTROLLER_SERVICE%-%CONTROLLER_VERSION%",
		"services.k8s.aws/namespace=%K8S_NAMESPACE%",
		"app.kubernetes.io/managed-by=%MANAGED_BY%",
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, k+"="+tags[k])
	}
	return out
}
