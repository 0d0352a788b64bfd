package workloads

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
)

// Kueue workload priority classes: an admitted job may preempt the jobs of
// lower classes in its queue (spec.Queues.Preemption). The example job
// runs as standard.
const (
	PriorityUrgent     = "urgent"
	PriorityStandard   = "standard"
	PriorityBestEffort = "best-effort"
)

// QueuePool is one Karpenter pool Kueue admits work to. Its ClusterQueue,
// ResourceFlavor and LocalQueues carry the pool's name.
type QueuePool struct {
	// Name is the NodePool's name.
	Name string
	// Resource is the accelerator resource the pool's limit counts
	// (nvidia.com/gpu, aws.amazon.com/neuron); Quota how many of it the
	// queue admits: the pool's limit, less what runs there outside the
	// queue (the LLM server's replicas). CPUs is the pool's cpu limit.
	Resource    string
	Quota, CPUs int
	// Taint is the accelerator taint Kueue's flavor makes admitted pods
	// tolerate ("" for none).
	Taint string
}

// QueuesArgs configures Kueue and the platform's queues.
type QueuesArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// Queues are the teams and the preemption policy, as config
	// produces them.
	spec.Queues
	// Pools are the Karpenter pools, each with its quota (at least one).
	Pools []QueuePool
	// TrainingNamespace is ml-training's name, as its namespace resource
	// outputs it (required): it gets a LocalQueue per pool.
	TrainingNamespace pulumi.StringInput
	// TeamQuota is each team namespace's ResourceQuota: the training
	// quota, so a pod that skips the queue cannot take more than
	// ml-training could.
	TeamQuota Quota
	// DependsOn are what Kueue needs first (add-ons, nodes).
	DependsOn []pulumi.Resource
}

// Queues are Kueue, its flavors, ClusterQueues, LocalQueues and priority
// classes, and the team namespaces.
type Queues struct {
	pulumi.ResourceState

	Chart *helmv4.Chart
	// ClusterQueues and Flavors by pool name.
	ClusterQueues map[string]*apiextensions.CustomResource
	Flavors       map[string]*apiextensions.CustomResource
	// LocalQueues by "<namespace>/<pool>".
	LocalQueues map[string]*apiextensions.CustomResource
	// Namespaces are the team namespaces by name.
	Namespaces map[string]*corev1.Namespace
}

// TeamNamespace is the namespace a team's jobs run in.
func TeamNamespace(team string) string { return "team-" + team }

func (a *QueuesArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if a.Provider == nil || a.TrainingNamespace == nil {
		add("Provider, TrainingNamespace: required")
	}
	if len(a.Pools) == 0 {
		add("Pools: at least one pool (Karpenter off or every pool limit 0 leaves nothing to queue for)")
	}
	seen := map[string]bool{}
	for _, p := range a.Pools {
		if p.Name == "" || p.Resource == "" || p.Quota < 0 || p.CPUs < 1 || seen[p.Name] {
			add("Pools: %+v: a unique name, a resource, a quota of 0 or more and at least one CPU", p)
		}
		seen[p.Name] = true
	}
	if _, ok := catalog.LookupChart("kueue"); !ok {
		add("the catalog has no kueue chart")
	}
	return errors.Join(errs...)
}

// NewQueues installs Kueue and creates, per pool, a ResourceFlavor that
// puts admitted pods on the pool's nodes and a ClusterQueue whose nominal
// quota is the pool's limits; a LocalQueue per pool in ml-training and
// in each team namespace; and the workload priority classes.
func NewQueues(ctx *pulumi.Context, name string, args *QueuesArgs, opts ...pulumi.ResourceOption) (*Queues, error) {
	if args == nil {
		return nil, errors.New("queues: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("queues %q: %w", name, err)
	}
	q := &Queues{
		ClusterQueues: map[string]*apiextensions.CustomResource{},
		Flavors:       map[string]*apiextensions.CustomResource{},
		LocalQueues:   map[string]*apiextensions.CustomResource{},
		Namespaces:    map[string]*corev1.Namespace{},
	}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:Queues", name, q, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(q), pulumi.Provider(args.Provider)}

	values, err := KueueValues()
	if err != nil {
		return nil, err
	}
	q.Chart, _, err = chartInNamespace(ctx, name+"-namespace", name+"-kueue", "kueue", values, k8s, args.DependsOn, nil)
	if err != nil {
		return nil, err
	}
	// Kueue's webhooks refuse its objects until it runs.
	afterKueue := append(k8s, pulumi.DependsOn([]pulumi.Resource{q.Chart}))
	custom := func(logical, kind string, meta *metav1.ObjectMetaArgs, fields map[string]any, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
		return apiextensions.NewCustomResource(ctx, logical, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(catalog.KueueAPIVersion), Kind: pulumi.String(kind), Metadata: meta,
			OtherFields: kubernetes.UntypedArgs(fields),
		}, append(afterKueue, opts...)...)
	}
	for _, c := range PriorityClasses() {
		if _, err := custom(name+"-priority-"+c.Name, "WorkloadPriorityClass", &metav1.ObjectMetaArgs{Name: pulumi.String(c.Name)},
			map[string]any{"value": pulumi.Int(c.Value), "description": pulumi.String(c.Description)}); err != nil {
			return nil, err
		}
	}

	namespaces := pulumi.StringArray{args.TrainingNamespace}
	teamNamespaces := map[string]pulumi.StringInput{}
	for _, team := range args.Teams {
		n, err := q.teamNamespace(ctx, name, team, args.TeamQuota, k8s)
		if err != nil {
			return nil, err
		}
		namespaces = append(namespaces, n.Metadata.Name().Elem())
		teamNamespaces[team] = n.Metadata.Name().Elem()
	}
	for _, p := range args.Pools {
		flavor, err := custom(name+"-flavor-"+p.Name, "ResourceFlavor", &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name)},
			map[string]any{"spec": pulumi.ToMap(FlavorSpec(p))})
		if err != nil {
			return nil, err
		}
		q.Flavors[p.Name] = flavor
		spec := pulumi.ToMap(ClusterQueueSpec(p, args.Preemption))
		spec["namespaceSelector"] = pulumi.Map{"matchExpressions": pulumi.Array{pulumi.Map{
			"key": pulumi.String("kubernetes.io/metadata.name"), "operator": pulumi.String("In"), "values": namespaces,
		}}}
		cq, err := custom(name+"-cluster-queue-"+p.Name, "ClusterQueue", &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name)},
			map[string]any{"spec": spec}, pulumi.DependsOn([]pulumi.Resource{flavor}))
		if err != nil {
			return nil, err
		}
		q.ClusterQueues[p.Name] = cq
		local := func(logical, namespaceName string, namespace pulumi.StringInput) error {
			lq, err := custom(logical, "LocalQueue", &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Namespace: namespace},
				map[string]any{"spec": pulumi.Map{"clusterQueue": cq.Metadata.Name()}},
				// spec.clusterQueue is immutable.
				pulumi.ReplaceOnChanges([]string{"spec.clusterQueue"}), pulumi.DeleteBeforeReplace(true))
			q.LocalQueues[namespaceName+"/"+p.Name] = lq
			return err
		}
		if err := local(name+"-local-queue-"+TrainingNamespace+"-"+p.Name, TrainingNamespace, args.TrainingNamespace); err != nil {
			return nil, err
		}
		for _, team := range args.Teams {
			if err := local(name+"-local-queue-"+TeamNamespace(team)+"-"+p.Name, TeamNamespace(team), teamNamespaces[team]); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.RegisterResourceOutputs(q, pulumi.Map{}); err != nil {
		return nil, err
	}
	return q, nil
}

// teamNamespace creates a team's namespace with the training namespace's
// pod security and quota.
func (q *Queues) teamNamespace(ctx *pulumi.Context, name, team string, quota Quota, k8s []pulumi.ResourceOption) (*corev1.Namespace, error) {
	n, err := corev1.NewNamespace(ctx, name+"-"+TeamNamespace(team), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(TeamNamespace(team)),
			Labels: pulumi.StringMap{
				"pod-security.kubernetes.io/enforce": pulumi.String("baseline"),
				"pod-security.kubernetes.io/warn":    pulumi.String("restricted"),
				conventions.LabelTeam:                pulumi.String(team),
			},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	q.Namespaces[TeamNamespace(team)] = n
	if _, err := corev1.NewResourceQuota(ctx, name+"-"+TeamNamespace(team)+"-accelerators", &corev1.ResourceQuotaArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("accelerators"), Namespace: n.Metadata.Name()},
		Spec:     &corev1.ResourceQuotaSpecArgs{Hard: quotaHard(quota)},
	}, k8s...); err != nil {
		return nil, err
	}
	return n, nil
}

// PriorityClass is one Kueue WorkloadPriorityClass.
type PriorityClass struct {
	Name        string
	Value       int
	Description string
}

// PriorityClasses are the workload priorities, highest first. They order
// admission and preemption inside a queue only; the pods' own priority
// classes (ml-training, ml-inference) still keep serving above training.
func PriorityClasses() []PriorityClass {
	return []PriorityClass{
		{PriorityUrgent, 10000, "Deadline work: admitted first, may preempt standard and best-effort jobs"},
		{PriorityStandard, 1000, "The default for training jobs"},
		{PriorityBestEffort, 100, "Sweeps and experiments: run on spare quota, preempted first"},
	}
}

// FlavorSpec is a pool's ResourceFlavor: admitted pods are pinned to the
// pool's nodes and tolerate its accelerator taint.
func FlavorSpec(p QueuePool) map[string]any {
	spec := map[string]any{"nodeLabels": map[string]any{conventions.KarpenterNodePoolLabel: p.Name}}
	if p.Taint != "" {
		spec["tolerations"] = []any{toleration(p.Taint)}
	}
	return spec
}

// ClusterQueueSpec is a pool's ClusterQueue without its namespace selector:
// one flavor, the pool's, covering cpu and the accelerator with the pool's
// limits as nominal quota. No cohort: a queue never borrows another
// pool's quota. Memory and EFA interfaces are not covered: the pool does
// not limit them, and Kueue runs with quotaCheckStrategy IgnoreUndeclared
// (KueueValues) so requesting them does not block admission.
func ClusterQueueSpec(p QueuePool, preemption string) map[string]any {
	return map[string]any{
		"queueingStrategy": "BestEffortFIFO",
		"preemption":       map[string]any{"withinClusterQueue": preemption},
		"resourceGroups": []any{map[string]any{
			"coveredResources": []any{"cpu", p.Resource},
			"flavors": []any{map[string]any{
				"name": p.Name,
				"resources": []any{
					map[string]any{"name": "cpu", "nominalQuota": fmt.Sprint(p.CPUs)},
					map[string]any{"name": p.Resource, "nominalQuota": fmt.Sprint(p.Quota)},
				},
			}},
		}},
	}
}

// KueueFrameworks are the integrations Kueue manages: plain Jobs, JobSets
// and Trainer's TrainJobs. Kueue waits for an integration's API before
// starting its controller, so the order of installation does not matter.
var KueueFrameworks = []string{"batch/job", "jobset.x-k8s.io/jobset", catalog.KueueTrainJobFramework}

// KueueValues are the Kueue chart values: the chart's controller
// configuration with the platform's frameworks, resources the queues do
// not cover left out of quota (IgnoreUndeclared), and the queue resource
// metrics the dashboards read. Internal certificate management, the
// chart's default, is added by the chart's template.
func KueueValues() (map[string]any, error) {
	config := map[string]any{
		"apiVersion": catalog.KueueConfigAPIVersion,
		"kind":       "Configuration",
		"health":     map[string]any{"healthProbeBindAddress": ":8081"},
		"metrics":    map[string]any{"bindAddress": ":8443", "enableClusterQueueResources": true},
		"webhook":    map[string]any{"port": 9443},
		"leaderElection": map[string]any{
			"leaderElect": true, "resourceName": "c1f6bfd2.kueue.x-k8s.io",
		},
		"resources":    map[string]any{"quotaCheckStrategy": "IgnoreUndeclared"},
		"integrations": map[string]any{"frameworks": slices.Clone(KueueFrameworks)},
	}
	out, err := yaml.Marshal(config)
	if err != nil {
		return nil, err
	}
	return map[string]any{"managerConfig": map[string]any{"controllerManagerConfigYaml": strings.TrimSpace(string(out))}}, nil
}
