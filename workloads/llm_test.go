package workloads_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/spec"
	"github.com/ml-platform/ml-platform/workloads"
)

func llmArgs(p *kubernetes.Provider, l spec.LLM) *workloads.LLMServerArgs {
	return &workloads.LLMServerArgs{
		Provider: p, LLM: l, Namespace: pulumi.String(workloads.InferenceNamespace), ServiceAccount: l.Name,
		ModelsBucket: pulumi.String("ml-platform-dev-models"), Region: "us-east-1", CacheClaim: workloads.ModelCacheClaim,
		ClientCIDRs: []string{"10.0.0.0/16"}, ScraperCIDRs: []string{"10.0.32.0/20"}, Environment: "dev",
		Gateway: &workloads.LLMGateway{ServiceAccount: l.Name + "-gateway", GuardrailID: pulumi.String("gr0abc"), GuardrailVersion: pulumi.String("3")},
	}
}

func smallLLM() spec.LLM {
	return spec.LLM{Name: "assistant", ModelPath: "llm/llama/", ModelSizeGB: 16, InstanceType: "g5.12xlarge", Nodes: 1, TensorParallelSize: 2,
		Pool: "gpu-inference", MaxModelLen: 8192, Image: catalog.VLLMImage, MinReplicas: 0, MaxReplicas: 1, TargetWaitingRequests: 8,
		ActiveHours: &spec.ActiveHours{Timezone: "UTC", Start: "0 8 * * 1-5", End: "0 20 * * 1-5"}, Guardrail: true}
}

func obj(v resource.PropertyValue) resource.PropertyMap { return v.ObjectValue() }

func strList(vs []resource.PropertyValue) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.StringValue())
	}
	return out
}

func TestLLMServerSingleNode(t *testing.T) {
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		_, err := workloads.NewLLMServer(ctx, "llm", llmArgs(p, smallLLM()))
		return err
	})
	require.NoError(t, err)
	dep := rec.ByName("kubernetes:apps/v1:Deployment", "llm")
	require.NotNil(t, dep)
	meta := mock.Object(dep.Inputs, "metadata")
	require.Equal(t, "true", mock.String(mock.Object(meta, "annotations"), "pulumi.com/skipAwait"), "up does not wait for a GPU node")
	require.Equal(t, "60", mock.String(mock.Object(meta, "annotations"), workloads.AnnotationActiveHours))
	require.Equal(t, "dev", mock.String(mock.Object(meta, "labels"), "ml-platform/environment"))
	s := mock.Object(dep.Inputs, "spec")
	_, hasReplicas := s["replicas"]
	require.False(t, hasReplicas, "KEDA owns the replicas")
	pod := mock.Object(mock.Object(s, "template"), "spec")
	sel := mock.Object(pod, "nodeSelector")
	require.Equal(t, "gpu-inference", mock.String(sel, "karpenter.sh/nodepool"))
	require.Equal(t, "g5.12xlarge", mock.String(sel, "node.kubernetes.io/instance-type"))
	require.Equal(t, "nvidia.com/gpu", mock.String(obj(mock.Array(pod, "tolerations")[0]), "key"))

	sync := obj(mock.Array(pod, "initContainers")[0])
	require.Contains(t, mock.Array(sync, "args")[0].StringValue(), `aws s3 sync --only-show-errors "s3://$MODEL_BUCKET/$MODEL_PREFIX" /models/llm/llama/`)
	vllm := obj(mock.Array(pod, "containers")[0])
	require.Equal(t, []string{"vllm", "serve", "/models/llm/llama"}, strList(mock.Array(vllm, "command")), "a directory per model prefix")
	args := strings.Join(strList(mock.Array(vllm, "args")), " ")
	require.Contains(t, args, "--served-model-name assistant --tensor-parallel-size 2 --port 8000 --max-model-len 8192")
	limits := mock.Object(mock.Object(vllm, "resources"), "limits")
	require.Equal(t, "2", mock.String(limits, "nvidia.com/gpu"), "the tensor-parallel size's GPUs")
	requests := mock.Object(mock.Object(vllm, "resources"), "requests")
	require.Equal(t, "20", mock.String(requests, "cpu"), "half of g5.12xlarge's 48 vCPUs, less headroom")
	require.Equal(t, "/health", mock.String(mock.Object(mock.Object(vllm, "readinessProbe"), "httpGet"), "path"))
	require.Equal(t, resource.NewProperty(180.0), mock.Object(vllm, "startupProbe")["failureThreshold"])

	so := rec.ByName("kubernetes:keda.sh/v1alpha1:ScaledObject", "llm-scaling")
	require.NotNil(t, so)
	sos := mock.Object(so.Inputs, "spec")
	require.Equal(t, resource.NewProperty(0.0), sos["minReplicaCount"])
	require.Equal(t, "Deployment", mock.String(mock.Object(sos, "scaleTargetRef"), "kind"))
	triggers := mock.Array(sos, "triggers")
	require.Len(t, triggers, 1, "no Prometheus workspace: the window only")
	require.Equal(t, "cron", mock.String(obj(triggers[0]), "type"))

	pdb := rec.ByName("kubernetes:policy/v1:PodDisruptionBudget", "llm")
	require.Equal(t, resource.NewProperty(1.0), mock.Object(pdb.Inputs, "spec")["maxUnavailable"])

	lb := rec.ByName("kubernetes:core/v1:Service", "llm-internal")
	require.Equal(t, "LoadBalancer", mock.String(mock.Object(lb.Inputs, "spec"), "type"))
	ann := mock.Object(mock.Object(lb.Inputs, "metadata"), "annotations")
	require.Equal(t, "true", mock.String(ann, "service.beta.kubernetes.io/aws-load-balancer-internal"))
	require.Equal(t, []string{"10.0.0.0/16"}, mock.Strings(mock.Object(lb.Inputs, "spec"), "loadBalancerSourceRanges"))
	require.Equal(t, workloads.ComponentGW, mock.String(mock.Object(mock.Object(lb.Inputs, "spec"), "selector"), workloads.LabelComponent),
		"clients reach the gateway, not vLLM")

	np := rec.ByName("kubernetes:networking.k8s.io/v1:NetworkPolicy", "llm")
	require.NotNil(t, np, "only the gateway and the collector reach vLLM")
	ingress := mock.Array(mock.Object(np.Inputs, "spec"), "ingress")
	from := mock.Array(obj(ingress[1]), "from")
	require.Equal(t, workloads.ComponentGW, mock.String(mock.Object(mock.Object(obj(from[0]), "podSelector"), "matchLabels"), workloads.LabelComponent))
	require.Equal(t, "10.0.32.0/20", mock.String(mock.Object(obj(from[1]), "ipBlock"), "cidr"))

	gw := rec.ByName("kubernetes:apps/v1:Deployment", "llm-gateway")
	sum := mock.String(mock.Object(mock.Object(mock.Object(mock.Object(gw.Inputs, "spec"), "template"), "metadata"), "annotations"),
		workloads.AnnotationConfigChecksum)
	require.Len(t, sum, 64, "a new guardrail version rolls the gateway out")
	cm := rec.ByName("kubernetes:core/v1:ConfigMap", "llm-gateway")
	var cfg struct {
		Models []struct {
			Name   string         `yaml:"model_name"`
			Params map[string]any `yaml:"litellm_params"`
		} `yaml:"model_list"`
		Guardrails []struct {
			Params map[string]any `yaml:"litellm_params"`
		} `yaml:"guardrails"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(mock.String(mock.Object(cm.Inputs, "data"), "config.yaml")), &cfg))
	require.Equal(t, "http://assistant.ml-inference.svc.cluster.local:8000/v1", cfg.Models[0].Params["api_base"])
	g := cfg.Guardrails[0].Params
	require.Equal(t, "bedrock", g["guardrail"])
	require.Equal(t, "3", g["guardrailVersion"], "a pinned version: editing the draft does not change running clients")
	require.Equal(t, []any{"pre_call", "post_call"}, g["mode"])
}

func TestLLMServerScalesOnQueueDepth(t *testing.T) {
	l := smallLLM()
	l.MinReplicas, l.MaxReplicas, l.ActiveHours = 2, 4, nil
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		a := llmArgs(p, l)
		a.PrometheusQueryURL = pulumi.String("https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1")
		_, err := workloads.NewLLMServer(ctx, "llm", a)
		return err
	})
	require.NoError(t, err)
	sos := mock.Object(rec.ByName("kubernetes:keda.sh/v1alpha1:ScaledObject", "llm-scaling").Inputs, "spec")
	require.Equal(t, resource.NewProperty(2.0), sos["minReplicaCount"])
	require.Equal(t, resource.NewProperty(4.0), sos["maxReplicaCount"])
	trigger := obj(mock.Array(sos, "triggers")[0])
	require.Equal(t, "prometheus", mock.String(trigger, "type"))
	md := mock.Object(trigger, "metadata")
	require.Equal(t, `sum(vllm:num_requests_waiting{model_name="assistant"})`, mock.String(md, "query"))
	require.Equal(t, "8", mock.String(md, "threshold"))
	require.Equal(t, workloads.TriggerAuthentication, mock.String(mock.Object(trigger, "authenticationRef"), "name"))
}

func TestLLMServerMultiNode(t *testing.T) {
	l := smallLLM()
	l.InstanceType, l.Nodes, l.TensorParallelSize, l.Pool = "p5.48xlarge", 2, 8, "gpu-training"
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		_, err := workloads.NewLLMServer(ctx, "llm", llmArgs(p, l))
		return err
	})
	require.NoError(t, err)
	require.Nil(t, rec.ByName("kubernetes:apps/v1:Deployment", "llm"))
	lws := rec.ByName("kubernetes:"+catalog.LWSAPIVersion+":LeaderWorkerSet", "llm")
	require.NotNil(t, lws)
	tmpl := mock.Object(mock.Object(lws.Inputs, "spec"), "leaderWorkerTemplate")
	require.Equal(t, resource.NewProperty(2.0), tmpl["size"])
	require.Equal(t, "RecreateGroupOnPodRestart", mock.String(tmpl, "restartPolicy"))
	leader := obj(mock.Array(mock.Object(mock.Object(tmpl, "leaderTemplate"), "spec"), "containers")[0])
	cmd := mock.Array(leader, "args")[0].StringValue()
	require.Contains(t, cmd, catalog.VLLMMultiNodeScript+" leader --ray_cluster_size=$(LWS_GROUP_SIZE)")
	require.Contains(t, cmd, "--pipeline-parallel-size 2 --distributed-executor-backend ray")
	worker := obj(mock.Array(mock.Object(mock.Object(tmpl, "workerTemplate"), "spec"), "containers")[0])
	require.Contains(t, mock.Array(worker, "args")[0].StringValue(), "worker --ray_address=$(LWS_LEADER_ADDRESS)")
	require.Equal(t, "32", mock.String(mock.Object(mock.Object(worker, "resources"), "limits"), "vpc.amazonaws.com/efa"), "every EFA interface of p5")
	svc := rec.ByName("kubernetes:core/v1:Service", "llm")
	require.Equal(t, "0", mock.String(mock.Object(mock.Object(svc.Inputs, "spec"), "selector"), "leaderworkerset.sigs.k8s.io/worker-index"),
		"requests go to each group's leader")
	so := mock.Object(rec.ByName("kubernetes:keda.sh/v1alpha1:ScaledObject", "llm-scaling").Inputs, "spec")
	require.Equal(t, "LeaderWorkerSet", mock.String(mock.Object(so, "scaleTargetRef"), "kind"))
}

func TestLLMServerRefused(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*spec.LLM, *workloads.LLMServerArgs)
		want string
	}{
		"tensor parallel above the GPUs": {func(l *spec.LLM, _ *workloads.LLMServerArgs) { l.TensorParallelSize = 8 }, "TensorParallelSize: 8; allowed: 1 to g5.12xlarge's 4 GPUs"},
		"a CPU type":                     {func(l *spec.LLM, _ *workloads.LLMServerArgs) { l.InstanceType = "m6i.xlarge" }, "not an NVIDIA GPU type"},
		"multi-node without EFA": {func(l *spec.LLM, _ *workloads.LLMServerArgs) {
			l.InstanceType, l.Nodes = "g5.2xlarge", 2
			l.TensorParallelSize = 1
		}, "need EFA"},
		"scaling without Prometheus": {func(l *spec.LLM, _ *workloads.LLMServerArgs) { l.MinReplicas, l.MaxReplicas = 1, 3 }, "PrometheusQueryURL"},
		"no guardrail, no reason":    {func(_ *spec.LLM, a *workloads.LLMServerArgs) { a.Gateway = nil }, "GuardrailOptOut"},
	} {
		t.Run(name, func(t *testing.T) {
			rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
				l := smallLLM()
				a := llmArgs(p, l)
				c.edit(&a.LLM, a)
				_, err := workloads.NewLLMServer(ctx, "llm", a)
				return err
			})
			require.ErrorContains(t, err, c.want)
			require.Empty(t, rec.ByType("kubernetes:apps/v1:Deployment"), "nothing registered")
		})
	}
}

// TestGatewayRollsOutOnANewGuardrailVersion: the proxy reads its
// configuration at start, so a new guardrail version must change the
// gateway's pod template.
func TestGatewayRollsOutOnANewGuardrailVersion(t *testing.T) {
	sum := func(version string) string {
		rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
			a := llmArgs(p, smallLLM())
			a.Gateway.GuardrailVersion = pulumi.String(version)
			_, err := workloads.NewLLMServer(ctx, "llm", a)
			return err
		})
		require.NoError(t, err)
		gw := rec.ByName("kubernetes:apps/v1:Deployment", "llm-gateway")
		return mock.String(mock.Object(mock.Object(mock.Object(mock.Object(gw.Inputs, "spec"), "template"), "metadata"), "annotations"),
			workloads.AnnotationConfigChecksum)
	}
	require.Equal(t, sum("3"), sum("3"))
	require.NotEqual(t, sum("3"), sum("4"))
}
