package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // activeHours time zones, the same on every machine

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
)

// KeyServing configures in-cluster LLM serving.
const KeyServing = Namespace + ":serving"

// The pools servers run on: one node a replica on the inference pool,
// several on the EFA training pool.
const (
	servingPool   = spec.PoolGPUInference
	multiNodePool = spec.PoolGPUTraining
)

// Serving is the validated serving configuration.
type Serving struct {
	// LLMs are the vLLM servers, in the order given.
	LLMs []LLM
}

// LLM is one validated LLM server; ActiveHours its scale-to-zero window.
type (
	LLM         = spec.LLM
	ActiveHours = spec.ActiveHours
)

var (
	cronField   = `(\*|\d+(-\d+)?(,\d+(-\d+)?)*)(/\d+)?`
	cronPattern = regexp.MustCompile(`^` + cronField + `( ` + cronField + `){4}$`)
	// llmName leaves room for the -gateway, -cache and -leader suffixes.
	llmName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
	// modelPathPattern is a prefix of the models bucket, ending in /.
	modelPathPattern = regexp.MustCompile(`^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$`)
)

// cron checks a five-field cron expression.
var cron = Matching("a cron expression", "five fields (minute hour day-of-month month day-of-week), e.g. \"0 8 * * 1-5\"", cronPattern.MatchString)

// LLMKeys declare one of ml-platform:serving.llms. The tensor-parallel
// size, the pool, the guardrail and the window of a scale-to-zero server
// default from the instance type and the stack (checkServing).
var LLMKeys = []Key{
	{Name: "name", Required: true, Check: Matching("a server name", "2-40 lowercase letters, digits and dashes, starting with a letter", llmName.MatchString),
		Doc: "the server's name: its Kubernetes objects and the model name clients ask for"},
	{Name: "modelPath", Required: true, Check: Matching("a prefix of the models bucket", "a key prefix ending in /, e.g. llm/llama-3.1-8b-instruct/", modelPathPattern.MatchString),
		Doc: "the model's prefix in the stack's models bucket: a Hugging Face directory (config.json, tokenizer, safetensors)"},
	{Name: "modelSizeGb", Field: "ModelSizeGB", Required: true, Check: Check{Allowed: "GB of 16-bit weights, more than 0"}, Doc: "the size of the model's 16-bit weights, for the fit rule"},
	{Name: "instanceType", Default: Always("g5.2xlarge"), Check: nvidiaType(false), Doc: "the GPU type a replica runs on"},
	{Name: "nodes", Default: Always(1), Check: Between(1, 16, "nodes per replica"), Doc: "nodes one replica spans: more than one is LeaderWorkerSet over EFA"},
	{Name: "tensorParallelSize", Derived: "the type's GPUs", Check: Check{Allowed: "1, 2, 4 or 8, at most the type's GPUs"}, Doc: "GPUs per node the model is sharded across"},
	{Name: "maxModelLen", Check: AtLeast(0, "tokens"), Doc: "the longest context served (--max-model-len); 0 is the model's own"},
	{Name: "image", Default: Always(catalog.VLLMImage), Check: Rule("an image reference", func(_ Context, image string) string {
		if image == "" || strings.ContainsAny(image, " \t") {
			return fmt.Sprintf("%q is not an image reference", image)
		}
		return ""
	}), Doc: "the vLLM OpenAI-compatible server image"},
	{Name: "minReplicas", Default: ByEnv(0, 2), Check: Check{Allowed: "0 or more; 2 or more in prod-like stacks"}, Doc: "the fewest replicas (0 scales to zero outside activeHours)"},
	{Name: "maxReplicas", Derived: "minReplicas, at least 1", Check: Check{Allowed: "minReplicas or more, at least 1"}, Doc: "the most replicas KEDA scales to"},
	{Name: "targetWaitingRequests", Default: Always(8), Check: AtLeast(1, "requests"), Doc: "requests waiting in vLLM's queue per replica before KEDA adds one"},
	{Name: "activeHours", Derived: "08:00-20:00 UTC, Monday to Friday, with minReplicas 0", Doc: "when a scale-to-zero server keeps one replica up (08:00-20:00 UTC, Monday to Friday, by default)", Keys: []Key{
		{Name: "timezone", Default: Always("UTC"), Check: Rule("an IANA time zone", func(_ Context, tz string) string {
			if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
				return fmt.Sprintf("%q is not a time zone; allowed: IANA names such as UTC or Europe/Berlin", tz)
			}
			return ""
		}), Doc: "the zone start and end are in"},
		{Name: "start", Default: Always("0 8 * * 1-5"), Check: cron, Doc: "when one replica starts (cron)"},
		{Name: "end", Default: Always("0 20 * * 1-5"), Check: cron, Doc: "when it stops (cron)"},
	}},
	{Name: "guardrail", Derived: "true when the stack has a Bedrock guardrail", Doc: "serve through a gateway that applies the stack's Bedrock guardrail to requests and responses"},
	{Name: "guardrailOptOut", Doc: "why this server has no guardrail in front: required for that in prod-like stacks, and flagged by policy"},
}

// ServingKeys declare ml-platform:serving.
var ServingKeys = []Key{
	{Name: "llms", Field: "LLMs", Keys: LLMKeys, Doc: "vLLM servers on the GPU pools, each with its model, fit and scaling"},
}

// checkServing holds the rules that span keys and areas: the model fits
// the GPUs, the pool can launch the replicas, scaling has its metrics,
// prod has a guardrail in front, and the model cache exists.
func checkServing(c Context, s *Stack, set Set, p *problems) {
	seen := map[string]bool{}
	used := map[string]int{} // GPUs by pool at maxReplicas
	for i := range s.Serving.LLMs {
		l := &s.Serving.LLMs[i]
		key := fmt.Sprintf("%s.llms[%d]", KeyServing, i)
		if seen[l.Name] {
			p.add(key+".name", "%q is used by another server; names must be unique", l.Name)
		}
		seen[l.Name] = true
		// Its gateway's role is the longest name the server gets
		// (platform: <project>-<stack>-llm-<name>-gw).
		if role := c.Project + "-" + c.Stack + "-llm-" + l.Name + "-gw"; len(role) > catalog.IAMRoleNameMax {
			p.add(key+".name", "%q makes the role name %q, longer than IAM's %d characters; allowed: a name of at most %d characters in this stack",
				l.Name, role, catalog.IAMRoleNameMax, catalog.IAMRoleNameMax-len(role)+len(l.Name))
		}
		for _, required := range []string{"name", "modelPath"} {
			if !set[key+"."+required] {
				p.add(key+"."+required, "required")
			}
		}
		if strings.HasPrefix(l.ModelPath, conventions.ModelsArchivePrefix) {
			p.add(key+".modelPath", "%q is under %s, which the models bucket archives to GLACIER: serve from another prefix", l.ModelPath, conventions.ModelsArchivePrefix)
		}
		if l.ModelSizeGB <= 0 {
			p.add(key+".modelSizeGb", "required: the GB of the model's 16-bit weights (about 2 per billion parameters), for the fit rule")
		}
		t, ok := catalog.LookupInstanceType(l.InstanceType)
		if !ok || t.Accelerator != catalog.AcceleratorNvidiaGPU {
			continue // reported by the key's check
		}
		if !set[key+".tensorParallelSize"] {
			l.TensorParallelSize = t.AcceleratorCount
		}
		if tp := l.TensorParallelSize; tp < 1 || tp > t.AcceleratorCount || tp&(tp-1) != 0 {
			p.add(key+".tensorParallelSize", "%d: %s has %d GPUs; allowed: 1, 2, 4 or 8, at most %d (attention heads split evenly)",
				tp, l.InstanceType, t.AcceleratorCount, t.AcceleratorCount)
			continue
		}
		if l.Nodes > 1 && !t.SupportsEFA() {
			p.add(key+".nodes", "%d nodes of %s: a replica across nodes needs EFA, which %s lacks; allowed: 1, or a type with EFA (%s)",
				l.Nodes, l.InstanceType, l.InstanceType, strings.Join(spec.PoolFamilies(multiNodePool), ", "))
		}
		if l.ModelSizeGB > 0 {
			need, rule := catalog.MemoryNeededGB(catalog.Inference, l.ModelSizeGB)
			have := float64(l.TensorParallelSize*l.Nodes) * t.AcceleratorMemoryGiB
			if need > have {
				p.add(key+".tensorParallelSize", "%d GPU(s) x %d node(s) of %s hold %.0f GB; the model needs %.0f GB (%s); allowed: more GPUs per node "+
					"(up to %d), more nodes, or a type with more GPU memory (`go run ./cmd/catalog fit`)",
					l.TensorParallelSize, l.Nodes, l.InstanceType, have, need, rule, t.AcceleratorCount)
			}
		}

		l.Pool = servingPool
		if l.Nodes > 1 {
			l.Pool = multiNodePool
		}
		if !slices.Contains(spec.PoolFamilies(l.Pool), t.Family()) {
			p.add(key+".instanceType", "%q is not launched by Karpenter's %s pool, which runs %s; allowed: a type of those families%s",
				l.InstanceType, l.Pool, strings.Join(spec.PoolFamilies(l.Pool), ", "), map[bool]string{true: " (multi-node replicas run on the EFA pool)", false: ""}[l.Nodes > 1])
		}

		if !set[key+".maxReplicas"] {
			l.MaxReplicas = max(l.MinReplicas, 1)
		}
		switch {
		case l.MinReplicas < 0:
			p.add(key+".minReplicas", "%d; allowed: 0 or more", l.MinReplicas)
		case c.Env.ProdLike() && l.MinReplicas < 2:
			p.add(key+".minReplicas", "%d is weaker than %s allows (one replica is one node failure from an outage); allowed: 2 or more", l.MinReplicas, c.Env)
		}
		if l.MaxReplicas < max(l.MinReplicas, 1) {
			p.add(key+".maxReplicas", "%d; allowed: %d or more (minReplicas, at least 1)", l.MaxReplicas, max(l.MinReplicas, 1))
		}
		if l.MinReplicas == 0 && l.ActiveHours == nil {
			l.ActiveHours = &ActiveHours{Timezone: "UTC", Start: "0 8 * * 1-5", End: "0 20 * * 1-5"}
		}
		if l.MinReplicas > 0 && set[key+".activeHours"] {
			p.add(key+".activeHours", "applies to scale-to-zero servers only; allowed: minReplicas 0, or leave activeHours out")
		}
		if l.MaxReplicas > max(l.MinReplicas, 1) && s.Observability.Prometheus == nil {
			p.add(key+".maxReplicas", "%d replicas scale on vLLM's queue, read from managed Prometheus: enable %s.prometheus, or set maxReplicas to %d",
				l.MaxReplicas, KeyObservability, max(l.MinReplicas, 1))
		}
		used[l.Pool] += l.MaxReplicas * l.Nodes * l.TensorParallelSize

		if !set[key+".guardrail"] {
			l.Guardrail = s.Bedrock.Enabled
		}
		switch {
		case l.Guardrail && !s.Bedrock.Enabled:
			p.add(key+".guardrail", "the gateway applies the stack's Bedrock guardrail, and the stack has none: set %s, or guardrail: false", KeyBedrock)
		case l.Guardrail && l.GuardrailOptOut != "":
			p.add(key+".guardrailOptOut", "a server with a guardrail opts out of nothing; allowed: leave it out, or guardrail: false")
		case !l.Guardrail && c.Env.ProdLike() && strings.TrimSpace(l.GuardrailOptOut) == "":
			p.add(key+".guardrail", "false is weaker than %s allows without a stated reason; allowed: true (a Bedrock guardrail in front), "+
				"or guardrailOptOut: \"<why>\" (flagged by llm-server-guardrail-opt-out)", c.Env)
		case !l.Guardrail && strings.TrimSpace(l.GuardrailOptOut) == "":
			// Outside prod the reason may go unsaid; the policy still
			// flags the server.
			l.GuardrailOptOut = fmt.Sprintf("none stated (%s stack, guardrail: false)", c.Env)
		}
	}
	if len(s.Serving.LLMs) == 0 {
		return
	}
	if s.Storage.EFS == nil {
		p.add(KeyServing+".llms", "servers load their models from the shared model cache on EFS: enable %s.efs", KeyStorage)
	}
	k := s.Cluster.Karpenter
	if !k.Enabled {
		p.add(KeyServing+".llms", "servers run on Karpenter's GPU pools: enable %s.karpenter", KeyCluster)
		return
	}
	limits := map[string]int{servingPool: k.InferenceGPULimit, multiNodePool: k.TrainingGPULimit}
	for _, pool := range slices.Sorted(maps.Keys(used)) {
		if used[pool] > limits[pool] {
			p.add(KeyServing+".llms", "at maxReplicas the servers on the %s pool take %d GPUs, above the pool's limit of %d "+
				"(%s.karpenter); allowed: fewer replicas, or raise the limit with the budget", pool, used[pool], limits[pool], KeyCluster)
		}
	}
}

// ServingReserve is the GPUs the LLM servers may hold at maxReplicas, by
// Karpenter pool: the GPU queues admit only the rest.
func (s Serving) ServingReserve() map[string]int {
	out := map[string]int{}
	for _, l := range s.LLMs {
		out[l.Pool] += l.MaxReplicas * l.Nodes * l.TensorParallelSize
	}
	return out
}
