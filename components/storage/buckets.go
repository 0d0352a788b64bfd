package storage

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// Bucket purposes, in the order they are created.
const (
	TrainingData = "training-data"
	Checkpoints  = "checkpoints"
	Models       = "models"
	Artifacts    = "artifacts"
	AccessLogs   = "access-logs"
)

// Purposes are the buckets every stack gets.
var Purposes = []string{TrainingData, Checkpoints, Models, Artifacts, AccessLogs}

// dataPurposes are the buckets that hold data: SSE-KMS, logged, and
// reachable only through the VPC endpoint when restricted.
var dataPurposes = []string{TrainingData, Checkpoints, Models, Artifacts}

// Lifecycle and ArchiveTiering are the buckets' lifecycle (spec: config
// produces them).
type (
	Lifecycle      = spec.Lifecycle
	ArchiveTiering = spec.ArchiveTiering
)

// BucketsArgs configures the stack's buckets.
type BucketsArgs struct {
	// NamePrefix starts every bucket name: project and stack (required).
	NamePrefix string
	// Partition, Region and AccountID complete the names and ARNs (required).
	awsarn.Account
	// DataKeyARN encrypts every bucket but the access logs (required).
	DataKeyARN pulumi.StringInput
	// Lifecycle is the lifecycle of each bucket (required).
	Lifecycle Lifecycle
	// ArchiveTiering, when set, adds Intelligent-Tiering archive tiers to
	// the training data. Defaults to none.
	ArchiveTiering *ArchiveTiering
	// AbortIncompleteUploadDays removes unfinished multipart uploads (required, > 0).
	AbortIncompleteUploadDays int
	// VPCEndpointID, when set, is the only way to reach objects, except for
	// AWS services, service-linked roles and VPCEndpointExemptRoleARNs.
	// Defaults to no restriction.
	VPCEndpointID pulumi.StringInput
	// VPCEndpointExemptRoleARNs reach objects from anywhere. Defaults to none.
	VPCEndpointExemptRoleARNs []string
	// ServicePrefixes let roles an AWS service assumes reach one prefix of
	// one bucket from outside the VPC endpoint, and nothing else: SageMaker
	// Feature Store writes offline stores from its own network with the
	// role it is given. Defaults to none.
	ServicePrefixes []ServicePrefix
	// ServiceDeliveries let AWS services write logs under a prefix of a
	// data bucket (Bedrock model invocation logs). Defaults to none.
	ServiceDeliveries []ServiceDelivery
	// ObjectReaders let other accounts read the objects of a data bucket
	// (stacks there promote this stack's models). Defaults to none.
	ObjectReaders []ObjectReader
	// DataPurposes are the data buckets to create, each logged to the
	// access-logs bucket. Defaults to every data purpose (a disaster
	// recovery replica takes only the models).
	DataPurposes []string
	// ForceDestroy lets destroy delete buckets that hold objects. Defaults to false.
	ForceDestroy bool
	// Protect protects the buckets and keeps them on delete (prod). Defaults to false.
	Protect bool
	// Tags are applied to every bucket (required: the stack's tags).
	Tags map[string]string
}

// ServicePrefix is a prefix of a bucket a service role reaches from
// outside the VPC endpoint.
type ServicePrefix struct {
	// Purpose is the bucket (a data purpose).
	Purpose string
	// Prefix is the key prefix, ending in "/".
	Prefix string
	// RoleARN is the role the service writes with.
	RoleARN string
}

// ObjectReader lets accounts list a data bucket and read its objects.
type ObjectReader struct {
	// Purpose is the bucket (a data purpose).
	Purpose string
	// AccountIDs are the reading accounts; an identity policy there must
	// grant the same.
	AccountIDs []string
	// Prefixes, when set, are the only key prefixes (ending in "/") the
	// accounts list and read. Defaults to the whole bucket.
	Prefixes []string
}

// ServiceDelivery lets a service principal put objects under a prefix of
// a data bucket on behalf of this account's resources.
type ServiceDelivery struct {
	// Purpose is the bucket (a data purpose).
	Purpose string
	// Sid names the statement.
	Sid string
	// Service is the principal, "bedrock.amazonaws.com".
	Service string
	// Prefix is the key pattern the service writes, ending in "*".
	Prefix string
	// SourceARN is the aws:SourceArn pattern of the delivering resources.
	SourceARN string
}

// Buckets are the stack's buckets.
type Buckets struct {
	pulumi.ResourceState

	// Buckets by purpose.
	Buckets map[string]*s3.BucketV2
	// Names are the physical bucket names by purpose, known before the
	// buckets exist.
	Names map[string]string
	// Policies are the bucket policies by purpose: what a service that
	// checks its access when configured waits for.
	Policies map[string]*s3.BucketPolicy
	// Versionings turn versioning on, by purpose: what replication waits for.
	Versionings map[string]*s3.BucketVersioningV2
}

// ARN is a bucket's ARN by purpose.
func (b *Buckets) ARN(partition, purpose string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", partition, b.Names[purpose])
}

// bucketNamePattern is S3's rule for general purpose bucket names.
var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// accountID is a 12-digit AWS account ID.
var accountID = regexp.MustCompile(`^\d{12}$`)

// BucketName is a bucket's fixed name: unique per account and region, so
// stacks of the same name in other accounts or regions do not collide.
func BucketName(prefix, purpose, account, region string) string {
	return fmt.Sprintf("%s-%s-%s-%s", prefix, purpose, account, region)
}

// purposes are the data buckets to create.
func (a *BucketsArgs) purposes() []string {
	if len(a.DataPurposes) == 0 {
		return dataPurposes
	}
	return a.DataPurposes
}

func (a *BucketsArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if a.ArchiveTiering != nil && !slices.Contains(a.purposes(), TrainingData) {
		add("ArchiveTiering: needs the %s bucket", TrainingData)
	}
	for i, p := range a.DataPurposes {
		if !slices.Contains(dataPurposes, p) || slices.Index(a.DataPurposes, p) != i {
			add("DataPurposes[%d]: %q; allowed: each of %s once", i, p, strings.Join(dataPurposes, ", "))
		}
	}
	if a.Partition == "" || a.Region == "" || a.AccountID == "" {
		add("Partition, Region, AccountID: required")
	}
	for _, p := range Purposes {
		if n := BucketName(a.NamePrefix, p, a.AccountID, a.Region); !bucketNamePattern.MatchString(n) {
			add("NamePrefix: %q gives the bucket name %q, which S3 refuses (3-63 lowercase letters, digits, dots and dashes)", a.NamePrefix, n)
		}
	}
	if a.DataKeyARN == nil {
		add("DataKeyARN: required")
	}
	l := a.Lifecycle
	for _, d := range []struct {
		name string
		days int
	}{
		{"TrainingDataIntelligentTieringDays", l.TrainingDataIntelligentTieringDays}, {"TrainingDataGlacierIRDays", l.TrainingDataGlacierIRDays},
		{"CheckpointsExpireDays", l.CheckpointsExpireDays}, {"ModelsGlacierDays", l.ModelsGlacierDays},
		{"NoncurrentExpireDays", l.NoncurrentExpireDays}, {"LogsExpireDays", l.LogsExpireDays},
		{"AbortIncompleteUploadDays", a.AbortIncompleteUploadDays},
	} {
		if d.days < 1 {
			add("%s: %d must be at least 1", d.name, d.days)
		}
	}
	if l.TrainingDataGlacierIRDays <= l.TrainingDataIntelligentTieringDays {
		add("Lifecycle.TrainingDataGlacierIRDays: %d must be later than TrainingDataIntelligentTieringDays %d",
			l.TrainingDataGlacierIRDays, l.TrainingDataIntelligentTieringDays)
	}
	if t := a.ArchiveTiering; t != nil {
		if d := t.ArchiveAccessDays; d != 0 && (d < catalog.S3ArchiveAccessMinDays || d > catalog.S3ArchiveTierMaxDays) {
			add("ArchiveTiering.ArchiveAccessDays: %d outside %d-%d", d, catalog.S3ArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays)
		}
		if d := t.DeepArchiveAccessDays; d != 0 && (d < catalog.S3DeepArchiveAccessMinDays || d > catalog.S3ArchiveTierMaxDays) {
			add("ArchiveTiering.DeepArchiveAccessDays: %d outside %d-%d", d, catalog.S3DeepArchiveAccessMinDays, catalog.S3ArchiveTierMaxDays)
		}
		if t.ArchiveAccessDays == 0 && t.DeepArchiveAccessDays == 0 {
			add("ArchiveTiering: no tier set")
		}
	}
	if a.VPCEndpointID == nil && len(a.VPCEndpointExemptRoleARNs) > 0 {
		add("VPCEndpointExemptRoleARNs: set without VPCEndpointID")
	}
	for i, d := range a.ServiceDeliveries {
		if !slices.Contains(dataPurposes, d.Purpose) || d.Sid == "" || !strings.HasSuffix(d.Service, ".amazonaws.com") ||
			!strings.HasSuffix(d.Prefix, "*") || !strings.HasPrefix(d.SourceARN, "arn:") {
			add("ServiceDeliveries[%d]: a data bucket, a Sid, a service principal, a prefix ending in *, a source ARN", i)
		}
	}
	for i, r := range a.ObjectReaders {
		if !slices.Contains(dataPurposes, r.Purpose) || len(r.AccountIDs) == 0 || slices.ContainsFunc(r.AccountIDs, func(id string) bool { return !accountID.MatchString(id) }) {
			add("ObjectReaders[%d]: a data bucket and 12-digit account IDs", i)
		}
		for j, p := range r.Prefixes {
			if !strings.HasSuffix(p, "/") || strings.HasPrefix(p, "/") || strings.Contains(p, "*") {
				add("ObjectReaders[%d].Prefixes[%d]: %q is not a key prefix ending in / (no leading /, no wildcard)", i, j, p)
			}
		}
	}
	for i, sp := range a.ServicePrefixes {
		if a.VPCEndpointID == nil || !slices.Contains(dataPurposes, sp.Purpose) || !strings.HasSuffix(sp.Prefix, "/") ||
			strings.HasPrefix(sp.Prefix, "/") || !strings.Contains(sp.RoleARN, ":role/") {
			add("ServicePrefixes[%d]: a data bucket, a prefix ending in /, a role ARN, and VPCEndpointID set", i)
		}
	}
	if a.ForceDestroy && a.Protect {
		add("ForceDestroy: not with Protect")
	}
	return errors.Join(errs...)
}

// NewBuckets creates the buckets, each with its encryption, versioning,
// public access block, ownership, policy, access logging and lifecycle.
func NewBuckets(ctx *pulumi.Context, name string, args *BucketsArgs, opts ...pulumi.ResourceOption) (*Buckets, error) {
	if args == nil {
		return nil, errors.New("buckets: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("buckets %q: %w", name, err)
	}
	b := &Buckets{Buckets: map[string]*s3.BucketV2{}, Names: map[string]string{}, Policies: map[string]*s3.BucketPolicy{},
		Versionings: map[string]*s3.BucketVersioningV2{}}
	if err := ctx.RegisterComponentResource("ml-platform:storage:Buckets", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	keep := []pulumi.ResourceOption{parent}
	if args.Protect {
		keep = append(keep, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	for _, p := range append(slices.Clone(args.purposes()), AccessLogs) {
		b.Names[p] = BucketName(args.NamePrefix, p, args.AccountID, args.Region)
	}

	// The log bucket first: the others log to it once its policy admits them.
	logsPolicy, err := b.bucket(ctx, name, AccessLogs, args, keep)
	if err != nil {
		return nil, err
	}
	for _, p := range args.purposes() {
		if _, err := b.bucket(ctx, name, p, args, keep); err != nil {
			return nil, err
		}
		if _, err := s3.NewBucketLoggingV2(ctx, name+"-"+p+"-logging", &s3.BucketLoggingV2Args{
			Bucket:       b.Buckets[p].ID(),
			TargetBucket: b.Buckets[AccessLogs].ID(),
			TargetPrefix: pulumi.String(p + "/"),
		}, parent, pulumi.DependsOn([]pulumi.Resource{logsPolicy})); err != nil {
			return nil, err
		}
	}
	if t := args.ArchiveTiering; t != nil {
		var tiers s3.BucketIntelligentTieringConfigurationTieringArray
		if t.ArchiveAccessDays > 0 {
			tiers = append(tiers, s3.BucketIntelligentTieringConfigurationTieringArgs{
				AccessTier: pulumi.String("ARCHIVE_ACCESS"), Days: pulumi.Int(t.ArchiveAccessDays)})
		}
		if t.DeepArchiveAccessDays > 0 {
			tiers = append(tiers, s3.BucketIntelligentTieringConfigurationTieringArgs{
				AccessTier: pulumi.String("DEEP_ARCHIVE_ACCESS"), Days: pulumi.Int(t.DeepArchiveAccessDays)})
		}
		if _, err := s3.NewBucketIntelligentTieringConfiguration(ctx, name+"-"+TrainingData+"-archive", &s3.BucketIntelligentTieringConfigurationArgs{
			Bucket:   b.Buckets[TrainingData].ID(),
			Name:     pulumi.String("archive"),
			Status:   pulumi.String("Enabled"),
			Tierings: tiers,
		}, parent); err != nil {
			return nil, err
		}
	}

	outputs := pulumi.Map{}
	for p, bucket := range b.Buckets {
		outputs[p] = bucket.ID()
	}
	if err := ctx.RegisterResourceOutputs(b, outputs); err != nil {
		return nil, err
	}
	return b, nil
}

// bucket creates one bucket and its configuration; it returns the policy.
func (b *Buckets) bucket(ctx *pulumi.Context, name, purpose string, args *BucketsArgs, keep []pulumi.ResourceOption) (*s3.BucketPolicy, error) {
	parent := pulumi.Parent(b)
	n := name + "-" + purpose
	bucket, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{
		Bucket:       pulumi.String(b.Names[purpose]),
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		Tags:         tags.With(args.Tags, "Name", b.Names[purpose]),
	}, keep...)
	if err != nil {
		return nil, err
	}
	b.Buckets[purpose] = bucket
	id := bucket.ID()

	byDefault := s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: args.DataKeyARN,
	}
	bucketKey := pulumi.Bool(true)
	if purpose == AccessLogs {
		// S3 delivers server access logs only to SSE-S3 buckets.
		byDefault = s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("AES256")}
		bucketKey = pulumi.Bool(false)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled: bucketKey,
		}},
	}, parent); err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  id,
		VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, err
	}
	b.Versionings[purpose] = versioning
	pab, err := s3.NewBucketPublicAccessBlock(ctx, n+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket: id, BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, n+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id, Rule: s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, err
	}

	arn := b.ARN(args.Partition, purpose)
	var policy pulumi.StringInput
	switch {
	case purpose == AccessLogs:
		var sources []string
		for _, p := range args.purposes() {
			sources = append(sources, b.ARN(args.Partition, p))
		}
		policy = pulumi.String(AccessLogsPolicy(arn, args.AccountID, sources).JSON())
	case args.VPCEndpointID != nil:
		// The endpoint ID is an output: this policy is known once the
		// endpoint exists.
		policy = args.VPCEndpointID.ToStringOutput().ApplyT(func(vpce string) string {
			var service []ServicePrefix
			for _, sp := range args.ServicePrefixes {
				if sp.Purpose == purpose {
					service = append(service, sp)
				}
			}
			var readers []string
			for _, r := range args.ObjectReaders {
				if r.Purpose == purpose {
					readers = append(readers, r.AccountIDs...)
				}
			}
			doc := DataBucketPolicy(arn, args.Partition, args.AccountID, vpce, args.VPCEndpointExemptRoleARNs, readers, service...)
			return withReaders(withDeliveries(doc, arn, args.AccountID, args.ServiceDeliveries, purpose), arn, args.Partition, args.ObjectReaders, purpose).JSON()
		}).(pulumi.StringOutput)
	default:
		doc := DataBucketPolicy(arn, args.Partition, args.AccountID, "", nil, nil)
		policy = pulumi.String(withReaders(withDeliveries(doc, arn, args.AccountID, args.ServiceDeliveries, purpose), arn, args.Partition, args.ObjectReaders, purpose).JSON())
	}
	bp, err := s3.NewBucketPolicy(ctx, n+"-policy", &s3.BucketPolicyArgs{Bucket: id, Policy: policy},
		parent, pulumi.DependsOn([]pulumi.Resource{pab}))
	if err != nil {
		return nil, err
	}
	b.Policies[purpose] = bp

	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, n+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules:  LifecycleRules(purpose, args.Lifecycle, args.AbortIncompleteUploadDays),
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return nil, err
	}
	return bp, nil
}

// ModelsArchivePrefix is the models bucket's archive: the seed's rule
// moves what sits there to Glacier Flexible Retrieval, where GetObject
// fails until the object is restored. Endpoints never load from it: they
// serve from any other prefix (config refuses a modelPath under it, and
// sagemaker-model-artifact-readable checks the plan).
const ModelsArchivePrefix = conventions.ModelsArchivePrefix

// LifecycleRules are a bucket's lifecycle rules: LifecycleRule over every
// object and, for the models bucket, the seed's archive rule over
// ModelsArchivePrefix (current objects to GLACIER after ModelsGlacierDays).
func LifecycleRules(purpose string, l Lifecycle, abortDays int) s3.BucketLifecycleConfigurationV2RuleArray {
	rules := s3.BucketLifecycleConfigurationV2RuleArray{LifecycleRule(purpose, l, abortDays)}
	if purpose == Models {
		rules = append(rules, s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("models-archive"),
			Status: pulumi.String("Enabled"),
			Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String(ModelsArchivePrefix)},
			Transitions: s3.BucketLifecycleConfigurationV2RuleTransitionArray{
				s3.BucketLifecycleConfigurationV2RuleTransitionArgs{Days: pulumi.Int(l.ModelsGlacierDays), StorageClass: pulumi.String(catalog.S3Glacier)}},
		})
	}
	return rules
}

// LifecycleRule is a bucket's rule over every object: the purpose's
// transitions and expirations, noncurrent versions expired (the models
// bucket's moved to Glacier Flexible Retrieval instead: no model version
// is ever deleted by age), unfinished multipart uploads aborted.
func LifecycleRule(purpose string, l Lifecycle, abortDays int) s3.BucketLifecycleConfigurationV2RuleArgs {
	rule := s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String(purpose),
		Status: pulumi.String("Enabled"),
		Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(abortDays),
		},
		NoncurrentVersionExpiration: s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(l.NoncurrentExpireDays),
		},
	}
	transition := func(days int, class string) s3.BucketLifecycleConfigurationV2RuleTransitionArgs {
		return s3.BucketLifecycleConfigurationV2RuleTransitionArgs{Days: pulumi.Int(days), StorageClass: pulumi.String(class)}
	}
	expire := func(days int) {
		rule.Expiration = s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(days)}
		rule.NoncurrentVersionExpiration = s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(min(days, l.NoncurrentExpireDays)),
		}
	}
	switch purpose {
	case TrainingData:
		rule.Transitions = s3.BucketLifecycleConfigurationV2RuleTransitionArray{
			transition(l.TrainingDataIntelligentTieringDays, catalog.S3IntelligentTiering),
			transition(l.TrainingDataGlacierIRDays, catalog.S3GlacierIR),
		}
	case Checkpoints:
		expire(l.CheckpointsExpireDays)
	case Models:
		// The seed: noncurrent model versions to Glacier Flexible
		// Retrieval at NoncurrentExpireDays (30), kept, not deleted.
		// Current objects stay where endpoints can load them; the archive
		// rule (LifecycleRules) moves only ModelsArchivePrefix.
		rule.NoncurrentVersionExpiration = nil
		rule.NoncurrentVersionTransitions = s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArray{
			s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArgs{
				NoncurrentDays: pulumi.Int(l.NoncurrentExpireDays), StorageClass: pulumi.String(catalog.S3Glacier)}}
	case AccessLogs:
		expire(l.LogsExpireDays)
		rule.NoncurrentVersionExpiration = s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)}
	}
	return rule
}

// tlsOnly denies every request to the bucket that does not use TLS.
func tlsOnly(arn string) iamdoc.Statement {
	return iamdoc.Statement{
		Sid: "DenyWithoutTLS", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
		Action: []string{"s3:*"}, Resource: []string{arn, arn + "/*"},
		Condition: iamdoc.Condition{"Bool": {"aws:SecureTransport": {"false"}}},
	}
}

// objectActions are every object-level read, write, delete, restore,
// ACL, tag, retention and replication action (wildcards cover
// GetObjectAttributes, PutObjectAcl, PutObjectTagging, PutObjectRetention,
// PutObjectLegalHold, DeleteObjectTagging and the version variants), and
// listActions the listings of keys. A VPC endpoint restriction denies
// these from elsewhere; bucket management stays open to IAM so `pulumi
// up` keeps working from the deployer's network.
var (
	objectActions = []string{
		"s3:AbortMultipartUpload", "s3:BypassGovernanceRetention", "s3:DeleteObject*", "s3:GetObject*",
		"s3:ListMultipartUploadParts", "s3:PutObject*", "s3:Replicate*", "s3:RestoreObject",
	}
	listActions = []string{"s3:ListBucket*"}
)

// DataBucketPolicy requires TLS and, with vpce set, object access through
// that VPC endpoint, except for AWS service principals acting themselves,
// service-linked roles (FSx's S3 access role among them) and the exempt
// roles. A request an AWS service makes with the caller's credentials (a
// forward access session: aws:ViaAWSService) is not exempt: it would let
// any principal reach the data through Athena or Glue from anywhere, and
// nothing in the platform needs it. A service prefix's role is exempt
// only for its prefix: further statements deny it every other object and
// every listing outside its prefixes. Reader accounts read from their own
// networks: they are exempt, and their grants (withReaders) say what they
// reach.
func DataBucketPolicy(arn, partition, account, vpce string, exemptRoleARNs, readerAccountIDs []string, service ...ServicePrefix) iamdoc.Document {
	doc := iamdoc.New(tlsOnly(arn))
	if vpce == "" {
		return doc
	}
	exempt := slices.Clone(exemptRoleARNs)
	var serviceRoles, servicePaths, servicePrefixes []string
	for _, sp := range service {
		if !slices.Contains(serviceRoles, sp.RoleARN) {
			serviceRoles = append(serviceRoles, sp.RoleARN)
		}
		servicePaths = append(servicePaths, arn+"/"+sp.Prefix+"*")
		servicePrefixes = append(servicePrefixes, sp.Prefix+"*")
	}
	exempt = append(exempt, serviceRoles...)
	slices.Sort(exempt)
	exempt = slices.Compact(exempt)
	outside := func(principals map[string][]string) iamdoc.Condition {
		c := iamdoc.Condition{
			"StringNotEqualsIfExists": {"aws:SourceVpce": {vpce}},
			"BoolIfExists":            {"aws:PrincipalIsAWSService": {"false"}},
		}
		for op, arns := range principals {
			c[op] = map[string][]string{"aws:PrincipalArn": arns}
		}
		return c
	}
	main := iamdoc.Statement{
		Sid: "DenyObjectsOutsideVPCEndpoint", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
		Action: append(slices.Clone(objectActions), listActions...), Resource: []string{arn, arn + "/*"},
		Condition: outside(map[string][]string{"ArnNotLikeIfExists": append(
			[]string{fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/*", partition, account)}, exempt...)}),
	}
	if len(readerAccountIDs) > 0 {
		readers := slices.Sorted(slices.Values(readerAccountIDs))
		main.Condition["StringNotEqualsIfExists"]["aws:PrincipalAccount"] = slices.Compact(readers)
	}
	doc.Statement = append(doc.Statement, main)
	if len(serviceRoles) > 0 {
		slices.Sort(serviceRoles)
		slices.Sort(servicePaths)
		slices.Sort(servicePrefixes)
		doc.Statement = append(doc.Statement, iamdoc.Statement{
			Sid: "DenyServiceRolesOutsideTheirPrefixes", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: slices.Clone(objectActions), NotResource: servicePaths,
			Condition: outside(map[string][]string{"ArnLike": serviceRoles}),
		})
		// Listing is on the bucket, not on object paths: allowed outside
		// the endpoint only with an s3:prefix inside the role's prefixes.
		listing := outside(map[string][]string{"ArnLike": slices.Clone(serviceRoles)})
		listing["StringNotLikeIfExists"] = map[string][]string{"s3:prefix": servicePrefixes}
		doc.Statement = append(doc.Statement, iamdoc.Statement{
			Sid: "DenyServiceRolesListingOutsideTheirPrefixes", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: slices.Clone(listActions), Resource: []string{arn},
			Condition: listing,
		})
	}
	return doc
}

// withDeliveries adds an Allow per service delivery to the bucket of
// purpose: the service may put objects under its prefix for this
// account's resources (aws:SourceAccount, aws:SourceArn), nothing else.
func withDeliveries(doc iamdoc.Document, arn, account string, deliveries []ServiceDelivery, purpose string) iamdoc.Document {
	for _, d := range deliveries {
		if d.Purpose != purpose {
			continue
		}
		doc.Statement = append(doc.Statement, iamdoc.Statement{
			Sid: d.Sid, Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{d.Service}},
			Action: []string{"s3:PutObject"}, Resource: []string{arn + "/" + d.Prefix},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:SourceAccount": {account}},
				"ArnLike":      {"aws:SourceArn": {d.SourceARN}},
			},
		})
	}
	return doc
}

// withReaders lets the reader accounts of the bucket of purpose list it
// and read its objects, or only those under the readers' prefixes.
func withReaders(doc iamdoc.Document, arn, partition string, readers []ObjectReader, purpose string) iamdoc.Document {
	var roots, prefixes []string
	for _, r := range readers {
		if r.Purpose != purpose {
			continue
		}
		for _, a := range r.AccountIDs {
			roots = append(roots, iamdoc.AccountRoot(partition, a))
		}
		prefixes = append(prefixes, r.Prefixes...)
	}
	if len(roots) == 0 {
		return doc
	}
	slices.Sort(roots)
	roots = slices.Compact(roots)
	slices.Sort(prefixes)
	prefixes = slices.Compact(prefixes)
	list := iamdoc.Statement{Sid: "ReaderAccountsList", Effect: "Allow", Principal: &iamdoc.Principal{AWS: roots},
		Action: []string{"s3:GetBucketLocation", "s3:ListBucket"}, Resource: []string{arn}}
	get := iamdoc.Statement{Sid: "ReaderAccountsGet", Effect: "Allow", Principal: &iamdoc.Principal{AWS: slices.Clone(roots)},
		Action: []string{"s3:GetObject"}, Resource: []string{arn + "/*"}}
	if len(prefixes) > 0 {
		get.Resource = nil
		var like []string
		for _, p := range prefixes {
			get.Resource = append(get.Resource, arn+"/"+p+"*")
			like = append(like, p+"*")
		}
		list.Action = []string{"s3:ListBucket"}
		list.Condition = iamdoc.Condition{"StringLike": {"s3:prefix": like}}
		doc.Statement = append(doc.Statement, iamdoc.Statement{Sid: "ReaderAccountsLocate", Effect: "Allow",
			Principal: &iamdoc.Principal{AWS: slices.Clone(roots)}, Action: []string{"s3:GetBucketLocation"}, Resource: []string{arn}})
	}
	doc.Statement = append(doc.Statement, list, get)
	return doc
}

// AccessLogsPolicy requires TLS and lets S3 deliver the source buckets'
// server access logs (BucketOwnerEnforced: no ACL grants).
func AccessLogsPolicy(arn, account string, sourceARNs []string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Statement{
			Sid: "S3ServerAccessLogs", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"logging.s3.amazonaws.com"}},
			Action: []string{"s3:PutObject"}, Resource: []string{arn + "/*"},
			Condition: iamdoc.Condition{
				"ArnLike":      {"aws:SourceArn": sourceARNs},
				"StringEquals": {"aws:SourceAccount": {account}},
			},
		},
		tlsOnly(arn),
	)
}
