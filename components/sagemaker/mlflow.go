package sagemaker

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sagemaker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// TrackingServerArgs configures a SageMaker managed MLflow tracking server.
type TrackingServerArgs struct {
	// Name names the server and the role it runs as (required; the server
	// name rule, catalog.MLflowServerName; at most 64 for the role).
	Name string
	// Partition, Region and AccountID place the ARNs (required).
	awsarn.Account
	// MLflow is the server's settings (spec.MLflow, as config produces
	// them; Size required).
	spec.MLflow
	// ArtifactBucket and ArtifactPrefix are the artifact store: the server
	// reads and writes objects under the prefix only (required; the prefix
	// ends in "/").
	ArtifactBucket, ArtifactPrefix string
	// KeyAlias is the alias of the key that encrypts the bucket (required):
	// the server's role uses it through S3 only.
	KeyAlias string
	// DependsOn are what the server needs first (the bucket's policy).
	// Defaults to none.
	DependsOn []pulumi.Resource
	// Tags are applied to the role and the server (required).
	Tags map[string]string
}

// TrackingServer is the server and the role it runs as.
type TrackingServer struct {
	pulumi.ResourceState

	Role   *iam.Role
	Policy *iam.RolePolicy
	Server *sagemaker.MlflowTrackingServer
	// ARN is the server's ARN, known before it exists (fixed name): the
	// clients' policies and MLFLOW_TRACKING_URI name it.
	ARN string
	// RoleARN is the role's ARN, known before it exists.
	RoleARN string
}

// TrackingServerARN is the ARN of a tracking server.
func TrackingServerARN(a awsarn.Account, name string) string {
	return a.ARN("sagemaker", "mlflow-tracking-server/"+name)
}

// TrackingServerPolicy is what the server's role may do: the objects under
// the artifact prefix, the bucket listed under that prefix only, the key
// through S3, and with automatic registration the Model Registry's groups
// and packages (SageMaker developer guide, mlflow-create-tracking-server-iam).
func TrackingServerPolicy(a TrackingServerArgs) iamdoc.Document {
	statements := []iamdoc.Statement{
		iamdoc.Allow("ArtifactObjects", []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"},
			a.S3(a.ArtifactBucket+"/"+a.ArtifactPrefix+"*")),
		{Sid: "ArtifactListing", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{a.S3(a.ArtifactBucket)},
			Condition: iamdoc.Condition{"StringLike": {"s3:prefix": {a.ArtifactPrefix + "*"}}}},
		iamdoc.Allow("ArtifactBucketLocation", []string{"s3:GetBucketLocation"}, a.S3(a.ArtifactBucket)),
		{Sid: "ArtifactKey", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{"*"},
			Condition: iamdoc.Condition{
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {a.KeyAlias}},
				"StringEquals":             {"kms:ViaService": {"s3." + a.Region + ".amazonaws.com"}},
			}},
	}
	if a.AutomaticModelRegistration {
		statements = append(statements, iamdoc.Allow("RegisterLoggedModels", []string{
			"sagemaker:AddTags", "sagemaker:CreateModelPackage", "sagemaker:CreateModelPackageGroup",
			"sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:UpdateModelPackage",
		}, a.ARN("sagemaker", "model-package-group/*"), a.ARN("sagemaker", "model-package/*/*")))
	}
	return iamdoc.New(statements...)
}

func (a *TrackingServerArgs) validate() error {
	var errs []error
	if !catalog.MLflowServerName.MatchString(a.Name) || len(a.Name) > 64 {
		errs = append(errs, fmt.Errorf("Name: %q is not a tracking server name of at most 64 characters (its role takes the name)", a.Name))
	}
	if a.Region == "" || a.Partition == "" || a.AccountID == "" {
		errs = append(errs, errors.New("Region, Partition and AccountID: required"))
	}
	if a.Size == "" || a.ArtifactBucket == "" || !strings.HasSuffix(a.ArtifactPrefix, "/") || a.KeyAlias == "" || len(a.Tags) == 0 {
		errs = append(errs, errors.New("Size, ArtifactBucket, ArtifactPrefix (ending in /), KeyAlias and Tags: required"))
	}
	return errors.Join(errs...)
}

// NewTrackingServer creates the role and the MLflow tracking server.
func NewTrackingServer(ctx *pulumi.Context, name string, args *TrackingServerArgs, opts ...pulumi.ResourceOption) (*TrackingServer, error) {
	if args == nil {
		return nil, errors.New("tracking server: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("tracking server %q: %w", name, err)
	}
	t := &TrackingServer{ARN: TrackingServerARN(args.Account, args.Name), RoleARN: args.Role(args.Name)}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:TrackingServer", name, t, opts...); err != nil {
		return nil, err
	}
	var err error
	t.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(args.Name),
		Description:      pulumi.String("SageMaker managed MLflow tracking server of the ML platform: its artifact store"),
		AssumeRolePolicy: pulumi.String(SageMakerTrustPolicy(args.AccountID).JSON()),
		Tags:             tags.With(args.Tags, "Name", args.Name),
	}, pulumi.Parent(t))
	if err != nil {
		return nil, err
	}
	t.Policy, err = iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role:   t.Role.ID(),
		Policy: pulumi.String(TrackingServerPolicy(*args).JSON()),
	}, pulumi.Parent(t))
	if err != nil {
		return nil, err
	}
	server := &sagemaker.MlflowTrackingServerArgs{
		TrackingServerName:         pulumi.String(args.Name),
		ArtifactStoreUri:           pulumi.String("s3://" + args.ArtifactBucket + "/" + args.ArtifactPrefix),
		RoleArn:                    t.Role.Arn,
		TrackingServerSize:         pulumi.String(args.Size),
		AutomaticModelRegistration: pulumi.Bool(args.AutomaticModelRegistration),
		Tags:                       tags.With(args.Tags, "Name", args.Name),
	}
	if args.Version != "" {
		server.MlflowVersion = pulumi.String(args.Version)
	}
	if args.MaintenanceWindow != "" {
		server.WeeklyMaintenanceWindowStart = pulumi.String(strings.ToUpper(args.MaintenanceWindow))
	}
	// The role's policy first: the server checks its artifact store when
	// it starts.
	t.Server, err = sagemaker.NewMlflowTrackingServer(ctx, name, server, pulumi.Parent(t),
		pulumi.DependsOn(append([]pulumi.Resource{t.Policy}, args.DependsOn...)))
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{"arn": t.Server.Arn, "url": t.Server.TrackingServerUrl}); err != nil {
		return nil, err
	}
	return t, nil
}
