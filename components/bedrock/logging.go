package bedrock

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrockmodel"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// InvocationLoggingArgs configures model invocation logging.
type InvocationLoggingArgs struct {
	// Prefix names the log group and role: project and stack (required).
	Prefix string
	// Partition, Region and AccountID place the ARNs (required).
	awsarn.Account
	// BucketName and KeyPrefix are the S3 destination (required); the
	// bucket's policy must admit Bedrock (DeliveryPrefix) and, with SSE-KMS,
	// its key must grant bedrock.amazonaws.com kms:GenerateDataKey.
	BucketName, KeyPrefix string
	// LogsKeyARN encrypts the log group (required).
	LogsKeyARN pulumi.StringInput
	// RetentionDays keeps the log group's events (required).
	RetentionDays int
	// Text, Image, Embedding and Video choose what is delivered (one at least).
	Text, Image, Embedding, Video bool
	// Protect protects the log group and keeps it on delete (prod). Defaults to false.
	Protect bool
	// DependsOn are what Bedrock checks when logging is configured: the
	// bucket policy and the key. Defaults to none.
	DependsOn []pulumi.Resource
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// InvocationLogging is the account's model invocation logging in the
// region, its log group and delivery role.
type InvocationLogging struct {
	pulumi.ResourceState

	LogGroup      *cloudwatch.LogGroup
	Role          *iam.Role
	Configuration *bedrockmodel.InvocationLoggingConfiguration
}

// DeliveryPrefix is the key pattern Bedrock writes under keyPrefix: the
// invocation logs (<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/)
// and the large payloads of the CloudWatch destination (<prefix>/large/).
func DeliveryPrefix(keyPrefix string) string { return strings.TrimSuffix(keyPrefix, "/") + "/*" }

// SourceARN is the aws:SourceArn pattern of Bedrock in this account's region.
func SourceARN(a awsarn.Account) string {
	return a.ARN("bedrock", "*")
}

// LoggingTrustPolicy lets Bedrock in this account's region assume the
// delivery role.
func LoggingTrustPolicy(a awsarn.Account) iamdoc.Document {
	partition, region, account := a.Partition, a.Region, a.AccountID
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"bedrock.amazonaws.com"}},
		Action: []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {SourceARN(awsarn.Account{Partition: partition, Region: region, AccountID: account})}},
		},
	})
}

// NewInvocationLogging creates the log group, the role Bedrock writes it
// with, and the region's logging configuration: every invocation in the
// account, to S3 and CloudWatch Logs.
func NewInvocationLogging(ctx *pulumi.Context, name string, args *InvocationLoggingArgs, opts ...pulumi.ResourceOption) (*InvocationLogging, error) {
	if args == nil || args.Prefix == "" || args.BucketName == "" || args.KeyPrefix == "" || args.LogsKeyARN == nil ||
		args.AccountID == "" || args.Region == "" || args.RetentionDays < 1 {
		return nil, errors.New("invocation logging: Prefix, BucketName, KeyPrefix, LogsKeyARN, Region, AccountID and RetentionDays are required")
	}
	if !args.Text && !args.Image && !args.Embedding && !args.Video {
		return nil, errors.New("invocation logging: nothing to deliver (Text, Image, Embedding, Video)")
	}
	l := &InvocationLogging{}
	if err := ctx.RegisterComponentResource("ml-platform:bedrock:InvocationLogging", name, l, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(l)
	groupName := "/aws/bedrock/" + args.Prefix + "/model-invocations"
	roleName := args.Prefix + "-bedrock-invocation-logs"
	groupOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		groupOpts = append(groupOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	var err error
	l.LogGroup, err = cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name: pulumi.String(groupName), KmsKeyId: args.LogsKeyARN, RetentionInDays: pulumi.Int(args.RetentionDays),
		Tags: tags.With(args.Tags, "Name", groupName),
	}, groupOpts...)
	if err != nil {
		return nil, err
	}
	l.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("Bedrock writes model invocation logs to " + groupName),
		AssumeRolePolicy: pulumi.String(LoggingTrustPolicy(args.Account).JSON()),
		Tags:             tags.With(args.Tags, "Name", roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	groupARN := args.ARN("logs", "log-group:"+groupName)
	policy, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role: l.Role.ID(),
		Policy: pulumi.String(iamdoc.New(iamdoc.Allow("WriteInvocationLogs",
			[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, groupARN+":log-stream:*")).JSON()),
	}, parent)
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimSuffix(args.KeyPrefix, "/")
	l.Configuration, err = bedrockmodel.NewInvocationLoggingConfiguration(ctx, name, &bedrockmodel.InvocationLoggingConfigurationArgs{
		LoggingConfig: bedrockmodel.InvocationLoggingConfigurationLoggingConfigArgs{
			TextDataDeliveryEnabled:      pulumi.Bool(args.Text),
			ImageDataDeliveryEnabled:     pulumi.Bool(args.Image),
			EmbeddingDataDeliveryEnabled: pulumi.Bool(args.Embedding),
			VideoDataDeliveryEnabled:     pulumi.Bool(args.Video),
			S3Config: bedrockmodel.InvocationLoggingConfigurationLoggingConfigS3ConfigArgs{
				BucketName: pulumi.String(args.BucketName), KeyPrefix: pulumi.String(prefix),
			},
			CloudwatchConfig: bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigArgs{
				LogGroupName: l.LogGroup.Name,
				RoleArn:      l.Role.Arn,
				LargeDataDeliveryS3Config: bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigLargeDataDeliveryS3ConfigArgs{
					BucketName: pulumi.String(args.BucketName), KeyPrefix: pulumi.String(prefix + "/large"),
				},
			},
		},
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{policy}, args.DependsOn...)))
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(l, pulumi.Map{"logGroupName": l.LogGroup.Name}); err != nil {
		return nil, err
	}
	return l, nil
}

// InvocationLogsKeyGrant lets Bedrock write model invocation logs to an
// SSE-KMS bucket the key encrypts: kms:GenerateDataKey for this account's
// Bedrock in the region, as the Bedrock user guide's model invocation
// logging page requires.
func InvocationLogsKeyGrant(a awsarn.Account) iamdoc.Statement {
	return iamdoc.Statement{
		Sid:       "AllowBedrockInvocationLogsToS3",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{Service: []string{"bedrock.amazonaws.com"}},
		Action:    []string{"kms:GenerateDataKey"},
		Resource:  []string{"*"},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {a.AccountID}},
			"ArnLike":      {"aws:SourceArn": {a.ARN("bedrock", "*")}},
		},
	}
}
