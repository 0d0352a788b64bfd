package spec

import (
	"fmt"
	"math"
	"strings"
)

// LLM is one in-cluster LLM server: config fills it from
// ml-platform:serving.llms (checking the model fits the nodes), the
// workloads package runs vLLM with it.
type LLM struct {
	// Name names the server, its Kubernetes objects and the model it
	// serves (--served-model-name).
	Name string
	// ModelPath is the model's prefix in the stack's models bucket: a
	// Hugging Face directory (config.json, tokenizer, safetensors). It is
	// copied once into the shared model cache (EFS), from which every
	// replica loads it.
	ModelPath string
	// ModelSizeGB is the size of its 16-bit weights, for the fit rule.
	ModelSizeGB float64
	// InstanceType is the GPU type a replica runs on, Nodes how many
	// nodes one replica spans (over EFA with LeaderWorkerSet when more
	// than one), TensorParallelSize the GPUs per node it shards across.
	InstanceType       string
	Nodes              int
	TensorParallelSize int
	// Pool is the Karpenter pool that launches the nodes (derived:
	// gpu-inference for one node, the EFA pool gpu-training for more).
	Pool string
	// MaxModelLen caps the context (--max-model-len); 0 is the model's.
	MaxModelLen int
	// Image is the vLLM image.
	Image string
	// MinReplicas and MaxReplicas bound the replicas; KEDA scales between
	// them on the requests waiting in vLLM's queue, TargetWaitingRequests
	// per replica.
	MinReplicas, MaxReplicas, TargetWaitingRequests int
	// ActiveHours, with MinReplicas 0, keeps one replica up between
	// Start and End (cron expressions in Timezone) and none outside.
	ActiveHours *ActiveHours
	// Guardrail puts a gateway in front that applies the stack's Bedrock
	// guardrail to every request and response; GuardrailOptOut is the
	// stated reason for serving without one (flagged by policy).
	Guardrail       bool
	GuardrailOptOut string
}

// ActiveHours is when a scale-to-zero server keeps a replica up.
type ActiveHours struct {
	Timezone, Start, End string
}

// HoursPerWeek is how many hours a week the window keeps a replica up,
// for the estimate: start and end of the usual shape, "M H * * D-D" (or
// "*" days); 168 for any other shape.
func (a ActiveHours) HoursPerWeek() float64 {
	start, sd, ok1 := hourAndDays(a.Start)
	end, ed, ok2 := hourAndDays(a.End)
	if !ok1 || !ok2 || sd != ed || end <= start {
		return 168
	}
	return math.Round((end-start)*float64(sd)*100) / 100
}

// hourAndDays reads "M H * * days": the hour of day and how many days.
func hourAndDays(expr string) (float64, int, bool) {
	f := strings.Fields(expr)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return 0, 0, false
	}
	var minute, hour, from, to int
	if _, err := fmt.Sscanf(f[0]+" "+f[1], "%d %d", &minute, &hour); err != nil {
		return 0, 0, false
	}
	days := 7
	if f[4] != "*" {
		if _, err := fmt.Sscanf(f[4], "%d-%d", &from, &to); err != nil || to < from {
			return 0, 0, false
		}
		days = to - from + 1
	}
	return float64(hour) + float64(minute)/60, days, true
}
