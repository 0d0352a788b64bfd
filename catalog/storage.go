package catalog

import "slices"

// S3 storage classes a lifecycle rule can transition objects to, in the
// order S3's transition "waterfall" allows: an object moves only to a class
// later in the list, and INTELLIGENT_TIERING cannot move to the IA classes.
const (
	S3StandardIA         = "STANDARD_IA"
	S3IntelligentTiering = "INTELLIGENT_TIERING"
	S3OneZoneIA          = "ONEZONE_IA"
	S3GlacierIR          = "GLACIER_IR"
	S3Glacier            = "GLACIER"
	S3DeepArchive        = "DEEP_ARCHIVE"
)

// s3TransitionOrder is the waterfall, first to last.
var s3TransitionOrder = []string{S3StandardIA, S3IntelligentTiering, S3OneZoneIA, S3GlacierIR, S3Glacier, S3DeepArchive}

// S3TransitionAllowed reports whether a lifecycle rule may move objects
// from one storage class to another ("" or STANDARD for new objects).
func S3TransitionAllowed(from, to string) bool {
	t := slices.Index(s3TransitionOrder, to)
	if t < 0 {
		return false
	}
	if from == "" || from == "STANDARD" {
		return true
	}
	f := slices.Index(s3TransitionOrder, from)
	if f < 0 || t <= f {
		return false
	}
	return !(from == S3IntelligentTiering && (to == S3StandardIA || to == S3OneZoneIA))
}

// S3MinDaysBeforeTransition is the fewest days after creation (or after
// becoming noncurrent) S3 accepts for a transition to a class; 0 for the
// classes without a minimum.
func S3MinDaysBeforeTransition(class string) int {
	if class == S3StandardIA || class == S3OneZoneIA {
		return 30
	}
	return 0
}

// S3MinStorageDays is a class's minimum storage duration: a transition out
// of it is accepted only that many days after the transition into it (S3
// refuses, e.g., DEEP_ARCHIVE less than 90 days after GLACIER), and earlier
// deletion is charged as if stored that long.
func S3MinStorageDays(class string) int {
	switch class {
	case S3StandardIA, S3OneZoneIA:
		return 30
	case S3GlacierIR, S3Glacier:
		return 90
	case S3DeepArchive:
		return 180
	}
	return 0
}

// S3 Intelligent-Tiering archive access tiers and the days they accept.
const (
	S3ArchiveAccessMinDays     = 90
	S3DeepArchiveAccessMinDays = 180
	S3ArchiveTierMaxDays       = 730
)

// S3LifecycleSource says where the S3 lifecycle facts come from.
var S3LifecycleSource = Source{
	Description: "Amazon S3 API reference, Transition (Days for STANDARD_IA and ONEZONE_IA at least 30), " +
		"NoncurrentVersionTransition, LifecycleRule (an empty Filter applies to every object; " +
		"AbortIncompleteMultipartUpload cannot be used with a tag filter) and Tiering (ARCHIVE_ACCESS 90-730 " +
		"days, DEEP_ARCHIVE_ACCESS 180-730); S3 user guide, \"Transitioning objects using Amazon S3 Lifecycle\" (the " +
		"supported transitions waterfall; expiration later than every transition; a transition out of a class after " +
		"its minimum storage duration) and \"Understanding and managing Amazon S3 storage classes\" (minimum storage " +
		"durations 30, 90, 90, 180 days; objects under 128 KB are not transitioned by default).",
	URL:      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html",
	Recorded: recorded,
}

// S3AccessLogsSource says what S3 server access logging requires of the
// bucket that receives the logs.
var S3AccessLogsSource = Source{
	Description: "Amazon S3 user guide, \"Enabling Amazon S3 server access logging\": the destination bucket may use " +
		"default encryption only with SSE-S3 (AES-256), \"SSE-KMS is not supported\"; it must be in the same Region " +
		"and account, without Object Lock default retention or Requester Pays, and should not log itself; with " +
		"BucketOwnerEnforced, access is granted by a bucket policy to logging.s3.amazonaws.com (s3:PutObject, " +
		"aws:SourceArn and aws:SourceAccount conditions).",
	URL:      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
	Recorded: recorded,
}

// Lustre facts beyond throughput and capacity (limits.go).
const (
	// LustreVersion is the Lustre version the platform creates: 2.15 is
	// needed for a metadata configuration and EFA.
	LustreVersion = "2.15"
	// LustreMaxDataRepositories is the most data repository associations
	// one file system takes.
	LustreMaxDataRepositories = 8
	// LustreBackupRetentionMaxDays bounds automaticBackupRetentionDays.
	LustreBackupRetentionMaxDays = 90
	// FSxCSIAddon is the EKS add-on of the FSx for Lustre CSI driver; it
	// needs the Pod Identity agent.
	FSxCSIAddon = "aws-fsx-csi-driver"
	// FSxCSIDriver is the CSI driver name a static PersistentVolume uses.
	FSxCSIDriver = "fsx.csi.aws.com"
	// FSxS3AccessRolePath is the path of the service-linked role FSx
	// creates per file system (AWSServiceRoleForFSxS3Access_<fs-id>) to
	// reach linked buckets.
	FSxS3AccessRolePath = "aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/"
)

// LustrePorts are the TCP ports Lustre clients and servers use: 988 and
// 1018-1023, from the clients and from the file system's own group.
var LustrePorts = [][2]int{{988, 988}, {1018, 1023}}

// LustreDataRepositoryTypes are the deployment types that take data
// repository associations (Lustre 2.12 and 2.15, not SCRATCH_1).
var LustreDataRepositoryTypes = []string{"PERSISTENT_1", "PERSISTENT_2", "SCRATCH_2"}

// LustreMetadataIopsOK reports whether iops is a USER_PROVISIONED metadata
// IOPS value for an SSD PERSISTENT_2 file system: 1500, 3000, 6000, 12000,
// then multiples of 12000 up to 192000.
func LustreMetadataIopsOK(iops int) bool {
	switch {
	case iops == 1500 || iops == 3000 || iops == 6000:
		return true
	case iops >= 12000 && iops <= 192000:
		return iops%12000 == 0
	}
	return false
}

// LustreFactsSource says where the FSx for Lustre facts come from.
var LustreFactsSource = Source{
	Description: "FSx for Lustre user guide: \"Linking your file system to an Amazon S3 bucket\" (up to 8 data repository " +
		"associations; not on Lustre 2.10 or SCRATCH_1), \"Protecting your data with backups\" and \"Using data " +
		"repositories\" (\"File system backups aren't supported on file systems that are linked to an Amazon S3 data " +
		"repository\"; retention 0-90 days), \"Working with server-side encrypted Amazon S3 buckets\" (the key of an SSE-KMS " +
		"bucket grants the FSx S3 access role through kms:ViaService s3 with kms:CallerAccount, or every principal of " +
		"the account with aws:userid *:FSx), \"Controlling access with security groups\" (TCP 988 and 1018-1023 from " +
		"the file system's group and the clients' groups), \"EFA-enabled file systems\" (PERSISTENT_2, Lustre 2.15, a " +
		"metadata configuration, set only at creation; a group allowing all traffic to and from itself and the clients' " +
		"groups). CreateFileSystem API: FileSystemTypeVersion 2.15; metadata configuration PERSISTENT_2 only, " +
		"USER_PROVISIONED SSD Iops 1500, 3000, 6000, 12000 and multiples of 12000 to 192000. PERSISTENT_2 refuses the " +
		"older ImportPath/ExportPath link (\"Linking a Persistent 2 file system to an S3 bucket using the " +
		"LustreConfiguration is not supported\"). FSx CSI driver v1.9.0 (chart 1.17.0): EKS add-on aws-fsx-csi-driver " +
		"(needs the Pod Identity agent); static volumes need no IAM; the node plugin tolerates every taint; the driver " +
		"image carries the Lustre userspace tools but the kernel module comes from the host, and the EKS AL2023 AMIs " +
		"do not install lustre-client (amazon-eks-ami PR #2696, closed: install it in user data).",
	URL:      "https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html",
	Recorded: recorded,
}
