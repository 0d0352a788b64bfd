package offline

import (
	"fmt"
	"github.com/ml-platform/ml-platform/internal/mock"
	"math"
	"sort"

	"github.com/ml-platform/ml-platform/catalog"
)

// Cost is the monthly estimate of a plan.
type Cost struct {
	// MonthlyUSD is the sum of the fixed monthly charges of the items.
	MonthlyUSD float64 `json:"monthlyUSD"`
	// Items are the priced resources, sorted by URN. Usage-priced ones carry
	// 0 and say their unit price in Basis.
	Items []CostItem `json:"items"`
	// Basis says where the prices come from (text output only; the JSON
	// shape is fixed by DESIGN.md).
	Basis string `json:"-"`
}

// CostItem is one resource's monthly charge.
type CostItem struct {
	URN        string  `json:"urn"`
	Type       string  `json:"type"`
	MonthlyUSD float64 `json:"monthlyUSD"`
	Basis      string  `json:"basis"`
}

// Estimate prices the fixed monthly charges of a plan from the catalog's
// list prices. Usage charges (data processed, logs ingested) depend on
// traffic, so they are listed with their unit price and counted as 0.
func Estimate(regs []*mock.Registered, region string) Cost {
	p := catalog.Prices
	hours := catalog.HoursPerMonth
	c := Cost{
		Items: []CostItem{},
		Basis: fmt.Sprintf("us-east-1 list prices from the catalog (recorded %s), %.0f hours a month; prices in %s may differ",
			catalog.ServicePricesSource.Recorded, hours, region),
	}
	add := func(r *mock.Registered, usd float64, basis string, args ...any) {
		usd = math.Round(usd*100) / 100
		c.Items = append(c.Items, CostItem{URN: r.URN, Type: r.Type, MonthlyUSD: usd, Basis: fmt.Sprintf(basis, args...)})
		c.MonthlyUSD += usd
	}
	for _, r := range regs {
		if !r.Custom && !r.Remote {
			continue
		}
		switch r.Type {
		case "aws:ec2/natGateway:NatGateway":
			add(r, hours*p.NATGatewayUSDPerHour, "%.0f h x $%.3f/h, plus $%.3f per GB processed", hours, p.NATGatewayUSDPerHour, p.NATGatewayUSDPerGB)
		case "aws:ec2/eip:Eip":
			add(r, hours*p.PublicIPv4USDPerHour, "public IPv4 address: %.0f h x $%.3f/h", hours, p.PublicIPv4USDPerHour)
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			if mock.String(r.Inputs, "vpcEndpointType") != "Interface" {
				continue // gateway endpoints are free
			}
			azs := len(mock.Array(r.Inputs, "subnetIds"))
			add(r, float64(azs)*hours*p.InterfaceEndpointUSDPerHourPerAZ,
				"%d AZ x %.0f h x $%.3f/h, plus $%.3f per GB processed", azs, hours, p.InterfaceEndpointUSDPerHourPerAZ, p.InterfaceEndpointUSDPerGB)
		case "aws:kms/key:Key":
			add(r, p.KMSKeyUSDPerMonth, "$%.2f per key-month, plus requests", p.KMSKeyUSDPerMonth)
		case "aws:cloudwatch/logGroup:LogGroup":
			add(r, 0, "usage: $%.2f per GB ingested, $%.3f per GB-month stored", p.CloudWatchLogsIngestUSDPerGB, p.CloudWatchLogsStorageUSDPerGBMonth)
		case "aws:ec2/flowLog:FlowLog":
			add(r, 0, "usage: $%.2f per GB of flow records delivered", p.VPCFlowLogsUSDPerGB)
		case "aws:eks/nodeGroup:NodeGroup":
			desired := 0.0
			if d, ok := mock.Object(r.Inputs, "scalingConfig")["desiredSize"]; ok && d.IsNumber() {
				desired = d.NumberValue()
			}
			types := mock.Array(r.Inputs, "instanceTypes") // the first type prices the group: keep the order
			if len(types) == 0 || !types[0].IsString() {
				continue
			}
			t, ok := catalog.LookupInstanceType(types[0].StringValue())
			if !ok {
				continue
			}
			capacity := mock.String(r.Inputs, "capacityType")
			basis := "%.0f x %s x %.0f h x $%.3f/h on-demand"
			if capacity == "SPOT" {
				basis += " (spot: an upper bound; spot prices vary)"
			}
			add(r, desired*hours*t.OnDemandUSDPerHour, basis, desired, t.Name, hours, t.OnDemandUSDPerHour)
		case "aws:fsx/lustreFileSystem:LustreFileSystem":
			capacity := 0.0
			if v, ok := r.Inputs["storageCapacity"]; ok && v.IsNumber() {
				capacity = v.NumberValue()
			}
			switch mock.String(r.Inputs, "deploymentType") {
			case "SCRATCH_2":
				add(r, capacity*p.FSxLustreScratch2USDPerGBMonth, "%.0f GiB SCRATCH_2 x $%.3f per GB-month", capacity, p.FSxLustreScratch2USDPerGBMonth)
			case "PERSISTENT_2":
				tier := 0
				if v, ok := r.Inputs["perUnitStorageThroughput"]; ok && v.IsNumber() {
					tier = int(v.NumberValue())
				}
				price, ok := catalog.FSxLustrePersistent2Price(tier)
				if !ok {
					add(r, 0, "PERSISTENT_2 at %d MB/s/TiB: no catalog price (unknown, not free)", tier)
					continue
				}
				basis := "%.0f GiB PERSISTENT_2 at %d MB/s/TiB x $%.3f per GB-month"
				if meta := mock.Object(r.Inputs, "metadataConfiguration"); mock.String(meta, "mode") == "USER_PROVISIONED" {
					basis += ", plus provisioned metadata IOPS (not priced)"
				}
				add(r, capacity*price, basis, capacity, tier, price)
			}
		case "aws:s3/bucketV2:BucketV2":
			add(r, 0, "usage: $%.3f per GB-month in S3 Standard, less in the lifecycle's colder classes", p.S3StandardUSDPerGBMonth)
		case "aws:eks/cluster:Cluster", "eks:index:Cluster":
			add(r, hours*p.EKSClusterUSDPerHour, "control plane: %.0f h x $%.2f/h", hours, p.EKSClusterUSDPerHour)
		}
	}
	sort.Slice(c.Items, func(i, j int) bool { return c.Items[i].URN < c.Items[j].URN })
	c.MonthlyUSD = math.Round(c.MonthlyUSD*100) / 100
	return c
}
