package catalog

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Workload is what an instance is chosen for.
type Workload string

// Workloads.
const (
	Training  Workload = "training"
	Inference Workload = "inference"
)

// Fit rule factors (FitRuleSource).
const (
	// TrainingFactor is the accelerator memory training needs per GB of
	// 16-bit weights: weights, gradients, an FP32 master copy and Adam's two
	// moments are 16 bytes per parameter against the weights' 2.
	TrainingFactor = 8.0
	// ActivationHeadroom is added on top: activations and buffers when
	// training, the KV cache and activations when serving.
	ActivationHeadroom = 0.2
	// MaxNodes bounds distributed candidates.
	MaxNodes = 64
	// FastNetworkGbpsPerAccelerator is the network per accelerator from
	// which a multi-node job ranks as well connected: p4d's 400 Gbps for 8
	// A100s; below it, gradient traffic bounds the step time.
	FastNetworkGbpsPerAccelerator = 50.0
)

// FitRuleSource says where the fit rule comes from.
var FitRuleSource = Source{
	Description: "Mixed-precision training with Adam keeps 16 bytes per parameter in accelerator memory (2 for 16-bit " +
		"weights, 2 for gradients, 4 for an FP32 master copy, 4 and 4 for Adam's two moments: ZeRO paper, Rajbhandari " +
		"et al. 2020, section 3.1), 8 times the 16-bit weights; serving keeps the weights. Both get 20% for activations " +
		"and (serving) the KV cache, a rule of thumb for moderate batch and context sizes: long contexts need more. " +
		"Multi-node answers with less than 50 Gbps of network per accelerator (p4d's 400 Gbps for 8 A100s) rank after " +
		"the well-connected ones.",
	URL:      "https://arxiv.org/abs/1910.02054",
	Recorded: recorded,
}

// MemoryNeededGB is the accelerator memory a workload needs for a model
// whose 16-bit weights take modelGB, and the rule used.
func MemoryNeededGB(w Workload, modelGB float64) (float64, string) {
	if w == Training {
		return modelGB * TrainingFactor * (1 + ActivationHeadroom),
			fmt.Sprintf("training: %.0f GB of weights x %.0f (weights, gradients, FP32 master copy, Adam moments) + %.0f%% activations",
				modelGB, TrainingFactor, ActivationHeadroom*100)
	}
	return modelGB * (1 + ActivationHeadroom),
		fmt.Sprintf("inference: %.0f GB of weights + %.0f%% for the KV cache and activations", modelGB, ActivationHeadroom*100)
}

// FitRequest is what a workload asks of an instance type.
type FitRequest struct {
	Workload    Workload
	ModelSizeGB float64
	// Distributed allows several nodes, which then need EFA.
	Distributed bool
	// Spot ranks by spot price (the recorded family discount).
	Spot bool
	// Region, when set, keeps types recorded there.
	Region string
	// MaxUSDPerHour, when set, caps the candidate's total price.
	MaxUSDPerHour float64
}

// Candidate is one instance type's answer to a request.
type Candidate struct {
	Type InstanceType `json:"-"`
	Name string       `json:"instanceType"`
	// Nodes is how many instances hold the workload.
	Nodes int `json:"nodes"`
	// NeededGB and HaveGB are the accelerator memory asked and offered.
	NeededGB float64 `json:"neededGB"`
	HaveGB   float64 `json:"haveGB"`
	// USDPerHour is the on-demand price of all nodes; SpotUSDPerHour at the
	// recorded discount (0 when none is recorded); both 0 when unpriced.
	USDPerHour     float64 `json:"usdPerHour"`
	SpotUSDPerHour float64 `json:"spotUsdPerHour"`
	// Why explains the choice or the skip.
	Why string `json:"why"`
	// ReservationUsually says the type is usually obtainable only through
	// a capacity reservation or Capacity Block (ReservationOnlyFamilies).
	ReservationUsually bool `json:"reservationUsually"`
}

// Recommend ranks the catalogued types that hold the workload (cheapest
// first, unpriced last) and says why every other one was skipped.
func Recommend(req FitRequest) (ranked, skipped []Candidate, rule string) {
	needed, rule := MemoryNeededGB(req.Workload, req.ModelSizeGB)
	for _, t := range InstanceTypes() {
		c := Candidate{Type: t, Name: t.Name, NeededGB: round2(needed)}
		perNode := float64(t.AcceleratorCount) * t.AcceleratorMemoryGiB
		skip := func(why string, args ...any) { c.Why = fmt.Sprintf(why, args...); skipped = append(skipped, c) }
		switch {
		case !t.IsAccelerated():
			skip("no accelerator")
			continue
		case req.Workload == Training && t.Accelerator == AcceleratorInferentia:
			skip("Inferentia serves models; it does not train them")
			continue
		case req.Workload == Inference && t.Accelerator == AcceleratorTrainium:
			skip("Trainium is for training (serve on Inferentia or GPUs)")
			continue
		case req.Region != "" && !t.OfferedIn(req.Region):
			skip("not recorded in %s", req.Region)
			continue
		}
		c.Nodes = int(math.Ceil(needed / perNode))
		c.HaveGB = round2(perNode * float64(c.Nodes))
		switch {
		case c.Nodes > 1 && req.Workload == Inference:
			skip("one node has %.0f GB, the model needs %.0f GB: serve it from a larger type", perNode, needed)
			continue
		case c.Nodes > 1 && !req.Distributed:
			skip("needs %d nodes (%.0f GB each): pass --distributed to allow EFA-connected nodes", c.Nodes, perNode)
			continue
		case c.Nodes > 1 && !t.SupportsEFA():
			skip("needs %d nodes but has no EFA to connect them", c.Nodes)
			continue
		case c.Nodes > 1 && t.AcceleratorCount == 1:
			skip("needs %d nodes of one accelerator each: the model's shards would talk over the network, not NVLink or NeuronLink; "+
				"choose a multi-accelerator type", c.Nodes)
			continue
		case c.Nodes > MaxNodes:
			skip("needs %d nodes, above %d", c.Nodes, MaxNodes)
			continue
		}
		c.USDPerHour = round2(t.OnDemandUSDPerHour * float64(c.Nodes))
		if d, ok := LookupSpotDiscount(t.Family()); ok {
			c.SpotUSDPerHour = round2(c.USDPerHour * (1 - d.Discount))
		}
		price := c.USDPerHour
		if req.Spot && c.SpotUSDPerHour > 0 {
			price = c.SpotUSDPerHour
		}
		if req.MaxUSDPerHour > 0 && price > req.MaxUSDPerHour && c.USDPerHour > 0 {
			skip("$%.2f/h for %d node(s), above --max-usd-per-hour %.2f", price, c.Nodes, req.MaxUSDPerHour)
			continue
		}
		c.Why = fmt.Sprintf("%d x %s: %d x %s with %.0f GB each, %.0f GB for %.0f GB needed", c.Nodes, t.Name, t.AcceleratorCount,
			t.AcceleratorModel, t.AcceleratorMemoryGiB, c.HaveGB, needed)
		if c.Nodes > 1 {
			perAcc := float64(t.NetworkBandwidthGbps) / float64(t.AcceleratorCount)
			c.Why += fmt.Sprintf(", %d EFA interfaces and %.0f Gbps per accelerator", t.MaxEFAInterfaces, perAcc)
			if perAcc < FastNetworkGbpsPerAccelerator {
				c.Why += " (below the 50 the fast interconnects give: ranked after them)"
			}
		}
		if t.OnDemandUSDPerHour == 0 {
			c.Why += "; unpriced (no us-east-1 on-demand price recorded)"
		}
		if ReservationUsuallyNeeded(t.Name) {
			c.ReservationUsually = true
			c.Why += "; usually only through a capacity reservation or Capacity Block (docs/configuration.md, Capacity reservations and Capacity Blocks)"
		}
		ranked = append(ranked, c)
	}
	key := func(c Candidate) float64 {
		if req.Spot && c.SpotUSDPerHour > 0 {
			return c.SpotUSDPerHour
		}
		return c.USDPerHour
	}
	slow := func(c Candidate) bool {
		return c.Nodes > 1 && float64(c.Type.NetworkBandwidthGbps)/float64(c.Type.AcceleratorCount) < FastNetworkGbpsPerAccelerator
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		pi, pj := key(ranked[i]), key(ranked[j])
		switch {
		case slow(ranked[i]) != slow(ranked[j]):
			return slow(ranked[j]) // well-connected multi-node answers first
		case (pi == 0) != (pj == 0):
			return pj == 0 // unpriced last
		case pi != pj:
			return pi < pj
		}
		return ranked[i].Nodes < ranked[j].Nodes
	})
	slices.SortStableFunc(skipped, func(a, b Candidate) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return ranked, skipped, rule
}

// Holds says whether one node of a type holds a workload, and why not.
func Holds(t InstanceType, w Workload, modelGB float64) (bool, string) {
	needed, rule := MemoryNeededGB(w, modelGB)
	have := float64(t.AcceleratorCount) * t.AcceleratorMemoryGiB
	if have >= needed {
		return true, ""
	}
	return false, fmt.Sprintf("%s has %.0f GB of accelerator memory; %s needs %.0f GB", t.Name, have, rule, needed)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
