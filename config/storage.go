package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Storage is the validated ml-platform:storage: the buckets, the Lustre
// file system and the example training job.
type Storage struct {
	// Lifecycle is how long objects stay in each class.
	Lifecycle Lifecycle
	// ArchiveTiering, when set, turns on the Intelligent-Tiering archive
	// tiers for the training-data bucket (objects there must be restored
	// before they can be read).
	ArchiveTiering *ArchiveTiering
	// RestrictToVPCEndpoint denies object reads and writes that do not
	// come through the VPC's S3 endpoint, except for AWS services,
	// service-linked roles and VPCEndpointExemptRoleARNs.
	RestrictToVPCEndpoint bool
	// VPCEndpointExemptRoleARNs may reach objects from anywhere (the
	// deployer, CI, people uploading data).
	VPCEndpointExemptRoleARNs []string
	// AbortIncompleteUploadDays removes unfinished multipart uploads.
	AbortIncompleteUploadDays int
	// ForceDestroy lets `pulumi destroy` delete buckets that hold objects
	// (dev only).
	ForceDestroy bool
	// Replication copies the models bucket to another region for disaster
	// recovery; nil when off (prod and staging only).
	Replication *Replication
	// Lustre is the FSx for Lustre file system; nil when off.
	Lustre *Lustre
	// TrainingJob is the example distributed training job; nil when off.
	TrainingJob *TrainingJob
}

// Replication is the disaster recovery copy of the models bucket.
type Replication struct {
	// Region holds the replica bucket and its key.
	Region string
}

// Lifecycle holds the lifecycle days of each bucket.
type Lifecycle struct {
	// TrainingDataIntelligentTieringDays moves training data to
	// INTELLIGENT_TIERING.
	TrainingDataIntelligentTieringDays int
	// TrainingDataGlacierIRDays moves training data to GLACIER_IR.
	TrainingDataGlacierIRDays int
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

// ArchiveTiering is the Intelligent-Tiering archive configuration.
type ArchiveTiering struct {
	// ArchiveAccessDays moves objects not read for that long to Archive
	// Access; 0 leaves the tier off.
	ArchiveAccessDays int
	// DeepArchiveAccessDays moves them to Deep Archive Access; 0 leaves
	// the tier off.
	DeepArchiveAccessDays int
}

// Lustre is the validated FSx for Lustre configuration.
type Lustre struct {
	// DeploymentType is PERSISTENT_2, or SCRATCH_2 outside prod.
	DeploymentType string
	// StorageCapacityGiB is the file system's size.
	StorageCapacityGiB int
	// ThroughputMBpsPerTiB is PERSISTENT_2's throughput tier (0 for SCRATCH_2).
	ThroughputMBpsPerTiB int
	// MetadataIops provisions metadata IOPS (USER_PROVISIONED); 0 lets
	// FSx scale them with storage (AUTOMATIC). PERSISTENT_2 only.
	MetadataIops int
	// EFA creates an EFA-enabled file system (GPUDirect Storage).
	EFA bool
	// LinkBuckets links /data to the training-data bucket and
	// /checkpoints to the checkpoints bucket (data repository associations).
	LinkBuckets bool
	// BackupRetentionDays keeps daily backups; AWS backs up only file
	// systems not linked to S3, so it is 0 with LinkBuckets.
	BackupRetentionDays int
	// AvailabilityZone places the file system; "" is the stack's first AZ
	// (where EFA node groups go).
	AvailabilityZone string
}

// TrainingJob is the example distributed PyTorch job.
type TrainingJob struct {
	// InstanceType is the GPU instance type the job's nodes run on.
	InstanceType string
	// Nodes is the number of nodes (one pod each).
	Nodes int
	// Image is the container image.
	Image string
	// Command runs in each pod (torchrun reads its rank from the runtime).
	Command []string
	// CheckpointIntervalMinutes is how often the script is asked to
	// checkpoint: a spot interruption loses at most one interval.
	CheckpointIntervalMinutes int
	// ShmGiB sizes the memory-backed /dev/shm.
	ShmGiB int
}

type storageInput struct {
	Lifecycle *struct {
		TrainingData *struct {
			IntelligentTieringDays *int `json:"intelligentTieringDays"`
			GlacierIRDays          *int `json:"glacierIrDays"`
		} `json:"trainingData"`
		Checkpoints *struct {
			ExpireDays *int `json:"expireDays"`
		} `json:"checkpoints"`
		Models *struct {
			GlacierDays *int `json:"glacierDays"`
		} `json:"models"`
		Logs *struct {
			ExpireDays *int `json:"expireDays"`
		} `json:"logs"`
		NoncurrentExpireDays *int `json:"noncurrentVersionExpireDays"`
	} `json:"lifecycle"`
	ArchiveTiering *struct {
		ArchiveAccessDays     *int `json:"archiveAccessDays"`
		DeepArchiveAccessDays *int `json:"deepArchiveAccessDays"`
	} `json:"archiveTiering"`
	RestrictToVPCEndpoint     *bool    `json:"restrictToVpcEndpoint"`
	VPCEndpointExemptRoleARNs []string `json:"vpcEndpointExemptRoleArns"`
	AbortIncompleteUploadDays *int     `json:"abortIncompleteUploadDays"`
	ForceDestroy              *bool    `json:"forceDestroy"`
	Replication               *struct {
		Region string `json:"region"`
	} `json:"replication"`
	Lustre      *lustreInput   `json:"lustre"`
	TrainingJob *trainJobInput `json:"trainingJob"`
}

type lustreInput struct {
	Enabled              *bool   `json:"enabled"`
	DeploymentType       *string `json:"deploymentType"`
	StorageCapacityGiB   *int    `json:"storageCapacityGiB"`
	ThroughputMBpsPerTiB *int    `json:"throughputMBpsPerTiB"`
	MetadataIops         *int    `json:"metadataIops"`
	EFA                  *bool   `json:"efa"`
	LinkBuckets          *bool   `json:"linkBuckets"`
	BackupRetentionDays  *int    `json:"backupRetentionDays"`
	AvailabilityZone     *string `json:"availabilityZone"`
}

type trainJobInput struct {
	Enabled                   *bool    `json:"enabled"`
	InstanceType              *string  `json:"instanceType"`
	Nodes                     *int     `json:"nodes"`
	Image                     *string  `json:"image"`
	Command                   []string `json:"command"`
	CheckpointIntervalMinutes *int     `json:"checkpointIntervalMinutes"`
	ShmGiB                    *int     `json:"shmGiB"`
}

// Lustre deployment types the platform creates.
const (
	LustrePersistent2 = "PERSISTENT_2"
	LustreScratch2    = "SCRATCH_2"
)

// StorageDefaults returns the defaults an environment starts from: the
// seed's lifecycle, access logs kept as long as the environment keeps logs,
// objects reachable only through the VPC endpoint in prod-like stacks.
func StorageDefaults(env conventions.Environment) Storage {
	s := Storage{
		Lifecycle: Lifecycle{
			TrainingDataIntelligentTieringDays: 90,
			TrainingDataGlacierIRDays:          365,
			CheckpointsExpireDays:              30,
			ModelsGlacierDays:                  180,
			NoncurrentExpireDays:               30,
			LogsExpireDays:                     conventions.DevLogRetentionDays,
		},
		AbortIncompleteUploadDays: 7,
		ForceDestroy:              !env.ProdLike(),
		RestrictToVPCEndpoint:     env.ProdLike(),
	}
	if env.ProdLike() {
		s.Lifecycle.LogsExpireDays = conventions.ProdMinLogRetentionDays
	}
	return s
}

// LustreDefaults returns the file system an environment starts from.
func LustreDefaults(env conventions.Environment) Lustre {
	return Lustre{
		DeploymentType:       LustrePersistent2,
		StorageCapacityGiB:   1200,
		ThroughputMBpsPerTiB: 125,
		LinkBuckets:          true,
	}
}

// TrainingJobDefaults returns the example job's defaults.
func TrainingJobDefaults() TrainingJob {
	return TrainingJob{
		InstanceType:              "p5.48xlarge",
		Nodes:                     2,
		Image:                     catalog.TrainingImage,
		Command:                   []string{"torchrun", "/data/code/train.py"},
		CheckpointIntervalMinutes: 15,
		ShmGiB:                    64,
	}
}

func parseStorage(env conventions.Environment, region string, in storageInput, karpenter bool, p *problems) Storage {
	const key = KeyStorage
	s := StorageDefaults(env)

	lc := &s.Lifecycle
	if l := in.Lifecycle; l != nil {
		if t := l.TrainingData; t != nil {
			set(&lc.TrainingDataIntelligentTieringDays, t.IntelligentTieringDays)
			set(&lc.TrainingDataGlacierIRDays, t.GlacierIRDays)
		}
		if c := l.Checkpoints; c != nil {
			set(&lc.CheckpointsExpireDays, c.ExpireDays)
		}
		if m := l.Models; m != nil {
			set(&lc.ModelsGlacierDays, m.GlacierDays)
		}
		if g := l.Logs; g != nil {
			set(&lc.LogsExpireDays, g.ExpireDays)
		}
		set(&lc.NoncurrentExpireDays, l.NoncurrentExpireDays)
	}
	lk := key + ".lifecycle."
	for _, d := range []struct {
		key  string
		days int
	}{
		{"trainingData.intelligentTieringDays", lc.TrainingDataIntelligentTieringDays},
		{"trainingData.glacierIrDays", lc.TrainingDataGlacierIRDays},
		{"checkpoints.expireDays", lc.CheckpointsExpireDays},
		{"models.glacierDays", lc.ModelsGlacierDays},
		{"noncurrentVersionExpireDays", lc.NoncurrentExpireDays},
		{"logs.expireDays", lc.LogsExpireDays},
	} {
		if d.days < 1 || d.days > 36500 {
			p.add(lk+d.key, "%d days is outside the allowed 1 to 36500", d.days)
		}
	}
	if lc.TrainingDataGlacierIRDays <= lc.TrainingDataIntelligentTieringDays {
		p.add(lk+"trainingData.glacierIrDays", "%d must be later than intelligentTieringDays (%d): S3 moves objects down the classes, never back",
			lc.TrainingDataGlacierIRDays, lc.TrainingDataIntelligentTieringDays)
	}
	if env.ProdLike() && lc.LogsExpireDays < conventions.ProdMinLogRetentionDays {
		p.add(lk+"logs.expireDays", "%d is weaker than %s allows (audit needs a year); allowed: %d or more",
			lc.LogsExpireDays, env, conventions.ProdMinLogRetentionDays)
	}

	if a := in.ArchiveTiering; a != nil {
		t := &ArchiveTiering{}
		set(&t.ArchiveAccessDays, a.ArchiveAccessDays)
		set(&t.DeepArchiveAccessDays, a.DeepArchiveAccessDays)
		ak := key + ".archiveTiering."
		if t.ArchiveAccessDays == 0 && t.DeepArchiveAccessDays == 0 {
			p.add(key+".archiveTiering", "sets no tier; allowed: archiveAccessDays %d-%d and/or deepArchiveAccessDays %d-%d",
				catalog.S3ArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays, catalog.S3DeepArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays)
		}
		if d := t.ArchiveAccessDays; d != 0 && (d < catalog.S3ArchiveAccessMinDays || d > catalog.S3ArchiveTierMaxDays) {
			p.add(ak+"archiveAccessDays", "%d is outside the allowed %d to %d", d, catalog.S3ArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays)
		}
		if d := t.DeepArchiveAccessDays; d != 0 && (d < catalog.S3DeepArchiveAccessMinDays || d > catalog.S3ArchiveTierMaxDays) {
			p.add(ak+"deepArchiveAccessDays", "%d is outside the allowed %d to %d", d, catalog.S3DeepArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays)
		}
		if t.ArchiveAccessDays != 0 && t.DeepArchiveAccessDays != 0 && t.DeepArchiveAccessDays <= t.ArchiveAccessDays {
			p.add(ak+"deepArchiveAccessDays", "%d must be later than archiveAccessDays (%d)", t.DeepArchiveAccessDays, t.ArchiveAccessDays)
		}
		s.ArchiveTiering = t
	}

	if in.RestrictToVPCEndpoint != nil {
		s.RestrictToVPCEndpoint = *in.RestrictToVPCEndpoint
		if env.ProdLike() && !s.RestrictToVPCEndpoint {
			p.add(key+".restrictToVpcEndpoint", "false is weaker than %s allows: prod objects are reached through the VPC endpoint; "+
				"list the roles that need access from elsewhere in vpcEndpointExemptRoleArns", env)
		}
	}
	for i, arn := range in.VPCEndpointExemptRoleARNs {
		if !roleARNPattern.MatchString(arn) {
			p.add(fmt.Sprintf("%s.vpcEndpointExemptRoleArns[%d]", key, i), "%q is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)", arn)
		}
	}
	s.VPCEndpointExemptRoleARNs = append([]string(nil), in.VPCEndpointExemptRoleARNs...)
	set(&s.AbortIncompleteUploadDays, in.AbortIncompleteUploadDays)
	if s.AbortIncompleteUploadDays < 1 {
		p.add(key+".abortIncompleteUploadDays", "%d is not a number of days; allowed: 1 or more", s.AbortIncompleteUploadDays)
	}
	if in.ForceDestroy != nil {
		s.ForceDestroy = *in.ForceDestroy
		if s.ForceDestroy && env.ProdLike() {
			p.add(key+".forceDestroy", "true is not allowed in %s: prod buckets are protected and kept", env)
		}
	}

	if r := in.Replication; r != nil {
		switch {
		case !env.ProdLike():
			p.add(key+".replication", "a disaster recovery copy is for prod and staging (it doubles what the models cost to store); allowed in: prod, staging")
		case !catalog.KnownRegion(r.Region):
			p.add(key+".replication.region", "%q is not a commercial AWS region the provider knows; closest: %s", r.Region,
				strings.Join(catalog.Closest(r.Region, catalog.Regions(), 3), ", "))
		case r.Region == region:
			p.add(key+".replication.region", "%q is the stack's own region; a disaster recovery copy goes to another one", r.Region)
		default:
			s.Replication = &Replication{Region: r.Region}
		}
	}

	if l := in.Lustre; l != nil && (l.Enabled == nil || *l.Enabled) {
		s.Lustre = parseLustre(env, region, *l, p)
	}
	if j := in.TrainingJob; j != nil && j.Enabled != nil && *j.Enabled {
		s.TrainingJob = parseTrainingJob(region, *j, s.Lustre != nil, karpenter, p)
	}
	return s
}

func parseLustre(env conventions.Environment, region string, in lustreInput, p *problems) *Lustre {
	const key = KeyStorage + ".lustre"
	l := LustreDefaults(env)
	set(&l.DeploymentType, in.DeploymentType)
	switch {
	case l.DeploymentType != LustrePersistent2 && l.DeploymentType != LustreScratch2:
		p.add(key+".deploymentType", "%q is not offered; allowed: %q, %q (outside prod)", l.DeploymentType, LustrePersistent2, LustreScratch2)
	case env.ProdLike() && l.DeploymentType != LustrePersistent2:
		p.add(key+".deploymentType", "%q is weaker than %s allows (scratch data is not replicated); allowed: %q", l.DeploymentType, env, LustrePersistent2)
	}
	set(&l.StorageCapacityGiB, in.StorageCapacityGiB)
	if !catalog.LustreCapacityOK(l.DeploymentType, l.StorageCapacityGiB) {
		p.add(key+".storageCapacityGiB", "%d GiB is not a size FSx offers; allowed: 1200, 2400, then steps of 2400 GiB", l.StorageCapacityGiB)
	}
	persistent := l.DeploymentType == LustrePersistent2
	if !persistent {
		l.ThroughputMBpsPerTiB = 0
	}
	if in.ThroughputMBpsPerTiB != nil {
		l.ThroughputMBpsPerTiB = *in.ThroughputMBpsPerTiB
		if !persistent {
			p.add(key+".throughputMBpsPerTiB", "applies to %s only (%s has a fixed baseline)", LustrePersistent2, l.DeploymentType)
		} else if !catalog.LustreThroughputOK(l.DeploymentType, "SSD", l.ThroughputMBpsPerTiB) {
			p.add(key+".throughputMBpsPerTiB", "%d MB/s/TiB is not a tier; allowed: %s", l.ThroughputMBpsPerTiB,
				intList(catalog.LustreThroughputMBpsPerTiB[LustrePersistent2]))
		}
	}
	set(&l.MetadataIops, in.MetadataIops)
	if l.MetadataIops != 0 {
		switch {
		case !persistent:
			p.add(key+".metadataIops", "applies to %s only", LustrePersistent2)
		case !catalog.LustreMetadataIopsOK(l.MetadataIops):
			p.add(key+".metadataIops", "%d is not a metadata IOPS value; allowed: 0 (scale with storage), 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000", l.MetadataIops)
		}
	}
	if in.EFA != nil {
		l.EFA = *in.EFA
		if l.EFA && !persistent {
			p.add(key+".efa", "EFA-enabled file systems need deploymentType %q (with a metadata configuration and Lustre %s)", LustrePersistent2, catalog.LustreVersion)
		}
	}
	set(&l.LinkBuckets, in.LinkBuckets)
	if in.BackupRetentionDays != nil {
		l.BackupRetentionDays = *in.BackupRetentionDays
		switch {
		case l.BackupRetentionDays < 0 || l.BackupRetentionDays > catalog.LustreBackupRetentionMaxDays:
			p.add(key+".backupRetentionDays", "%d is outside the allowed 0 to %d", l.BackupRetentionDays, catalog.LustreBackupRetentionMaxDays)
		case l.BackupRetentionDays > 0 && !persistent:
			p.add(key+".backupRetentionDays", "%s file systems have no backups; allowed: 0", l.DeploymentType)
		case l.BackupRetentionDays > 0 && l.LinkBuckets:
			p.add(key+".backupRetentionDays", "AWS does not back up file systems linked to S3 (the buckets, versioned, are the durable copy); "+
				"allowed: 0, or set linkBuckets: false")
		}
	} else if persistent && !l.LinkBuckets && env.ProdLike() {
		l.BackupRetentionDays = 7
	}
	if persistent && !l.LinkBuckets && env.ProdLike() && l.BackupRetentionDays < 1 {
		p.add(key+".backupRetentionDays", "%d is weaker than %s allows for a file system not linked to S3 (it is the only copy); allowed: 1 to %d",
			l.BackupRetentionDays, env, catalog.LustreBackupRetentionMaxDays)
	}
	if in.AvailabilityZone != nil {
		l.AvailabilityZone = *in.AvailabilityZone
		if !azPattern.MatchString(l.AvailabilityZone) || !strings.HasPrefix(l.AvailabilityZone, region) {
			p.add(key+".availabilityZone", "%q is not an availability zone of %s", l.AvailabilityZone, region)
		}
	}
	return &l
}

func parseTrainingJob(region string, in trainJobInput, lustre, karpenter bool, p *problems) *TrainingJob {
	const key = KeyStorage + ".trainingJob"
	j := TrainingJobDefaults()
	if !lustre {
		p.add(key, "needs the Lustre file system (its data and checkpoints): enable %s.lustre", KeyStorage)
	}
	set(&j.InstanceType, in.InstanceType)
	t, ok := catalog.LookupInstanceType(j.InstanceType)
	switch {
	case !ok || t.Accelerator != catalog.AcceleratorNvidiaGPU || !t.SupportsEFA():
		p.add(key+".instanceType", "%q is not an NVIDIA GPU type with EFA in the catalog; allowed: %s", j.InstanceType, strings.Join(nvidiaEFATypes(), ", "))
	case !t.OfferedIn(region):
		p.add(key+".instanceType", "%q is not offered in %s", j.InstanceType, region)
	}
	if !karpenter {
		p.add(key, "runs on Karpenter's gpu-training pool: enable %s.karpenter", KeyCluster)
	}
	set(&j.Nodes, in.Nodes)
	if j.Nodes < 1 || j.Nodes > 64 {
		p.add(key+".nodes", "%d is outside the allowed 1 to 64", j.Nodes)
	}
	if in.Image != nil {
		j.Image = *in.Image
		if j.Image == "" || strings.ContainsAny(j.Image, " \t") {
			p.add(key+".image", "%q is not an image reference", j.Image)
		}
	}
	if in.Command != nil {
		if len(in.Command) == 0 {
			p.add(key+".command", "must not be empty")
		}
		j.Command = slices.Clone(in.Command)
	}
	set(&j.CheckpointIntervalMinutes, in.CheckpointIntervalMinutes)
	if j.CheckpointIntervalMinutes < 1 || j.CheckpointIntervalMinutes > 240 {
		p.add(key+".checkpointIntervalMinutes", "%d is outside the allowed 1 to 240 (a spot interruption loses up to one interval)", j.CheckpointIntervalMinutes)
	}
	set(&j.ShmGiB, in.ShmGiB)
	if ok && (j.ShmGiB < 1 || j.ShmGiB > t.MemoryGiB/2) {
		p.add(key+".shmGiB", "%d GiB is outside the allowed 1 to %d (half of %s's memory: /dev/shm counts against the pod's memory)",
			j.ShmGiB, t.MemoryGiB/2, j.InstanceType)
	}
	return &j
}

func nvidiaEFATypes() []string {
	var out []string
	for _, name := range catalog.InstanceTypeNames() {
		if t, _ := catalog.LookupInstanceType(name); t.Accelerator == catalog.AcceleratorNvidiaGPU && t.SupportsEFA() {
			out = append(out, name)
		}
	}
	return out
}

// set overwrites *dst with *v when the key was given (v not nil).
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
