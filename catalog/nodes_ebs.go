package catalog

// Root volumes of node groups: encrypted gp3 EBS volumes. gp3 takes 1 GiB
// to 16 TiB (16384 GiB); the platform asks for at least 20 GiB, room for
// the EKS-optimized AMI and its images (the AMIs' own root is 20 GiB).
const (
	RootVolumeMinGiB = 20
	RootVolumeMaxGiB = 16384
)

// RootVolumeSource is where the gp3 bounds come from.
var RootVolumeSource = Source{
	Description: "Amazon EBS volume types, General Purpose SSD (gp3): volume size 1 GiB - 16 TiB",
	URL:         "https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html",
	Recorded:    "2026-12-07",
}
