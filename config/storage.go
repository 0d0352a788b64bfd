package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
)

// Lifecycle, ArchiveTiering, Lustre and TrainingJob are the shapes the
// storage component and the workloads take.
type (
	Lifecycle      = spec.Lifecycle
	ArchiveTiering = spec.ArchiveTiering
	Lustre         = spec.Lustre
	TrainingJob    = spec.TrainingJob
	EFS            = spec.EFS
)

// Storage is the validated ml-platform:storage: the buckets, the Lustre
// file system and the example training job. Each field is the key of the
// same name in StorageKeys, which documents it; the pointers are nil when
// their object is off.
type Storage struct {
	Lifecycle                 Lifecycle
	ArchiveTiering            *ArchiveTiering
	RestrictToVPCEndpoint     bool
	VPCEndpointExemptRoleARNs []string
	AbortIncompleteUploadDays int
	ForceDestroy              bool
	Replication               *Replication
	Lustre                    *Lustre
	TrainingJob               *TrainingJob
	EFS                       *EFS
}

// Replication is the disaster recovery copy of the models bucket.
type Replication struct {
	// Region holds the replica bucket and its key.
	Region string
}

// Lustre deployment types the platform creates.
const (
	LustrePersistent2 = "PERSISTENT_2"
	LustreScratch2    = "SCRATCH_2"
)

// lifecycleDays is what S3 accepts for a lifecycle rule's days.
var lifecycleDays = Between(1, 36500, "days")

// StorageKeys declare ml-platform:storage. The defaults are the seed's
// lifecycle, access logs kept as long as the environment keeps logs, and
// in prod-like stacks objects reached only through the VPC endpoint and
// buckets kept on destroy.
var StorageKeys = []Key{
	{Name: "lifecycle", Doc: "how long objects stay in each storage class", Keys: []Key{
		{Name: "trainingData", Group: true, Keys: []Key{
			{Name: "intelligentTieringDays", Field: "TrainingDataIntelligentTieringDays", Default: Always(90), Check: lifecycleDays,
				Doc: "move training data to INTELLIGENT_TIERING after this many days"},
			{Name: "glacierIrDays", Field: "TrainingDataGlacierIRDays", Default: Always(365), Check: lifecycleDays,
				Doc: "move training data to GLACIER_IR after this many days (later than intelligentTieringDays)"},
		}},
		{Name: "checkpoints", Group: true, Keys: []Key{
			{Name: "expireDays", Field: "CheckpointsExpireDays", Default: Always(30), Check: lifecycleDays,
				Doc: "delete checkpoints (and their noncurrent versions) after this many days"},
		}},
		{Name: "models", Group: true, Keys: []Key{
			{Name: "glacierDays", Field: "ModelsGlacierDays", Default: Always(180), Check: lifecycleDays,
				Doc: "move models to GLACIER after this many days (restore before reading)"},
		}},
		{Name: "logs", Group: true, Keys: []Key{
			{Name: "expireDays", Field: "LogsExpireDays",
				Default: ByEnv(conventions.DevLogRetentionDays, conventions.ProdMinLogRetentionDays),
				Check: Rule("1 to 36500 days; prod-like stacks 365 or more", func(c Context, d int) string {
					if d < 1 || d > 36500 {
						return fmt.Sprintf("%d; allowed: 1 to 36500 (days)", d)
					}
					return weakerLogs(c, d)
				}), Doc: "delete access logs after this many days"},
		}},
		{Name: "noncurrentVersionExpireDays", Field: "NoncurrentExpireDays", Default: Always(30), Check: lifecycleDays,
			Doc: "delete noncurrent versions of training data, models and artifacts after this many days"},
	}},
	{Name: "archiveTiering", Doc: "Intelligent-Tiering archive tiers for the training-data bucket (objects there must be restored before they are read)", Keys: []Key{
		{Name: "archiveAccessDays", Check: archiveDays(catalog.S3ArchiveAccessMinDays),
			Doc: "move objects not read for this long to Archive Access; 0 leaves the tier off"},
		{Name: "deepArchiveAccessDays", Check: archiveDays(catalog.S3DeepArchiveAccessMinDays),
			Doc: "move them to Deep Archive Access; 0 leaves the tier off"},
	}},
	{Name: "restrictToVpcEndpoint", Field: "RestrictToVPCEndpoint", Default: ByEnv(false, true),
		Check: Rule("true, false; prod-like stacks true", func(c Context, on bool) string {
			if c.Env.ProdLike() && !on {
				return fmt.Sprintf("false is weaker than %s allows: prod objects are reached through the VPC endpoint; "+
					"list the roles that need access from elsewhere in vpcEndpointExemptRoleArns", c.Env)
			}
			return ""
		}), Doc: "deny object reads and writes that do not come through the VPC's S3 endpoint (AWS services, service-linked roles and vpcEndpointExemptRoleArns excepted)"},
	{Name: "vpcEndpointExemptRoleArns", Field: "VPCEndpointExemptRoleARNs", Check: Matching("an IAM role ARN",
		"arn:<partition>:iam::<account>:role/<name>", roleARNPattern.MatchString),
		Doc: "roles that may reach objects from anywhere (the deployer, CI, people uploading data)"},
	{Name: "abortIncompleteUploadDays", Default: Always(7), Check: AtLeast(1, "days"),
		Doc: "remove unfinished multipart uploads after this many days"},
	{Name: "forceDestroy", Default: ByEnv(true, false), Check: Rule("true, false; prod-like stacks false", func(c Context, on bool) string {
		if on && c.Env.ProdLike() {
			return fmt.Sprintf("true is not allowed in %s: prod buckets are protected and kept", c.Env)
		}
		return ""
	}), Doc: "let `pulumi destroy` delete buckets that hold objects"},
	{Name: "replication", Doc: "copy the models bucket to another region for disaster recovery (prod and staging only)", Keys: []Key{
		{Name: "region", Check: Rule("another commercial AWS region", func(c Context, r string) string {
			switch {
			case !catalog.KnownRegion(r):
				return fmt.Sprintf("%q is not a commercial AWS region the provider knows; closest: %s", r,
					strings.Join(catalog.Closest(r, catalog.Regions(), 3), ", "))
			case r == c.Region:
				return fmt.Sprintf("%q is the stack's own region; a disaster recovery copy goes to another one", r)
			}
			return ""
		}), Doc: "the region of the replica bucket and its key"},
	}},
	{Name: "lustre", Enabled: "enabled", On: true, Doc: "an FSx for Lustre file system (on when the object is present, unless enabled is false)", Keys: []Key{
		{Name: "deploymentType", Default: Always(LustrePersistent2), Check: Rule(`"PERSISTENT_2", "SCRATCH_2" (outside prod)`, func(c Context, t string) string {
			switch {
			case t != LustrePersistent2 && t != LustreScratch2:
				return fmt.Sprintf("%q is not offered; allowed: %q, %q (outside prod)", t, LustrePersistent2, LustreScratch2)
			case c.Env.ProdLike() && t != LustrePersistent2:
				return fmt.Sprintf("%q is weaker than %s allows (scratch data is not replicated); allowed: %q", t, c.Env, LustrePersistent2)
			}
			return ""
		}), Doc: "the file system's deployment type"},
		{Name: "storageCapacityGiB", Default: Always(1200), Doc: "the file system's size", Check: Check{Allowed: "1200, 2400, then steps of 2400 GiB"}},
		{Name: "throughputMBpsPerTiB", Default: Always(125), Check: Check{Allowed: intList(catalog.LustreThroughputMBpsPerTiB[LustrePersistent2])},
			Doc: "PERSISTENT_2's throughput tier (SCRATCH_2 has a fixed baseline)"},
		{Name: "metadataIops", Check: Rule("0 (scale with storage), 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000",
			func(_ Context, n int) string {
				if n != 0 && !catalog.LustreMetadataIopsOK(n) {
					return fmt.Sprintf("%d is not a metadata IOPS value; allowed: 0 (scale with storage), 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000", n)
				}
				return ""
			}), Doc: "provisioned metadata IOPS (PERSISTENT_2 only); 0 lets FSx scale them with storage"},
		{Name: "efa", Field: "EFA", Doc: "an EFA-enabled file system (GPUDirect Storage; PERSISTENT_2 only)"},
		{Name: "linkBuckets", Default: Always(true), Doc: "link /data to the training-data bucket and /checkpoints to the checkpoints bucket"},
		{Name: "backupRetentionDays", Derived: "7 in prod-like stacks when not linked to S3, else 0", Check: Between(0, catalog.LustreBackupRetentionMaxDays, "days"),
			Doc: "daily backups kept (PERSISTENT_2 not linked to S3 only; 7 by default in prod-like stacks)"},
		{Name: "availabilityZone", Check: Rule("a zone of the stack's region", func(c Context, az string) string {
			if az != "" && (!azPattern.MatchString(az) || !strings.HasPrefix(az, c.Region)) {
				return fmt.Sprintf("%q is not an availability zone of %s", az, c.Region)
			}
			return ""
		}), Doc: "where the file system goes; the stack's first zone (where EFA node groups go) by default"},
	}},
	{Name: "efs", Field: "EFS", Enabled: "enabled", Doc: "an encrypted EFS file system for shared data and notebook homes: " +
		"mount targets in the private subnets, access points per team, the EFS CSI driver and a ReadWriteMany storage class", Keys: []Key{
		{Name: "throughputMode", Default: Always("elastic"), Check: OneOf("a throughput mode", catalog.EFSThroughputModes...),
			Doc: "elastic scales with the workload, billed per GB transferred; bursting earns credits with the size stored"},
		{Name: "transitionToIaDays", Field: "TransitionToIADays", Default: Always(30), Check: Rule(intList(catalog.EFSTransitionDays),
			func(_ Context, d int) string {
				if !slices.Contains(catalog.EFSTransitionDays, d) {
					return fmt.Sprintf("%d is not a lifecycle transition; allowed: %s", d, intList(catalog.EFSTransitionDays))
				}
				return ""
			}), Doc: "move files not read for this many days to Infrequent Access (a read brings them back)"},
		{Name: "teams", Check: Matching("a team name", "lowercase letters, digits and dashes, at most 63", dnsLabel.MatchString),
			Doc: "teams that get an access point of their own, /teams/<team>"},
	}},
	{Name: "trainingJob", Enabled: "enabled", Doc: "the example distributed PyTorch job (needs lustre and Karpenter)", Keys: []Key{
		{Name: "instanceType", Default: Always("p5.48xlarge"), Check: nvidiaType(true), Doc: "the GPU instance type the job's nodes run on"},
		{Name: "nodes", Default: Always(2), Check: Between(1, 64, ""), Doc: "how many nodes (one pod each)"},
		{Name: "image", Default: Always(catalog.TrainingImage), Check: Rule("an image reference", func(_ Context, image string) string {
			if image == "" || strings.ContainsAny(image, " \t") {
				return fmt.Sprintf("%q is not an image reference", image)
			}
			return ""
		}), Doc: "the container image"},
		{Name: "command", Default: func(Context) any { return []string{"torchrun", "/data/code/train.py"} },
			Doc: "what each pod runs (torchrun reads its rank from the runtime)"},
		{Name: "checkpointIntervalMinutes", Default: Always(15), Check: Between(1, 240, "a spot interruption loses up to one interval"),
			Doc: "how often the script is asked to checkpoint"},
		{Name: "shmGiB", Default: Always(64), Check: Check{Allowed: "1 to half the instance's memory"}, Doc: "the size of the memory-backed /dev/shm"},
	}},
}

// weakerLogs refuses a log retention under a year in prod-like stacks.
func weakerLogs(c Context, days int) string {
	if c.Env.ProdLike() && days < conventions.ProdMinLogRetentionDays {
		return fmt.Sprintf("%d is weaker than %s allows (audit needs a year); allowed: %d or more", days, c.Env, conventions.ProdMinLogRetentionDays)
	}
	return ""
}

// archiveDays allows 0 (the tier off) or min to the archive tiers' maximum.
func archiveDays(lo int) Check {
	return Rule(fmt.Sprintf("0 (off) or %d to %d", lo, catalog.S3ArchiveTierMaxDays), func(_ Context, d int) string {
		if d != 0 && (d < lo || d > catalog.S3ArchiveTierMaxDays) {
			return fmt.Sprintf("%d is outside the allowed %d to %d", d, lo, catalog.S3ArchiveTierMaxDays)
		}
		return ""
	})
}

// checkStorage holds the rules that span several storage keys.
func checkStorage(c Context, s *Storage, set Set, karpenter bool, p *problems) {
	const key = KeyStorage
	lc := s.Lifecycle
	if lc.TrainingDataGlacierIRDays <= lc.TrainingDataIntelligentTieringDays {
		p.add(key+".lifecycle.trainingData.glacierIrDays", "%d must be later than intelligentTieringDays (%d): S3 moves objects down the classes, never back",
			lc.TrainingDataGlacierIRDays, lc.TrainingDataIntelligentTieringDays)
	}
	if t := s.ArchiveTiering; t != nil {
		if t.ArchiveAccessDays == 0 && t.DeepArchiveAccessDays == 0 {
			p.add(key+".archiveTiering", "sets no tier; allowed: archiveAccessDays %d-%d and/or deepArchiveAccessDays %d-%d",
				catalog.S3ArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays, catalog.S3DeepArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays)
		}
		if t.ArchiveAccessDays != 0 && t.DeepArchiveAccessDays != 0 && t.DeepArchiveAccessDays <= t.ArchiveAccessDays {
			p.add(key+".archiveTiering.deepArchiveAccessDays", "%d must be later than archiveAccessDays (%d)", t.DeepArchiveAccessDays, t.ArchiveAccessDays)
		}
	}
	if s.Replication != nil && !c.Env.ProdLike() {
		p.add(key+".replication", "a disaster recovery copy is for prod and staging (it doubles what the models cost to store); allowed in: prod, staging")
		s.Replication = nil
	}
	if l := s.Lustre; l != nil {
		checkLustre(c, l, set, p)
	}
	if e := s.EFS; e != nil {
		for i, team := range e.Teams {
			if slices.Index(e.Teams, team) != i {
				p.add(fmt.Sprintf("%s.efs.teams[%d]", key, i), "%q is listed twice", team)
			}
		}
	}
	if j := s.TrainingJob; j != nil {
		k := key + ".trainingJob"
		if s.Lustre == nil {
			p.add(k, "needs the Lustre file system (its data and checkpoints): enable %s.lustre", KeyStorage)
		}
		if !karpenter {
			p.add(k, "runs on Karpenter's gpu-training pool: enable %s.karpenter", KeyCluster)
		}
		if set[k+".command"] && len(j.Command) == 0 {
			p.add(k+".command", "must not be empty")
		}
		if t, ok := catalog.LookupInstanceType(j.InstanceType); ok && (j.ShmGiB < 1 || j.ShmGiB > t.MemoryGiB/2) {
			p.add(k+".shmGiB", "%d GiB is outside the allowed 1 to %d (half of %s's memory: /dev/shm counts against the pod's memory)",
				j.ShmGiB, t.MemoryGiB/2, j.InstanceType)
		}
	}
}

// checkLustre holds the file system's rules that depend on its deployment
// type, and the defaults that do.
func checkLustre(c Context, l *Lustre, set Set, p *problems) {
	const key = KeyStorage + ".lustre"
	if !catalog.LustreCapacityOK(l.DeploymentType, l.StorageCapacityGiB) {
		p.add(key+".storageCapacityGiB", "%d GiB is not a size FSx offers; allowed: 1200, 2400, then steps of 2400 GiB", l.StorageCapacityGiB)
	}
	persistent := l.DeploymentType == LustrePersistent2
	switch {
	case !persistent && set[key+".throughputMBpsPerTiB"]:
		p.add(key+".throughputMBpsPerTiB", "applies to %s only (%s has a fixed baseline)", LustrePersistent2, l.DeploymentType)
	case !persistent:
		l.ThroughputMBpsPerTiB = 0
	case !catalog.LustreThroughputOK(l.DeploymentType, "SSD", l.ThroughputMBpsPerTiB):
		p.add(key+".throughputMBpsPerTiB", "%d MB/s/TiB is not a tier; allowed: %s", l.ThroughputMBpsPerTiB,
			intList(catalog.LustreThroughputMBpsPerTiB[LustrePersistent2]))
	}
	if l.MetadataIops != 0 && !persistent {
		p.add(key+".metadataIops", "applies to %s only", LustrePersistent2)
	}
	if l.EFA && !persistent {
		p.add(key+".efa", "EFA-enabled file systems need deploymentType %q (with a metadata configuration and Lustre %s)", LustrePersistent2, catalog.LustreVersion)
	}
	switch {
	case l.BackupRetentionDays > 0 && !persistent:
		p.add(key+".backupRetentionDays", "%s file systems have no backups; allowed: 0", l.DeploymentType)
	case l.BackupRetentionDays > 0 && l.LinkBuckets:
		p.add(key+".backupRetentionDays", "AWS does not back up file systems linked to S3 (the buckets, versioned, are the durable copy); "+
			"allowed: 0, or set linkBuckets: false")
	case !set[key+".backupRetentionDays"] && persistent && !l.LinkBuckets && c.Env.ProdLike():
		l.BackupRetentionDays = 7
	}
	if persistent && !l.LinkBuckets && c.Env.ProdLike() && l.BackupRetentionDays < 1 {
		p.add(key+".backupRetentionDays", "%d is weaker than %s allows for a file system not linked to S3 (it is the only copy); allowed: 1 to %d",
			l.BackupRetentionDays, c.Env, catalog.LustreBackupRetentionMaxDays)
	}
}

// nvidiaType checks an NVIDIA GPU type of the catalog (with EFA when
// asked) that the catalog records in the stack's region.
func nvidiaType(efa bool) Check {
	what, with := "an NVIDIA GPU type", ""
	if efa {
		with = " with EFA"
	}
	return Rule(what+with+" offered in the region", func(c Context, name string) string {
		t, ok := catalog.LookupInstanceType(name)
		switch {
		case !ok || t.Accelerator != catalog.AcceleratorNvidiaGPU || (efa && !t.SupportsEFA()):
			return fmt.Sprintf("%q is not %s%s in the catalog; allowed: %s", name, what, with, strings.Join(nvidiaTypes(efa), ", "))
		case !t.OfferedIn(c.Region):
			return fmt.Sprintf("%q is not offered in %s", name, c.Region)
		}
		return ""
	})
}

// nvidiaTypes are the catalog's NVIDIA GPU types, those with EFA only
// when asked.
func nvidiaTypes(efa bool) []string {
	var out []string
	for _, name := range catalog.InstanceTypeNames() {
		if t, _ := catalog.LookupInstanceType(name); t.Accelerator == catalog.AcceleratorNvidiaGPU && (!efa || t.SupportsEFA()) {
			out = append(out, name)
		}
	}
	return out
}
