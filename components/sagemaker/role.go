package sagemaker

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
)

// RoleScope is what one SageMaker execution role may touch. The platform
// gives people, pipelines and serving a role each (docs/compliance-and-access.md, Access flows):
// the jobs role writes data and registers models, the serving role reads
// models and writes only what endpoints produce, the Studio role opens
// spaces and reads; none of them can do what the others do.
type RoleScope struct {
	awsarn.Account
	// RoleName is the role's own (fixed) name, for passing it to jobs.
	RoleName string
	// BucketNames are the project buckets the role reads, writes and
	// deletes in.
	BucketNames []string
	// ReadOnlyBucketNames are project buckets the role lists and reads
	// only (the models bucket for Studio users and jobs).
	ReadOnlyBucketNames []string
	// WritePrefixes are "bucket/prefix/" paths the role may put objects
	// under without otherwise writing the bucket (data capture and async
	// output for endpoints).
	WritePrefixes []string
	// ReadPrefixes are "bucket/prefix/" paths the role reads without
	// otherwise reading the bucket (the pipeline's model artifacts for
	// endpoints).
	ReadPrefixes []string
	// KeyAliases are the keys the role uses ("alias/<prefix>-data").
	KeyAliases []string
	// Images are the container images jobs and endpoints pull.
	Images []string
	// TopicARNs receive asynchronous inference notifications.
	TopicARNs []string
	// RunsJobs lets the role create processing, training and tuning jobs
	// and pass itself to them (pipelines).
	RunsJobs bool
	// RunsBatchTransforms lets the role create models and batch transform
	// jobs (a pipeline's Model and Transform steps) and pass itself to
	// the models.
	RunsBatchTransforms bool
	// PipelineNames may be described and watched; with StartsPipelines
	// also started and stopped.
	PipelineNames   []string
	StartsPipelines bool
	// ModelPackageGroups receive registered models (RegistersModels) or
	// are reviewed and approved (ReviewsModels).
	ModelPackageGroups []string
	RegistersModels    bool
	ReviewsModels      bool
	// StudioUser lets the role open private spaces and apps in this
	// account's Studio domains (catalog.StudioUserActions).
	StudioUser bool
	// ReadBuckets hold promoted models of another stack: listed and read,
	// never written.
	ReadBuckets []string
	// ReadKeyARNs encrypt those buckets: decrypted through S3 only.
	ReadKeyARNs []string
	// MLflowServers are tracking server ARNs the role logs to
	// (catalog.MLflowClientActions); a Studio user also opens their UI.
	MLflowServers []string
}

// ecrImage splits an ECR image URI into its registry account, region and
// repository.
var ecrImage = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([a-z0-9._/-]+?)(?::[\w.-]+|@sha256:[a-f0-9]{64})$`)

// RepositoryARN is the ECR repository of an image, "" for a non-ECR image.
func RepositoryARN(partition, image string) string {
	m := ecrImage.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", partition, m[2], m[1], m[3])
}

// SageMakerTrustPolicy lets SageMaker assume the execution role for this
// account's resources.
func SageMakerTrustPolicy(account string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"sagemaker.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{"StringEquals": {"aws:SourceAccount": {account}}},
	})
}

// ExecutionPolicy is an execution role's policy: least privilege over the
// project's resources instead of AmazonSageMakerFullAccess. The EC2 network
// interface actions and the ECR token have no narrower resource (SageMaker
// developer guide, "Give SageMaker AI access to resources in your VPC").
func ExecutionPolicy(s RoleScope) iamdoc.Document {
	arn := func(service, resource string) string {
		return s.ARN(service, resource)
	}
	s3arn := s.S3
	bucketARNs := func(names []string) (buckets, objects []string) {
		for _, b := range names {
			buckets = append(buckets, s3arn(b))
			objects = append(objects, s3arn(b+"/*"))
		}
		return buckets, objects
	}
	var repos []string
	for _, img := range s.Images {
		if r := RepositoryARN(s.Partition, img); r != "" && !slices.Contains(repos, r) {
			repos = append(repos, r)
		}
	}
	slices.Sort(repos)
	sm := func(resources ...string) []string {
		var out []string
		for _, r := range resources {
			out = append(out, arn("sagemaker", r))
		}
		return out
	}
	var groups, pipelines []string
	for _, g := range s.ModelPackageGroups {
		groups = append(groups, sm("model-package-group/"+g, "model-package/"+g+"/*")...)
	}
	for _, p := range s.PipelineNames {
		pipelines = append(pipelines, sm("pipeline/"+p, "pipeline/"+p+"/execution/*")...)
	}
	var statements []iamdoc.Statement
	if len(s.BucketNames) > 0 {
		buckets, objects := bucketARNs(s.BucketNames)
		// GetBucketAcl and PutObjectAcl: Feature Store's offline store
		// writes (AmazonSageMakerFeatureStoreAccess grants the same).
		statements = append(statements, iamdoc.Allow("ProjectBuckets", []string{"s3:DeleteObject", "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetObject",
			"s3:ListBucket", "s3:PutObject", "s3:PutObjectAcl"}, append(buckets, objects...)...))
	}
	if len(s.ReadOnlyBucketNames) > 0 {
		buckets, objects := bucketARNs(s.ReadOnlyBucketNames)
		statements = append(statements,
			iamdoc.Allow("ProjectBucketsListed", []string{"s3:GetBucketLocation", "s3:ListBucket"}, buckets...),
			iamdoc.Allow("ProjectBucketsRead", []string{"s3:GetObject"}, objects...))
	}
	if len(s.ReadPrefixes) > 0 {
		var res []string
		for _, p := range s.ReadPrefixes {
			res = append(res, s3arn(p+"*"))
		}
		statements = append(statements, iamdoc.Allow("ReadPrefixes", []string{"s3:GetObject"}, res...))
	}
	if len(s.WritePrefixes) > 0 {
		var res []string
		for _, p := range s.WritePrefixes {
			res = append(res, s3arn(p+"*"))
		}
		statements = append(statements, iamdoc.Allow("WritePrefixes", []string{"s3:PutObject"}, res...))
	}
	statements = append(statements,
		iamdoc.Statement{Sid: "ProjectKeys", Effect: "Allow",
			Action:    []string{"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Resource:  []string{"*"},
			Condition: iamdoc.Condition{"ForAnyValue:StringEquals": {"kms:ResourceAliases": slices.Clone(s.KeyAliases)}}},
		iamdoc.Allow("SageMakerLogs", []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			arn("logs", "log-group:/aws/sagemaker/*"), arn("logs", "log-group:/aws/sagemaker/*:log-stream:*")),
		iamdoc.Statement{Sid: "SageMakerMetrics", Effect: "Allow", Action: []string{"cloudwatch:PutMetricData"}, Resource: []string{"*"},
			Condition: iamdoc.Condition{"StringLike": {"cloudwatch:namespace": {"/aws/sagemaker/*", "aws/sagemaker/*"}}}},
		iamdoc.Allow("VPCNetworkInterfaces", slices.Clone(catalog.SageMakerVPCActions), "*"),
	)
	if len(repos) > 0 {
		statements = append(statements, iamdoc.Allow("ECRToken", []string{"ecr:GetAuthorizationToken"}, "*"),
			iamdoc.Allow("PullImages", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, repos...))
	}
	if s.RunsJobs {
		statements = append(statements,
			iamdoc.Allow("PipelineJobs", []string{
				"sagemaker:AddTags", "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
				"sagemaker:DescribeHyperParameterTuningJob", "sagemaker:DescribeProcessingJob", "sagemaker:DescribeTrainingJob",
				"sagemaker:ListTags", "sagemaker:StopHyperParameterTuningJob", "sagemaker:StopProcessingJob", "sagemaker:StopTrainingJob",
			}, sm("processing-job/*", "training-job/*", "hyper-parameter-tuning-job/*")...),
			iamdoc.Statement{Sid: "PassThisRoleToSageMaker", Effect: "Allow", Action: []string{"iam:PassRole"},
				Resource:  []string{s.Role(s.RoleName)},
				Condition: iamdoc.Condition{"StringEquals": {"iam:PassedToService": {"sagemaker.amazonaws.com"}}}})
	}
	if s.RunsBatchTransforms {
		statements = append(statements, iamdoc.Allow("BatchTransforms", []string{
			"sagemaker:AddTags", "sagemaker:CreateModel", "sagemaker:CreateTransformJob", "sagemaker:DescribeModel",
			"sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob",
		}, sm("model/*", "transform-job/*")...))
		if !s.RunsJobs {
			statements = append(statements, iamdoc.Statement{Sid: "PassThisRoleToModels", Effect: "Allow", Action: []string{"iam:PassRole"},
				Resource:  []string{s.Role(s.RoleName)},
				Condition: iamdoc.Condition{"StringEquals": {"iam:PassedToService": {"sagemaker.amazonaws.com"}}}})
		}
	}
	if len(groups) > 0 && s.RegistersModels {
		statements = append(statements, iamdoc.Allow("RegisterModels", []string{
			"sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages",
		}, groups...))
	}
	if len(groups) > 0 && s.ReviewsModels {
		statements = append(statements, iamdoc.Allow("ReviewModels", []string{
			"sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages", "sagemaker:UpdateModelPackage",
		}, slices.Clone(groups)...))
	}
	if len(pipelines) > 0 {
		actions := []string{"sagemaker:DescribePipeline", "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps",
			"sagemaker:ListPipelineExecutions"}
		sid := "WatchPipelines"
		if s.StartsPipelines {
			actions = append(actions, "sagemaker:StartPipelineExecution", "sagemaker:StopPipelineExecution")
			sid = "RunPipelines"
		}
		statements = append(statements, iamdoc.Allow(sid, actions, pipelines...))
	}
	if s.StudioUser {
		statements = append(statements,
			iamdoc.Allow("StudioSpaces", slices.Clone(catalog.StudioUserActions),
				sm("domain/*", "user-profile/*/*", "space/*/*", "app/*/*/*/*")...),
			// The List calls take no resource (SageMaker service
			// authorization reference): "*" is the only way to grant them.
			iamdoc.Allow("StudioLists", slices.Clone(catalog.StudioUserListActions), "*"))
	}
	if len(s.MLflowServers) > 0 {
		actions := slices.Clone(catalog.MLflowClientActions)
		if s.StudioUser {
			actions = append(actions, catalog.MLflowUIAction)
		}
		slices.Sort(actions)
		statements = append(statements, iamdoc.Allow("MLflowTracking", actions, slices.Clone(s.MLflowServers)...))
	}
	if len(s.ReadBuckets) > 0 {
		var list, get []string
		for _, b := range s.ReadBuckets {
			list = append(list, s.S3(b))
			get = append(get, s.S3(b+"/*"))
		}
		slices.Sort(list)
		slices.Sort(get)
		statements = append(statements,
			iamdoc.Allow("PromotedModelBuckets", []string{"s3:GetBucketLocation", "s3:ListBucket"}, slices.Compact(list)...),
			iamdoc.Allow("PromotedModelArtifacts", []string{"s3:GetObject"}, slices.Compact(get)...))
	}
	if len(s.ReadKeyARNs) > 0 {
		keys := slices.Sorted(slices.Values(s.ReadKeyARNs))
		statements = append(statements, iamdoc.Statement{Sid: "PromotedModelKeys", Effect: "Allow",
			Action: []string{"kms:Decrypt", "kms:DescribeKey"}, Resource: slices.Compact(keys),
			Condition: iamdoc.Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("s3.%s.amazonaws.com", s.Region)}}}})
	}
	if len(s.TopicARNs) > 0 {
		statements = append(statements, iamdoc.Allow("AsyncInferenceNotifications", []string{"sns:Publish"}, slices.Clone(s.TopicARNs)...))
	}
	return iamdoc.New(statements...)
}
