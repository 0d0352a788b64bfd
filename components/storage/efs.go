package storage

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// SharedAccessPoint is the access point everyone mounts, /shared.
const SharedAccessPoint = "shared"

// POSIX users the access points enforce: the shared directory's, and each
// team's from TeamUIDBase on, in the order the teams are listed.
const (
	SharedUID   = 1000
	TeamUIDBase = 2000
)

// SharedFilesArgs configures the shared EFS file system.
type SharedFilesArgs struct {
	// Name names the file system and its security group (required).
	Name string
	// EFS is its shape (spec.EFS, as config produces it).
	spec.EFS
	// KMSKeyARN encrypts it at rest (required).
	KMSKeyARN pulumi.StringInput
	// VPCID and SubnetIDsByAZ place a mount target in each AZ (required).
	VPCID         pulumi.StringInput
	SubnetIDsByAZ map[string]pulumi.StringInput
	// ClientSecurityGroups are the groups of the machines that mount it, by
	// what they are ("nodes"); each reaches NFS (required, at least one).
	ClientSecurityGroups map[string]pulumi.StringInput
	// Protect protects the file system and turns AWS Backup's daily backups
	// on (prod). Defaults to false.
	Protect bool
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// SharedFiles is the file system, its mount targets and access points.
type SharedFiles struct {
	pulumi.ResourceState

	FileSystem    *efs.FileSystem
	SecurityGroup *ec2.SecurityGroup
	MountTargets  map[string]*efs.MountTarget
	// AccessPoints are SharedAccessPoint and one per team, by name.
	AccessPoints map[string]*efs.AccessPoint
	Policy       *efs.FileSystemPolicy
}

// AccessPointUID is the POSIX user of an access point: the shared one's, or
// a team's by its place in the list.
func AccessPointUID(teams []string, name string) int {
	if i := slices.Index(teams, name); i >= 0 {
		return TeamUIDBase + i
	}
	return SharedUID
}

// SharedFilesPolicy is the file system policy: mounts through a mount
// target are allowed to anyone who reaches it (the security group decides
// who does), without TLS to no one.
func SharedFilesPolicy(fileSystemARN string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Statement{Sid: "MountThroughMountTargets", Effect: "Allow", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action:    []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
			Resource:  []string{fileSystemARN},
			Condition: iamdoc.Condition{"Bool": {"elasticfilesystem:AccessedViaMountTarget": {"true"}}}},
		iamdoc.Statement{Sid: "DenyWithoutTLS", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: []string{"*"}, Resource: []string{fileSystemARN},
			Condition: iamdoc.Condition{"Bool": {"aws:SecureTransport": {"false"}}}},
	)
}

func (a *SharedFilesArgs) validate() error {
	var errs []error
	if a.Name == "" || a.KMSKeyARN == nil || a.VPCID == nil || len(a.Tags) == 0 {
		errs = append(errs, errors.New("Name, KMSKeyARN, VPCID and Tags: required"))
	}
	if len(a.SubnetIDsByAZ) == 0 || len(a.ClientSecurityGroups) == 0 {
		errs = append(errs, errors.New("SubnetIDsByAZ and ClientSecurityGroups: at least one each"))
	}
	for i, team := range a.Teams {
		if team == SharedAccessPoint || slices.Index(a.Teams, team) != i {
			errs = append(errs, fmt.Errorf("Teams[%d]: %q is listed twice or is the shared access point's name", i, team))
		}
	}
	return errors.Join(errs...)
}

// NewSharedFiles creates an encrypted EFS file system with a mount target
// per AZ behind its own security group, lifecycle to Infrequent Access,
// the shared and per-team access points, and a policy that refuses mounts
// without TLS.
func NewSharedFiles(ctx *pulumi.Context, name string, args *SharedFilesArgs, opts ...pulumi.ResourceOption) (*SharedFiles, error) {
	if args == nil {
		return nil, errors.New("shared files: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("shared files %q: %w", name, err)
	}
	f := &SharedFiles{MountTargets: map[string]*efs.MountTarget{}, AccessPoints: map[string]*efs.AccessPoint{}}
	if err := ctx.RegisterComponentResource("ml-platform:storage:SharedFiles", name, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }
	var err error
	f.SecurityGroup, err = ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId: args.VPCID, Description: pulumi.String("EFS mount targets: NFS from the clients"), Tags: tag("Name", args.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, who := range slices.Sorted(maps.Keys(args.ClientSecurityGroups)) {
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-from-"+who, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: f.SecurityGroup.ID(), ReferencedSecurityGroupId: args.ClientSecurityGroups[who],
			IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(catalog.EFSPort), ToPort: pulumi.Int(catalog.EFSPort),
			Description: pulumi.String("NFS from " + who), Tags: tag("Name", name+"-from-"+who),
		}, parent); err != nil {
			return nil, err
		}
	}
	protection := "ENABLED"
	if !args.Protect {
		protection = "DISABLED"
	}
	f.FileSystem, err = efs.NewFileSystem(ctx, name, &efs.FileSystemArgs{
		CreationToken:  pulumi.String(args.Name),
		Encrypted:      pulumi.Bool(true),
		KmsKeyId:       args.KMSKeyARN,
		ThroughputMode: pulumi.String(args.ThroughputMode),
		LifecyclePolicies: efs.FileSystemLifecyclePolicyArray{
			efs.FileSystemLifecyclePolicyArgs{TransitionToIa: pulumi.String(catalog.EFSTransition(args.TransitionToIADays))},
			efs.FileSystemLifecyclePolicyArgs{TransitionToPrimaryStorageClass: pulumi.String("AFTER_1_ACCESS")},
		},
		Tags: tag("Name", args.Name),
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}
	if _, err := efs.NewBackupPolicy(ctx, name, &efs.BackupPolicyArgs{
		FileSystemId: f.FileSystem.ID(), BackupPolicy: efs.BackupPolicyBackupPolicyArgs{Status: pulumi.String(protection)},
	}, parent); err != nil {
		return nil, err
	}
	f.Policy, err = efs.NewFileSystemPolicy(ctx, name, &efs.FileSystemPolicyArgs{
		FileSystemId: f.FileSystem.ID(),
		Policy:       f.FileSystem.Arn.ApplyT(func(arn string) string { return SharedFilesPolicy(arn).JSON() }).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, az := range slices.Sorted(maps.Keys(args.SubnetIDsByAZ)) {
		f.MountTargets[az], err = efs.NewMountTarget(ctx, name+"-"+az, &efs.MountTargetArgs{
			FileSystemId: f.FileSystem.ID(), SubnetId: args.SubnetIDsByAZ[az], SecurityGroups: pulumi.StringArray{f.SecurityGroup.ID()},
		}, parent)
		if err != nil {
			return nil, err
		}
	}
	for _, ap := range append([]string{SharedAccessPoint}, args.Teams...) {
		uid := AccessPointUID(args.Teams, ap)
		path := "/teams/" + ap
		if ap == SharedAccessPoint {
			path = "/shared"
		}
		f.AccessPoints[ap], err = efs.NewAccessPoint(ctx, name+"-"+ap, &efs.AccessPointArgs{
			FileSystemId: f.FileSystem.ID(),
			PosixUser:    efs.AccessPointPosixUserArgs{Uid: pulumi.Int(uid), Gid: pulumi.Int(uid)},
			RootDirectory: efs.AccessPointRootDirectoryArgs{Path: pulumi.String(path),
				CreationInfo: efs.AccessPointRootDirectoryCreationInfoArgs{OwnerUid: pulumi.Int(uid), OwnerGid: pulumi.Int(uid), Permissions: pulumi.String("0770")}},
			Tags: tag("Name", args.Name+"-"+ap),
		}, parent)
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{"fileSystemId": f.FileSystem.ID()}); err != nil {
		return nil, err
	}
	return f, nil
}
