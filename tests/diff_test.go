package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
)

func change(changes []offline.Change, path string) (offline.Change, bool) {
	for _, c := range changes {
		if c.Path == path {
			return c, true
		}
	}
	return offline.Change{}, false
}

func changed(d *offline.Diff, key string) (offline.ResourceChange, bool) {
	for _, r := range d.Changed {
		if r.Key == key {
			return r, true
		}
	}
	return offline.ResourceChange{}, false
}

func keys(entries []offline.PlanEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Key)
	}
	return out
}

// TestDiffDevToProd compares the two shipped stacks: what prod configures
// differently, the resources only prod has, the inputs that change, the
// cost and the findings only prod has, each hand-checked.
func TestDiffDevToProd(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	project, devValues := shipped(t, "dev")
	_, prodValues := shipped(t, "prod")
	d := offline.DiffStacks(dev, prod, offline.Merge(project.Defaults, devValues), offline.Merge(project.Defaults, prodValues), true)

	nat, ok := change(d.Config, "ml-platform:network.natGateways")
	require.True(t, ok)
	require.Equal(t, offline.Change{Path: "ml-platform:network.natGateways", From: "single", To: "perAz"}, nat)
	promo, ok := change(d.Config, "ml-platform:promotion.stack")
	require.True(t, ok)
	require.Nil(t, promo.From)
	require.Equal(t, "dev", promo.To)
	_, ok = change(d.Config, "ml-platform:cluster.nodeGroups[name=system].minSize")
	require.True(t, ok, "node groups compare by name")

	require.Contains(t, keys(d.Added), "ml-platform:network:Network$aws:ec2/natGateway:NatGateway::network-nat-us-east-1b", "a NAT per AZ")
	require.Contains(t, keys(d.Removed), "ml-platform:cluster:Cluster$ml-platform:cluster:NodeGroup::cluster-gpu-training")

	system, ok := changed(d, "ml-platform:cluster:Cluster$ml-platform:cluster:NodeGroup$aws:eks/nodeGroup:NodeGroup::cluster-system")
	require.True(t, ok)
	capacity, ok := change(system.Changes, "capacityType")
	require.True(t, ok)
	require.Equal(t, "SPOT", capacity.From)
	require.Equal(t, "ON_DEMAND", capacity.To)

	// A bucket whose name only carries the stack is not renamed once the
	// names are normalized, but its protection changes.
	bucketKey := "ml-platform:storage:Buckets$aws:s3/bucketV2:BucketV2::buckets-models"
	models, ok := changed(d, bucketKey)
	require.True(t, ok)
	_, renamed := change(models.Changes, "bucket")
	require.False(t, renamed, "normalized: ml-platform-{stack}-models-... on both sides")
	protect, ok := change(models.Changes, "(protect)")
	require.True(t, ok)
	require.Equal(t, false, protect.From)
	require.Equal(t, true, protect.To)
	raw := offline.DiffStacks(dev, prod, nil, nil, false)
	rawModels, ok := changed(raw, bucketKey)
	require.True(t, ok)
	name, ok := change(rawModels.Changes, "bucket")
	require.True(t, ok, "--raw compares names as they are")
	require.Contains(t, name.From, "ml-platform-dev-models-")

	require.InDelta(t, prod.Cost.MonthlyUSD-dev.Cost.MonthlyUSD, d.Cost.DeltaUSD, 0.001)
	var sum float64
	for _, c := range d.Cost.Components {
		sum += c.DeltaUSD
	}
	require.InDelta(t, d.Cost.DeltaUSD, sum, 0.01, "the component deltas add up")

	require.Len(t, d.NewFindings, 2, "one per node class (accelerated, training)")
	for _, f := range d.NewFindings {
		require.Equal(t, "karpenter-ami-pinned-prod", f.Policy)
		require.Equal(t, rules.Advisory, f.Level)
	}
	require.Empty(t, d.ResolvedFindings)

	// From a stack to itself nothing differs.
	same := offline.DiffStacks(dev, dev, devValues, devValues, true)
	require.Empty(t, same.Config)
	require.Empty(t, same.Added)
	require.Empty(t, same.Removed)
	require.Empty(t, same.Changed)
	require.Zero(t, same.Cost.DeltaUSD)
}

func TestCLIDiff(t *testing.T) {
	code, out, errOut := cli(t, "diff", "--dir", root, "--from", "dev", "--to", "prod")
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{
		`Offline diff from stack "dev" to stack "prod"`,
		`ml-platform:network.natGateways: "single" -> "perAz"`,
		"+ ml-platform:network:Network$aws:ec2/natGateway:NatGateway::network-nat-us-east-1d",
		"Estimated monthly cost: $",
		"+ [advisory] karpenter-ami-pinned-prod",
	} {
		require.Contains(t, out, want)
	}

	code, out, errOut = cli(t, "diff", "--dir", root, "--from", "dev", "--to", "prod", "--json")
	require.Equal(t, 0, code, errOut)
	var d offline.Diff
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&d))
	require.Equal(t, "prod", d.To)
	require.True(t, d.Normalized)

	code, _, errOut = cli(t, "diff", "--dir", root, "--from", "dev")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "diff needs --from STACK and --to STACK")
}

// TestReport: the pull request comment starts with its marker, has a row
// per stack and the promotion diff, and fits the size it is given.
func TestReport(t *testing.T) {
	code, out, errOut := cli(t, "report", "--dir", root, "--stack", "dev", "--stack", "prod", "--diff", "dev:prod")
	require.Equal(t, 0, code, errOut)
	require.True(t, strings.HasPrefix(out, offline.ReportMarker))
	dev, prod := preview(t, "dev"), preview(t, "prod")
	require.Contains(t, out, fmt.Sprintf("| `dev` | %d | 0 |", len(dev.Resources)))
	require.Contains(t, out, fmt.Sprintf("$%.2f", prod.Cost.MonthlyUSD))
	require.Contains(t, out, "### `dev` → `prod` (the promotion)")
	require.LessOrEqual(t, len(out), offline.DefaultReportBytes)

	code, small, _ := cli(t, "report", "--dir", root, "--stack", "dev", "--stack", "prod", "--diff", "dev:prod", "--max-bytes", "2500")
	require.Equal(t, 0, code)
	require.LessOrEqual(t, len(small), 2500)
	require.True(t, strings.HasPrefix(small, offline.ReportMarker), "the marker survives any cut")

	// Many findings are cut to a count, not dropped silently.
	res := *dev
	res.Violations = nil
	for i := 0; i < 400; i++ {
		res.Violations = append(res.Violations, rules.Violation{Policy: "p", EnforcementLevel: rules.Mandatory, URN: dev.Resources[0].URN,
			Message: strings.Repeat("too long ", 10)})
	}
	md := (&offline.Report{Results: []*offline.Result{&res}}).Markdown(8000)
	require.LessOrEqual(t, len(md), 8000)
	require.Contains(t, md, "**400** ❌")
	require.Contains(t, md, "more (the job summary has them all)")
	require.Len(t, (&offline.Report{Results: []*offline.Result{&res}}).Markdown(0), len((&offline.Report{Results: []*offline.Result{&res}}).Markdown(-1)))

	code, _, errOut = cli(t, "report", "--dir", root, "--stack", "dev", "--diff", "dev:prod")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "two of the --stack names")
}
