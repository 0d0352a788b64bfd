package rules

import "testing"

// servingPool is a g5 NodePool with the NVIDIA taint.
func servingPool() Resource {
	return mk(karpenterNodePoolType, "karpenter-gpu-inference", map[string]any{
		"metadata": map[string]any{"name": "gpu-inference"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"requirements": []any{map[string]any{"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": []any{"g5"}}},
			"taints":       []any{map[string]any{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}},
		}}},
	})
}

// server is an llm-server Deployment whose pod the edit may change.
func server(env string, edit func(pod, meta map[string]any)) Resource {
	pod := map[string]any{
		"nodeSelector": map[string]any{"karpenter.sh/nodepool": "gpu-inference", "node.kubernetes.io/instance-type": "g5.12xlarge"},
		"tolerations":  []any{map[string]any{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}},
		"containers":   []any{map[string]any{"name": "vllm", "resources": map[string]any{"limits": map[string]any{"nvidia.com/gpu": "4"}}}},
	}
	meta := map[string]any{"name": "assistant", "labels": map[string]any{
		componentLabel: llmServerComponent, nameLabel: "assistant", "ml-platform/environment": env}}
	if edit != nil {
		edit(pod, meta)
	}
	return mk(deploymentType, "serving-assistant", map[string]any{"metadata": meta, "spec": map[string]any{
		"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{componentLabel: llmServerComponent, nameLabel: "assistant"}},
			"spec": pod},
	}})
}

func TestServersFitPools(t *testing.T) {
	ok := server("dev", nil)
	runStackCases(t, "llm-server-fits-its-pool", []stackCase{
		{name: "fits", rs: []Resource{servingPool(), ok}},
		{name: "pool missing", rs: []Resource{ok}, want: []Finding{{ok.URN, `template: nodeSelector names NodePool "gpu-inference", which the stack does not have`}}},
		{name: "type the pool does not launch", rs: []Resource{servingPool(), server("dev", func(pod, _ map[string]any) {
			pod["nodeSelector"].(map[string]any)["node.kubernetes.io/instance-type"] = "p5.48xlarge"
		})}, want: []Finding{{ok.URN, `NodePool "gpu-inference" does not launch p5.48xlarge`}}},
		{name: "a pool without GPUs", rs: []Resource{servingPool(), server("dev", func(pod, _ map[string]any) {
			pod["nodeSelector"].(map[string]any)["node.kubernetes.io/instance-type"] = "m6i.xlarge"
		})}, want: []Finding{{ok.URN, "does not launch m6i.xlarge"}, {ok.URN, "m6i.xlarge has no NVIDIA GPUs"}}},
		{name: "more GPUs than the node", rs: []Resource{servingPool(), server("dev", func(pod, _ map[string]any) {
			pod["containers"].([]any)[0].(map[string]any)["resources"] = map[string]any{"limits": map[string]any{"nvidia.com/gpu": "8"}}
		})}, want: []Finding{{ok.URN, "the pod asks for 8 GPUs and g5.12xlarge has 4"}}},
		{name: "no GPU asked", rs: []Resource{servingPool(), server("dev", func(pod, _ map[string]any) {
			pod["containers"].([]any)[0].(map[string]any)["resources"] = map[string]any{}
		})}, want: []Finding{{ok.URN, "asks for no nvidia.com/gpu"}}},
		{name: "taint not tolerated", rs: []Resource{servingPool(), server("dev", func(pod, _ map[string]any) { delete(pod, "tolerations") })},
			want: []Finding{{ok.URN, `does not tolerate NodePool "gpu-inference"'s taint nvidia.com/gpu`}}},
		{name: "not a server", rs: []Resource{mk(deploymentType, "web", map[string]any{"metadata": map[string]any{"name": "web"}})}},
	})
}

func TestServersGuarded(t *testing.T) {
	gateway := mk(deploymentType, "serving-assistant-gateway", map[string]any{"metadata": map[string]any{"name": "assistant-gateway",
		"labels": map[string]any{componentLabel: llmGatewayComponent, nameLabel: "assistant"}}})
	lb := func(component string) Resource {
		return mk(k8sServiceType, "serving-assistant-internal", map[string]any{"spec": map[string]any{"type": "LoadBalancer",
			"selector": map[string]any{componentLabel: component, nameLabel: "assistant"}}})
	}
	policy := mk(networkPolicyType, "serving-assistant", map[string]any{"spec": map[string]any{
		"podSelector": map[string]any{"matchLabels": map[string]any{componentLabel: llmServerComponent, nameLabel: "assistant"}}}})
	prod := server("prod", nil)
	optOut := server("prod", func(_, meta map[string]any) { meta["annotations"] = map[string]any{guardrailOptOut: "batch scoring"} })
	runStackCases(t, "llm-server-behind-guardrail-prod", []stackCase{
		{name: "behind the gateway", rs: []Resource{prod, gateway, lb(llmGatewayComponent), policy}},
		{name: "exposed directly", rs: []Resource{prod, gateway, lb(llmServerComponent), policy},
			want: []Finding{{prod.URN, "exposes the server's own pods outside the cluster"}}},
		{name: "no gateway, no policy", rs: []Resource{prod},
			want: []Finding{{prod.URN, "no guardrail gateway"}, {prod.URN, "no NetworkPolicy selects the server's pods"}}},
		{name: "stated opt-out", rs: []Resource{optOut, lb(llmServerComponent)}},
		{name: "dev is not judged", rs: []Resource{server("dev", nil)}},
	})
	runRuleCases(t, "llm-server-guardrail-opt-out", []ruleCase{
		{name: "guarded", r: prod},
		{name: "opted out", r: optOut, want: []string{`serves without a guardrail in front (serving.llms[].guardrailOptOut): "batch scoring"`}},
	})
}
