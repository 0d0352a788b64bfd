package workloads

import (
	"errors"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
)

// ModelCacheClaim is the shared model cache's claim in ml-inference.
const ModelCacheClaim = "model-cache"

// ServingArgs configures what the LLM servers share.
type ServingArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// Namespace is ml-inference (required): it gets the model cache.
	Namespace pulumi.StringInput
	// KEDA installs KEDA and its Pod Identity trigger authentication;
	// LWS installs LeaderWorkerSet (a multi-node server needs it).
	KEDA, LWS bool
	// DependsOn are what the charts need first (add-ons, the EFS storage
	// class and the KEDA operator's Pod Identity association).
	DependsOn []pulumi.Resource
}

// Serving is KEDA, LeaderWorkerSet and the model cache.
type Serving struct {
	pulumi.ResourceState

	KEDA, LWS   *helmv4.Chart
	Cache       *corev1.PersistentVolumeClaim
	TriggerAuth *apiextensions.CustomResource
}

// NewServing installs what the servers share: a ReadWriteMany claim on the
// shared file system for the model cache, KEDA and its trigger
// authentication, and LeaderWorkerSet.
func NewServing(ctx *pulumi.Context, name string, args *ServingArgs, opts ...pulumi.ResourceOption) (*Serving, error) {
	if args == nil || args.Provider == nil || args.Namespace == nil {
		return nil, errors.New("serving: Provider and Namespace are required")
	}
	s := &Serving{}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:Serving", name, s, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(s), pulumi.Provider(args.Provider)}
	after := append(k8s, pulumi.DependsOn(args.DependsOn))
	var err error
	// EFS is elastic: the size is nominal. The class retains volumes: a
	// replaced claim leaves the models already copied on the file system.
	s.Cache, err = corev1.NewPersistentVolumeClaim(ctx, name+"-model-cache", &corev1.PersistentVolumeClaimArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(ModelCacheClaim), Namespace: args.Namespace},
		Spec: &corev1.PersistentVolumeClaimSpecArgs{
			AccessModes:      pulumi.ToStringArray([]string{"ReadWriteMany"}),
			StorageClassName: pulumi.String(SharedStorageClass),
			Resources:        &corev1.VolumeResourceRequirementsArgs{Requests: pulumi.StringMap{"storage": pulumi.String("1Ti")}},
		},
	}, after...)
	if err != nil {
		return nil, err
	}
	if args.KEDA {
		s.KEDA, _, err = chartInNamespace(ctx, name+"-keda", name+"-keda", "keda", KEDAValues(), k8s, args.DependsOn, args.DependsOn)
		if err != nil {
			return nil, err
		}
		// Prometheus triggers sign their queries with the operator's own
		// Pod Identity credentials.
		s.TriggerAuth, err = apiextensions.NewCustomResource(ctx, name+"-trigger-auth", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(catalog.KEDAAPIVersion), Kind: pulumi.String("ClusterTriggerAuthentication"),
			Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(TriggerAuthentication)},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{"podIdentity": pulumi.Map{"provider": pulumi.String("aws")}}},
		}, append(k8s, pulumi.DependsOn([]pulumi.Resource{s.KEDA}))...)
		if err != nil {
			return nil, err
		}
	}
	if args.LWS {
		s.LWS, _, err = chartInNamespace(ctx, name+"-lws", name+"-lws", "lws", map[string]any{}, k8s, args.DependsOn, nil)
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{}); err != nil {
		return nil, err
	}
	return s, nil
}

// KEDAValues keep KEDA's operator on the chart's service account, which
// the platform's Pod Identity association names.
func KEDAValues() map[string]any {
	return map[string]any{"serviceAccount": map[string]any{"operator": map[string]any{"create": true, "name": catalog.KEDAOperatorServiceAccount}}}
}

// Ready is what a server waits for: the cache, and KEDA's and
// LeaderWorkerSet's APIs when installed.
func (s *Serving) Ready() []pulumi.Resource {
	out := []pulumi.Resource{s.Cache}
	if s.KEDA != nil {
		out = append(out, s.KEDA, s.TriggerAuth)
	}
	if s.LWS != nil {
		out = append(out, s.LWS)
	}
	return out
}
