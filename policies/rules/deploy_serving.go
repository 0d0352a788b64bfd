package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// The LLM servers, as the platform creates them (workloads/llm.go).
const (
	deploymentType      = "kubernetes:apps/v1:Deployment"
	leaderWorkerSetType = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"
	k8sServiceType      = "kubernetes:core/v1:Service"
	networkPolicyType   = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	componentLabel      = conventions.LabelAppComponent
	nameLabel           = conventions.LabelAppName
	llmServerComponent  = conventions.ComponentLLMServer
	llmGatewayComponent = conventions.ComponentLLMGateway
	guardrailOptOut     = conventions.AnnotationGuardrailOptOut
	gpuResource         = "nvidia.com/gpu"
)

func init() {
	registerStack(ConcernDeploy, StackRule{
		Name: "llm-server-fits-its-pool",
		Description: "An LLM server's pods are scheduled only where their pool launches their instance type, and " +
			"start only if that type has the GPUs they ask for and they tolerate the pool's taints: otherwise they stay " +
			"Pending and the server never serves, which `pulumi up` does not notice (it does not wait for the replicas).",
		Checks: "For each `kubernetes:apps/v1:Deployment` and `LeaderWorkerSet` labelled " +
			"`app.kubernetes.io/component: llm-server` (each pod template of a LeaderWorkerSet): its `nodeSelector` names " +
			"a NodePool of the stack (`karpenter.sh/nodepool`) and an instance type the catalog knows; the NodePool's " +
			"families or types include that type; the type has GPUs, at least as many as the containers' `nvidia.com/gpu` " +
			"limits (the tensor-parallel size); and the pod tolerates every NoSchedule taint of the NodePool.",
		Level: Mandatory,
		Types: []string{deploymentType, leaderWorkerSetType},
		Check: checkServersFitPools,
	})
}

// llmServers are the stack's LLM server workloads.
func llmServers(rs []Resource) []Resource {
	var out []Resource
	for _, r := range rs {
		if (r.Type == deploymentType || r.Type == leaderWorkerSetType) && labelOf(r, componentLabel) == llmServerComponent {
			out = append(out, r)
		}
	}
	return out
}

func labelOf(r Resource, key string) string {
	v, _ := getString(r.Properties, "metadata", "labels", key)
	return v
}

// podTemplates are a workload's pod specs: a Deployment's, a
// LeaderWorkerSet's leader and worker.
func podTemplates(r Resource) map[string]property.Map {
	if r.Type == leaderWorkerSetType {
		out := map[string]property.Map{}
		for _, t := range []string{"leaderTemplate", "workerTemplate"} {
			if m, ok := getMap(r.Properties, "spec", "leaderWorkerTemplate", t, "spec"); ok {
				out[t] = m
			}
		}
		return out
	}
	m, _ := getMap(r.Properties, "spec", "template", "spec")
	return map[string]property.Map{"template": m}
}

func checkServersFitPools(rs []Resource, _ map[string]any) []Finding {
	pools := map[string]Resource{}
	for _, r := range rs {
		if isNodePool(r.Type) {
			name, _ := getString(r.Properties, "metadata", "name")
			pools[name] = r
		}
	}
	var out []Finding
	for _, s := range llmServers(rs) {
		templates := podTemplates(s)
		for _, which := range slices.Sorted(maps.Keys(templates)) {
			pod := templates[which]
			for _, msg := range podFitsPool(pod, pools) {
				out = append(out, Finding{s.URN, which + ": " + msg})
			}
		}
	}
	return out
}

// podFitsPool judges one pod template against the pool it selects.
func podFitsPool(pod property.Map, pools map[string]Resource) []string {
	poolName, _ := getString(pod, "nodeSelector", karpenterNodePoolLabel)
	typ, _ := getString(pod, "nodeSelector", k8sInstanceType)
	pool, ok := pools[poolName]
	if !ok {
		return []string{fmt.Sprintf("nodeSelector names NodePool %q, which the stack does not have: the pods never schedule; "+
			"allowed: one of the stack's NodePools", poolName)}
	}
	t, known := catalog.LookupInstanceType(typ)
	if !known {
		return []string{fmt.Sprintf("nodeSelector names instance type %q, which the catalog does not know: its GPUs cannot be judged", typ)}
	}
	var out []string
	families, _ := nodePoolValues(pool, "karpenter.k8s.aws/instance-family")
	types, _ := nodePoolValues(pool, k8sInstanceType)
	if (len(families) > 0 && !slices.Contains(families, t.Family())) || (len(types) > 0 && !slices.Contains(types, typ)) {
		out = append(out, fmt.Sprintf("NodePool %q does not launch %s (families %s, types %s): the pods stay Pending; "+
			"allowed: a type the pool launches", poolName, typ, strings.Join(families, ", "), strings.Join(types, ", ")))
	}
	var gpus float64
	containers, _ := getMaps(pod, "containers")
	for _, c := range containers {
		if n, ok := quantityAt(mapOrEmpty(c, "resources", "limits"), gpuResource); ok {
			gpus += n
		}
	}
	switch {
	case t.AcceleratorCount == 0 || t.Accelerator != catalog.AcceleratorNvidiaGPU:
		out = append(out, fmt.Sprintf("%s has no NVIDIA GPUs: vLLM's CUDA image cannot serve there; allowed: a GPU type", typ))
	case gpus > float64(t.AcceleratorCount):
		out = append(out, fmt.Sprintf("the pod asks for %.0f GPUs and %s has %d: it never schedules; allowed: a tensor-parallel size "+
			"of at most %d", gpus, typ, t.AcceleratorCount, t.AcceleratorCount))
	case gpus == 0:
		out = append(out, "the pod asks for no nvidia.com/gpu: vLLM would find no GPU; allowed: the tensor-parallel size as its limit")
	}
	taints, _ := getMaps(pool.Properties, "spec", "template", "spec", "taints")
	tolerations, _ := getMaps(pod, "tolerations")
	for _, taint := range taints {
		key, _ := getString(taint, "key")
		value, _ := getString(taint, "value")
		if effect, _ := getString(taint, "effect"); effect != "NoSchedule" {
			continue
		}
		if !slices.ContainsFunc(tolerations, func(tol property.Map) bool { return tolerates(tol, key, value) }) {
			out = append(out, fmt.Sprintf("the pod does not tolerate NodePool %q's taint %s: it never schedules there", poolName, key))
		}
	}
	return out
}

func mapOrEmpty(m property.Map, path ...string) property.Map {
	v, _ := getMap(m, path...)
	return v
}
