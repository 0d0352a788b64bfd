package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func find(cs []Candidate, name string) (Candidate, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return Candidate{}, false
}

// TestSevenBForInference: a 7B model (14 GB of 16-bit weights) is served
// from one 24 GB-class GPU; the cheapest such type ranks first.
func TestSevenBForInference(t *testing.T) {
	ranked, skipped, rule := Recommend(FitRequest{Workload: Inference, ModelSizeGB: 14})
	require.Contains(t, rule, "14 GB of weights + 20%")
	require.NotEmpty(t, ranked)
	best := ranked[0]
	require.Equal(t, 1, best.Nodes)
	require.Equal(t, 1, best.Type.AcceleratorCount, "one GPU holds it")
	require.InDelta(t, 16.8, best.NeededGB, 0.01)
	for _, c := range ranked[1:] {
		if c.USDPerHour > 0 {
			require.GreaterOrEqual(t, c.USDPerHour, best.USDPerHour, "cheapest first")
		}
	}
	for _, name := range []string{"g5.xlarge", "g6.xlarge"} { // A10G, L4: 24 GB GPUs
		c, ok := find(ranked, name)
		require.True(t, ok, "%s (one 24 GB GPU) holds it", name)
		require.Equal(t, 1, c.Nodes)
		require.Contains(t, c.Why, "1 x "+name+": 1 x NVIDIA")
	}
	trn, ok := find(skipped, "trn1.32xlarge")
	require.True(t, ok)
	require.Contains(t, trn.Why, "Trainium is for training")
	m6i, _ := find(skipped, "m6i.xlarge")
	require.Equal(t, "no accelerator", m6i.Why)
}

// TestSeventyBTraining: a 70B model (140 GB of weights) needs 1344 GB to
// train; without --distributed only the largest single nodes hold it, and
// with it every multi-node answer is EFA-connected multi-GPU nodes.
func TestSeventyBTraining(t *testing.T) {
	single, skipped, _ := Recommend(FitRequest{Workload: Training, ModelSizeGB: 140})
	for _, c := range single {
		require.Equal(t, 1, c.Nodes)
		require.GreaterOrEqual(t, c.HaveGB, 1344.0, c.Name)
	}
	p5, ok := find(skipped, "p5.48xlarge")
	require.True(t, ok)
	require.Equal(t, "needs 3 nodes (640 GB each): pass --distributed to allow EFA-connected nodes", p5.Why)

	ranked, skipped, _ := Recommend(FitRequest{Workload: Training, ModelSizeGB: 140, Distributed: true})
	p5, ok = find(ranked, "p5.48xlarge")
	require.True(t, ok)
	require.Equal(t, 3, p5.Nodes)
	require.InDelta(t, 3*55.04, p5.USDPerHour, 0.01)
	multi := 0
	for _, c := range ranked {
		if c.Nodes > 1 {
			multi++
			require.True(t, c.Type.SupportsEFA(), c.Name)
			require.Greater(t, c.Type.AcceleratorCount, 1, c.Name)
		}
	}
	require.Greater(t, multi, 2)
	g5, ok := find(skipped, "g5.xlarge")
	require.True(t, ok)
	require.Contains(t, g5.Why, "has no EFA to connect them")
	inf, _ := find(skipped, "inf2.48xlarge")
	require.Equal(t, "Inferentia serves models; it does not train them", inf.Why)
}

func TestBudgetExcludesEverything(t *testing.T) {
	ranked, skipped, _ := Recommend(FitRequest{Workload: Training, ModelSizeGB: 140, Distributed: true, MaxUSDPerHour: 1})
	for _, c := range ranked {
		require.Zero(t, c.USDPerHour, "only unpriced types can remain: %s", c.Name)
	}
	p5, _ := find(skipped, "p5.48xlarge")
	require.Contains(t, p5.Why, "above --max-usd-per-hour 1.00")
}

func TestSpotAndRegion(t *testing.T) {
	ranked, _, _ := Recommend(FitRequest{Workload: Inference, ModelSizeGB: 14, Spot: true})
	for i := 1; i < len(ranked); i++ {
		a, b := ranked[i-1], ranked[i]
		pa, pb := a.SpotUSDPerHour, b.SpotUSDPerHour
		if pa == 0 {
			pa = a.USDPerHour
		}
		if pb == 0 {
			pb = b.USDPerHour
		}
		if pa > 0 && pb > 0 {
			require.LessOrEqual(t, pa, pb, "ranked by spot price")
		}
	}
	_, skipped, _ := Recommend(FitRequest{Workload: Training, ModelSizeGB: 14, Region: "eu-west-1"})
	trn, ok := find(skipped, "trn1.32xlarge")
	require.True(t, ok)
	require.Equal(t, "not recorded in eu-west-1", trn.Why)
}

func TestHolds(t *testing.T) {
	g5, _ := LookupInstanceType("g5.xlarge")
	ok, _ := Holds(g5, Inference, 14)
	require.True(t, ok)
	ok, why := Holds(g5, Inference, 40)
	require.False(t, ok)
	require.True(t, strings.HasPrefix(why, "g5.xlarge has 22 GB of accelerator memory; inference: 40 GB of weights"), why)
}
