package storage

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// ReplicationArgs configures cross-region replication of one SSE-KMS
// bucket to a replica bucket in another region (S3 user guide,
// "Replicating objects created with server-side encryption (SSE-KMS)").
type ReplicationArgs struct {
	// RoleName is the replication role's fixed name: the source bucket's
	// VPC endpoint restriction exempts it by ARN (required).
	RoleName string
	// Partition and AccountID place the role's ARNs (required).
	awsarn.Account
	// SourceRegion and DestinationRegion are different regions (required).
	SourceRegion, DestinationRegion string
	// SourceBucket and DestinationBucket are bucket names; both versioned
	// (required).
	SourceBucket, DestinationBucket string
	// SourceKeyAlias and DestinationKeyAlias name the keys that encrypt
	// them ("alias/..."), DestinationKeyARN the replica key S3 encrypts
	// with (required).
	SourceKeyAlias, DestinationKeyAlias string
	DestinationKeyARN                   pulumi.StringInput
	// DependsOn are the buckets with their versioning: S3 refuses a
	// replication configuration before versioning is on (required).
	DependsOn []pulumi.Resource
	// Tags are applied to the role (required: the stack's tags).
	Tags map[string]string
}

var roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

func (a *ReplicationArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if !roleNamePattern.MatchString(a.RoleName) {
		add("RoleName: %q is not an IAM role name", a.RoleName)
	}
	if a.Partition == "" || a.AccountID == "" || a.SourceBucket == "" || a.DestinationBucket == "" ||
		a.DestinationKeyARN == nil || len(a.DependsOn) == 0 || len(a.Tags) == 0 {
		add("Partition, AccountID, SourceBucket, DestinationBucket, DestinationKeyARN, DependsOn, Tags: required")
	}
	for _, k := range [][2]string{{"SourceKeyAlias", a.SourceKeyAlias}, {"DestinationKeyAlias", a.DestinationKeyAlias}} {
		if !strings.HasPrefix(k[1], "alias/") {
			add("%s: %q is not a key alias (alias/...)", k[0], k[1])
		}
	}
	if a.SourceRegion == "" || a.SourceRegion == a.DestinationRegion {
		add("DestinationRegion: %q must be a region other than the source's %q", a.DestinationRegion, a.SourceRegion)
	}
	return errors.Join(errs...)
}

// Replication is the role and the source bucket's replication configuration.
type Replication struct {
	pulumi.ResourceState

	Role   *iam.Role
	Policy *iam.RolePolicy
	Config *s3.BucketReplicationConfig
}

// ReplicationTrustPolicy lets S3 assume the role for this account's buckets.
func ReplicationTrustPolicy(account string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"s3.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{"StringEquals": {"aws:SourceAccount": {account}}},
	})
}

// ReplicationPolicy is the S3 user guide's replication role policy for
// SSE-KMS objects: read the source's versions, write replicas, decrypt
// with the source key and encrypt with the destination key through S3 in
// each region, for objects of these buckets only. The keys are named by
// alias (kms:ResourceAliases), so the document is known before they exist.
// With bucket keys on both sides the encryption context is the bucket ARN,
// so both forms are listed.
func ReplicationPolicy(partition, srcRegion, dstRegion, src, dst, srcKeyAlias, dstKeyAlias string) iamdoc.Document {
	bucket := func(b string) string { return fmt.Sprintf("arn:%s:s3:::%s", partition, b) }
	return iamdoc.New(
		iamdoc.Allow("ReadReplicationConfiguration", []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, bucket(src)),
		iamdoc.Allow("ReadSourceVersions", []string{"s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"},
			bucket(src)+"/*"),
		iamdoc.Allow("WriteReplicas", []string{"s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"}, bucket(dst)+"/*"),
		iamdoc.Statement{Sid: "DecryptSource", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{"*"},
			Condition: iamdoc.Condition{
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {srcKeyAlias}},
				"StringLike": {
					"kms:ViaService":                   {fmt.Sprintf("s3.%s.amazonaws.com", srcRegion)},
					"kms:EncryptionContext:aws:s3:arn": {bucket(src), bucket(src) + "/*"},
				}}},
		iamdoc.Statement{Sid: "EncryptReplicas", Effect: "Allow", Action: []string{"kms:Encrypt", "kms:GenerateDataKey"}, Resource: []string{"*"},
			Condition: iamdoc.Condition{
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {dstKeyAlias}},
				"StringLike": {
					"kms:ViaService":                   {fmt.Sprintf("s3.%s.amazonaws.com", dstRegion)},
					"kms:EncryptionContext:aws:s3:arn": {bucket(dst), bucket(dst) + "/*"},
				}}},
	)
}

// NewReplication registers the role and replicates every object of the
// source bucket, deletes markers included, SSE-KMS objects re-encrypted
// with the destination key. Register it with the source region's provider.
func NewReplication(ctx *pulumi.Context, name string, args *ReplicationArgs, opts ...pulumi.ResourceOption) (*Replication, error) {
	if args == nil {
		return nil, errors.New("replication: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("replication %q: %w", name, err)
	}
	r := &Replication{}
	if err := ctx.RegisterComponentResource("ml-platform:storage:Replication", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	var err error
	r.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(args.RoleName),
		Description:      pulumi.String(fmt.Sprintf("S3 replicates %s to %s (%s)", args.SourceBucket, args.DestinationBucket, args.DestinationRegion)),
		AssumeRolePolicy: pulumi.String(ReplicationTrustPolicy(args.AccountID).JSON()),
		Tags:             tags.With(args.Tags, "Name", args.RoleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	policy := ReplicationPolicy(args.Partition, args.SourceRegion, args.DestinationRegion, args.SourceBucket, args.DestinationBucket,
		args.SourceKeyAlias, args.DestinationKeyAlias).JSON()
	r.Policy, err = iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: r.Role.Name, Policy: pulumi.String(policy)}, parent)
	if err != nil {
		return nil, err
	}
	r.Config, err = s3.NewBucketReplicationConfig(ctx, name, &s3.BucketReplicationConfigArgs{
		Bucket: pulumi.String(args.SourceBucket),
		Role:   r.Role.Arn,
		Rules: s3.BucketReplicationConfigRuleArray{s3.BucketReplicationConfigRuleArgs{
			Id:                      pulumi.String("disaster-recovery"),
			Status:                  pulumi.String("Enabled"),
			Priority:                pulumi.Int(1),
			Filter:                  s3.BucketReplicationConfigRuleFilterArgs{},
			DeleteMarkerReplication: s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Enabled")},
			SourceSelectionCriteria: s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
				SseKmsEncryptedObjects: s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")},
			},
			Destination: s3.BucketReplicationConfigRuleDestinationArgs{
				Bucket:                  pulumi.String(args.S3(args.DestinationBucket)),
				EncryptionConfiguration: s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{ReplicaKmsKeyId: args.DestinationKeyARN},
			},
		}},
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{r.Policy}, args.DependsOn...)))
	if err != nil {
		return nil, err
	}
	return r, ctx.RegisterResourceOutputs(r, pulumi.Map{"roleArn": r.Role.Arn})
}
