package storage

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/fsx"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// Lustre deployment types.
const (
	Persistent2 = "PERSISTENT_2"
	Scratch2    = "SCRATCH_2"
)

// DataRepository links a file-system directory to a bucket.
type DataRepository struct {
	// FileSystemPath is the directory, e.g. "/data" (required, unique).
	FileSystemPath string
	// BucketName is the linked bucket (required).
	BucketName string
	// Export writes files created or changed on the file system back to
	// the bucket; import (new, changed and deleted objects) is always on.
	Export bool
}

// LustreArgs configures the file system.
type LustreArgs struct {
	// Name names the file system (its Name tag) (required).
	Name string
	// Lustre is the file system's shape (spec.Lustre, as config produces
	// it; LinkBuckets and AvailabilityZone are the caller's to wire into
	// DataRepositories and SubnetID).
	spec.Lustre
	// KMSKeyARN encrypts a Persistent2 file system (required for Persistent2).
	KMSKeyARN pulumi.StringInput
	// VPCID and SubnetID place the file system (one AZ) (required).
	VPCID    pulumi.StringInput
	SubnetID pulumi.StringInput
	// ClientSecurityGroups are the groups of the machines that mount it, by
	// what they are ("nodes"): each admits Lustre traffic from the file
	// system (required, at least one).
	ClientSecurityGroups map[string]pulumi.StringInput
	// DataRepositories link directories to buckets (at most 8). Defaults to none.
	DataRepositories []DataRepository
	// DependsOn are what the associations wait for: the buckets, their
	// policies and the key grant. Defaults to none.
	DependsOn []pulumi.Resource
	// Protect protects the file system (prod). Defaults to false.
	Protect bool
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// Lustre is the file system, its security group and its associations.
type Lustre struct {
	pulumi.ResourceState

	FileSystem       *fsx.LustreFileSystem
	SecurityGroup    *ec2.SecurityGroup
	DataRepositories map[string]*fsx.DataRepositoryAssociation
}

func (a *LustreArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if a.Name == "" {
		add("Name: required")
	}
	persistent := a.DeploymentType == Persistent2
	if !persistent && a.DeploymentType != Scratch2 {
		add("DeploymentType: %q; allowed: %s, %s", a.DeploymentType, Persistent2, Scratch2)
	}
	if !catalog.LustreCapacityOK(a.DeploymentType, a.StorageCapacityGiB) {
		add("StorageCapacityGiB: %d is not 1200, 2400 or a multiple of 2400", a.StorageCapacityGiB)
	}
	if persistent && !catalog.LustreThroughputOK(a.DeploymentType, "SSD", a.ThroughputMBpsPerTiB) {
		add("ThroughputMBpsPerTiB: %d; allowed: %v", a.ThroughputMBpsPerTiB, catalog.LustreThroughputMBpsPerTiB[Persistent2])
	}
	if !persistent && (a.ThroughputMBpsPerTiB != 0 || a.MetadataIops != 0 || a.EFA || a.BackupRetentionDays != 0) {
		add("DeploymentType: %s takes no throughput tier, metadata IOPS, EFA or backups", a.DeploymentType)
	}
	if a.MetadataIops != 0 && !catalog.LustreMetadataIopsOK(a.MetadataIops) {
		add("MetadataIops: %d is not a metadata IOPS value", a.MetadataIops)
	}
	if a.BackupRetentionDays < 0 || a.BackupRetentionDays > catalog.LustreBackupRetentionMaxDays {
		add("BackupRetentionDays: %d outside 0-%d", a.BackupRetentionDays, catalog.LustreBackupRetentionMaxDays)
	}
	if a.BackupRetentionDays > 0 && len(a.DataRepositories) > 0 {
		add("BackupRetentionDays: AWS does not back up file systems linked to S3")
	}
	if persistent && a.KMSKeyARN == nil {
		add("KMSKeyARN: required for %s", Persistent2)
	}
	if a.VPCID == nil || a.SubnetID == nil {
		add("VPCID, SubnetID: required")
	}
	if len(a.ClientSecurityGroups) == 0 {
		add("ClientSecurityGroups: at least one")
	}
	for _, who := range slices.Sorted(maps.Keys(a.ClientSecurityGroups)) {
		if who == "" || who == "self" {
			add("ClientSecurityGroups: %q is not a name for clients", who)
		}
	}
	if n := len(a.DataRepositories); n > catalog.LustreMaxDataRepositories {
		add("DataRepositories: %d; a file system takes at most %d", n, catalog.LustreMaxDataRepositories)
	}
	if len(a.DataRepositories) > 0 && !slices.Contains(catalog.LustreDataRepositoryTypes, a.DeploymentType) {
		add("DataRepositories: %s file systems take no data repository associations", a.DeploymentType)
	}
	var seen []string // in the order given, so errors come in one order
	for i, r := range a.DataRepositories {
		if !strings.HasPrefix(r.FileSystemPath, "/") || r.FileSystemPath == "/" || r.BucketName == "" {
			add("DataRepositories[%d]: a directory like /data and a bucket are required", i)
		}
		for _, p := range seen {
			if strings.HasPrefix(r.FileSystemPath+"/", p+"/") || strings.HasPrefix(p+"/", r.FileSystemPath+"/") {
				add("DataRepositories[%d]: %s overlaps %s", i, r.FileSystemPath, p)
			}
		}
		if !slices.Contains(seen, r.FileSystemPath) {
			seen = append(seen, r.FileSystemPath)
		}
	}
	return errors.Join(errs...)
}

// NewLustre creates the file system, the security group Lustre needs and
// the data repository associations.
func NewLustre(ctx *pulumi.Context, name string, args *LustreArgs, opts ...pulumi.ResourceOption) (*Lustre, error) {
	if args == nil {
		return nil, errors.New("lustre: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("lustre %q: %w", name, err)
	}
	l := &Lustre{DataRepositories: map[string]*fsx.DataRepositoryAssociation{}}
	if err := ctx.RegisterComponentResource("ml-platform:storage:Lustre", name, l, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(l)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }

	var err error
	l.SecurityGroup, err = ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       args.VPCID,
		Description: pulumi.String("FSx for Lustre " + args.Name + ": Lustre traffic from itself and the nodes"),
		Tags:        tag("Name", args.Name+"-lustre"),
	}, parent)
	if err != nil {
		return nil, err
	}
	deps, err := l.rules(ctx, name, args, tag)
	if err != nil {
		return nil, err
	}

	fsArgs := &fsx.LustreFileSystemArgs{
		DeploymentType:        pulumi.String(args.DeploymentType),
		StorageCapacity:       pulumi.Int(args.StorageCapacityGiB),
		StorageType:           pulumi.String("SSD"),
		SubnetIds:             args.SubnetID,
		SecurityGroupIds:      pulumi.StringArray{l.SecurityGroup.ID()},
		FileSystemTypeVersion: pulumi.String(catalog.LustreVersion),
		DataCompressionType:   pulumi.String("LZ4"),
		Tags:                  tag("Name", args.Name),
	}
	if args.DeploymentType == Persistent2 {
		fsArgs.PerUnitStorageThroughput = pulumi.Int(args.ThroughputMBpsPerTiB)
		fsArgs.KmsKeyId = args.KMSKeyARN
		fsArgs.AutomaticBackupRetentionDays = pulumi.Int(args.BackupRetentionDays)
		fsArgs.CopyTagsToBackups = pulumi.Bool(true)
		fsArgs.SkipFinalBackup = pulumi.Bool(args.BackupRetentionDays == 0)
		meta := fsx.LustreFileSystemMetadataConfigurationArgs{Mode: pulumi.String("AUTOMATIC")}
		if args.MetadataIops > 0 {
			meta = fsx.LustreFileSystemMetadataConfigurationArgs{Mode: pulumi.String("USER_PROVISIONED"), Iops: pulumi.Int(args.MetadataIops)}
		}
		fsArgs.MetadataConfiguration = meta
		fsArgs.EfaEnabled = pulumi.Bool(args.EFA)
	}
	fsOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn(deps)}
	if args.Protect {
		fsOpts = append(fsOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	l.FileSystem, err = fsx.NewLustreFileSystem(ctx, name, fsArgs, fsOpts...)
	if err != nil {
		return nil, err
	}

	events := pulumi.ToStringArray([]string{"NEW", "CHANGED", "DELETED"})
	for _, r := range args.DataRepositories {
		s3Args := fsx.DataRepositoryAssociationS3Args{
			AutoImportPolicy: fsx.DataRepositoryAssociationS3AutoImportPolicyArgs{Events: events},
		}
		if r.Export {
			s3Args.AutoExportPolicy = fsx.DataRepositoryAssociationS3AutoExportPolicyArgs{Events: events}
		}
		dirName := strings.ReplaceAll(strings.Trim(r.FileSystemPath, "/"), "/", "-")
		l.DataRepositories[r.FileSystemPath], err = fsx.NewDataRepositoryAssociation(ctx, name+"-"+dirName, &fsx.DataRepositoryAssociationArgs{
			FileSystemId:                l.FileSystem.ID(),
			FileSystemPath:              pulumi.String(r.FileSystemPath),
			DataRepositoryPath:          pulumi.String("s3://" + r.BucketName + "/"),
			BatchImportMetaDataOnCreate: pulumi.Bool(true),
			DeleteDataInFilesystem:      pulumi.Bool(false),
			S3:                          s3Args,
			Tags:                        tag("Name", args.Name+"-"+dirName),
		}, parent, pulumi.DependsOn(args.DependsOn))
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(l, pulumi.Map{
		"fileSystemId": l.FileSystem.ID(), "dnsName": l.FileSystem.DnsName, "mountName": l.FileSystem.MountName,
	}); err != nil {
		return nil, err
	}
	return l, nil
}

// rules admits Lustre traffic between the file system and itself and
// between it and the nodes, both ways (the groups allow no other egress).
// An EFA-enabled file system needs all traffic, not just the Lustre ports.
func (l *Lustre) rules(ctx *pulumi.Context, name string, args *LustreArgs, tag func(...string) pulumi.StringMap) ([]pulumi.Resource, error) {
	parent := pulumi.Parent(l)
	type rule struct {
		proto    string
		from, to int
		suffix   string
	}
	var ports []rule
	if args.EFA {
		ports = []rule{{"-1", 0, 0, "all"}}
	} else {
		for _, p := range catalog.LustrePorts {
			suffix := fmt.Sprint(p[0])
			if p[1] != p[0] {
				suffix = fmt.Sprintf("%d-%d", p[0], p[1])
			}
			ports = append(ports, rule{"tcp", p[0], p[1], suffix})
		}
	}
	var out []pulumi.Resource
	portArgs := func(p rule) (pulumi.StringInput, pulumi.IntPtrInput, pulumi.IntPtrInput) {
		if p.proto == "-1" {
			return pulumi.String("-1"), nil, nil
		}
		return pulumi.String(p.proto), pulumi.Int(p.from), pulumi.Int(p.to)
	}
	peers := map[string]pulumi.StringInput{"self": l.SecurityGroup.ID()}
	for who, id := range args.ClientSecurityGroups {
		peers[who] = id
	}
	for _, who := range slices.Sorted(maps.Keys(peers)) {
		peer := peers[who]
		for _, p := range ports {
			proto, from, to := portArgs(p)
			in, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-from-%s-%s", name, who, p.suffix), &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: l.SecurityGroup.ID(), ReferencedSecurityGroupId: peer,
				IpProtocol: proto, FromPort: from, ToPort: to,
				Description: pulumi.String("Lustre from " + who), Tags: tag("Name", name+"-from-"+who),
			}, parent)
			if err != nil {
				return nil, err
			}
			eg, err := vpc.NewSecurityGroupEgressRule(ctx, fmt.Sprintf("%s-to-%s-%s", name, who, p.suffix), &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: l.SecurityGroup.ID(), ReferencedSecurityGroupId: peer,
				IpProtocol: proto, FromPort: from, ToPort: to,
				Description: pulumi.String("Lustre to " + who), Tags: tag("Name", name+"-to-"+who),
			}, parent)
			if err != nil {
				return nil, err
			}
			out = append(out, in, eg)
			if who == "self" {
				continue
			}
			// The nodes admit the file system's servers too.
			back, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-%s-from-lustre-%s", name, who, p.suffix), &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: peer, ReferencedSecurityGroupId: l.SecurityGroup.ID(),
				IpProtocol: proto, FromPort: from, ToPort: to,
				Description: pulumi.String("Lustre from " + args.Name), Tags: tag("Name", name+"-"+who+"-from-lustre"),
			}, parent)
			if err != nil {
				return nil, err
			}
			out = append(out, back)
		}
	}
	return out, nil
}
