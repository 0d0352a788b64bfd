package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// servingBase is a stack with the model cache and a guardrail, and the
// given servers.
func servingBase(env string, llms ...map[string]any) Values {
	v := with(base(), KeyStorage, obj(map[string]any{"efs": map[string]any{"enabled": true}}), KeyBedrock, `{"models":["amazon.nova-lite-v1:0"]}`)
	if env == "prod" {
		v[KeyCluster] = clusterObj(map[string]any{"nodeGroups": []any{map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}}}})
	}
	v[KeyServing] = obj(map[string]any{"llms": llms})
	return v
}

func llm(m map[string]any) map[string]any {
	out := map[string]any{"name": "assistant", "modelPath": "llm/llama-3.1-8b/", "modelSizeGb": 16}
	for k, v := range m {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

func TestServingDefaults(t *testing.T) {
	s, err := Parse("ml-platform", "dev", servingBase("dev", llm(nil)))
	require.NoError(t, err)
	l := s.Serving.LLMs[0]
	require.Equal(t, "g5.2xlarge", l.InstanceType)
	require.Equal(t, 1, l.TensorParallelSize, "the type's GPUs")
	require.Equal(t, "gpu-inference", l.Pool)
	require.Equal(t, 0, l.MinReplicas, "dev scales to zero")
	require.Equal(t, 1, l.MaxReplicas)
	require.Equal(t, &ActiveHours{Timezone: "UTC", Start: "0 8 * * 1-5", End: "0 20 * * 1-5"}, l.ActiveHours)
	require.Equal(t, 60.0, l.ActiveHours.HoursPerWeek())
	require.True(t, l.Guardrail, "the stack has a guardrail: the server goes behind it")
	require.Equal(t, map[string]int{"gpu-inference": 1}, s.Serving.ServingReserve())

	s, err = Parse("ml-platform", "dev", servingBase("dev", llm(map[string]any{"instanceType": "p5.48xlarge", "nodes": 2, "modelSizeGb": 800})))
	require.NoError(t, err)
	require.Equal(t, "gpu-training", s.Serving.LLMs[0].Pool, "a replica across nodes runs on the EFA pool")
	require.Equal(t, 8, s.Serving.LLMs[0].TensorParallelSize)

	v := servingBase("dev", llm(nil))
	delete(v, KeyBedrock)
	s, err = Parse("ml-platform", "dev", v)
	require.NoError(t, err)
	require.False(t, s.Serving.LLMs[0].Guardrail, "no guardrail to put in front outside prod")
	require.Equal(t, "none stated (dev stack, guardrail: false)", s.Serving.LLMs[0].GuardrailOptOut, "flagged all the same")
}

func TestServingRefused(t *testing.T) {
	cases := []struct {
		name string
		env  string
		llm  map[string]any
		want string
	}{
		{"model too large", "dev", llm(map[string]any{"modelSizeGb": 40}),
			"ml-platform:serving.llms[0].tensorParallelSize: 1 GPU(s) x 1 node(s) of g5.2xlarge hold 22 GB; the model needs 48 GB"},
		{"tensor parallel above the GPUs", "dev", llm(map[string]any{"instanceType": "g5.12xlarge", "tensorParallelSize": 8}),
			"ml-platform:serving.llms[0].tensorParallelSize: 8: g5.12xlarge has 4 GPUs; allowed: 1, 2, 4 or 8, at most 4"},
		{"tensor parallel not a power of two", "dev", llm(map[string]any{"instanceType": "g5.48xlarge", "tensorParallelSize": 3}),
			"tensorParallelSize: 3: g5.48xlarge has 8 GPUs"},
		{"a CPU type", "dev", llm(map[string]any{"instanceType": "m6i.xlarge"}),
			`ml-platform:serving.llms[0].instanceType: "m6i.xlarge" is not an NVIDIA GPU type in the catalog`},
		{"a type the pool does not launch", "dev", llm(map[string]any{"instanceType": "g6.xlarge"}),
			`ml-platform:serving.llms[0].instanceType: "g6.xlarge" is not launched by Karpenter's gpu-inference pool, which runs g5`},
		{"multi-node without EFA", "dev", llm(map[string]any{"instanceType": "g5.2xlarge", "nodes": 2}),
			"ml-platform:serving.llms[0].nodes: 2 nodes of g5.2xlarge: a replica across nodes needs EFA"},
		{"scaling without Prometheus", "dev", llm(map[string]any{"maxReplicas": 3}),
			"ml-platform:serving.llms[0].maxReplicas: 3 replicas scale on vLLM's queue, read from managed Prometheus: enable ml-platform:observability.prometheus"},
		{"more GPUs than the pool", "dev", llm(map[string]any{"instanceType": "g5.48xlarge", "minReplicas": 3}),
			"ml-platform:serving.llms: at maxReplicas the servers on the gpu-inference pool take 24 GPUs, above the pool's limit of 16"},
		{"archived prefix", "dev", llm(map[string]any{"modelPath": "models/llama/"}),
			`ml-platform:serving.llms[0].modelPath: "models/llama/" is under models/`},
		{"not a prefix", "dev", llm(map[string]any{"modelPath": "llm/weights.safetensors"}),
			`ml-platform:serving.llms[0].modelPath: "llm/weights.safetensors" is not a prefix of the models bucket`},
		{"no size", "dev", llm(map[string]any{"modelSizeGb": nil}), "ml-platform:serving.llms[0].modelSizeGb: required"},
		{"a window on a server that never scales to zero", "dev", llm(map[string]any{"minReplicas": 1, "activeHours": map[string]any{"start": "0 7 * * *"}}),
			"ml-platform:serving.llms[0].activeHours: applies to scale-to-zero servers only"},
		{"bad cron", "dev", llm(map[string]any{"activeHours": map[string]any{"start": "8am"}}),
			`ml-platform:serving.llms[0].activeHours.start: "8am" is not a cron expression`},
		{"bad zone", "dev", llm(map[string]any{"activeHours": map[string]any{"timezone": "Mars/Olympus"}}),
			`ml-platform:serving.llms[0].activeHours.timezone: "Mars/Olympus" is not a time zone`},
		{"prod with one replica", "prod", llm(map[string]any{"minReplicas": 1}),
			"ml-platform:serving.llms[0].minReplicas: 1 is weaker than prod allows"},
		{"prod without a guardrail or a reason", "prod", llm(map[string]any{"guardrail": false}),
			"ml-platform:serving.llms[0].guardrail: false is weaker than prod allows without a stated reason"},
		{"a reason with a guardrail", "dev", llm(map[string]any{"guardrailOptOut": "why not"}),
			"ml-platform:serving.llms[0].guardrailOptOut: a server with a guardrail opts out of nothing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("ml-platform", c.env, servingBase(c.env, c.llm))
			require.ErrorContains(t, err, c.want)
		})
	}

	v := servingBase("dev", llm(nil), llm(nil))
	_, err := Parse("ml-platform", "dev", v)
	require.ErrorContains(t, err, `ml-platform:serving.llms[1].name: "assistant" is used by another server`)

	// IAM refuses role names over 64 characters: <project>-<stack>-llm-<name>-gw.
	long := with(servingBase("dev", llm(map[string]any{"name": "a-server-name-of-forty-characters-abcdef"})), KeyEnvironment, "dev")
	_, err = Parse("ml-platform", "dev-eu-west-1", long)
	require.ErrorContains(t, err, `ml-platform:serving.llms[0].name: "a-server-name-of-forty-characters-abcdef" makes the role name `+
		`"ml-platform-dev-eu-west-1-llm-a-server-name-of-forty-characters-abcdef-gw", longer than IAM's 64 characters; allowed: a name of at most 31 characters in this stack`)
	_, err = Parse("ml-platform", "dev", servingBase("dev", llm(map[string]any{"name": "a-server-name-of-forty-characters-abcdef"})))
	require.NoError(t, err, "fits in ml-platform-dev")

	v = servingBase("dev", llm(map[string]any{"guardrail": true}))
	delete(v, KeyBedrock)
	_, err = Parse("ml-platform", "dev", v)
	require.ErrorContains(t, err, "ml-platform:serving.llms[0].guardrail: the gateway applies the stack's Bedrock guardrail, and the stack has none")

	v = servingBase("dev", llm(nil))
	delete(v, KeyStorage)
	_, err = Parse("ml-platform", "dev", v)
	require.ErrorContains(t, err, "ml-platform:serving.llms: servers load their models from the shared model cache on EFS: enable ml-platform:storage.efs")

	// A stated opt-out passes in prod.
	_, err = Parse("ml-platform", "prod", servingBase("prod", llm(map[string]any{"guardrail": false, "guardrailOptOut": "internal batch scoring, no user text"})))
	require.NoError(t, err)
}

func TestServingErrorsInOneOrder(t *testing.T) {
	v := servingBase("dev", llm(map[string]any{"instanceType": "g5.48xlarge", "minReplicas": 3}),
		llm(map[string]any{"name": "second", "instanceType": "p5.48xlarge", "nodes": 2, "maxReplicas": 9}))
	_, first := Parse("ml-platform", "dev", v)
	require.Error(t, first)
	for range 20 {
		_, err := Parse("ml-platform", "dev", v)
		require.Equal(t, first.Error(), err.Error())
	}
	require.Equal(t, 2, strings.Count(first.Error(), "above the pool's limit"), "both pools named, in order:\n%s", first)
}
