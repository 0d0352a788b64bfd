package spec

// Lifecycle holds the lifecycle days of each bucket: config fills it from
// ml-platform:storage.lifecycle, the buckets component writes the rules.
type Lifecycle struct {
	// TrainingDataIntelligentTieringDays moves training data to
	// INTELLIGENT_TIERING; TrainingDataGlacierIRDays to GLACIER_IR.
	TrainingDataIntelligentTieringDays int
	TrainingDataGlacierIRDays          int
	// CheckpointsExpireDays deletes checkpoints (and their noncurrent versions).
	CheckpointsExpireDays int
	// ModelsGlacierDays moves models to GLACIER (restore before reading).
	ModelsGlacierDays int
	// NoncurrentExpireDays deletes noncurrent versions of training data,
	// models and artifacts.
	NoncurrentExpireDays int
	// LogsExpireDays deletes access logs.
	LogsExpireDays int
}

// ArchiveTiering turns on Intelligent-Tiering archive tiers for the
// training data (0 leaves a tier off).
type ArchiveTiering struct {
	ArchiveAccessDays, DeepArchiveAccessDays int
}

// Lustre is an FSx for Lustre file system's shape: config fills it from
// ml-platform:storage.lustre, the storage component creates it. The
// platform wires LinkBuckets (the component's data repositories) and
// AvailabilityZone (its subnet).
type Lustre struct {
	// DeploymentType is PERSISTENT_2 or SCRATCH_2.
	DeploymentType string
	// StorageCapacityGiB is the size: 1200, 2400, then steps of 2400.
	StorageCapacityGiB int
	// ThroughputMBpsPerTiB is PERSISTENT_2's tier (0 for SCRATCH_2).
	ThroughputMBpsPerTiB int
	// MetadataIops provisions metadata IOPS; 0 scales them with storage
	// (AUTOMATIC). PERSISTENT_2 only.
	MetadataIops int
	// EFA creates an EFA-enabled file system (GPUDirect Storage).
	EFA bool
	// LinkBuckets links /data to the training-data bucket and
	// /checkpoints to the checkpoints bucket.
	LinkBuckets bool
	// BackupRetentionDays keeps daily backups; AWS backs up only file
	// systems not linked to S3.
	BackupRetentionDays int
	// AvailabilityZone places the file system; "" is the stack's first AZ.
	AvailabilityZone string
}

// TrainingJob is the example distributed PyTorch job's shape: config
// fills it from ml-platform:storage.trainingJob, the workloads package
// submits it.
type TrainingJob struct {
	// InstanceType is the NVIDIA EFA type the nodes run on.
	InstanceType string
	// Nodes is the number of nodes, one pod each.
	Nodes int
	// Image and Command are what each pod runs (torchrun reads its rank
	// from the runtime).
	Image   string
	Command []string
	// CheckpointIntervalMinutes is how often the script is asked to
	// checkpoint: a spot interruption loses at most one interval.
	CheckpointIntervalMinutes int
	// ShmGiB sizes the memory-backed /dev/shm.
	ShmGiB int
}

// EFS is the shared file system's shape: config fills it from
// ml-platform:storage.efs, the storage component creates it and the
// platform gives the cluster a ReadWriteMany storage class and volume.
type EFS struct {
	// ThroughputMode is elastic or bursting (catalog.EFSThroughputModes).
	ThroughputMode string
	// TransitionToIADays moves files not read for that long to
	// Infrequent Access (catalog.EFSTransitionDays); a read moves them
	// back.
	TransitionToIADays int
	// Teams get an access point each, /teams/<team>, with a POSIX user of
	// their own; everyone shares /shared.
	Teams []string
}
