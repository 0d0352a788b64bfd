package estimate_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/estimate"
)

func res(typ, name string, inputs map[string]any) estimate.Resource {
	return estimate.Resource{URN: "urn:pulumi:dev::ml-platform::" + typ + "::" + name, Type: typ,
		Inputs: resource.FromResourcePropertyMap(resource.NewPropertyMapFromMap(inputs))}
}

func nodeGroup(name, capacity, instanceType string, desired int) estimate.Resource {
	return res("aws:eks/nodeGroup:NodeGroup", name, map[string]any{"capacityType": capacity, "instanceTypes": []any{instanceType},
		"scalingConfig": map[string]any{"desiredSize": desired, "minSize": desired, "maxSize": desired + 2}})
}

// small is a fixed plan whose cost is computed by hand below.
func small() []estimate.Resource {
	return []estimate.Resource{
		res("eks:index:Cluster", "cluster", nil),
		res("aws:ec2/natGateway:NatGateway", "nat", nil),
		res("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", map[string]any{"vpcEndpointType": "Interface", "subnetIds": []any{"a", "b"}}),
		res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", map[string]any{"vpcEndpointType": "Gateway"}),
		res("aws:kms/key:Key", "data", nil),
		nodeGroup("system", "ON_DEMAND", "m6i.xlarge", 2),
		nodeGroup("training", "SPOT", "g5.2xlarge", 1),
		res("aws:s3/bucketV2:BucketV2", "data", nil),
	}
}

// TestSmallPlanByHand: the estimate of a small plan equals the figure
// computed from the list prices by hand.
func TestSmallPlanByHand(t *testing.T) {
	c := estimate.Estimate(small(), estimate.Options{Region: "us-east-1"})
	const hours = 730.0
	g5, _ := catalog.LookupInstanceType("g5.2xlarge")
	m6i, _ := catalog.LookupInstanceType("m6i.xlarge")
	spot, ok := catalog.LookupSpotDiscount("g5")
	require.True(t, ok)
	want := hours*0.10 + // EKS control plane
		hours*0.045 + // NAT gateway
		2*hours*0.01 + // interface endpoint in 2 AZs (the gateway one is free)
		1.00 + // KMS key
		2*hours*m6i.OnDemandUSDPerHour + // on-demand system nodes
		hours*g5.OnDemandUSDPerHour*(1-spot.Discount) // spot training node
	require.InDelta(t, want, c.MonthlyUSD, 0.05)
	require.InDelta(t, 73+32.85+14.6+1+2*hours*0.192+hours*1.212*0.42, c.MonthlyUSD, 0.05,
		"the same sum with the recorded prices written out (m6i.xlarge $0.192/h, g5.2xlarge $1.212/h, g5 spot 58%% off)")

	var sum float64
	for _, item := range c.Items {
		sum += item.MonthlyUSD
	}
	require.InDelta(t, c.MonthlyUSD, sum, 0.005, "items add up to the total")
	require.Len(t, c.Items, 7, "the gateway endpoint is free and not listed")
	require.InDelta(t, hours*g5.OnDemandUSDPerHour*spot.Discount, c.SpotSavingsUSD, 0.01)
	require.InDelta(t, 2*hours*m6i.OnDemandUSDPerHour, c.SteadyEC2USD, 0.01, "Savings Plans apply to the on-demand nodes")
}

// TestSpotAndOnDemand: spot lowers the training group by the recorded
// discount; --on-demand is never below the default.
func TestSpotAndOnDemand(t *testing.T) {
	item := func(c estimate.Cost, name string) estimate.Item {
		for _, i := range c.Items {
			if strings.HasSuffix(i.URN, "::"+name) {
				return i
			}
		}
		t.Fatalf("no item %s", name)
		return estimate.Item{}
	}
	def := estimate.Estimate(small(), estimate.Options{})
	od := estimate.Estimate(small(), estimate.Options{OnDemand: true})
	spot, _ := catalog.LookupSpotDiscount("g5")
	require.InDelta(t, item(od, "training").MonthlyUSD*(1-spot.Discount), item(def, "training").MonthlyUSD, 0.01)
	require.Contains(t, item(def, "training").Basis, "spot at 58% below on-demand")
	require.Equal(t, item(od, "system").MonthlyUSD, item(def, "system").MonthlyUSD, "on-demand nodes are unchanged")
	require.Greater(t, od.MonthlyUSD, def.MonthlyUSD)
	require.InDelta(t, od.MonthlyUSD, def.MonthlyUSD+def.SpotSavingsUSD, 0.02)
	require.Zero(t, od.SpotSavingsUSD)

	// A family without a recorded discount is priced on-demand, and says
	// so; a type without a price is reported, never silently free.
	_, known := catalog.LookupSpotDiscount("m7i")
	require.False(t, known, "pick a family without a recorded discount")
	m7i, ok := catalog.LookupInstanceType("m7i.xlarge")
	require.True(t, ok)
	unknown := estimate.Estimate([]estimate.Resource{nodeGroup("m7i", "SPOT", "m7i.xlarge", 1)}, estimate.Options{})
	require.InDelta(t, 730*m7i.OnDemandUSDPerHour, unknown.MonthlyUSD, 0.01)
	require.Contains(t, unknown.Items[0].Basis, "spot with no recorded discount for m7i: priced on-demand")
	for _, typ := range []string{"x9.huge", "trn2.48xlarge"} { // unknown; catalogued without a us-east-1 price
		unpriced := estimate.Estimate([]estimate.Resource{nodeGroup("x", "SPOT", typ, 1)}, estimate.Options{})
		require.Contains(t, unpriced.Items[0].Basis, "no catalog price (unknown, not free)", typ)
	}
	for _, plan := range [][]estimate.Resource{small(), {nodeGroup("x", "SPOT", "p5.48xlarge", 2)}, {nodeGroup("y", "ON_DEMAND", "g5.xlarge", 3)}} {
		require.GreaterOrEqual(t, estimate.Estimate(plan, estimate.Options{OnDemand: true}).MonthlyUSD,
			estimate.Estimate(plan, estimate.Options{}).MonthlyUSD, "--on-demand is never below the default")
	}
}

func TestSageMakerAndUsage(t *testing.T) {
	endpoint := res("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ep", map[string]any{"productionVariants": []any{
		map[string]any{"instanceType": "ml.m5.xlarge", "initialInstanceCount": 2}}})
	serverless := res("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "sl", map[string]any{"productionVariants": []any{
		map[string]any{"serverlessConfig": map[string]any{"memorySizeInMb": 2048}}}})
	c := estimate.Estimate([]estimate.Resource{endpoint, serverless}, estimate.Options{StackURN: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
		Usage: estimate.Usage{S3GB: map[string]float64{"STANDARD": 1000, "GLACIER_IR": 10000}, LogsGBPerMonth: 10}})
	m5, _ := catalog.LookupSageMakerInstance("ml.m5.xlarge")
	require.InDelta(t, 2*730*m5.HostingUSDPerHour, c.SteadySageMakerUSD, 0.01)
	s3 := 1000*0.023 + 10000*0.004
	logs := 10 * (catalog.Prices.CloudWatchLogsIngestUSDPerGB + catalog.Prices.CloudWatchLogsStorageUSDPerGBMonth)
	require.InDelta(t, 2*730*m5.HostingUSDPerHour+s3+logs, c.MonthlyUSD, 0.02)
	var types []string
	for _, i := range c.Items {
		types = append(types, i.Type)
	}
	require.Contains(t, types, "ml-platform:usage:S3")
	require.Contains(t, types, "ml-platform:usage:CloudWatchLogs")
}

func TestKarpenterWorstCase(t *testing.T) {
	pool := func(limits map[string]any, families []any, capacity []any) estimate.Resource {
		return res("kubernetes:karpenter.sh/v1:NodePool", "gpu", map[string]any{"spec": map[string]any{
			"limits": limits,
			"template": map[string]any{"spec": map[string]any{"requirements": []any{
				map[string]any{"key": "karpenter.sh/capacity-type", "operator": "In", "values": capacity},
				map[string]any{"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": families},
			}}},
		}})
	}
	c := estimate.Estimate([]estimate.Resource{pool(map[string]any{"nvidia.com/gpu": "16", "cpu": "1000"}, []any{"g5"}, []any{"on-demand"})}, estimate.Options{})
	require.Zero(t, c.MonthlyUSD, "a pool costs nothing until it launches nodes")
	var worst float64
	for _, name := range catalog.InstanceTypeNames() {
		it, _ := catalog.LookupInstanceType(name)
		if it.Family() == "g5" && it.AcceleratorCount > 0 {
			worst = math.Max(worst, 16/float64(it.AcceleratorCount)*it.OnDemandUSDPerHour*730)
		}
	}
	require.InDelta(t, worst, c.WorstCaseUSD, 0.02, "16 GPUs of the priciest g5 per GPU")
	spotOnly := estimate.Estimate([]estimate.Resource{pool(map[string]any{"nvidia.com/gpu": "16"}, []any{"g5"}, []any{"spot"})}, estimate.Options{})
	require.Less(t, spotOnly.WorstCaseUSD, c.WorstCaseUSD, "a spot-only pool's worst case is at spot prices")
}

func TestControlPlanePricedOnce(t *testing.T) {
	both := estimate.Estimate([]estimate.Resource{res("eks:index:Cluster", "c", nil), res("aws:eks/cluster:Cluster", "c-eksCluster", nil)}, estimate.Options{})
	require.InDelta(t, 73, both.MonthlyUSD, 0.01, "a real preview shows pulumi-eks's component and its cluster")
}

func TestPipelineRun(t *testing.T) {
	def := `{"Parameters":[{"Name":"T","DefaultValue":"ml.g5.2xlarge"},{"Name":"N","DefaultValue":2}],"Steps":[{"Name":"Train","Type":"Training",` +
		`"Arguments":{"EnableManagedSpotTraining":true,"ResourceConfig":{"InstanceType":{"Get":"Parameters.T"},"InstanceCount":{"Get":"Parameters.N"}},` +
		`"StoppingCondition":{"MaxRuntimeInSeconds":36000}}}]}`
	p := res("aws:sagemaker/pipeline:Pipeline", "p", map[string]any{"pipelineDefinition": def})
	g5, _ := catalog.LookupSageMakerInstance("ml.g5.2xlarge")
	spot, _ := catalog.LookupSpotDiscount("g5")
	c := estimate.Estimate([]estimate.Resource{p}, estimate.Options{})
	require.Zero(t, c.MonthlyUSD, "a run is usage")
	require.Contains(t, c.Items[0].Basis, fmt.Sprintf("per run at most $%.2f", math.Round(2*10*g5.TrainingUSDPerHour*(1-spot.Discount)*100)/100),
		"2 instances x 10 h, on managed spot")
	od := estimate.Estimate([]estimate.Resource{p}, estimate.Options{OnDemand: true})
	require.Contains(t, od.Items[0].Basis, fmt.Sprintf("per run at most $%.2f", 2*10*g5.TrainingUSDPerHour))
}

// TestAlarmsAndDashboards: an alarm is billed per metric it reads (a
// metric math alarm per metric, not per expression), a dashboard monthly.
func TestAlarmsAndDashboards(t *testing.T) {
	c := estimate.Estimate([]estimate.Resource{
		res("aws:cloudwatch/metricAlarm:MetricAlarm", "plain", map[string]any{"metricName": "FreeDataStorageCapacity"}),
		res("aws:cloudwatch/metricAlarm:MetricAlarm", "rate", map[string]any{"metricQueries": []any{
			map[string]any{"id": "errors", "metric": map[string]any{"metricName": "Invocation5XXErrors"}},
			map[string]any{"id": "invocations", "metric": map[string]any{"metricName": "Invocations"}},
			map[string]any{"id": "rate", "expression": "100 * errors / invocations", "returnData": true},
		}}),
		res("aws:cloudwatch/dashboard:Dashboard", "d", map[string]any{"dashboardName": "x"}),
	}, estimate.Options{Region: "us-east-1"})
	byName := map[string]float64{}
	for _, it := range c.Items {
		byName[it.URN[strings.LastIndex(it.URN, ":")+1:]] = it.MonthlyUSD
	}
	require.InDelta(t, 0.10, byName["plain"], 1e-9)
	require.InDelta(t, 0.20, byName["rate"], 1e-9, "two metrics, the expression is free")
	require.InDelta(t, 3.00, byName["d"], 1e-9)
	require.InDelta(t, 3.30, c.MonthlyUSD, 1e-9)
}

// TestReservedCapacityPriced: an On-Demand Capacity Reservation bills at
// the On-Demand rate for every reserved instance, used or not; a Capacity
// Block at its purchase price (On-Demand as an upper bound when unknown);
// neither adds a ceiling (the group cannot grow past its reservation).
func TestReservedCapacityPriced(t *testing.T) {
	p5, _ := catalog.LookupInstanceType("p5.48xlarge")
	group := func(name, capacity string, tags map[string]any) estimate.Resource {
		return res("aws:eks/nodeGroup:NodeGroup", name, map[string]any{"capacityType": capacity, "instanceTypes": []any{"p5.48xlarge"},
			"scalingConfig": map[string]any{"desiredSize": 0, "minSize": 0, "maxSize": 2}, "tags": tags})
	}
	odcr := group("odcr", "ON_DEMAND", map[string]any{"ml-platform:capacity-reservation": "cr-0123456789abcdef0", "ml-platform:reserved-instances": "2"})
	block := group("block", "CAPACITY_BLOCK", map[string]any{"ml-platform:capacity-reservation": "cr-0123456789abcdef1",
		"ml-platform:reserved-instances": "4", "ml-platform:capacity-block-usd-per-hour": "31.5"})
	unpriced := group("unpriced", "CAPACITY_BLOCK", map[string]any{})
	c := estimate.Estimate([]estimate.Resource{odcr, block, unpriced}, estimate.Options{})
	got := map[string]float64{}
	for _, it := range c.Items {
		got[it.URN[strings.LastIndex(it.URN, "::")+2:]] = it.MonthlyUSD
	}
	require.InDelta(t, 2*catalog.HoursPerMonth*p5.OnDemandUSDPerHour, got["odcr"], 0.01, "both reserved instances, none running")
	require.InDelta(t, 4*catalog.HoursPerMonth*31.5, got["block"], 0.01)
	require.InDelta(t, 2*catalog.HoursPerMonth*p5.OnDemandUSDPerHour, got["unpriced"], 0.01, "maxSize instances at On-Demand: an upper bound")
	require.Empty(t, c.Ceilings, "reserved groups cannot grow past their reservation")
}
