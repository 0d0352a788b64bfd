package catalog

import (
	"slices"
	"time"
)

// EKSVersion is one Kubernetes minor version's EKS support window.
type EKSVersion struct {
	// Version is "1.MINOR".
	Version string
	// StandardSupportEnds is the first day EKS bills the version at the
	// extended-support rate (six times the standard cluster-hour price).
	StandardSupportEnds time.Time
	// ExtendedSupportEnds is when EKS upgrades clusters still on it.
	ExtendedSupportEnds time.Time
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// eksVersions is the EKS Kubernetes release calendar, oldest first.
var eksVersions = []EKSVersion{
	{Version: "1.31", StandardSupportEnds: day("2025-11-26"), ExtendedSupportEnds: day("2026-11-26")},
	{Version: "1.32", StandardSupportEnds: day("2026-03-23"), ExtendedSupportEnds: day("2027-03-23")},
	{Version: "1.33", StandardSupportEnds: day("2026-07-29"), ExtendedSupportEnds: day("2027-07-29")},
	{Version: "1.34", StandardSupportEnds: day("2026-12-02"), ExtendedSupportEnds: day("2027-12-02")},
	{Version: "1.35", StandardSupportEnds: day("2027-03-27"), ExtendedSupportEnds: day("2028-03-27")},
}

// EKSCalendarSource says where the calendar comes from.
var EKSCalendarSource = Source{
	Description: "EKS user guide, \"Understand the Kubernetes version lifecycle on EKS\" (kubernetes-versions): 14 months " +
		"of standard support from a version's EKS release, then 12 months of extended support at the higher cluster price. " +
		"1.34 left standard support on 2026-12-02 and 1.35 keeps it until 2027-03-27 (checked 2026-12-07); the earlier " +
		"dates follow the same calendar page as recorded before.",
	URL:      "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
	Recorded: "2026-12-07",
}

// LookupEKSVersion returns a version's support window.
func LookupEKSVersion(version string) (EKSVersion, bool) {
	i := slices.IndexFunc(eksVersions, func(v EKSVersion) bool { return v.Version == version })
	if i < 0 {
		return EKSVersion{}, false
	}
	return eksVersions[i], true
}

// EKSVersionsInStandardSupport are the versions in standard support on a
// day, oldest first.
func EKSVersionsInStandardSupport(on time.Time) []string {
	var out []string
	for _, v := range eksVersions {
		if on.Before(v.StandardSupportEnds) {
			out = append(out, v.Version)
		}
	}
	return out
}

// DeployTool is a command pulumi-eks runs on the machine that runs
// `pulumi preview` and `pulumi up`.
type DeployTool struct {
	// Command is the executable looked up on PATH.
	Command string
	// VersionArgs print its version.
	VersionArgs []string
	// MinVersions are the lowest accepted versions by major version (the
	// AWS CLI has two lines); a major not listed needs MinVersions[0].
	MinVersions map[int]string
	// Why says what it is used for.
	Why string
	// Install is where to get it.
	Install string
}

// DeployTools are what pulumi-eks (v2.8.1) checks when it constructs a
// cluster, during previews as well as updates.
var DeployTools = []DeployTool{
	{Command: "aws", VersionArgs: []string{"--version"}, MinVersions: map[int]string{0: "2.7.0", 1: "1.24.0"},
		Why:     "the kubeconfig's exec credential (aws eks get-token) the Kubernetes provider logs in with",
		Install: "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"},
	{Command: "kubectl", VersionArgs: []string{"version", "--client=true", "--output=json"}, MinVersions: map[int]string{0: "1.24.0"},
		Why:     "pulumi-eks checks for it when it builds the cluster",
		Install: "https://kubernetes.io/docs/tasks/tools/#kubectl"},
}

// DeployToolsSource says where the tools and versions come from.
var DeployToolsSource = Source{
	Description: "pulumi-eks v2.8.1 nodejs/eks/dependencies.ts (assertCompatibleAWSCLIExists: aws on PATH, v1 >= 1.24.0 or " +
		"v2 >= 2.7.0; assertCompatibleKubectlVersionExists: kubectl on PATH, >= 1.24.0), called from createCore in " +
		"nodejs/eks/cluster.ts before anything is created; the same file creates a default instance role with an EC2_LINUX " +
		"access entry unless instanceRole or instanceRoles is given.",
	URL:      "https://github.com/pulumi/pulumi-eks/blob/v2.8.1/nodejs/eks/dependencies.ts",
	Recorded: "2026-12-07",
}

// GroupMetricsFunctionRuntime runs the function that turns on Auto Scaling
// group metrics for managed node groups (AWS Lambda runtimes: Python 3.13,
// deprecation scheduled for 30 Jun 2029).
const GroupMetricsFunctionRuntime = "python3.13"

// GroupMetricsSource: why managed node groups need group metrics turned on.
var GroupMetricsSource = Source{
	Description: "AWS Containers blog, \"Automatically enable group metrics collection for Amazon EKS managed node groups\" " +
		"(EKS creates the node group's Auto Scaling group without metrics collection, so AWS/AutoScaling " +
		"GroupInServiceInstances and the other group metrics are not published until EnableMetricsCollection is called); " +
		"EC2 Auto Scaling API reference, EnableMetricsCollection (Granularity 1Minute, all group metrics when Metrics is " +
		"omitted); EKS API reference, Nodegroup resources.autoScalingGroups; EKS tags the group eks:cluster-name and " +
		"eks:nodegroup-name; AWS Lambda runtimes (python3.13).",
	URL:      "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnableMetricsCollection.html",
	Recorded: "2026-12-07",
}

// Capacity reservations for node groups.
const (
	// CapacityTypeCapacityBlock is the EKS node group capacity type of a
	// Capacity Block for ML.
	CapacityTypeCapacityBlock = "CAPACITY_BLOCK"
	// MarketTypeCapacityBlock is the launch template market type of a
	// Capacity Block for ML.
	MarketTypeCapacityBlock = "capacity-block"
)

// CapacityReservationSource: how node groups use reserved capacity, and
// what the provider accepts.
var CapacityReservationSource = Source{
	Description: "EC2 user guide, \"Capacity Reservations\" (an On-Demand Capacity Reservation is billed at the On-Demand " +
		"rate whether instances run in it or not; targeted by ID or by a resource group of reservations in the launch " +
		"template's CapacityReservationSpecification; reserved capacity is On-Demand, never Spot) and \"Capacity Blocks for " +
		"ML\" (prepaid at purchase; launches need InstanceMarketOptions MarketType capacity-block and the block's ID); " +
		"EKS user guide, \"Capacity Blocks for ML\" with managed node groups (capacity type CAPACITY_BLOCK, one instance " +
		"type, a launch template naming the reservation) and EKS API Nodegroup capacityType (ON_DEMAND | SPOT | " +
		"CAPACITY_BLOCK). pulumi-aws v6.83.4's NodeGroup docs list ON_DEMAND and SPOT only, but the bridged " +
		"terraform-provider-aws accepts CAPACITY_BLOCK since hashicorp/terraform-provider-aws PR 38216 (July 2024; issue " +
		"40876: docs lag, supported from 5.80 at least), which pulumi-aws v6.83.4 bridges; not run here against the " +
		"provider plugin, which is not available offline. A reservation made in a cluster placement group serves " +
		"launches into that group only (terraform-aws-eks issue 3730).",
	URL:      "https://docs.aws.amazon.com/eks/latest/userguide/capacity-blocks-mng.html",
	Recorded: "2026-12-07",
}
