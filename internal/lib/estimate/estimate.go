// Package estimate prices a plan from the catalog's list prices: the fixed
// monthly charges of every resource, spot capacity at the catalog's
// recorded discount, what steady capacity would cost under Savings Plans,
// and Karpenter's pools filled to their limits as a worst case. The
// offline preview prints it; the budget policy compares it with the
// stack's budget. It reads resources as the policy pack sees them.
package estimate

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Resource is one resource of the plan: its type, URN and inputs.
type Resource struct {
	URN, Type string
	Inputs    property.Map
}

// Usage is what the stack expects to store and log, for the usage-priced
// resources (0 leaves a usage out).
type Usage struct {
	// S3GB is the expected stored GB per storage class: STANDARD,
	// INTELLIGENT_TIERING, GLACIER_IR, GLACIER.
	S3GB map[string]float64
	// LogsGBPerMonth is the CloudWatch Logs ingested a month.
	LogsGBPerMonth float64
}

// Options change how the plan is priced.
type Options struct {
	// Region is where the stack deploys (prices are us-east-1's).
	Region string
	// OnDemand prices spot capacity at on-demand prices.
	OnDemand bool
	// Usage prices storage and logs at the expected volumes.
	Usage Usage
	// StackURN names the usage items.
	StackURN string
}

// Cost is the monthly estimate of a plan.
type Cost struct {
	// MonthlyUSD is the sum of the items.
	MonthlyUSD float64 `json:"monthlyUSD"`
	// Items are the priced resources, sorted by URN. Usage-priced ones carry
	// 0 and say their unit price in Basis.
	Items []Item `json:"items"`
	// Basis says where the prices come from.
	Basis string `json:"-"`
	// SpotSavingsUSD is what spot saves a month against on-demand.
	SpotSavingsUSD float64 `json:"-"`
	// SteadyEC2USD and SteadySageMakerUSD are the on-demand capacity that
	// runs all month, what Savings Plans apply to.
	SteadyEC2USD, SteadySageMakerUSD float64 `json:"-"`
	// WorstCaseUSD is what Karpenter's pools cost a month filled to their
	// limits (on top of MonthlyUSD).
	WorstCaseUSD float64 `json:"-"`
	// Ceilings are what each pool and node group can add an hour beyond
	// the estimate (pools at their limits, groups at their maximum size),
	// sorted by URN: what a stack can spend before its budget sees it.
	Ceilings []Ceiling `json:"ceilings,omitempty"`
}

// Ceiling is what one pool or node group can add an hour beyond the
// estimate when it scales to its bound.
type Ceiling struct {
	URN       string  `json:"urn"`
	HourlyUSD float64 `json:"hourlyUSD"`
	Basis     string  `json:"basis"`
}

// CeilingUSDPerHour is the sum of the ceilings.
func (c Cost) CeilingUSDPerHour() float64 {
	var sum float64
	for _, x := range c.Ceilings {
		sum += x.HourlyUSD
	}
	return round(sum)
}

// Item is one resource's monthly charge.
type Item struct {
	URN        string  `json:"urn"`
	Type       string  `json:"type"`
	MonthlyUSD float64 `json:"monthlyUSD"`
	Basis      string  `json:"basis"`
}

// Estimate prices a plan. Usage charges are listed with their unit price
// and counted at the expected volumes in opts.Usage, else as 0.
func Estimate(rs []Resource, opts Options) Cost {
	p := catalog.Prices
	hours := catalog.HoursPerMonth
	c := Cost{
		Items: []Item{},
		Basis: fmt.Sprintf("us-east-1 list prices from the catalog (recorded %s), %.0f hours a month; prices in %s may differ",
			catalog.ServicePricesSource.Recorded, hours, opts.Region),
	}
	add := func(r Resource, usd float64, basis string, args ...any) {
		usd = round(usd)
		c.Items = append(c.Items, Item{URN: r.URN, Type: r.Type, MonthlyUSD: usd, Basis: fmt.Sprintf(basis, args...)})
		c.MonthlyUSD += usd
	}
	// A real preview shows pulumi-eks's cluster component and the cluster
	// it creates: price the control plane once.
	awsCluster := slices.ContainsFunc(rs, func(r Resource) bool { return r.Type == "aws:eks/cluster:Cluster" })
	for _, r := range rs {
		in := r.Inputs
		if r.Type == "eks:index:Cluster" && awsCluster {
			continue
		}
		switch r.Type {
		case "aws:ec2/natGateway:NatGateway":
			add(r, hours*p.NATGatewayUSDPerHour, "%.0f h x $%.3f/h, plus $%.3f per GB processed", hours, p.NATGatewayUSDPerHour, p.NATGatewayUSDPerGB)
		case "aws:ec2/eip:Eip":
			add(r, hours*p.PublicIPv4USDPerHour, "public IPv4 address: %.0f h x $%.3f/h", hours, p.PublicIPv4USDPerHour)
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			if str(in, "vpcEndpointType") != "Interface" {
				continue // gateway endpoints are free
			}
			azs := len(list(in, "subnetIds"))
			add(r, float64(azs)*hours*p.InterfaceEndpointUSDPerHourPerAZ,
				"%d AZ x %.0f h x $%.3f/h, plus $%.3f per GB processed", azs, hours, p.InterfaceEndpointUSDPerHourPerAZ, p.InterfaceEndpointUSDPerGB)
		case "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint":
			azs := len(list(in, "subnetIds"))
			add(r, float64(azs)*hours*p.InterfaceEndpointUSDPerHourPerAZ, "PrivateLink: %d AZ x %.0f h x $%.3f/h, plus $%.3f per GB processed",
				azs, hours, p.InterfaceEndpointUSDPerHourPerAZ, p.InterfaceEndpointUSDPerGB)
		case "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer":
			size := str(in, "trackingServerSize")
			if size == "" {
				size = "Small"
			}
			add(r, 0, "MLflow tracking server (%s), billed for every hour it runs: no catalog price (unknown, not free; SageMaker pricing, MLflow)", size)
		case "aws:efs/fileSystem:FileSystem":
			add(r, 0, "usage: billed per GB-month stored (less in Infrequent Access) and, with %s throughput, per GB read and written: "+
				"no catalog price (unknown, not free; Amazon EFS pricing)", str(in, "throughputMode"))
		case "aws:kms/key:Key":
			add(r, p.KMSKeyUSDPerMonth, "$%.2f per key-month, plus requests", p.KMSKeyUSDPerMonth)
		case "aws:cloudwatch/metricAlarm:MetricAlarm":
			metrics := 1
			if queries := list(r.Inputs, "metricQueries"); len(queries) > 0 {
				// A metric math alarm is billed per metric it reads.
				metrics = 0
				for _, q := range queries {
					if q.IsMap() && len(mapAt(q.AsMap(), "metric").AsMap()) > 0 {
						metrics++
					}
				}
			}
			add(r, float64(metrics)*p.CloudWatchAlarmUSDPerMetricMonth, "%d metric(s) x $%.2f per alarm metric-month", metrics, p.CloudWatchAlarmUSDPerMetricMonth)
		case "aws:cloudwatch/dashboard:Dashboard":
			add(r, p.CloudWatchDashboardUSDPerMonth, "$%.2f per dashboard-month (an account's first three are free)", p.CloudWatchDashboardUSDPerMonth)
		case "aws:cloudwatch/logGroup:LogGroup":
			add(r, 0, "usage: $%.2f per GB ingested, $%.3f per GB-month stored", p.CloudWatchLogsIngestUSDPerGB, p.CloudWatchLogsStorageUSDPerGBMonth)
		case "aws:ec2/flowLog:FlowLog":
			add(r, 0, "usage: $%.2f per GB of flow records delivered", p.VPCFlowLogsUSDPerGB)
		case "aws:eks/nodeGroup:NodeGroup":
			c.nodeGroup(r, opts, add)
		case "aws:fsx/lustreFileSystem:LustreFileSystem":
			capacity, _ := num(in, "storageCapacity")
			switch str(in, "deploymentType") {
			case "SCRATCH_2":
				add(r, capacity*p.FSxLustreScratch2USDPerGBMonth, "%.0f GiB SCRATCH_2 x $%.3f per GB-month", capacity, p.FSxLustreScratch2USDPerGBMonth)
			case "PERSISTENT_2":
				tier, _ := num(in, "perUnitStorageThroughput")
				price, ok := catalog.FSxLustrePersistent2Price(int(tier))
				if !ok {
					add(r, 0, "PERSISTENT_2 at %.0f MB/s/TiB: no catalog price (unknown, not free)", tier)
					continue
				}
				basis := "%.0f GiB PERSISTENT_2 at %.0f MB/s/TiB x $%.3f per GB-month"
				if str(in, "metadataConfiguration", "mode") == "USER_PROVISIONED" {
					basis += ", plus provisioned metadata IOPS (not priced)"
				}
				add(r, capacity*price, basis, capacity, tier, price)
			}
		case "aws:s3/bucketV2:BucketV2":
			add(r, 0, "usage: $%.3f per GB-month in S3 Standard, less in the lifecycle's colder classes", p.S3StandardUSDPerGBMonth)
		case "aws:eks/cluster:Cluster", "eks:index:Cluster":
			add(r, hours*p.EKSClusterUSDPerHour, "control plane: %.0f h x $%.2f/h", hours, p.EKSClusterUSDPerHour)
		case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
			c.endpointConfig(r, add)
		case "aws:sagemaker/pipeline:Pipeline":
			add(r, 0, "%s", pipelineRunBasis(str(in, "pipelineDefinition"), opts.OnDemand))
		case "aws:sagemaker/domain:Domain":
			add(r, 0, "usage: Studio apps are billed per ml.* instance-hour while they run (idle ones shut down), home directories per EFS GB-month")
		case "aws:sagemaker/featureGroup:FeatureGroup":
			add(r, 0, "usage: online store per read/write request and GB-month, offline store as S3 objects")
		case "aws:opensearch/serverlessCollection:ServerlessCollection":
			standby := str(in, "standbyReplicas") != "DISABLED"
			ocus := catalog.OpenSearchServerlessMinOCUs(standby)
			add(r, ocus*hours*p.OpenSearchServerlessUSDPerOCUHour, "at least %.0f OCU (standby replicas %v) x %.0f h x $%.2f/h, plus storage; more OCUs under load",
				ocus, standby, hours, p.OpenSearchServerlessUSDPerOCUHour)
		case "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput":
			units, _ := num(in, "modelUnits")
			add(r, 0, "%.0f model unit(s) of %s, billed every hour: no catalog price (unknown, not free; check the Bedrock pricing page)",
				units, strings.TrimPrefix(str(in, "modelArn"), "arn:aws:bedrock:"))
		case "aws:bedrock/guardrail:Guardrail":
			add(r, 0, "usage: billed per 1,000 text units each policy evaluates")
		case "aws:amp/workspace:Workspace":
			add(r, 0, "usage: billed per sample ingested, per GB-month stored and per sample queried: no catalog price (check the Amazon Managed Service for Prometheus pricing page)")
		case "aws:grafana/workspace:Workspace":
			add(r, catalog.GrafanaEditorUSDPerMonth, "one active admin at $%.0f a month (every editor or admin who signs in or calls the API in a month: $%.0f, a viewer: $%.0f)",
				catalog.GrafanaEditorUSDPerMonth, catalog.GrafanaEditorUSDPerMonth, catalog.GrafanaViewerUSDPerMonth)
		case "aws:amp/scraper:Scraper":
			add(r, 0, "usage: a managed collector is billed per collector-hour and per sample it collects: no catalog price (unknown, not free)")
		case "aws:bedrock/inferenceProfile:InferenceProfile":
			add(r, 0, "usage: the model's on-demand token prices")
		case "kubernetes:karpenter.sh/v1:NodePool":
			c.nodePool(r, opts, add)
		case "kubernetes:apps/v1:Deployment", "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet":
			if str(in, "metadata", "labels", conventions.LabelAppComponent) == conventions.ComponentLLMServer {
				llmServer(r, add)
			}
		}
	}
	c.usage(opts, add)
	sort.Slice(c.Items, func(i, j int) bool { return c.Items[i].URN < c.Items[j].URN })
	c.MonthlyUSD = round(c.MonthlyUSD)
	c.SpotSavingsUSD = round(c.SpotSavingsUSD)
	c.WorstCaseUSD = round(c.WorstCaseUSD)
	sort.Slice(c.Ceilings, func(i, j int) bool { return c.Ceilings[i].URN < c.Ceilings[j].URN })
	return c
}

// nodeGroup prices a managed node group at its desired size (its first
// instance type), spot at the catalog's discount for the family.
func (c *Cost) nodeGroup(r Resource, opts Options, add func(Resource, float64, string, ...any)) {
	hours := catalog.HoursPerMonth
	desired, _ := num(r.Inputs, "scalingConfig", "desiredSize")
	minSize, _ := num(r.Inputs, "scalingConfig", "minSize")
	maxSize, _ := num(r.Inputs, "scalingConfig", "maxSize")
	types := list(r.Inputs, "instanceTypes") // the first type prices the group: keep the order
	if len(types) == 0 || !types[0].IsString() {
		return
	}
	t, ok := catalog.LookupInstanceType(types[0].AsString())
	if !ok || t.OnDemandUSDPerHour == 0 {
		add(r, 0, "%.0f x %s: no catalog price (unknown, not free)", desired, types[0].AsString())
		return
	}
	// Reserved capacity bills whether it runs or not, and a group
	// targeting it cannot grow past it: priced at its size, no ceiling.
	if reservation := str(r.Inputs, "tags", conventions.TagCapacityReservation); reservation != "" ||
		str(r.Inputs, "capacityType") == catalog.CapacityTypeCapacityBlock {
		instances, _ := strconv.ParseFloat(str(r.Inputs, "tags", conventions.TagReservedInstances), 64)
		if instances == 0 {
			instances = maxSize
		}
		if str(r.Inputs, "capacityType") == catalog.CapacityTypeCapacityBlock {
			rate, _ := strconv.ParseFloat(str(r.Inputs, "tags", conventions.TagCapacityBlockUSDPerHour), 64)
			basis := "the block's price"
			if rate == 0 {
				rate, basis = t.OnDemandUSDPerHour, "the On-Demand price as an upper bound (set capacityReservation.usdPerHour to the block's)"
			}
			add(r, instances*hours*rate, "%.0f x %s in a Capacity Block for ML (prepaid at purchase) x %.0f h x $%.3f/h, %s, while the block lasts",
				instances, t.Name, hours, rate, basis)
			return
		}
		od := instances * hours * t.OnDemandUSDPerHour
		c.SteadyEC2USD += od
		add(r, od, "%.0f x %s reserved (%s) x %.0f h x $%.3f/h: billed at the On-Demand rate whether used or not", instances, t.Name,
			reservation, hours, t.OnDemandUSDPerHour)
		return
	}
	onDemand := desired * hours * t.OnDemandUSDPerHour
	if extra := maxSize - desired; extra > 0 {
		hourly, how := t.OnDemandUSDPerHour, "on-demand"
		if d, known := catalog.LookupSpotDiscount(t.Family()); known && str(r.Inputs, "capacityType") == "SPOT" && !opts.OnDemand {
			hourly, how = hourly*(1-d.Discount), "spot"
		}
		c.Ceilings = append(c.Ceilings, Ceiling{URN: r.URN, HourlyUSD: round(extra * hourly),
			Basis: fmt.Sprintf("%.0f more %s up to maxSize %.0f, %s", extra, t.Name, maxSize, how)})
	}
	size := fmt.Sprintf("%.0f (min %.0f) x %s x %.0f h x $%.3f/h", desired, minSize, t.Name, hours, t.OnDemandUSDPerHour)
	if str(r.Inputs, "capacityType") != "SPOT" {
		c.SteadyEC2USD += onDemand
		add(r, onDemand, "%s on-demand", size)
		return
	}
	d, known := catalog.LookupSpotDiscount(t.Family())
	switch {
	case opts.OnDemand:
		add(r, onDemand, "%s, spot priced on-demand (--on-demand)", size)
	case !known:
		add(r, onDemand, "%s, spot with no recorded discount for %s: priced on-demand", size, t.Family())
	default:
		spot := onDemand * (1 - d.Discount)
		c.SpotSavingsUSD += onDemand - spot
		add(r, spot, "%s, spot at %.0f%% below on-demand (%s)", size, d.Discount*100, d.Basis)
	}
}

// endpointConfig prices the instances an endpoint configuration starts
// with (the scaling minimum, at least one) at the catalog's hosting price;
// serverless variants are usage.
func (c *Cost) endpointConfig(r Resource, add func(Resource, float64, string, ...any)) {
	hours := catalog.HoursPerMonth
	var usd float64
	var parts []string
	for _, v := range list(r.Inputs, "productionVariants") {
		if !v.IsMap() {
			continue
		}
		variant := v.AsMap()
		if _, ok := variant.GetOk("serverlessConfig"); ok {
			parts = append(parts, "serverless: usage, billed per GB-second of memory while serving and per GB processed (not in the catalog)")
			continue
		}
		typ := str(variant, "instanceType")
		count, _ := num(variant, "initialInstanceCount")
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
	c.SteadySageMakerUSD += usd
	add(r, usd, "%s", strings.Join(parts, "; "))
}

// nodePool adds what a Karpenter pool costs filled to its accelerator (or
// CPU) limit, with the priciest instance per unit it may launch, to the
// worst case; the pool itself costs nothing until it launches nodes.
func (c *Cost) nodePool(r Resource, opts Options, add func(Resource, float64, string, ...any)) {
	spec := mapAt(r.Inputs, "spec")
	limits := mapAt(spec, "limits")
	var families, types, capacity []string
	for _, req := range list(spec, "template", "spec", "requirements") {
		if !req.IsMap() {
			continue
		}
		values := strs(req.AsMap(), "values")
		switch str(req.AsMap(), "key") {
		case "karpenter.k8s.aws/instance-family":
			families = values
		case "node.kubernetes.io/instance-type":
			types = values
		case "karpenter.sh/capacity-type":
			capacity = values
		}
	}
	offered := func(t catalog.InstanceType) bool {
		return (len(families) == 0 || slices.Contains(families, t.Family())) && (len(types) == 0 || slices.Contains(types, t.Name))
	}
	spotOnly := len(capacity) > 0 && !slices.Contains(capacity, "on-demand") && !opts.OnDemand
	worst, unit, limit, priciest := 0.0, "", 0.0, ""
	for _, resource := range []string{"nvidia.com/gpu", "aws.amazon.com/neuron", "cpu"} {
		l, ok := quantity(limits, resource)
		if !ok || l == 0 {
			continue
		}
		for _, name := range catalog.InstanceTypeNames() {
			t, _ := catalog.LookupInstanceType(name)
			per := float64(t.AcceleratorCount)
			if resource == "cpu" {
				per = float64(t.VCPUs)
			}
			if !offered(t) || per == 0 || t.OnDemandUSDPerHour == 0 || (resource != "cpu" && t.AcceleratorCount == 0) {
				continue
			}
			price := t.OnDemandUSDPerHour
			if d, ok := catalog.LookupSpotDiscount(t.Family()); ok && spotOnly {
				price *= 1 - d.Discount
			}
			if usd := l / per * price * catalog.HoursPerMonth; usd > worst {
				worst, unit, limit, priciest = usd, resource, l, name
			}
		}
		break // the accelerator limit binds first; cpu only for CPU pools
	}
	if worst == 0 {
		add(r, 0, "launches nodes on demand: no limit the catalog can price")
		return
	}
	c.WorstCaseUSD += worst
	capacityNote := "on-demand"
	if spotOnly {
		capacityNote = "spot"
	}
	c.Ceilings = append(c.Ceilings, Ceiling{URN: r.URN, HourlyUSD: round(worst / catalog.HoursPerMonth),
		Basis: fmt.Sprintf("%s limit %.0f as %s, %s", unit, limit, priciest, capacityNote)})
	add(r, 0, "0 until it launches nodes; worst case $%.2f a month at its %s limit of %.0f (%s, the priciest per unit, %s)",
		round(worst), unit, limit, priciest, capacityNote)
}

// usage prices the expected storage and logs as stack-level items.
func (c *Cost) usage(opts Options, add func(Resource, float64, string, ...any)) {
	p := catalog.Prices
	if len(opts.Usage.S3GB) > 0 {
		var usd float64
		var parts []string
		for _, class := range slices.Sorted(maps.Keys(opts.Usage.S3GB)) {
			gb := opts.Usage.S3GB[class]
			price, ok := catalog.S3StoragePrice(class)
			if !ok || gb == 0 {
				continue
			}
			usd += gb * price
			parts = append(parts, fmt.Sprintf("%.0f GB %s x $%.4f", gb, class, price))
		}
		if len(parts) > 0 {
			add(Resource{URN: opts.StackURN + "::usage:s3", Type: "ml-platform:usage:S3"}, usd, "expected storage: %s per GB-month", strings.Join(parts, ", "))
		}
	}
	if gb := opts.Usage.LogsGBPerMonth; gb > 0 {
		add(Resource{URN: opts.StackURN + "::usage:logs", Type: "ml-platform:usage:CloudWatchLogs"},
			gb*(p.CloudWatchLogsIngestUSDPerGB+p.CloudWatchLogsStorageUSDPerGBMonth),
			"expected logs: %.0f GB a month x ($%.2f ingested + $%.3f stored the first month)", gb, p.CloudWatchLogsIngestUSDPerGB, p.CloudWatchLogsStorageUSDPerGBMonth)
	}
}

func round(usd float64) float64 { return math.Round(usd*100) / 100 }

// llmServer prices what KEDA keeps of an LLM server: its minimum
// replicas all month, or one replica for its active hours when it scales
// to zero; each replica its nodes' share of GPUs of the instance type, on
// demand. Scaling out is priced by its pool's worst case.
func llmServer(r Resource, add func(Resource, float64, string, ...any)) {
	pod, nodes := mapAt(r.Inputs, "spec", "template", "spec"), 1.0
	if r.Type != "kubernetes:apps/v1:Deployment" {
		pod = mapAt(r.Inputs, "spec", "leaderWorkerTemplate", "leaderTemplate", "spec")
		if n, ok := quantity(mapAt(r.Inputs, "spec", "leaderWorkerTemplate"), "size"); ok {
			nodes = n
		}
	}
	typ := str(pod, "nodeSelector", "node.kubernetes.io/instance-type")
	t, ok := catalog.LookupInstanceType(typ)
	var gpus float64
	for _, c := range list(pod, "containers") {
		if c.IsMap() {
			if n, ok := quantity(mapAt(c.AsMap(), "resources", "limits"), "nvidia.com/gpu"); ok {
				gpus += n
			}
		}
	}
	if !ok || t.AcceleratorCount == 0 || t.OnDemandUSDPerHour == 0 {
		add(r, 0, "an LLM server on %q, which the catalog cannot price", typ)
		return
	}
	share := min(gpus/float64(t.AcceleratorCount), 1)
	replicas, _ := quantity(mapAt(r.Inputs, "metadata", "annotations"), conventions.AnnotationMinReplicas)
	hours := catalog.HoursPerMonth
	window := ""
	if replicas == 0 {
		active, ok := quantity(mapAt(r.Inputs, "metadata", "annotations"), conventions.AnnotationActiveHours)
		if !ok {
			add(r, 0, "scales to zero: 0 until it serves")
			return
		}
		replicas, hours = 1, active*catalog.HoursPerMonth/168
		window = fmt.Sprintf(" (its active hours, %.0f a week)", active)
	}
	add(r, replicas*nodes*share*hours*t.OnDemandUSDPerHour, "%.0f replica(s) x %.0f node(s) x %.2f of %s x %.0f h%s x $%.3f/h, on demand; more replicas from its pool",
		replicas, nodes, share, typ, hours, window, t.OnDemandUSDPerHour)
}
