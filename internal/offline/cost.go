package offline

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/mock"
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
		case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
			priceEndpointConfig(r, add)
		case "aws:sagemaker/pipeline:Pipeline":
			add(r, 0, "%s", pipelineRunBasis(mock.String(r.Inputs, "pipelineDefinition")))
		case "aws:sagemaker/domain:Domain":
			add(r, 0, "usage: Studio apps are billed per ml.* instance-hour while they run (idle ones shut down), home directories per EFS GB-month")
		case "aws:sagemaker/featureGroup:FeatureGroup":
			add(r, 0, "usage: online store per read/write request and GB-month, offline store as S3 objects")
		case "aws:opensearch/serverlessCollection:ServerlessCollection":
			standby := mock.String(r.Inputs, "standbyReplicas") != "DISABLED"
			ocus := catalog.OpenSearchServerlessMinOCUs(standby)
			add(r, ocus*hours*p.OpenSearchServerlessUSDPerOCUHour, "at least %.0f OCU (standby replicas %v) x %.0f h x $%.2f/h, plus storage; more OCUs under load",
				ocus, standby, hours, p.OpenSearchServerlessUSDPerOCUHour)
		case "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint":
			azs := len(mock.Array(r.Inputs, "subnetIds"))
			add(r, float64(azs)*hours*p.InterfaceEndpointUSDPerHourPerAZ, "PrivateLink: %d AZ x %.0f h x $%.3f/h, plus $%.3f per GB processed",
				azs, hours, p.InterfaceEndpointUSDPerHourPerAZ, p.InterfaceEndpointUSDPerGB)
		case "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput":
			units := 0.0
			if v, ok := r.Inputs["modelUnits"]; ok && v.IsNumber() {
				units = v.NumberValue()
			}
			add(r, 0, "%.0f model unit(s) of %s, billed every hour: no catalog price (unknown, not free; check the Bedrock pricing page)",
				units, strings.TrimPrefix(mock.String(r.Inputs, "modelArn"), "arn:aws:bedrock:"))
		case "aws:bedrock/guardrail:Guardrail":
			add(r, 0, "usage: billed per 1,000 text units each policy evaluates")
		case "aws:bedrock/inferenceProfile:InferenceProfile":
			add(r, 0, "usage: the model's on-demand token prices")
		case "aws:eks/cluster:Cluster", "eks:index:Cluster":
			add(r, hours*p.EKSClusterUSDPerHour, "control plane: %.0f h x $%.2f/h", hours, p.EKSClusterUSDPerHour)
		}
	}
	sort.Slice(c.Items, func(i, j int) bool { return c.Items[i].URN < c.Items[j].URN })
	c.MonthlyUSD = math.Round(c.MonthlyUSD*100) / 100
	return c
}

// priceEndpointConfig prices the instances an endpoint configuration starts
// with (the scaling minimum, at least one) at the catalog's hosting price;
// serverless variants are usage.
func priceEndpointConfig(r *mock.Registered, add func(*mock.Registered, float64, string, ...any)) {
	hours := catalog.HoursPerMonth
	var usd float64
	var parts []string
	for _, v := range mock.Array(r.Inputs, "productionVariants") {
		variant := v.ObjectValue()
		if _, ok := variant["serverlessConfig"]; ok {
			parts = append(parts, "serverless: usage, billed per GB-second of memory while serving and per GB processed (not in the catalog)")
			continue
		}
		typ := mock.String(variant, "instanceType")
		count := 0.0
		if c, ok := variant["initialInstanceCount"]; ok && c.IsNumber() {
			count = c.NumberValue()
		}
		t, ok := catalog.LookupSageMakerInstance(typ)
		if !ok || t.HostingUSDPerHour == 0 {
			parts = append(parts, fmt.Sprintf("%.0f x %s: no catalog hosting price (unknown, not free)", count, typ))
			continue
		}
		usd += count * hours * t.HostingUSDPerHour
		parts = append(parts, fmt.Sprintf("%.0f x %s x %.0f h x $%.3f/h hosting (the scaling minimum; more when scaled out)", count, typ, hours, t.HostingUSDPerHour))
	}
	if len(parts) == 0 {
		return
	}
	add(r, usd, "%s", strings.Join(parts, "; "))
}

// pipelineRunBasis states what one run of a pipeline costs at most: each
// training or tuning job's instances for its maximum runtime, at the
// catalog's training price (managed spot is cheaper: an upper bound).
func pipelineRunBasis(definition string) string {
	var def struct {
		Parameters []struct {
			Name         string
			DefaultValue any
		}
		Steps []map[string]any
	}
	if json.Unmarshal([]byte(definition), &def) != nil {
		return "usage: billed per job instance-hour when it runs"
	}
	params := map[string]any{}
	for _, p := range def.Parameters {
		params["Parameters."+p.Name] = p.DefaultValue
	}
	resolve := func(v any) any {
		if m, ok := v.(map[string]any); ok {
			if path, ok := m["Get"].(string); ok {
				return params[path]
			}
		}
		return v
	}
	var parts []string
	var total float64
	var visit func(steps []map[string]any)
	visit = func(steps []map[string]any) {
		for _, step := range steps {
			args, _ := step["Arguments"].(map[string]any)
			jobs := 1.0
			switch step["Type"] {
			case "Training":
			case "Tuning":
				cfg, _ := args["HyperParameterTuningJobConfig"].(map[string]any)
				limits, _ := cfg["ResourceLimits"].(map[string]any)
				if n, ok := limits["MaxNumberOfTrainingJobs"].(float64); ok {
					jobs = n
				}
				args, _ = args["TrainingJobDefinition"].(map[string]any)
			case "Condition":
				for _, branch := range []string{"IfSteps", "ElseSteps"} {
					nested, _ := args[branch].([]any)
					var ms []map[string]any
					for _, n := range nested {
						if m, ok := n.(map[string]any); ok {
							ms = append(ms, m)
						}
					}
					visit(ms)
				}
				continue
			default:
				continue
			}
			rc, _ := args["ResourceConfig"].(map[string]any)
			typ, _ := resolve(rc["InstanceType"]).(string)
			count, _ := resolve(rc["InstanceCount"]).(float64)
			stop, _ := args["StoppingCondition"].(map[string]any)
			seconds, _ := resolve(stop["MaxRuntimeInSeconds"]).(float64)
			t, ok := catalog.LookupSageMakerInstance(typ)
			if !ok || t.TrainingUSDPerHour == 0 {
				parts = append(parts, fmt.Sprintf("%s on %s: no catalog training price", step["Name"], typ))
				continue
			}
			usd := jobs * count * seconds / 3600 * t.TrainingUSDPerHour
			total += usd
			what := fmt.Sprintf("%s %.0f x %s x %.0f h x $%.3f/h", step["Name"], count, typ, seconds/3600, t.TrainingUSDPerHour)
			if jobs > 1 {
				what = fmt.Sprintf("%s %.0f jobs x %.0f x %s x %.0f h x $%.3f/h", step["Name"], jobs, count, typ, seconds/3600, t.TrainingUSDPerHour)
			}
			if spot, _ := args["EnableManagedSpotTraining"].(bool); spot {
				what += " on-demand (managed spot: less)"
			}
			parts = append(parts, what)
		}
	}
	visit(def.Steps)
	if len(parts) == 0 {
		return "usage: billed per processing job instance-hour when it runs"
	}
	return fmt.Sprintf("usage, per run at most $%.2f: %s, plus processing jobs", math.Round(total*100)/100, strings.Join(parts, "; "))
}
