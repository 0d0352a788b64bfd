package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/policies/rules"
	"github.com/ml-platform/ml-platform/workloads"
)

const (
	deploymentType   = "kubernetes:apps/v1:Deployment"
	scaledObjectType = "kubernetes:" + catalog.KEDAAPIVersion + ":ScaledObject"
)

// gpuQuota is a ClusterQueue's nominal quota of the accelerator.
func gpuQuota(t *testing.T, res *offline.Result, pool string) string {
	t.Helper()
	for _, q := range byType(res, clusterQueueType) {
		if str(obj(q.Inputs, "metadata"), "name") != pool {
			continue
		}
		flavor := arr(arr(obj(q.Inputs, "spec"), "resourceGroups")[0].ObjectValue(), "flavors")[0].ObjectValue()
		return str(arr(flavor, "resources")[1].ObjectValue(), "nominalQuota")
	}
	t.Fatalf("no queue for pool %s", pool)
	return ""
}

// TestServingInDev: dev's server runs on the inference pool behind its
// guardrail gateway, reachable in the VPC only, scaled to zero outside
// its window; its GPUs are reserved from the inference queue; its flows
// hold; it is priced for its active hours.
func TestServingInDev(t *testing.T) {
	res := preview(t, "dev")
	dep := named(byType(res, deploymentType), "serving-assistant")
	require.NotNil(t, dep)
	pod := obj(obj(obj(dep.Inputs, "spec"), "template"), "spec")
	require.Equal(t, "gpu-inference", str(obj(pod, "nodeSelector"), "karpenter.sh/nodepool"))
	require.Equal(t, "assistant", str(pod, "serviceAccountName"))
	require.Equal(t, workloads.ModelCacheClaim, str(obj(arr(pod, "volumes")[0].ObjectValue(), "persistentVolumeClaim"), "claimName"))

	require.NotNil(t, named(byType(res, deploymentType), "serving-assistant-gateway"))
	lb := named(byType(res, "kubernetes:core/v1:Service"), "serving-assistant-internal")
	require.Equal(t, workloads.ComponentGW, str(obj(obj(lb.Inputs, "spec"), "selector"), workloads.LabelComponent))
	require.Equal(t, []string{res.Outputs["vpcCidr"].(string)}, strs(obj(lb.Inputs, "spec"), "loadBalancerSourceRanges"), "the VPC only")
	require.NotNil(t, named(byType(res, "kubernetes:networking.k8s.io/v1:NetworkPolicy"), "serving-assistant"))
	cni := named(byType(res, "aws:eks/addon:Addon"), "cluster-vpc-cni")
	require.Contains(t, str(cni.Inputs, "configurationValues"), `"enableNetworkPolicy":"true"`, "the NetworkPolicy is enforced")
	require.Contains(t, str(cni.Inputs, "configurationValues"), "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "custom networking kept")

	so := named(byType(res, scaledObjectType), "serving-assistant-scaling")
	require.NotNil(t, so)
	require.Equal(t, 0.0, obj(so.Inputs, "spec")["minReplicaCount"].NumberValue(), "dev scales to zero")

	require.Equal(t, "3", gpuQuota(t, res, "gpu-inference"), "the server's GPU is not the queue's: 4 - 1")
	require.Equal(t, "8", gpuQuota(t, res, "gpu-training"))

	rs := offline.PolicyResources(res.Registered)
	for _, f := range rules.EvaluateFlows(rs) {
		if strings.Contains(f.Name, "LLM server") {
			require.True(t, f.Holds, f.Explain())
		}
	}
	require.Equal(t, "http://assistant-gateway.ml-inference.svc.cluster.local:4000/v1",
		res.Outputs["llmServerUrls"].(map[string]any)["assistant"])
	var priced bool
	for _, item := range res.Cost.Items {
		if strings.HasSuffix(item.URN, "::serving-assistant") && item.Type == deploymentType {
			priced = item.MonthlyUSD > 0 && strings.Contains(item.Basis, "its active hours, 60 a week")
		}
	}
	require.True(t, priced, "the server's active hours are in the estimate")
}

// prodServing previews prod with an LLM server of the given settings
// and, when budget is set, that monthly budget.
func prodServing(t *testing.T, server map[string]any, budget ...float64) *offline.Result {
	t.Helper()
	project, values := shipped(t, "prod")
	l := map[string]any{"name": "assistant", "modelPath": "llm/llama-3.1-70b/", "modelSizeGb": 40, "instanceType": "g5.12xlarge",
		"minReplicas": 2, "maxReplicas": 3}
	for k, v := range server {
		l[k] = v
	}
	raw, err := json.Marshal(map[string]any{"llms": []any{l}})
	require.NoError(t, err)
	values[config.KeyServing] = string(raw)
	if len(budget) > 0 {
		var c map[string]any
		require.NoError(t, json.Unmarshal([]byte(values[config.KeyCost]), &c))
		c["monthlyBudgetUsd"] = budget[0]
		raw, err = json.Marshal(c)
		require.NoError(t, err)
		values[config.KeyCost] = string(raw)
	}
	res, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root})
	require.NoError(t, err)
	return res
}

// TestServingInProd: prod's server scales on vLLM's queue depth read from
// the managed Prometheus workspace, which scrapes it; KEDA's role may
// query that workspace only; every mandatory rule passes, and exposing
// vLLM directly is caught.
func TestServingInProd(t *testing.T) {
	res := prodServing(t, nil)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	so := named(byType(res, scaledObjectType), "serving-assistant-scaling")
	spec := obj(so.Inputs, "spec")
	require.Equal(t, 2.0, spec["minReplicaCount"].NumberValue())
	trigger := arr(spec, "triggers")[0].ObjectValue()
	require.Equal(t, "prometheus", str(trigger, "type"))
	require.Regexp(t, `^https://aps-workspaces\.us-east-1\.amazonaws\.com/workspaces/.+`, str(obj(trigger, "metadata"), "serverAddress"))

	scraper := byType(res, "aws:amp/scraper:Scraper")[0]
	require.Contains(t, str(scraper.Inputs, "scrapeConfiguration"), `"job_name": "vllm"`)
	var policy iamdoc.Document
	keda := named(byType(res, "aws:iam/rolePolicy:RolePolicy"), "serving-keda")
	require.NoError(t, json.Unmarshal([]byte(str(keda.Inputs, "policy")), &policy))
	require.Equal(t, catalog.PrometheusQueryActions, policy.Statement[0].Action)
	require.Len(t, policy.Statement[0].Resource, 1)
	require.Contains(t, policy.Statement[0].Resource[0], ":aps:", "the workspace only")
	require.Equal(t, "4", gpuQuota(t, res, "gpu-inference"), "16 less 3 replicas of g5.12xlarge's 4 GPUs")

	// Put vLLM itself behind the load balancer: the guardrail rule fires.
	rs := offline.PolicyResources(res.Registered)
	exposed := slices.Clone(rs)
	for i, r := range exposed {
		if r.Type == "kubernetes:core/v1:Service" && r.Name == "serving-assistant-internal" {
			spec := r.Properties.Get("spec").AsMap()
			sel := spec.Get("selector").AsMap().Set(workloads.LabelComponent, property.New(workloads.ComponentLLM))
			exposed[i].Properties = r.Properties.Set("spec", property.New(spec.Set("selector", property.New(sel))))
		}
	}
	var fired []string
	for _, v := range rules.Evaluate(exposed, nil) {
		if v.Policy == "llm-server-behind-guardrail-prod" {
			fired = append(fired, v.Message)
		}
	}
	require.Len(t, fired, 1)
	require.Contains(t, fired[0], "exposes the server's own pods outside the cluster")
}

// TestServingOptOutIsFlagged: a stated opt-out passes in prod and is
// reported.
func TestServingOptOutIsFlagged(t *testing.T) {
	res := prodServing(t, map[string]any{"guardrail": false, "guardrailOptOut": "scores internal documents, no user text"})
	var flagged bool
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
		flagged = flagged || (v.Policy == "llm-server-guardrail-opt-out" && strings.Contains(v.Message, "no user text"))
	}
	require.True(t, flagged)
	require.Nil(t, named(byType(res, deploymentType), "serving-assistant-gateway"))
}

// TestServingMultiNode: a model larger than one node runs as a
// LeaderWorkerSet on the EFA pool, on demand in prod, and the training
// queue admits only what the server leaves.
func TestServingMultiNode(t *testing.T) {
	// Two replicas of two p5 nodes cost about $160,000 a month: the budget
	// rule wants a budget that covers them.
	res := prodServing(t, map[string]any{"instanceType": "p5.48xlarge", "nodes": 2, "modelSizeGb": 800, "maxReplicas": 2}, 250000)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	lws := named(byType(res, "kubernetes:"+catalog.LWSAPIVersion+":LeaderWorkerSet"), "serving-assistant")
	require.NotNil(t, lws)
	leader := obj(obj(obj(obj(lws.Inputs, "spec"), "leaderWorkerTemplate"), "leaderTemplate"), "spec")
	require.Equal(t, "on-demand", str(obj(leader, "nodeSelector"), "karpenter.sh/capacity-type"), "prod serves off spot")
	require.Equal(t, "gpu-training", str(obj(leader, "nodeSelector"), "karpenter.sh/nodepool"))
	var charts []string
	for _, c := range byType(res, "kubernetes:helm.sh/v4:Chart") {
		charts = append(charts, c.Name)
	}
	require.Contains(t, charts, "serving-lws")
	require.Equal(t, "32", gpuQuota(t, res, "gpu-training"), "64 less 2 replicas x 2 nodes x 8 GPUs")
}
