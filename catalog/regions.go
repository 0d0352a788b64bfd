package catalog

import "slices"

// knownRegions are the commercial AWS regions the pinned provider knows,
// sorted.
// A stack configured for any other region is rejected by config
// validation. Some are opt-in regions an account must enable first.
var knownRegions = []string{
	"af-south-1",
	"ap-east-1",
	"ap-northeast-1",
	"ap-northeast-2",
	"ap-northeast-3",
	"ap-south-1",
	"ap-south-2",
	"ap-southeast-1",
	"ap-southeast-2",
	"ap-southeast-3",
	"ap-southeast-4",
	"ap-southeast-5",
	"ap-southeast-7",
	"ca-central-1",
	"ca-west-1",
	"eu-central-1",
	"eu-central-2",
	"eu-north-1",
	"eu-south-1",
	"eu-south-2",
	"eu-west-1",
	"eu-west-2",
	"eu-west-3",
	"il-central-1",
	"me-central-1",
	"me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1",
	"us-east-2",
	"us-west-1",
	"us-west-2",
}

// RegionsSource says where the region list comes from.
var RegionsSource = Source{
	Description: "The commercial regions of the pinned Pulumi AWS provider's Region enum (github.com/pulumi/pulumi-aws/sdk/v6 " +
		"v6.83.4, sdk/go/aws/pulumiEnums.go; the catalog tests compare the two): what `pulumi up` can deploy to. China, " +
		"GovCloud and the isolated partitions are out of scope (other partitions, ARNs and endpoints). Regions AWS added " +
		"after the provider (ap-east-2, ap-southeast-6) come with a provider update.",
	URL:      "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
	Recorded: recorded,
}

// Regions returns the region codes this project knows, sorted. A region
// outside this list is a configuration error. The slice is a copy.
func Regions() []string {
	return slices.Clone(knownRegions)
}

// KnownRegion reports whether name is a region this project knows.
func KnownRegion(name string) bool {
	_, found := slices.BinarySearch(knownRegions, name)
	return found
}

// EKSUnsupportedZoneIDs are the zone IDs, by region, where EKS refuses
// control-plane subnets (CreateCluster fails with
// UnsupportedAvailabilityZoneException). Zone names map to different zone
// IDs in every account, so the program chooses zones by ID.
var EKSUnsupportedZoneIDs = map[string][]string{
	"us-east-1":    {"use1-az3"},
	"us-west-1":    {"usw1-az2"},
	"ca-central-1": {"cac1-az3"},
}

// EKSZonesSource says where the unsupported zone IDs come from.
var EKSZonesSource = Source{
	Description: "Amazon EKS user guide, \"View Amazon EKS networking requirements for VPC and subnets\" (subnets for the " +
		"cluster may not be in us-east-1 use1-az3, us-west-1 usw1-az2 or ca-central-1 cac1-az3; CreateCluster returns " +
		"UnsupportedAvailabilityZoneException) and the EC2 user guide, \"AZ IDs\" (names map to different zones per account).",
	URL:      "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html",
	Recorded: "2026-12-07",
}

// EKSSupportsZoneID reports whether EKS accepts control-plane subnets in a
// zone of a region.
func EKSSupportsZoneID(region, zoneID string) bool {
	return !slices.Contains(EKSUnsupportedZoneIDs[region], zoneID)
}
