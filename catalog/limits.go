package catalog

import "slices"

// IAM quotas the API enforces: a policy over them is refused with
// LimitExceeded at `pulumi up`.
const (
	// IAMInlineRolePolicyChars is the most characters (whitespace not
	// counted) the inline policies of one role may hold together.
	IAMInlineRolePolicyChars = 10240
	// IAMManagedPolicyChars is the most characters (whitespace not counted)
	// of one customer managed policy.
	IAMManagedPolicyChars = 6144
)

// IAMQuotasSource says where the IAM quotas come from.
var IAMQuotasSource = Source{
	Description: "IAM user guide, \"IAM and AWS STS quotas\": role policy size 10,240 characters (the aggregate of a role's " +
		"inline policies), managed policy size 6,144 characters; whitespace is not counted.",
	URL:      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
	Recorded: recorded,
}

// FlowLogFields are the fields a VPC flow log's custom format may name
// (${field}); EC2 has no API enum for them.
var FlowLogFields = []string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
	"bytes", "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type",
	"pkt-srcaddr", "pkt-dstaddr", "region", "az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service",
	"pkt-dst-aws-service", "flow-direction", "traffic-path", "ecs-cluster-arn", "ecs-cluster-name",
	"ecs-container-instance-arn", "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
	"ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason",
	"resource-id", "encryption-status",
}

// FlowLogFieldsSource says where FlowLogFields come from.
var FlowLogFieldsSource = Source{
	Description: "Amazon VPC user guide, \"Flow log records\", available fields (versions 2 to 10).",
	URL:         "https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html",
	Recorded:    recorded,
}

// LustreThroughputMBpsPerTiB are the perUnitStorageThroughput values each
// persistent FSx for Lustre deployment type accepts (MB/s per TiB).
var LustreThroughputMBpsPerTiB = map[string][]int{
	"PERSISTENT_1": {50, 100, 200}, // SSD; HDD takes 12 or 40
	"PERSISTENT_2": {125, 250, 500, 1000},
}

// LustreHDDThroughputMBpsPerTiB are PERSISTENT_1 HDD's values.
var LustreHDDThroughputMBpsPerTiB = []int{12, 40}

// LustreCapacityOK reports whether capacityGiB is a storage capacity a
// Lustre deployment type accepts: SCRATCH_2, PERSISTENT_1 (SSD) and
// PERSISTENT_2 take 1,200 or 2,400 GiB, then steps of 2,400 GiB;
// SCRATCH_1 takes 1,200, 2,400 then steps of 3,600.
func LustreCapacityOK(deploymentType string, capacityGiB int) bool {
	if capacityGiB == 1200 || capacityGiB == 2400 {
		return true
	}
	step := 2400
	if deploymentType == "SCRATCH_1" {
		step = 3600
	}
	return capacityGiB > 0 && capacityGiB%step == 0
}

// LustreThroughputOK reports whether throughput is a value the deployment
// type (and, for PERSISTENT_1, storage type) accepts.
func LustreThroughputOK(deploymentType, storageType string, throughput int) bool {
	if deploymentType == "PERSISTENT_1" && storageType == "HDD" {
		return slices.Contains(LustreHDDThroughputMBpsPerTiB, throughput)
	}
	return slices.Contains(LustreThroughputMBpsPerTiB[deploymentType], throughput)
}

// LustreSource says where the FSx for Lustre figures come from.
var LustreSource = Source{
	Description: "FSx for Lustre user guide, \"Deployment options\" and the CreateFileSystem API " +
		"(LustreConfiguration.PerUnitStorageThroughput: PERSISTENT_1 SSD 50, 100, 200; HDD 12, 40; PERSISTENT_2 125, " +
		"250, 500, 1000 MB/s/TiB; StorageCapacity: 1200, 2400, then increments of 2400 GiB for SCRATCH_2, PERSISTENT_1 SSD " +
		"and PERSISTENT_2, 3600 for SCRATCH_1).",
	URL:      "https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html",
	Recorded: recorded,
}
