package catalog

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/stretchr/testify/require"
)

// requiredInstanceTypes are the types other packages and the docs rely on.
var requiredInstanceTypes = []string{
	"p5.48xlarge", "p4d.24xlarge", "p4de.24xlarge", "p3.8xlarge", "p3.16xlarge",
	"g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.12xlarge", "g5.16xlarge", "g5.24xlarge", "g5.48xlarge",
	"g4dn.xlarge", "g4dn.12xlarge",
	"trn1.32xlarge", "trn1n.32xlarge", "trn1.2xlarge",
	"inf2.xlarge", "inf2.8xlarge", "inf2.48xlarge",
	"m6i.large", "m6i.xlarge", "m6i.2xlarge", "m7i.xlarge", "c6i.4xlarge",
}

func TestRequiredInstanceTypesPresent(t *testing.T) {
	for _, name := range requiredInstanceTypes {
		_, ok := LookupInstanceType(name)
		require.True(t, ok, "instance type %s missing from catalog", name)
	}
}

func TestInstanceTypeInvariants(t *testing.T) {
	namePattern := regexp.MustCompile(`^[a-z][a-z0-9-]*\.[0-9]*[a-z]+$`)
	for _, it := range InstanceTypes() {
		t.Run(it.Name, func(t *testing.T) {
			require.Regexp(t, namePattern, it.Name)
			// Prices are us-east-1's: a type sold there has one; one that
			// is not has none (unpriced, never guessed).
			require.Equal(t, it.OfferedIn("us-east-1"), it.OnDemandUSDPerHour > 0, "price")
			require.Positive(t, it.VCPUs, "vCPUs")
			require.Positive(t, it.MemoryGiB, "memory")
			require.Positive(t, it.NetworkCards, "network cards")
			require.Positive(t, it.NetworkBandwidthGbps, "bandwidth")
			require.GreaterOrEqual(t, it.MaxEFAInterfaces, 0)
			require.LessOrEqual(t, it.MaxEFAInterfaces, it.NetworkCards, "one EFA interface per network card at most")
			require.Equal(t, it.MaxEFAInterfaces > 0, it.SupportsEFA())
			require.InDelta(t, it.OnDemandUSDPerHour*730, it.OnDemandUSDPerMonth(), 1e-9)

			switch it.Accelerator {
			case AcceleratorNone:
				require.False(t, it.IsAccelerated())
				require.Zero(t, it.AcceleratorCount)
				require.Empty(t, it.AcceleratorModel)
				require.Equal(t, AMIAL2023Standard, it.AMIType)
			case AcceleratorNvidiaGPU:
				require.True(t, it.IsAccelerated())
				require.Positive(t, it.AcceleratorCount)
				require.True(t, strings.HasPrefix(it.AcceleratorModel, "NVIDIA "), it.AcceleratorModel)
				require.Equal(t, AMIAL2023Nvidia, it.AMIType)
			case AcceleratorTrainium, AcceleratorInferentia:
				require.True(t, it.IsAccelerated())
				require.Positive(t, it.AcceleratorCount)
				require.True(t, strings.HasPrefix(it.AcceleratorModel, "AWS "), it.AcceleratorModel)
				require.Equal(t, AMIAL2023Neuron, it.AMIType)
			default:
				t.Fatalf("unknown accelerator %q", it.Accelerator)
			}
			if it.IsAccelerated() {
				require.NotEqual(t, AMIAL2023Standard, it.AMIType)
				require.Positive(t, it.AcceleratorMemoryGiB, "accelerator memory")
			} else {
				require.Zero(t, it.AcceleratorMemoryGiB)
			}
			require.Equal(t, FamilyAccelerator(it.Family()), it.Accelerator, "the family rule agrees with the catalog")

			require.NotEmpty(t, it.Regions, "every type is offered somewhere")
			require.True(t, slices.IsSorted(it.Regions), "regions sorted: %v", it.Regions)
			require.Len(t, slices.Compact(slices.Clone(it.Regions)), len(it.Regions), "regions unique")
			for _, r := range it.Regions {
				require.True(t, KnownRegion(r), "region %s is not in Regions()", r)
				require.True(t, it.OfferedIn(r))
			}
		})
	}
}

func TestInstanceTypeFacts(t *testing.T) {
	tests := []struct {
		name        string
		accelerator Accelerator
		count       int
		efa         int
		cards       int
		ami         AMIType
	}{
		{"p5.48xlarge", AcceleratorNvidiaGPU, 8, 32, 32, AMIAL2023Nvidia},
		{"p5en.48xlarge", AcceleratorNvidiaGPU, 8, 16, 16, AMIAL2023Nvidia},
		{"p4d.24xlarge", AcceleratorNvidiaGPU, 8, 4, 4, AMIAL2023Nvidia},
		{"p4de.24xlarge", AcceleratorNvidiaGPU, 8, 4, 4, AMIAL2023Nvidia},
		{"p3.16xlarge", AcceleratorNvidiaGPU, 8, 0, 1, AMIAL2023Nvidia},
		{"trn1.32xlarge", AcceleratorTrainium, 16, 8, 8, AMIAL2023Neuron},
		{"trn1n.32xlarge", AcceleratorTrainium, 16, 16, 16, AMIAL2023Neuron},
		{"trn1.2xlarge", AcceleratorTrainium, 1, 0, 1, AMIAL2023Neuron},
		{"inf2.xlarge", AcceleratorInferentia, 1, 0, 1, AMIAL2023Neuron},
		{"inf2.8xlarge", AcceleratorInferentia, 1, 0, 1, AMIAL2023Neuron},
		{"inf2.48xlarge", AcceleratorInferentia, 12, 0, 1, AMIAL2023Neuron},
		{"g4dn.xlarge", AcceleratorNvidiaGPU, 1, 0, 1, AMIAL2023Nvidia},
		{"g4dn.12xlarge", AcceleratorNvidiaGPU, 4, 1, 1, AMIAL2023Nvidia},
		{"g5.xlarge", AcceleratorNvidiaGPU, 1, 0, 1, AMIAL2023Nvidia},
		{"g5.4xlarge", AcceleratorNvidiaGPU, 1, 0, 1, AMIAL2023Nvidia},
		{"g5.8xlarge", AcceleratorNvidiaGPU, 1, 1, 1, AMIAL2023Nvidia},
		{"g5.12xlarge", AcceleratorNvidiaGPU, 4, 1, 1, AMIAL2023Nvidia},
		{"g5.48xlarge", AcceleratorNvidiaGPU, 8, 1, 1, AMIAL2023Nvidia},
		{"m6i.large", AcceleratorNone, 0, 0, 1, AMIAL2023Standard},
		{"c6i.4xlarge", AcceleratorNone, 0, 0, 1, AMIAL2023Standard},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it, ok := LookupInstanceType(tc.name)
			require.True(t, ok)
			require.Equal(t, tc.accelerator, it.Accelerator)
			require.Equal(t, tc.count, it.AcceleratorCount)
			require.Equal(t, tc.efa, it.MaxEFAInterfaces)
			require.Equal(t, tc.cards, it.NetworkCards)
			require.Equal(t, tc.ami, it.AMIType)
		})
	}
}

func TestInstancePricesAfterJune2025Cut(t *testing.T) {
	// The June 2025 reduction roughly halved P5 and cut P4 by about a third;
	// a stale pre-cut figure (p5 ~$98, p4d ~$32.77) would fail here.
	for name, want := range map[string]float64{"p5.48xlarge": 55.04, "p4d.24xlarge": 21.96, "p4de.24xlarge": 27.447} {
		it, ok := LookupInstanceType(name)
		require.True(t, ok)
		require.InDelta(t, want, it.OnDemandUSDPerHour, 0.01, name)
	}
}

func TestInstanceRegionsConservative(t *testing.T) {
	p4de, _ := LookupInstanceType("p4de.24xlarge")
	require.Equal(t, []string{"ap-northeast-1", "eu-central-1", "us-east-1", "us-west-2"}, p4de.Regions)
	trn1, _ := LookupInstanceType("trn1.32xlarge")
	for _, r := range []string{"us-east-1", "us-east-2", "us-west-2"} {
		require.True(t, trn1.OfferedIn(r), r)
	}
	require.False(t, trn1.OfferedIn("eu-west-1"), "not recorded")
	require.False(t, trn1.OfferedIn("mars-north-1"))
	trn2, _ := LookupInstanceType("trn2.48xlarge")
	require.Equal(t, []string{"us-east-2"}, trn2.Regions)
	require.Zero(t, trn2.OnDemandUSDPerHour, "no us-east-1 offering, so no us-east-1 price: unpriced, not guessed")
}

func TestInstanceTypeNamesSorted(t *testing.T) {
	names := InstanceTypeNames()
	require.True(t, slices.IsSorted(names))
	require.Len(t, names, len(instanceTypes))
	require.True(t, slices.IsSortedFunc(instanceTypes, func(a, b InstanceType) int { return strings.Compare(a.Name, b.Name) }),
		"instanceTypes literal is kept sorted by Name")
	for _, n := range names {
		it, ok := LookupInstanceType(n)
		require.True(t, ok)
		require.Equal(t, n, it.Name)
	}
}

func TestLookupInstanceTypeUnknown(t *testing.T) {
	it, ok := LookupInstanceType("p99.metal")
	require.False(t, ok)
	require.Zero(t, it.Name)
}

func TestLookupInstanceTypeReturnsCopy(t *testing.T) {
	a, ok := LookupInstanceType("g5.xlarge")
	require.True(t, ok)
	orig := slices.Clone(a.Regions)
	a.Regions[0] = "tampered"
	a.Regions = append(a.Regions, "also-tampered")
	a.OnDemandUSDPerHour = 0
	a.MaxEFAInterfaces = 99

	b, _ := LookupInstanceType("g5.xlarge")
	require.Equal(t, orig, b.Regions)
	require.Positive(t, b.OnDemandUSDPerHour)
	require.Zero(t, b.MaxEFAInterfaces)

	// Types sharing a region list are not affected either.
	c, _ := LookupInstanceType("g5.2xlarge")
	require.NotContains(t, c.Regions, "tampered")

	all := InstanceTypes()
	all[0].Regions[0] = "tampered"
	d, _ := LookupInstanceType(all[0].Name)
	require.NotEqual(t, "tampered", d.Regions[0])
}

func TestRegions(t *testing.T) {
	regions := Regions()
	require.True(t, slices.IsSorted(regions))
	require.Len(t, slices.Compact(slices.Clone(regions)), len(regions))
	for _, r := range []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-southeast-2"} {
		require.Contains(t, regions, r)
		require.True(t, KnownRegion(r), r)
	}
	require.False(t, KnownRegion("us-east-3"))
	require.False(t, KnownRegion(""))
	require.False(t, KnownRegion("US-EAST-1"))

	regions[0] = "tampered"
	require.NotEqual(t, "tampered", Regions()[0], "Regions returns a copy")
}

func TestSources(t *testing.T) {
	sources := map[string]Source{
		"InstanceTypesSource":         InstanceTypesSource,
		"InstancePricesSource":        InstancePricesSource,
		"InstanceRegionsSource":       InstanceRegionsSource,
		"ServicePricesSource":         ServicePricesSource,
		"SageMakerPricesSource":       SageMakerPricesSource,
		"EndpointServicesSource":      EndpointServicesSource,
		"SpotDiscountsSource":         SpotDiscountsSource,
		"SavingsPlansSource":          SavingsPlansSource,
		"BedrockModelsSource":         BedrockModelsSource,
		"BedrockGuardrailSource":      BedrockGuardrailSource,
		"SageMakerFactsSource":        SageMakerFactsSource,
		"MetricsSource":               MetricsSource,
		"PrometheusSource":            PrometheusSource,
		"DeployToolsSource":           DeployToolsSource,
		"NodeHealthSource":            NodeHealthSource,
		"MetricsInsightsAlarmsSource": MetricsInsightsAlarmsSource,
		"GroupMetricsSource":          GroupMetricsSource,
		"BudgetDataLagSource":         BudgetDataLagSource,
		"EKSZonesSource":              EKSZonesSource,
		"BedrockBillingSource":        BedrockBillingSource,
		"CapacityReservationSource":   CapacityReservationSource,
		"CostExplorerSource":          CostExplorerSource,
		"MLflowSource":                MLflowSource,
		"EFSSource":                   EFSSource,
		"KueueSource":                 KueueSource,
		"ServingSource":               ServingSource,
		"GrafanaSource":               GrafanaSource,
	}
	for name, s := range sources {
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, s.Description)
			require.True(t, strings.HasPrefix(s.URL, "https://"), s.URL)
			require.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, s.Recorded)
			_, err := time.Parse(time.DateOnly, s.Recorded)
			require.NoError(t, err)
		})
	}
	// Price tables say which price they are.
	for _, s := range []Source{InstancePricesSource, ServicePricesSource, SageMakerPricesSource} {
		require.Contains(t, s.Description, "us-east-1")
	}
	require.Contains(t, InstancePricesSource.Description, "Linux")
	require.Contains(t, InstancePricesSource.Description, "On-Demand")
}

func TestServicePrices(t *testing.T) {
	require.Equal(t, 730.0, HoursPerMonth)
	for name, v := range map[string]float64{
		"NATGatewayUSDPerHour":               Prices.NATGatewayUSDPerHour,
		"NATGatewayUSDPerGB":                 Prices.NATGatewayUSDPerGB,
		"InterfaceEndpointUSDPerHourPerAZ":   Prices.InterfaceEndpointUSDPerHourPerAZ,
		"InterfaceEndpointUSDPerGB":          Prices.InterfaceEndpointUSDPerGB,
		"PublicIPv4USDPerHour":               Prices.PublicIPv4USDPerHour,
		"KMSKeyUSDPerMonth":                  Prices.KMSKeyUSDPerMonth,
		"CloudWatchLogsIngestUSDPerGB":       Prices.CloudWatchLogsIngestUSDPerGB,
		"CloudWatchLogsStorageUSDPerGBMonth": Prices.CloudWatchLogsStorageUSDPerGBMonth,
		"VPCFlowLogsUSDPerGB":                Prices.VPCFlowLogsUSDPerGB,
		"EKSClusterUSDPerHour":               Prices.EKSClusterUSDPerHour,
		"S3StandardUSDPerGBMonth":            Prices.S3StandardUSDPerGBMonth,
	} {
		require.Positive(t, v, name)
		require.Less(t, v, 2.0, "%s looks like a monthly figure in an hourly field", name)
	}
	// An interface endpoint in 3 AZs for a month: 0.01 × 3 × 730.
	require.InDelta(t, 21.90, Prices.InterfaceEndpointUSDPerHourPerAZ*3*HoursPerMonth, 1e-9)
	// A NAT gateway for a month.
	require.InDelta(t, 32.85, Prices.NATGatewayUSDPerHour*HoursPerMonth, 1e-9)

	require.Equal(t, []int{125, 250, 500, 1000}, FSxLustrePersistent2Tiers())
	prev := 0.0
	for _, tier := range FSxLustrePersistent2Tiers() {
		p, ok := FSxLustrePersistent2Price(tier)
		require.True(t, ok)
		require.Greater(t, p, prev, "higher throughput tiers cost more")
		prev = p
	}
	_, ok := FSxLustrePersistent2Price(200)
	require.False(t, ok)
}

func TestSageMakerInstances(t *testing.T) {
	names := SageMakerInstanceNames()
	require.True(t, slices.IsSorted(names))
	require.Len(t, slices.Compact(slices.Clone(names)), len(names))
	for _, want := range []string{
		"ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge", "ml.g5.xlarge", "ml.g5.2xlarge", "ml.g5.12xlarge",
		"ml.p4d.24xlarge", "ml.p5.48xlarge", "ml.inf2.xlarge", "ml.trn1.32xlarge",
	} {
		require.Contains(t, names, want)
	}
	for _, n := range names {
		s, ok := LookupSageMakerInstance(n)
		require.True(t, ok, n)
		require.Equal(t, n, s.Name)
		require.True(t, strings.HasPrefix(n, "ml."), n)
		require.GreaterOrEqual(t, s.HostingUSDPerHour, 0.0)
		require.GreaterOrEqual(t, s.TrainingUSDPerHour, 0.0)
		require.True(t, s.HostingUSDPerHour > 0 || s.TrainingUSDPerHour > 0, "%s has no price at all", n)
		if s.HostingUSDPerHour == 0 || s.TrainingUSDPerHour == 0 {
			require.NotEmpty(t, s.Note, "%s: a zero price must be explained", n)
		}
		// SageMaker manages the instance, so it never costs less than the
		// same EC2 type on demand.
		if ec2, ok := LookupInstanceType(strings.TrimPrefix(n, "ml.")); ok {
			for _, p := range []float64{s.HostingUSDPerHour, s.TrainingUSDPerHour} {
				if p > 0 {
					require.GreaterOrEqual(t, p, ec2.OnDemandUSDPerHour, n)
				}
			}
		}
	}
	g5, ok := LookupSageMakerInstance("ml.g5.xlarge")
	require.True(t, ok)
	require.Positive(t, g5.HostingUSDPerHour)
	inf2, _ := LookupSageMakerInstance("ml.inf2.xlarge")
	require.Zero(t, inf2.TrainingUSDPerHour)
	_, ok = LookupSageMakerInstance("g5.xlarge")
	require.False(t, ok, "SageMaker names carry the ml. prefix")
}

func TestDefaultInterfaceEndpoints(t *testing.T) {
	want := []string{
		"sagemaker.api", "sagemaker.runtime", "bedrock", "bedrock-runtime", "ecr.api", "ecr.dkr", "sts", "logs",
		"monitoring", "ec2", "eks", "eks-auth", "ssm", "kms", "elasticloadbalancing", "autoscaling",
		"ssmmessages", "ec2messages", // Session Manager, the way onto a node without SSH
	}
	slices.Sort(want)
	require.Len(t, want, 18)
	require.Equal(t, want, DefaultInterfaceEndpoints())
}

func TestEndpointServices(t *testing.T) {
	services := EndpointServices()
	require.True(t, slices.IsSortedFunc(services, func(a, b EndpointService) int { return strings.Compare(a.Name, b.Name) }))
	seen := map[string]bool{}
	for _, s := range services {
		require.False(t, seen[s.Name], "duplicate %s", s.Name)
		seen[s.Name] = true
		require.NotEmpty(t, s.Description, s.Name)
		require.Regexp(t, `^[a-z0-9][a-z0-9.-]*[a-z0-9]$`, s.Name)
		require.True(t, KnownEndpointService(s.Name), s.Name)
	}
	for _, n := range []string{
		"bedrock-agent", "bedrock-agent-runtime", "sqs", "secretsmanager",
		"elasticfilesystem", "fsx", "sagemaker.featurestore-runtime", "servicecatalog", "events",
	} {
		require.True(t, KnownEndpointService(n), n)
		require.NotContains(t, DefaultInterfaceEndpoints(), n, "%s is known but not default", n)
	}
	require.False(t, KnownEndpointService("s3"), "S3 is reached through the gateway endpoint, not an interface endpoint")
	require.False(t, KnownEndpointService("com.amazonaws.us-east-1.sts"), "names are suffixes")

	services[0].Default = !services[0].Default
	require.NotEqual(t, services[0].Default, EndpointServices()[0].Default, "EndpointServices returns a copy")
}

func TestEndpointServiceName(t *testing.T) {
	require.Equal(t, "com.amazonaws.us-east-1.sagemaker.api", EndpointServiceName("us-east-1", "sagemaker.api"))
	require.Equal(t, "com.amazonaws.eu-north-1.eks-auth", EndpointServiceName("eu-north-1", "eks-auth"))
}

func TestCharts(t *testing.T) {
	keys := ChartKeys()
	require.Equal(t, []string{"ack-sagemaker", "aws-efa-k8s-device-plugin", "dcgm-exporter", "grafana-operator", "karpenter", "karpenter-crd", "keda", "kubeflow-trainer", "kueue", "lws", "neuron", "nvidia-device-plugin"}, keys)
	controller, _ := LookupChart("karpenter")
	crds, _ := LookupChart("karpenter-crd")
	require.Equal(t, controller.Version, crds.Version, "Karpenter's CRDs must match its controller")
	for _, k := range keys {
		c, ok := LookupChart(k)
		require.True(t, ok)
		require.NotEmpty(t, c.Version, k)
		require.NotEmpty(t, c.Repository, k)
		require.NotEmpty(t, c.Namespace, k)
		if c.Chart == "" {
			require.Contains(t, c.Repository, "oci://", "%s: a chart without a name must be an OCI URL", k)
		}
	}
	require.NotEmpty(t, ChartsSource.URL)
	require.Len(t, EKSAddons, 7)
	require.Len(t, ControlPlaneLogTypes, 5)
}

// TestInstanceTypesExistInAWSEnums: every instance type the catalog knows is
// one the EC2 API accepts, and every priced ml.* type one SageMaker accepts
// for what it is priced for (the SDK enums are generated from AWS's models).
func TestInstanceTypesExistInAWSEnums(t *testing.T) {
	ec2Types := map[string]bool{}
	for _, v := range ec2types.InstanceType("").Values() {
		ec2Types[string(v)] = true
	}
	for _, name := range InstanceTypeNames() {
		require.True(t, ec2Types[name], "%s is not an EC2 instance type", name)
	}
	hosting, training, processing := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, v := range smtypes.ProcessingInstanceType("").Values() {
		processing[string(v)] = true
	}
	for _, v := range smtypes.ProductionVariantInstanceType("").Values() {
		hosting[string(v)] = true
	}
	for _, v := range smtypes.TrainingInstanceType("").Values() {
		training[string(v)] = true
	}
	for _, name := range SageMakerInstanceNames() {
		i, _ := LookupSageMakerInstance(name)
		if i.HostingUSDPerHour > 0 {
			require.True(t, hosting[name], "%s is priced for hosting but is not a SageMaker hosting instance type", name)
		}
		if i.TrainingUSDPerHour > 0 {
			require.True(t, training[name], "%s is priced for training but is not a SageMaker training instance type", name)
		}
		require.Equal(t, processing[name], i.Processing, "%s: Processing must match the API's processing instance types", name)
	}
}

// TestSpotDiscounts: every recorded discount is a fraction of an instance
// family the catalog has, sorted for the lookup.
func TestSpotDiscounts(t *testing.T) {
	families := map[string]bool{}
	for _, n := range InstanceTypeNames() {
		it, _ := LookupInstanceType(n)
		families[it.Family()] = true
	}
	recorded := SpotDiscountFamilies()
	require.IsIncreasing(t, recorded)
	for _, f := range recorded {
		d, ok := LookupSpotDiscount(f)
		require.True(t, ok, f)
		require.Greater(t, d.Discount, 0.0, f)
		require.Less(t, d.Discount, 0.9, "%s: above AWS's own \"up to 90%%\"", f)
		require.Contains(t, d.Basis, f+".", "%s is read from one of its types", f)
		require.True(t, families[f], "%s is not a family of the catalog's instance types", f)
	}
	_, ok := LookupSpotDiscount("x9")
	require.False(t, ok)
	require.Greater(t, EC2SavingsPlan.ThreeYear, EC2SavingsPlan.OneYear, "a longer commitment saves more")
	require.Less(t, EC2SavingsPlan.ThreeYear, 0.72, "below AWS's maximum for EC2 Instance Savings Plans")
	for _, c := range S3StorageClasses() {
		p, ok := S3StoragePrice(c)
		require.True(t, ok)
		require.LessOrEqual(t, p, Prices.S3StandardUSDPerGBMonth, "%s costs no more than STANDARD", c)
	}
}

// TestRegionsMatchTheProvider: the regions are the commercial ones of the
// pinned provider's Region enum, so a provider update brings new ones.
func TestRegionsMatchTheProvider(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-aws/sdk/v6").Output()
	require.NoError(t, err)
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "go", "aws", "pulumiEnums.go"))
	require.NoError(t, err)
	var provider []string
	for _, m := range regexp.MustCompile(`Region\("([a-z0-9-]+)"\)`).FindAllStringSubmatch(string(src), -1) {
		r := m[1]
		if strings.HasPrefix(r, "cn-") || strings.HasPrefix(r, "us-gov-") || strings.Contains(r, "iso") || slices.Contains(provider, r) {
			continue
		}
		provider = append(provider, r)
	}
	require.Greater(t, len(provider), 20, "the provider's enum file changed shape")
	slices.Sort(provider)
	require.Equal(t, provider, Regions())
}
