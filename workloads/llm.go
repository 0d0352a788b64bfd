package workloads

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
)

// Labels and annotations of the LLM servers: policies and the estimate
// read them.
const (
	// LabelComponent marks a server's pods llm-server, its gateway's
	// llm-gateway.
	LabelComponent = conventions.LabelAppComponent
	LabelName      = conventions.LabelAppName
	ComponentLLM   = conventions.ComponentLLMServer
	ComponentGW    = conventions.ComponentLLMGateway
	// AnnotationMinReplicas and AnnotationActiveHours tell the estimate
	// what KEDA keeps running: the replicas are KEDA's, not in the spec.
	AnnotationMinReplicas = conventions.AnnotationMinReplicas
	AnnotationActiveHours = conventions.AnnotationActiveHours
	// AnnotationGuardrailOptOut holds the stated reason a server has no
	// guardrail in front (policy llm-server-guardrail-opt-out).
	AnnotationGuardrailOptOut = conventions.AnnotationGuardrailOptOut
	// AnnotationFronts names, on a load balancer Service, the server it
	// exposes (through its gateway or directly).
	AnnotationFronts = "ml-platform/fronts"
	// AnnotationConfigChecksum on a pod template rolls its Deployment out
	// when the configuration it reads at start changes.
	AnnotationConfigChecksum = "ml-platform/config-sha256"
	// ModelCacheMount is where the shared model cache is mounted.
	ModelCacheMount = "/models"
	// TriggerAuthentication is the cluster-wide KEDA authentication that
	// signs Prometheus queries with the operator's Pod Identity role.
	TriggerAuthentication = "aws-pod-identity"
)

// LLMServerArgs configures one vLLM server.
type LLMServerArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// LLM is the server as config produces it (fit, pool and replicas
	// checked).
	spec.LLM
	// Namespace runs it (ml-inference; required), ServiceAccount is its
	// pods' account, whose Pod Identity role reads ModelPath in
	// ModelsBucket (required).
	Namespace      pulumi.StringInput
	ServiceAccount string
	ModelsBucket   pulumi.StringInput
	Region         string
	// CacheClaim is the ReadWriteMany claim in Namespace that holds the
	// model cache (required): the first pod copies the model there, the
	// others load it from there.
	CacheClaim string
	// OnDemand pins the pods to on-demand capacity of a pool that also
	// launches spot (prod on the training pool).
	OnDemand bool
	// PrometheusQueryURL, when set, is the managed Prometheus workspace
	// KEDA reads vLLM's queue from; scaling beyond MinReplicas needs it.
	PrometheusQueryURL pulumi.StringInput
	// Gateway, when set, fronts the server with the guardrail gateway.
	Gateway *LLMGateway
	// ScraperCIDRs are the subnets the managed Prometheus collector
	// scrapes from: with a gateway, only it and they reach vLLM.
	ScraperCIDRs []string
	// ClientCIDRs may reach the internal load balancer (the VPC).
	ClientCIDRs []string
	// Environment labels the workloads (ml-platform/environment): the
	// prod rules judge them by it.
	Environment string
	// DependsOn are what the server needs first (the cache, the device
	// plugins, KEDA, LeaderWorkerSet).
	DependsOn []pulumi.Resource
}

// LLMGateway is the LiteLLM proxy that applies a Bedrock guardrail.
type LLMGateway struct {
	// ServiceAccount's Pod Identity role may ApplyGuardrail on the
	// guardrail (required).
	ServiceAccount string
	// GuardrailID and GuardrailVersion pin the guardrail: an edit to the
	// draft does not change what running clients get.
	GuardrailID, GuardrailVersion pulumi.StringInput
}

// LLMServer is one vLLM server and what fronts and scales it.
type LLMServer struct {
	pulumi.ResourceState

	// Deployment runs single-node replicas, LeaderWorkerSet multi-node
	// ones (the other is nil).
	Deployment      *apiextensions.CustomResource
	LeaderWorkerSet *apiextensions.CustomResource
	Service         *corev1.Service
	LoadBalancer    *corev1.Service
	ScaledObject    *apiextensions.CustomResource
	Gateway         *apiextensions.CustomResource
}

func (a *LLMServerArgs) validate() (catalog.InstanceType, error) {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if a.Provider == nil || a.Namespace == nil || a.ModelsBucket == nil || a.ServiceAccount == "" || a.CacheClaim == "" {
		add("Provider, Namespace, ModelsBucket, ServiceAccount, CacheClaim: required")
	}
	t, ok := catalog.LookupInstanceType(a.InstanceType)
	if !ok || t.Accelerator != catalog.AcceleratorNvidiaGPU {
		add("InstanceType: %q is not an NVIDIA GPU type in the catalog: vLLM's CUDA image needs one", a.InstanceType)
	} else if a.TensorParallelSize < 1 || a.TensorParallelSize > t.AcceleratorCount {
		add("TensorParallelSize: %d; allowed: 1 to %s's %d GPUs", a.TensorParallelSize, a.InstanceType, t.AcceleratorCount)
	}
	if a.Nodes > 1 && (!ok || !t.SupportsEFA()) {
		add("Nodes: %d nodes need EFA, which %q lacks", a.Nodes, a.InstanceType)
	}
	if a.Name == "" || a.ModelPath == "" || a.Image == "" || a.Pool == "" || a.Nodes < 1 {
		add("Name, ModelPath, Image, Pool, Nodes: required")
	}
	if a.MaxReplicas < max(a.MinReplicas, 1) {
		add("MaxReplicas: %d is below MinReplicas %d (or 1)", a.MaxReplicas, a.MinReplicas)
	}
	if a.MaxReplicas > max(a.MinReplicas, 1) && a.PrometheusQueryURL == nil {
		add("PrometheusQueryURL: scaling beyond %d replicas reads vLLM's queue from Prometheus", max(a.MinReplicas, 1))
	}
	if a.MinReplicas == 0 && a.ActiveHours == nil {
		add("ActiveHours: a scale-to-zero server needs its window")
	}
	if a.Gateway != nil && (a.Gateway.ServiceAccount == "" || a.Gateway.GuardrailID == nil || a.Gateway.GuardrailVersion == nil) {
		add("Gateway: ServiceAccount, GuardrailID, GuardrailVersion: required")
	}
	if a.Gateway == nil && strings.TrimSpace(a.GuardrailOptOut) == "" {
		add("Gateway: a server without a guardrail in front needs GuardrailOptOut, the reason")
	}
	return t, errors.Join(errs...)
}

// NewLLMServer runs vLLM on the server's pool: a Deployment (one node a
// replica) or a LeaderWorkerSet (several, over EFA), a ClusterIP Service,
// a PodDisruptionBudget, KEDA scaling on the requests waiting in vLLM's
// queue (and a window for scale-to-zero), the guardrail gateway, and an
// internal load balancer in front of whichever serves clients.
func NewLLMServer(ctx *pulumi.Context, name string, args *LLMServerArgs, opts ...pulumi.ResourceOption) (*LLMServer, error) {
	if args == nil {
		return nil, errors.New("llm server: args are required")
	}
	t, err := args.validate()
	if err != nil {
		return nil, fmt.Errorf("llm server %q: %w", name, err)
	}
	s := &LLMServer{}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:LLMServer", name, s, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(s), pulumi.Provider(args.Provider)}
	meta := func(n string, labels map[string]string, annotations pulumi.StringMap) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: args.Namespace, Labels: pulumi.ToStringMap(labels), Annotations: annotations}
	}
	labels := ServerLabels(args.Name)
	if args.Environment != "" {
		labels[conventions.LabelEnvironment] = args.Environment
	}
	annotations := pulumi.StringMap{
		AnnotationMinReplicas: pulumi.String(fmt.Sprint(args.MinReplicas)),
		// `pulumi up` does not wait for a replica: a GPU node, a large
		// image and a model load take longer than its timeout, and a
		// scale-to-zero server may have none. The probes and KEDA decide.
		"pulumi.com/skipAwait": pulumi.String("true"),
	}
	if args.ActiveHours != nil {
		annotations[AnnotationActiveHours] = pulumi.String(fmt.Sprint(args.ActiveHours.HoursPerWeek()))
	}
	if args.Gateway == nil {
		annotations[AnnotationGuardrailOptOut] = pulumi.String(args.GuardrailOptOut)
	}
	after := append(k8s, pulumi.DependsOn(args.DependsOn))

	// Where the model is: the bucket is an output, the pod spec plain data.
	model, err := corev1.NewConfigMap(ctx, name+"-model", &corev1.ConfigMapArgs{
		Metadata: meta(args.Name+"-model", labels, nil),
		Data:     pulumi.StringMap{"bucket": args.ModelsBucket, "prefix": pulumi.String(args.ModelPath)},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	after = append(after, pulumi.DependsOn([]pulumi.Resource{model}))
	var target map[string]any
	if args.Nodes == 1 {
		s.Deployment, err = apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("apps/v1"), Kind: pulumi.String("Deployment"),
			Metadata:    meta(args.Name, labels, annotations),
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(DeploymentSpec(args, t))},
		}, after...)
		if err != nil {
			return nil, err
		}
		target = map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": args.Name}
	} else {
		s.LeaderWorkerSet, err = apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(catalog.LWSAPIVersion),
			Kind:        pulumi.String("LeaderWorkerSet"),
			Metadata:    meta(args.Name, labels, annotations),
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(LeaderWorkerSetSpec(args, t))},
		}, after...)
		if err != nil {
			return nil, err
		}
		target = map[string]any{"apiVersion": catalog.LWSAPIVersion, "kind": "LeaderWorkerSet", "name": args.Name}
	}
	workload := pulumi.Resource(s.Deployment)
	if s.LeaderWorkerSet != nil {
		workload = s.LeaderWorkerSet
	}
	selector := servingSelector(args)

	s.Service, err = corev1.NewService(ctx, name, &corev1.ServiceArgs{
		Metadata: meta(args.Name, labels, nil),
		Spec: corev1.ServiceSpecArgs{
			Selector: pulumi.ToStringMap(selector),
			Ports:    corev1.ServicePortArray{corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(catalog.VLLMPort), TargetPort: pulumi.Int(catalog.VLLMPort)}},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	if _, err := policyv1.NewPodDisruptionBudget(ctx, name, &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta(args.Name, labels, nil),
		Spec: policyv1.PodDisruptionBudgetSpecArgs{
			// A voluntary eviction (consolidation, node expiry, an
			// upgrade) takes one replica at a time.
			MaxUnavailable: pulumi.Int(1),
			Selector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selector)},
		},
	}, k8s...); err != nil {
		return nil, err
	}
	if args.MaxReplicas > args.MinReplicas || args.MinReplicas == 0 {
		spec := ScaledObjectSpec(args, target)
		fields := pulumi.ToMap(spec)
		triggers := pulumi.Array{}
		for _, tr := range spec["triggers"].([]any) {
			triggers = append(triggers, pulumi.ToMap(tr.(map[string]any)))
		}
		if args.PrometheusQueryURL != nil {
			triggers = append(triggers, pulumi.Map{
				"type": pulumi.String("prometheus"),
				"metadata": pulumi.Map{
					"serverAddress": args.PrometheusQueryURL,
					"query":         pulumi.String(WaitingQuery(args.Name)),
					"threshold":     pulumi.String(fmt.Sprint(args.TargetWaitingRequests)),
					"awsRegion":     pulumi.String(args.Region),
				},
				"authenticationRef": pulumi.Map{"name": pulumi.String(TriggerAuthentication), "kind": pulumi.String("ClusterTriggerAuthentication")},
			})
		}
		fields["triggers"] = triggers
		s.ScaledObject, err = apiextensions.NewCustomResource(ctx, name+"-scaling", &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(catalog.KEDAAPIVersion),
			Kind:        pulumi.String("ScaledObject"),
			Metadata:    meta(args.Name, labels, nil),
			OtherFields: kubernetes.UntypedArgs{"spec": fields},
		}, append(k8s, pulumi.DependsOn(append([]pulumi.Resource{workload}, args.DependsOn...)))...)
		if err != nil {
			return nil, err
		}
	}

	front, frontPort := selector, catalog.VLLMPort
	if g := args.Gateway; g != nil {
		if err := s.gateway(ctx, name, args, meta); err != nil {
			return nil, err
		}
		front, frontPort = GatewayLabels(args.Name), catalog.GatewayPort
		if _, err := networkingv1.NewNetworkPolicy(ctx, name, &networkingv1.NetworkPolicyArgs{
			Metadata: meta(args.Name, labels, nil),
			Spec:     networkPolicySpec(args),
		}, k8s...); err != nil {
			return nil, err
		}
	}
	s.LoadBalancer, err = corev1.NewService(ctx, name+"-internal", &corev1.ServiceArgs{
		Metadata: meta(args.Name+"-internal", labels, pulumi.ToStringMap(LoadBalancerAnnotations(args.Name))),
		Spec: corev1.ServiceSpecArgs{
			Type:                     pulumi.String("LoadBalancer"),
			LoadBalancerSourceRanges: pulumi.ToStringArray(args.ClientCIDRs),
			Selector:                 pulumi.ToStringMap(front),
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(80),
				TargetPort: pulumi.Int(frontPort)}},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{}); err != nil {
		return nil, err
	}
	return s, nil
}

// ServerLabels are a server's pods' labels.
func ServerLabels(name string) map[string]string {
	return map[string]string{LabelName: name, LabelComponent: ComponentLLM, "app.kubernetes.io/part-of": "ml-platform"}
}

// GatewayLabels are its gateway's pods' labels.
func GatewayLabels(name string) map[string]string {
	return map[string]string{LabelName: name, LabelComponent: ComponentGW, "app.kubernetes.io/part-of": "ml-platform"}
}

// servingSelector selects the pods that answer requests: every replica,
// or each group's leader.
func servingSelector(args *LLMServerArgs) map[string]string {
	sel := ServerLabels(args.Name)
	if args.Nodes > 1 {
		sel["leaderworkerset.sigs.k8s.io/worker-index"] = "0"
	}
	return sel
}

// LoadBalancerAnnotations make a Service an internal Network Load
// Balancer, through the load balancer support EKS's cloud provider has
// (no AWS Load Balancer Controller needed).
func LoadBalancerAnnotations(server string) map[string]string {
	return map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-type":     "nlb",
		"service.beta.kubernetes.io/aws-load-balancer-internal": "true",
		AnnotationFronts: server,
	}
}

// WaitingQuery is the PromQL KEDA scales on: the requests waiting in all
// the server's engines.
func WaitingQuery(name string) string {
	return fmt.Sprintf(`sum(%s{model_name=%q})`, catalog.VLLMWaitingMetric, name)
}

// ScaledObjectSpec is the KEDA scaling of a server, without its
// Prometheus trigger (added with the workspace's URL): between its
// replica bounds, and for scale-to-zero a cron trigger that keeps one up
// in its window. The cooldown is long: a cold start loads a model.
func ScaledObjectSpec(args *LLMServerArgs, target map[string]any) map[string]any {
	triggers := []any{}
	if a := args.ActiveHours; a != nil {
		triggers = append(triggers, map[string]any{"type": "cron", "metadata": map[string]any{
			"timezone": a.Timezone, "start": a.Start, "end": a.End, "desiredReplicas": "1",
		}})
	}
	return map[string]any{
		"scaleTargetRef":  target,
		"minReplicaCount": args.MinReplicas,
		"maxReplicaCount": args.MaxReplicas,
		"pollingInterval": 30,
		"cooldownPeriod":  900,
		"triggers":        triggers,
	}
}

// ServerPod is a single-node replica: the model copied from S3 into the
// shared cache by an init container (a no-op once there), then vLLM
// serving it with the GPUs tensorParallelSize asks for, ready only once
// the model is loaded.
func ServerPod(args *LLMServerArgs, t catalog.InstanceType) map[string]any {
	return map[string]any{
		"serviceAccountName":            args.ServiceAccount,
		"priorityClassName":             InferencePriorityClass,
		"nodeSelector":                  nodeSelector(args),
		"tolerations":                   []any{toleration(conventions.TaintNvidiaGPU)},
		"terminationGracePeriodSeconds": 60,
		"initContainers":                []any{modelSync(args)},
		"containers":                    []any{vllmContainer(args, t, []string{"vllm", "serve", ModelDir(args.ModelPath)}, vllmArgs(args, 1), true)},
		"volumes":                       volumes(args, t),
	}
}

// LeaderWorkerSetSpec is a multi-node replica: a leader that starts Ray
// and vLLM with one pipeline stage per node, and workers that join it;
// a restarted pod recreates its group.
func LeaderWorkerSetSpec(args *LLMServerArgs, t catalog.InstanceType) map[string]any {
	serve := "vllm serve " + ModelDir(args.ModelPath) + " " + strings.Join(vllmArgs(args, args.Nodes), " ")
	leader := ServerPod(args, t)
	leader["containers"] = []any{vllmContainer(args, t, []string{"/bin/bash", "-c"},
		[]string{catalog.VLLMMultiNodeScript + " leader --ray_cluster_size=$(LWS_GROUP_SIZE); " + serve}, true)}
	worker := ServerPod(args, t)
	delete(worker, "initContainers") // the leader fills the cache before it starts
	worker["containers"] = []any{vllmContainer(args, t, []string{"/bin/bash", "-c"},
		[]string{catalog.VLLMMultiNodeScript + " worker --ray_address=$(LWS_LEADER_ADDRESS)"}, false)}
	labels := map[string]any{}
	for k, v := range ServerLabels(args.Name) {
		labels[k] = v
	}
	return map[string]any{
		// No replicas: KEDA owns them.
		"startupPolicy": "LeaderCreated",
		"leaderWorkerTemplate": map[string]any{
			"size":           args.Nodes,
			"restartPolicy":  "RecreateGroupOnPodRestart",
			"leaderTemplate": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": leader},
			"workerTemplate": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": worker},
		},
	}
}

// ModelDir is where a model prefix lives in the cache: a directory per
// prefix, so a server moved to another model never loads a mix of the two
// models' shards, and servers of the same model share one copy. A changed
// modelPath changes the pods' arguments, so the Deployment rolls out.
func ModelDir(modelPath string) string {
	return ModelCacheMount + "/" + strings.TrimSuffix(modelPath, "/")
}

// vllmArgs are the server's flags; nodes > 1 adds a pipeline stage per
// node over Ray.
func vllmArgs(args *LLMServerArgs, nodes int) []string {
	out := []string{"--served-model-name", args.Name, "--tensor-parallel-size", fmt.Sprint(args.TensorParallelSize),
		"--port", fmt.Sprint(catalog.VLLMPort)}
	if args.MaxModelLen > 0 {
		out = append(out, "--max-model-len", fmt.Sprint(args.MaxModelLen))
	}
	if nodes > 1 {
		out = append(out, "--pipeline-parallel-size", fmt.Sprint(nodes), "--distributed-executor-backend", "ray")
	}
	return out
}

// nodeSelector puts a replica on its pool's instance type.
func nodeSelector(args *LLMServerArgs) map[string]any {
	sel := map[string]any{
		conventions.KarpenterNodePoolLabel: args.Pool,
		"node.kubernetes.io/instance-type": args.InstanceType,
	}
	if args.OnDemand {
		sel[conventions.KarpenterCapacityTypeLabel] = conventions.KarpenterOnDemand
	}
	return sel
}

// ServerResources are a vLLM container's requests and limits: the GPUs it
// shards across, that share of the node's CPUs and memory (less room for
// the node's daemons), and every EFA interface for a multi-node replica.
func ServerResources(args *LLMServerArgs, t catalog.InstanceType) map[string]any {
	share := float64(args.TensorParallelSize) / float64(t.AcceleratorCount)
	cpu := max(int(float64(t.VCPUs)*share*0.85), 1)
	memory := max(int(float64(t.MemoryGiB)*share*0.8), 4)
	limits := map[string]any{conventions.ResourceNvidiaGPU: fmt.Sprint(args.TensorParallelSize), "memory": fmt.Sprintf("%dGi", memory)}
	requests := map[string]any{conventions.ResourceNvidiaGPU: fmt.Sprint(args.TensorParallelSize), "memory": fmt.Sprintf("%dGi", memory),
		"cpu": fmt.Sprint(cpu)}
	if args.Nodes > 1 {
		limits[conventions.ResourceEFA] = fmt.Sprint(t.MaxEFAInterfaces)
		requests[conventions.ResourceEFA] = fmt.Sprint(t.MaxEFAInterfaces)
	}
	return map[string]any{"limits": limits, "requests": requests}
}

// shmGiB is the memory-backed /dev/shm NCCL and Ray use between a
// replica's GPUs: an eighth of its memory, within its limit.
func shmGiB(args *LLMServerArgs, t catalog.InstanceType) int {
	share := float64(args.TensorParallelSize) / float64(t.AcceleratorCount)
	return max(int(float64(t.MemoryGiB)*share/8), 1)
}

func vllmContainer(args *LLMServerArgs, t catalog.InstanceType, command, cmdArgs []string, serves bool) map[string]any {
	c := map[string]any{
		"name":      "vllm",
		"image":     args.Image,
		"command":   toAny(command),
		"args":      toAny(cmdArgs),
		"resources": ServerResources(args, t),
		"env": []any{
			// The model is local: never reach the Hugging Face Hub, and
			// send no usage statistics.
			map[string]any{"name": "HF_HUB_OFFLINE", "value": "1"},
			map[string]any{"name": "VLLM_NO_USAGE_STATS", "value": "1"},
			map[string]any{"name": "DO_NOT_TRACK", "value": "1"},
		},
		"volumeMounts": []any{
			map[string]any{"name": "model-cache", "mountPath": ModelCacheMount, "readOnly": true},
			map[string]any{"name": "dshm", "mountPath": "/dev/shm"},
		},
	}
	if args.Nodes > 1 {
		c["env"] = append(c["env"].([]any), map[string]any{"name": "FI_PROVIDER", "value": "efa"})
	}
	if serves {
		health := map[string]any{"path": "/health", "port": catalog.VLLMPort}
		c["ports"] = []any{map[string]any{"name": "http", "containerPort": catalog.VLLMPort}}
		// /health answers once the engine has loaded the model: loading a
		// large model from the cache takes minutes, so startup allows 30.
		c["startupProbe"] = map[string]any{"httpGet": health, "periodSeconds": 10, "failureThreshold": 180}
		c["readinessProbe"] = map[string]any{"httpGet": health, "periodSeconds": 10, "failureThreshold": 3}
		c["livenessProbe"] = map[string]any{"httpGet": health, "periodSeconds": 30, "failureThreshold": 3}
	}
	return c
}

// modelSync copies the model from S3 into the cache; `aws s3 sync` copies
// only what is missing or changed, so every pod after the first finds it
// there and goes on.
func modelSync(args *LLMServerArgs) map[string]any {
	return map[string]any{
		"name":    "model-sync",
		"image":   catalog.ModelSyncImage,
		"command": []any{"/bin/sh", "-c"},
		"args":    []any{fmt.Sprintf(`aws s3 sync --only-show-errors "s3://$MODEL_BUCKET/$MODEL_PREFIX" %s/`, ModelDir(args.ModelPath))},
		"env": []any{
			map[string]any{"name": "AWS_REGION", "value": args.Region},
			map[string]any{"name": "MODEL_BUCKET", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": args.Name + "-model", "key": "bucket"}}},
			map[string]any{"name": "MODEL_PREFIX", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": args.Name + "-model", "key": "prefix"}}},
		},
		"resources":    map[string]any{"requests": map[string]any{"cpu": "1", "memory": "1Gi"}, "limits": map[string]any{"memory": "2Gi"}},
		"volumeMounts": []any{map[string]any{"name": "model-cache", "mountPath": ModelCacheMount}},
	}
}

func volumes(args *LLMServerArgs, t catalog.InstanceType) []any {
	return []any{
		map[string]any{"name": "model-cache", "persistentVolumeClaim": map[string]any{"claimName": args.CacheClaim}},
		map[string]any{"name": "dshm", "emptyDir": map[string]any{"medium": "Memory", "sizeLimit": fmt.Sprintf("%dGi", shmGiB(args, t))}},
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// DeploymentSpec is a single-node server's Deployment spec. No replicas:
// KEDA owns them (a value here would reset them on every update). It
// never surges: the pool's limit and the queues' reserve count on the
// replicas' GPUs only.
func DeploymentSpec(args *LLMServerArgs, t catalog.InstanceType) map[string]any {
	labels := map[string]any{}
	for k, v := range ServerLabels(args.Name) {
		labels[k] = v
	}
	return map[string]any{
		"selector": map[string]any{"matchLabels": labels},
		"strategy": map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{"maxSurge": 0, "maxUnavailable": 1}},
		"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": ServerPod(args, t)},
	}
}

// GatewayConfig is the LiteLLM proxy's configuration: the server as its
// one model, and the Bedrock guardrail on every request (pre_call) and
// response (post_call).
func GatewayConfig(server, serviceURL, region, guardrailID, guardrailVersion string) (string, error) {
	cfg := map[string]any{
		"model_list": []any{map[string]any{
			"model_name":     server,
			"litellm_params": map[string]any{"model": "hosted_vllm/" + server, "api_base": serviceURL + "/v1"},
		}},
		"guardrails": []any{map[string]any{
			"guardrail_name": "bedrock-" + server,
			"litellm_params": map[string]any{
				"guardrail": "bedrock", "mode": []any{"pre_call", "post_call"}, "default_on": true,
				"guardrailIdentifier": guardrailID, "guardrailVersion": guardrailVersion, "aws_region_name": region,
			},
		}},
	}
	out, err := yaml.Marshal(cfg)
	return string(out), err
}

// networkPolicySpec lets only the gateway (and the Prometheus collector's
// subnets, for /metrics) reach a guarded server: other pods cannot go
// around the guardrail.
func networkPolicySpec(args *LLMServerArgs) networkingv1.NetworkPolicySpecArgs {
	from := networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
		PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(GatewayLabels(args.Name))},
	}}
	for _, c := range args.ScraperCIDRs {
		from = append(from, networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String(c)}})
	}
	return networkingv1.NetworkPolicySpecArgs{
		PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(ServerLabels(args.Name))},
		PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
		Ingress: networkingv1.NetworkPolicyIngressRuleArray{
			// Ray and vLLM between a group's pods.
			networkingv1.NetworkPolicyIngressRuleArgs{From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
				PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(ServerLabels(args.Name))},
			}}},
			networkingv1.NetworkPolicyIngressRuleArgs{From: from, Ports: networkingv1.NetworkPolicyPortArray{
				networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(catalog.VLLMPort), Protocol: pulumi.String("TCP")},
			}},
		},
	}
}

// gateway runs the LiteLLM proxy in front of the server: two replicas on
// CPU nodes, its configuration pinning the guardrail version, its Pod
// Identity role allowed ApplyGuardrail on that guardrail only.
func (s *LLMServer) gateway(ctx *pulumi.Context, name string, args *LLMServerArgs,
	meta func(string, map[string]string, pulumi.StringMap) *metav1.ObjectMetaArgs) error {
	g := args.Gateway
	k8s := []pulumi.ResourceOption{pulumi.Parent(s), pulumi.Provider(args.Provider)}
	labels := GatewayLabels(args.Name)
	gw := args.Name + "-gateway"
	config := pulumi.All(args.Namespace, g.GuardrailID, g.GuardrailVersion).ApplyT(func(v []any) (string, error) {
		url := fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", args.Name, v[0], catalog.VLLMPort)
		return GatewayConfig(args.Name, url, args.Region, v[1].(string), v[2].(string))
	}).(pulumi.StringOutput)
	cm, err := corev1.NewConfigMap(ctx, name+"-gateway", &corev1.ConfigMapArgs{
		Metadata: meta(gw, labels, nil),
		Data:     pulumi.StringMap{"config.yaml": config},
	}, k8s...)
	if err != nil {
		return err
	}
	plain := map[string]any{}
	for k, v := range labels {
		plain[k] = v
	}
	s.Gateway, err = apiextensions.NewCustomResource(ctx, name+"-gateway", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("apps/v1"), Kind: pulumi.String("Deployment"),
		Metadata: meta(gw, labels, nil),
		// The proxy reads its configuration at start: a new guardrail version
		// rolls the gateway out through the template's checksum.
		OtherFields: kubernetes.UntypedArgs{"spec": config.ApplyT(func(c string) map[string]any {
			spec := GatewaySpec(args, plain)
			sum := sha256.Sum256([]byte(c))
			spec["template"].(map[string]any)["metadata"].(map[string]any)["annotations"] = map[string]any{
				AnnotationConfigChecksum: hex.EncodeToString(sum[:]),
			}
			return spec
		}).(pulumi.MapOutput)},
	}, append(k8s, pulumi.DependsOn([]pulumi.Resource{cm}))...)
	if err != nil {
		return err
	}
	if _, err := corev1.NewService(ctx, name+"-gateway", &corev1.ServiceArgs{
		Metadata: meta(gw, labels, nil),
		Spec: corev1.ServiceSpecArgs{
			Selector: pulumi.ToStringMap(labels),
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(catalog.GatewayPort),
				TargetPort: pulumi.Int(catalog.GatewayPort)}},
		},
	}, k8s...); err != nil {
		return err
	}
	_, err = policyv1.NewPodDisruptionBudget(ctx, name+"-gateway", &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta(gw, labels, nil),
		Spec: policyv1.PodDisruptionBudgetSpecArgs{
			MinAvailable: pulumi.Int(1),
			Selector:     &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(labels)},
		},
	}, k8s...)
	return err
}

// GatewaySpec is the gateway's Deployment spec: two replicas of the
// LiteLLM proxy reading its configuration from the ConfigMap.
func GatewaySpec(args *LLMServerArgs, labels map[string]any) map[string]any {
	health := func(path string) map[string]any {
		return map[string]any{"httpGet": map[string]any{"path": path, "port": catalog.GatewayPort}, "periodSeconds": 10}
	}
	return map[string]any{
		"replicas": 2,
		"selector": map[string]any{"matchLabels": labels},
		"template": map[string]any{
			"metadata": map[string]any{"labels": labels},
			"spec": map[string]any{
				"serviceAccountName": args.Gateway.ServiceAccount,
				"priorityClassName":  InferencePriorityClass,
				"containers": []any{map[string]any{
					"name":  "gateway",
					"image": catalog.GatewayImage,
					"args":  []any{"--config", "/etc/litellm/config.yaml", "--port", fmt.Sprint(catalog.GatewayPort)},
					"env": []any{
						map[string]any{"name": "AWS_REGION", "value": args.Region},
						map[string]any{"name": "LITELLM_TELEMETRY", "value": "False"},
					},
					"ports":          []any{map[string]any{"name": "http", "containerPort": catalog.GatewayPort}},
					"readinessProbe": health("/health/readiness"),
					"livenessProbe":  health("/health/liveliness"),
					"resources": map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "1Gi"},
						"limits": map[string]any{"memory": "2Gi"}},
					"volumeMounts": []any{map[string]any{"name": "config", "mountPath": "/etc/litellm", "readOnly": true}},
				}},
				"volumes": []any{map[string]any{"name": "config", "configMap": map[string]any{"name": args.Name + "-gateway"}}},
			},
		},
	}
}
