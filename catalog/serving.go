package catalog

// In-cluster LLM serving: vLLM, scaled by KEDA, multi-node through
// LeaderWorkerSet, behind a LiteLLM gateway that applies the stack's
// Bedrock guardrail (ServingSource).
const (
	// VLLMImage is vLLM's OpenAI-compatible server, CUDA build.
	VLLMImage = "vllm/vllm-openai:v0.31.0"
	// VLLMPort serves the OpenAI API, /health and /metrics.
	VLLMPort = 8000
	// VLLMMultiNodeScript starts Ray on the leader (head) and the workers
	// of a LeaderWorkerSet group, in the vLLM image.
	VLLMMultiNodeScript = "/vllm-workspace/examples/ray_serving/multi-node-serving.sh"
	// VLLMWaitingMetric is the gauge of requests queued in the engine;
	// VLLMRunningMetric those being served.
	VLLMWaitingMetric = "vllm:num_requests_waiting"
	VLLMRunningMetric = "vllm:num_requests_running"
	// VLLMTimeToFirstToken and VLLMRequestLatency are histograms,
	// VLLMGenerationTokens a counter (exposed with _total).
	VLLMTimeToFirstToken = "vllm:time_to_first_token_seconds"
	VLLMRequestLatency   = "vllm:e2e_request_latency_seconds"
	VLLMGenerationTokens = "vllm:generation_tokens_total"
	// ModelSyncImage copies a model from S3 into the shared model cache
	// (the AWS CLI reads EKS Pod Identity credentials).
	ModelSyncImage = "public.ecr.aws/aws-cli/aws-cli:2.32.9"
	// GatewayImage is the LiteLLM proxy, which applies a Bedrock
	// guardrail to each request and response (ApplyGuardrail) before
	// passing it to vLLM; GatewayPort its port.
	GatewayImage = "ghcr.io/berriai/litellm:main-v1.81.14-stable"
	GatewayPort  = 4000
	// KEDAAPIVersion is the ScaledObject and TriggerAuthentication API;
	// KEDAOperatorServiceAccount the operator's account (its AWS role
	// queries Prometheus).
	KEDAAPIVersion             = "keda.sh/v1alpha1"
	KEDAOperatorServiceAccount = "keda-operator"
	// LWSAPIVersion is the LeaderWorkerSet API.
	LWSAPIVersion = "leaderworkerset.x-k8s.io/v1"
)

// ServingSource says where the serving facts were read.
var ServingSource = Source{
	Description: "vLLM (vllm-project/vllm docs/deployment/k8s.md: `vllm serve`, port 8000, /health for readiness and " +
		"liveness, answered only once the engine has loaded the model; vllm/v1/metrics/loggers.py: vllm:num_requests_waiting, " +
		"vllm:num_requests_running, vllm:time_to_first_token_seconds, vllm:e2e_request_latency_seconds, " +
		"vllm:generation_tokens; engine args --tensor-parallel-size, --pipeline-parallel-size, --max-model-len, " +
		"--served-model-name, --distributed-executor-backend ray; examples/ray_serving/multi-node-serving.sh starts a Ray " +
		"head on the leader and joins the workers at $LWS_LEADER_ADDRESS; image v0.31.0, the newest tag confirmed). " +
		"LeaderWorkerSet v0.10.0 (kubernetes-sigs/lws: chart at oci://registry.k8s.io/lws/charts/lws, --version 0.10.0, per " +
		"site/content/en/docs/installation (hack/push-chart.sh packages it under the git tag, which Helm's version match accepts), CRDs in crds/, no Helm hooks, internal certificates; API leaderworkerset.x-k8s.io/v1 with size, " +
		"leaderTemplate, workerTemplate, restartPolicy RecreateGroupOnPodRestart, startupPolicy LeaderCreated (LeaderReady " +
		"would deadlock vLLM, whose leader is ready only after its workers join); a scale subresource on spec.replicas). " +
		"KEDA 2.20.2 (kedacore/charts keda, namespace keda, no hooks, operator service account keda-operator; the " +
		"prometheus scaler appends /api/v1/query to serverAddress and signs with SigV4 for awsRegion, authenticated by a " +
		"TriggerAuthentication with podIdentity provider aws, which uses the operator's credentials; activationThreshold " +
		"applies with minReplicaCount 0; the cron scaler sets desiredReplicas between start and end). LiteLLM proxy " +
		"(docs.litellm.ai/docs/proxy/guardrails/bedrock: guardrail bedrock, guardrailIdentifier, guardrailVersion, mode " +
		"pre_call and post_call, through the Bedrock ApplyGuardrail API; image tag main-v1.81.14-stable as deployed in " +
		"dev.classmethod.jp, 2026-04). AmazonPrometheusQueryAccess grants aps:GetLabels, GetMetricMetadata, GetSeries, " +
		"QueryMetrics. The AWS CLI image tag 2.32.9 is pinned as public repositories pin it.",
	URL:      "https://docs.vllm.ai/en/latest/deployment/k8s.html",
	Recorded: "2026-12-07",
}
