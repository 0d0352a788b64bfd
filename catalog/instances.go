package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Accelerator is the kind of ML accelerator an instance type carries.
type Accelerator string

// Accelerator kinds.
const (
	AcceleratorNone       Accelerator = "none"           // CPU only
	AcceleratorNvidiaGPU  Accelerator = "nvidia-gpu"     // NVIDIA GPUs (CUDA); needs the NVIDIA AMI and device plugin
	AcceleratorTrainium   Accelerator = "aws-trainium"   // AWS Trainium (Neuron SDK); needs the Neuron AMI
	AcceleratorInferentia Accelerator = "aws-inferentia" // AWS Inferentia2 (Neuron SDK); needs the Neuron AMI
)

// AMIType is the EKS managed node group amiType value.
type AMIType string

// EKS AMI types used by this project. All are Amazon Linux 2023, x86_64:
// AL2 is deprecated and EFA with more than 4 GPUs has failed on the AL2 GPU AMI.
const (
	AMIAL2023Standard AMIType = "AL2023_x86_64_STANDARD" // CPU nodes
	AMIAL2023Nvidia   AMIType = "AL2023_x86_64_NVIDIA"   // NVIDIA driver, container toolkit and EFA installer
	AMIAL2023Neuron   AMIType = "AL2023_x86_64_NEURON"   // Neuron driver for Trainium and Inferentia
)

// InstanceType holds the facts about one EC2 instance type that decide how a
// node group is built and what it costs.
type InstanceType struct {
	Name             string
	Accelerator      Accelerator
	AcceleratorModel string // "NVIDIA H100 80GB", "AWS Trainium", "" for CPU
	AcceleratorCount int    // GPUs or Neuron devices; 0 for CPU
	// AcceleratorMemoryGiB is each accelerator's memory as
	// DescribeInstanceTypes reports it (slightly below the marketed figure
	// for A10G, L4 and L40S); 0 for CPU.
	AcceleratorMemoryGiB float64
	VCPUs                int
	MemoryGiB            int
	// NetworkCards is the maximum number of network cards (DescribeInstanceTypes
	// NetworkInfo.MaximumNetworkCards).
	NetworkCards int
	// MaxEFAInterfaces is NetworkInfo.EfaInfo.MaximumEfaInterfaces: 0 when the
	// type does not support EFA. The EFA scheme used here puts one interface on
	// each network card, so it never exceeds NetworkCards.
	MaxEFAInterfaces int
	// NetworkBandwidthGbps is the published network performance rounded down to
	// whole Gbps; when NetworkBandwidthBurst is true it is an "Up to" burst
	// ceiling rather than a sustained figure.
	NetworkBandwidthGbps  int
	NetworkBandwidthBurst bool
	AMIType               AMIType
	OnDemandUSDPerHour    float64  // us-east-1 Linux on-demand list price
	Regions               []string // sorted region codes offering the type (a conservative, recorded subset)
}

// SupportsEFA reports whether the type supports Elastic Fabric Adapter.
func (t InstanceType) SupportsEFA() bool { return t.MaxEFAInterfaces > 0 }

// Family is the type's family, the part before the dot ("p5" of
// "p5.48xlarge"), as Karpenter's karpenter.k8s.aws/instance-family label.
func (t InstanceType) Family() string { f, _, _ := strings.Cut(t.Name, "."); return f }

// OfferedIn reports whether region is one of the recorded regions offering
// the type. False may mean "not recorded" rather than "not offered": the
// region lists are conservative.
func (t InstanceType) OfferedIn(region string) bool {
	_, found := slices.BinarySearch(t.Regions, region)
	return found
}

// IsAccelerated reports whether the type carries an ML accelerator.
func (t InstanceType) IsAccelerated() bool { return t.Accelerator != AcceleratorNone }

// OnDemandUSDPerMonth is the us-east-1 on-demand price of one instance
// running for [HoursPerMonth] hours.
func (t InstanceType) OnDemandUSDPerMonth() float64 {
	return t.OnDemandUSDPerHour * HoursPerMonth
}

// InstanceTypesSource says where the hardware facts (vCPU, memory,
// accelerators, network cards, EFA) come from.
var InstanceTypesSource = Source{
	Description: "DescribeInstanceTypes data (VCpuInfo, MemoryInfo, GpuInfo/NeuronInfo with per-device memory, " +
		"NetworkInfo: MaximumNetworkCards, EfaInfo.MaximumEfaInterfaces, NetworkPerformance) as dumped in getmoto/moto " +
		"moto/ec2/resources/instance_types.json (2026-08-02), agreeing on every row with Karpenter's instance-types " +
		"reference (v1.14) and the VPC CNI's network-card table. GPU memory is the API's figure (A10G and L4 22.35 GiB, " +
		"L40S 44.7 GiB, a little under the marketed 24 and 48 GB). trn2.48xlarge: the API reports 512 GiB per device, " +
		"the Neuron documentation 96 GiB of HBM per Trainium2 chip; the catalog records 96. Bandwidth is the headline " +
		"figure, NetworkBandwidthBurst marking \"up to\" rates.",
	URL:      "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html",
	Recorded: recorded,
}

// EFALayoutSource says how a launch template lays out the interfaces of an
// EFA instance (components/cluster.EFALayout follows it).
var EFALayoutSource = Source{
	Description: "EC2 user guide, \"Maximize network bandwidth on Amazon EC2 instances with multiple network cards\" and " +
		"\"Elastic Fabric Adapter\": the primary interface (network card 0, device index 0) may be an EFA interface (EFA " +
		"with ENA; an EFA-only interface cannot be the primary), and each further card takes an EFA-only interface at device " +
		"index 0. So an instance gets one EFA device per network card (p5.48xlarge 32, p5en.48xlarge 16, p4d/p4de.24xlarge 4, " +
		"trn1.32xlarge 8, trn1n.32xlarge 16). The guide's newer layout (an ENA primary plus an EFA-only interface at card 0 " +
		"device index 1) takes a second card-0 slot, which leaves p5.48xlarge (two on card 0) none for pod interfaces: the " +
		"VPC CNI attaches those on card 0 only (catalog.PodNetworkSource), and Karpenter v1.14 counts EFA-only interfaces " +
		"against the ENIs pods may use (pkg/providers/instancetype/types.go). The EFA primary is what terraform-aws-eks, " +
		"pulumi-eks and Karpenter use. EFA-only interfaces take no IP address and need VPC CNI 1.18.5 or later (EKS user " +
		"guide, \"Run machine learning training on Amazon EKS with Elastic Fabric Adapter\"). EC2 refuses " +
		"AssociatePublicIpAddress, even false, on a launch with several interfaces (InvalidParameterCombination).",
	URL:      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html",
	Recorded: "2026-12-07",
}

// InstancePricesSource says where OnDemandUSDPerHour comes from.
var InstancePricesSource = Source{
	Description: "Amazon EC2 On-Demand pricing, Linux, us-east-1, USD per instance-hour, no Savings Plans: Karpenter's " +
		"generated price table (pkg/providers/pricing/zz_generated.pricing_aws.go, 2026-07-20), identical for every GPU " +
		"and Neuron type to a vantage-derived table of 2025-11-30. It includes the mid-2025 P4/P5 reduction (p5.48xlarge " +
		"$98.32 to $55.04, p4d.24xlarge $32.77 to $21.96). p5e.48xlarge and trn2.48xlarge have no us-east-1 on-demand " +
		"offering in either source and are recorded unpriced (0): the estimate says so rather than guess. p3 prices are " +
		"the long-standing list prices.",
	URL:      "https://aws.amazon.com/ec2/pricing/on-demand/",
	Recorded: recorded,
}

// InstanceRegionsSource says where the per-type region lists come from.
var InstanceRegionsSource = Source{
	Description: "DescribeInstanceTypeOfferings (location-type region) for us-east-1, us-east-2, us-west-2, eu-west-1, " +
		"eu-west-2, eu-central-1, eu-north-1, ap-northeast-1, ap-southeast-2 and ap-south-1, as recorded in getmoto/moto " +
		"moto/ec2/resources/instance_type_offerings/region (2026-08-01), cross-checked with the vantage data: what one " +
		"account saw. Other regions are not recorded: absence means not recorded, not unavailable, and a stack using a " +
		"type where it is not recorded gets an advisory, not an error. Capacity for p4de, p5, p5e, p5en, p6 and trn2 is " +
		"often only obtainable through Capacity Blocks or reservations.",
	URL:      "https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-regions.html",
	Recorded: recorded,
}

// instanceTypes is the catalog, sorted by Name.
var instanceTypes = []InstanceType{
	{
		Name: "c6i.2xlarge", Accelerator: AcceleratorNone,
		VCPUs: 8, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.34,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "c6i.4xlarge", Accelerator: AcceleratorNone,
		VCPUs: 16, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.68,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "c6i.xlarge", Accelerator: AcceleratorNone,
		VCPUs: 4, MemoryGiB: 8, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.17,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "c7i.2xlarge", Accelerator: AcceleratorNone,
		VCPUs: 8, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.357,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "c7i.4xlarge", Accelerator: AcceleratorNone,
		VCPUs: 16, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.714,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "c7i.xlarge", Accelerator: AcceleratorNone,
		VCPUs: 4, MemoryGiB: 8, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.1785,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g4dn.12xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA T4", AcceleratorCount: 4, AcceleratorMemoryGiB: 16,
		VCPUs: 48, MemoryGiB: 192, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 50,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 3.912,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g4dn.xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA T4", AcceleratorCount: 1, AcceleratorMemoryGiB: 16,
		VCPUs: 4, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 25, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 0.526,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.12xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 4, AcceleratorMemoryGiB: 22.35,
		VCPUs: 48, MemoryGiB: 192, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 40,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 5.672,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.16xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 64, MemoryGiB: 256, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 4.096,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.24xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 4, AcceleratorMemoryGiB: 22.35,
		VCPUs: 96, MemoryGiB: 384, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 50,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 8.144,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.2xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 8, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 10, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 1.212,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 8, AcceleratorMemoryGiB: 22.35,
		VCPUs: 192, MemoryGiB: 768, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 100,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 16.288,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.4xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 16, MemoryGiB: 64, NetworkCards: 1,
		NetworkBandwidthGbps: 25, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 1.624,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.8xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 32, MemoryGiB: 128, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 2.448,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g5.xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A10G", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 4, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 10, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 1.006,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.12xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 4, AcceleratorMemoryGiB: 22.35,
		VCPUs: 48, MemoryGiB: 192, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 40,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 4.6016,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.16xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 64, MemoryGiB: 256, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 3.3968,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.24xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 4, AcceleratorMemoryGiB: 22.35,
		VCPUs: 96, MemoryGiB: 384, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 50,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 6.6752,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.2xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 8, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 10, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 0.9776,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 8, AcceleratorMemoryGiB: 22.35,
		VCPUs: 192, MemoryGiB: 768, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 100,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 13.3504,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.4xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 16, MemoryGiB: 64, NetworkCards: 1,
		NetworkBandwidthGbps: 25, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 1.3232,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.8xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 32, MemoryGiB: 128, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 2.0144,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6.xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 4, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 10, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 0.8048,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.12xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 4, AcceleratorMemoryGiB: 44.7,
		VCPUs: 48, MemoryGiB: 384, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 100,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 10.49264,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.16xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 1, AcceleratorMemoryGiB: 44.7,
		VCPUs: 64, MemoryGiB: 512, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 35,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 7.57719,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.24xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 4, AcceleratorMemoryGiB: 44.7,
		VCPUs: 96, MemoryGiB: 768, NetworkCards: 2, MaxEFAInterfaces: 2,
		NetworkBandwidthGbps: 200,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 15.06559,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.2xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 1, AcceleratorMemoryGiB: 44.7,
		VCPUs: 8, MemoryGiB: 64, NetworkCards: 1,
		NetworkBandwidthGbps: 20, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 2.24208,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 8, AcceleratorMemoryGiB: 44.7,
		VCPUs: 192, MemoryGiB: 1536, NetworkCards: 4, MaxEFAInterfaces: 4,
		NetworkBandwidthGbps: 400,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 30.13118,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.4xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 1, AcceleratorMemoryGiB: 44.7,
		VCPUs: 16, MemoryGiB: 128, NetworkCards: 1,
		NetworkBandwidthGbps: 20,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 3.00424,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.8xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 1, AcceleratorMemoryGiB: 44.7,
		VCPUs: 32, MemoryGiB: 256, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 4.52856,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "g6e.xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L40S", AcceleratorCount: 1, AcceleratorMemoryGiB: 44.7,
		VCPUs: 4, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 20, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 1.861,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "gr6.4xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 16, MemoryGiB: 128, NetworkCards: 1,
		NetworkBandwidthGbps: 25, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Nvidia, OnDemandUSDPerHour: 1.5392,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "gr6.8xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA L4", AcceleratorCount: 1, AcceleratorMemoryGiB: 22.35,
		VCPUs: 32, MemoryGiB: 256, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 2.4464,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "inf2.24xlarge", Accelerator: AcceleratorInferentia, AcceleratorModel: "AWS Inferentia2", AcceleratorCount: 6, AcceleratorMemoryGiB: 32,
		VCPUs: 96, MemoryGiB: 384, NetworkCards: 1,
		NetworkBandwidthGbps: 50,
		AMIType:              AMIAL2023Neuron, OnDemandUSDPerHour: 6.49063,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "inf2.48xlarge", Accelerator: AcceleratorInferentia, AcceleratorModel: "AWS Inferentia2", AcceleratorCount: 12, AcceleratorMemoryGiB: 32,
		VCPUs: 192, MemoryGiB: 768, NetworkCards: 1,
		NetworkBandwidthGbps: 100,
		AMIType:              AMIAL2023Neuron, OnDemandUSDPerHour: 12.98127,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "inf2.8xlarge", Accelerator: AcceleratorInferentia, AcceleratorModel: "AWS Inferentia2", AcceleratorCount: 1, AcceleratorMemoryGiB: 32,
		VCPUs: 32, MemoryGiB: 128, NetworkCards: 1,
		NetworkBandwidthGbps: 25, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Neuron, OnDemandUSDPerHour: 1.96786,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "inf2.xlarge", Accelerator: AcceleratorInferentia, AcceleratorModel: "AWS Inferentia2", AcceleratorCount: 1, AcceleratorMemoryGiB: 32,
		VCPUs: 4, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 15, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Neuron, OnDemandUSDPerHour: 0.7582,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m6i.2xlarge", Accelerator: AcceleratorNone,
		VCPUs: 8, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.384,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m6i.4xlarge", Accelerator: AcceleratorNone,
		VCPUs: 16, MemoryGiB: 64, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.768,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m6i.large", Accelerator: AcceleratorNone,
		VCPUs: 2, MemoryGiB: 8, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.096,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m6i.xlarge", Accelerator: AcceleratorNone,
		VCPUs: 4, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.192,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m7i.2xlarge", Accelerator: AcceleratorNone,
		VCPUs: 8, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.4032,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m7i.4xlarge", Accelerator: AcceleratorNone,
		VCPUs: 16, MemoryGiB: 64, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.8064,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m7i.large", Accelerator: AcceleratorNone,
		VCPUs: 2, MemoryGiB: 8, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.1008,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "m7i.xlarge", Accelerator: AcceleratorNone,
		VCPUs: 4, MemoryGiB: 16, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Standard, OnDemandUSDPerHour: 0.2016,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p3.16xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA V100", AcceleratorCount: 8, AcceleratorMemoryGiB: 16,
		VCPUs: 64, MemoryGiB: 488, NetworkCards: 1,
		NetworkBandwidthGbps: 25,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 24.48,
		Regions: []string{"ap-northeast-1", "ap-southeast-2", "eu-central-1", "eu-west-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p3.8xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA V100", AcceleratorCount: 4, AcceleratorMemoryGiB: 16,
		VCPUs: 32, MemoryGiB: 244, NetworkCards: 1,
		NetworkBandwidthGbps: 10,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 12.24,
		Regions: []string{"ap-northeast-1", "ap-southeast-2", "eu-central-1", "eu-west-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p4d.24xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A100", AcceleratorCount: 8, AcceleratorMemoryGiB: 40,
		VCPUs: 96, MemoryGiB: 1152, NetworkCards: 4, MaxEFAInterfaces: 4,
		NetworkBandwidthGbps: 400,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 21.957642,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p4de.24xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA A100", AcceleratorCount: 8, AcceleratorMemoryGiB: 80,
		VCPUs: 96, MemoryGiB: 1152, NetworkCards: 4, MaxEFAInterfaces: 4,
		NetworkBandwidthGbps: 400,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 27.44705,
		Regions: []string{"ap-northeast-1", "eu-central-1", "us-east-1", "us-west-2"},
	},
	{
		Name: "p5.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA H100", AcceleratorCount: 8, AcceleratorMemoryGiB: 80,
		VCPUs: 192, MemoryGiB: 2048, NetworkCards: 32, MaxEFAInterfaces: 32,
		NetworkBandwidthGbps: 3200,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 55.04,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-north-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p5.4xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA H100", AcceleratorCount: 1, AcceleratorMemoryGiB: 80,
		VCPUs: 16, MemoryGiB: 256, NetworkCards: 1, MaxEFAInterfaces: 1,
		NetworkBandwidthGbps: 100,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 6.88,
		Regions: []string{"ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p5e.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA H200", AcceleratorCount: 8, AcceleratorMemoryGiB: 141,
		VCPUs: 192, MemoryGiB: 2048, NetworkCards: 32, MaxEFAInterfaces: 32,
		NetworkBandwidthGbps: 3200,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 0, // no us-east-1 on-demand price found: unpriced in the estimate
		Regions: []string{"ap-southeast-2", "eu-north-1", "eu-west-2", "us-east-2", "us-west-2"},
	},
	{
		Name: "p5en.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA H200", AcceleratorCount: 8, AcceleratorMemoryGiB: 141,
		VCPUs: 192, MemoryGiB: 2048, NetworkCards: 16, MaxEFAInterfaces: 16,
		NetworkBandwidthGbps: 3200,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 63.296,
		Regions: []string{"ap-northeast-1", "ap-south-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "p6-b200.48xlarge", Accelerator: AcceleratorNvidiaGPU, AcceleratorModel: "NVIDIA B200", AcceleratorCount: 8, AcceleratorMemoryGiB: 179.06,
		VCPUs: 192, MemoryGiB: 2048, NetworkCards: 8, MaxEFAInterfaces: 8,
		NetworkBandwidthGbps: 3200,
		AMIType:              AMIAL2023Nvidia, OnDemandUSDPerHour: 113.9328,
		Regions: []string{"ap-south-1", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "trn1.2xlarge", Accelerator: AcceleratorTrainium, AcceleratorModel: "AWS Trainium", AcceleratorCount: 1, AcceleratorMemoryGiB: 32,
		VCPUs: 8, MemoryGiB: 32, NetworkCards: 1,
		NetworkBandwidthGbps: 12, NetworkBandwidthBurst: true,
		AMIType: AMIAL2023Neuron, OnDemandUSDPerHour: 1.34375,
		Regions: []string{"us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "trn1.32xlarge", Accelerator: AcceleratorTrainium, AcceleratorModel: "AWS Trainium", AcceleratorCount: 16, AcceleratorMemoryGiB: 32,
		VCPUs: 128, MemoryGiB: 512, NetworkCards: 8, MaxEFAInterfaces: 8,
		NetworkBandwidthGbps: 800,
		AMIType:              AMIAL2023Neuron, OnDemandUSDPerHour: 21.5,
		Regions: []string{"ap-south-1", "ap-southeast-2", "us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "trn1n.32xlarge", Accelerator: AcceleratorTrainium, AcceleratorModel: "AWS Trainium", AcceleratorCount: 16, AcceleratorMemoryGiB: 32,
		VCPUs: 128, MemoryGiB: 512, NetworkCards: 16, MaxEFAInterfaces: 16,
		NetworkBandwidthGbps: 1600,
		AMIType:              AMIAL2023Neuron, OnDemandUSDPerHour: 24.78,
		Regions: []string{"us-east-1", "us-east-2", "us-west-2"},
	},
	{
		Name: "trn2.48xlarge", Accelerator: AcceleratorTrainium, AcceleratorModel: "AWS Trainium2", AcceleratorCount: 16, AcceleratorMemoryGiB: 96,
		VCPUs: 192, MemoryGiB: 2048, NetworkCards: 16, MaxEFAInterfaces: 16,
		NetworkBandwidthGbps: 3200,
		AMIType:              AMIAL2023Neuron, OnDemandUSDPerHour: 0, // 96 GiB per chip (Neuron docs; DescribeInstanceTypes reports 512); no us-east-1 on-demand price found
		Regions: []string{"us-east-2"},
	},
}

// instanceIndex maps a name to its position in instanceTypes.
var instanceIndex = indexInstanceTypes(instanceTypes)

func indexInstanceTypes(types []InstanceType) map[string]int {
	idx := make(map[string]int, len(types))
	for i, t := range types {
		if _, dup := idx[t.Name]; dup {
			panic(fmt.Sprintf("catalog: instance type %q listed twice", t.Name))
		}
		idx[t.Name] = i
	}
	return idx
}

// LookupInstanceType returns the catalog entry for name and whether it is
// known. The result is a copy: changing it, including its Regions slice, does
// not change the catalog.
func LookupInstanceType(name string) (InstanceType, bool) {
	i, ok := instanceIndex[name]
	if !ok {
		return InstanceType{}, false
	}
	return instanceTypes[i].clone(), true
}

// InstanceTypeNames returns the names of every catalogued instance type, sorted.
func InstanceTypeNames() []string {
	names := make([]string, 0, len(instanceTypes))
	for _, t := range instanceTypes {
		names = append(names, t.Name)
	}
	slices.Sort(names)
	return names
}

// InstanceTypes returns a copy of every catalogued instance type, sorted by Name.
func InstanceTypes() []InstanceType {
	out := make([]InstanceType, 0, len(instanceTypes))
	for _, name := range InstanceTypeNames() {
		t, _ := LookupInstanceType(name)
		out = append(out, t)
	}
	return out
}

func (t InstanceType) clone() InstanceType {
	t.Regions = slices.Clone(t.Regions)
	return t
}

// ReservationOnlyFamilies are the families whose capacity is usually on
// sale only through Capacity Blocks for ML or capacity reservations, not
// On-Demand or Spot (InstanceRegionsSource).
var ReservationOnlyFamilies = []string{"p4de", "p5", "p5e", "p5en", "p6", "trn2"}

// ReservationUsuallyNeeded reports whether an instance type is usually
// obtainable only through a reservation or Capacity Block.
func ReservationUsuallyNeeded(instanceType string) bool {
	family, _, _ := strings.Cut(instanceType, ".")
	return slices.Contains(ReservationOnlyFamilies, family)
}
