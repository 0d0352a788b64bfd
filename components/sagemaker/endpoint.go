package sagemaker

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sagemaker"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// Endpoint kinds.
const (
	Realtime   = "realtime"
	MultiModel = "multiModel"
	Serverless = "serverless"
	Async      = "async"
)

// Variant is the one production variant of every endpoint.
const Variant = "AllTraffic"

// Scaling settings: the seed's cooldowns, AWS's async backlog example.
const (
	ScaleInCooldownSeconds  = 300
	ScaleOutCooldownSeconds = 60
	asyncBacklogPerInstance = 5
)

// EndpointArgs configures one inference endpoint.
type EndpointArgs struct {
	// Name is the endpoint's (fixed) name: the scaling target names it (required).
	Name string
	// Kind is Realtime, MultiModel, Serverless or Async (required).
	Kind string
	// Image and ModelDataURL are the model (required unless
	// ModelPackageARN); for MultiModel the URL is the S3 prefix holding the
	// models.
	Image, ModelDataURL string
	// ModelPackageARN, instead of Image and ModelDataURL, is a versioned
	// model package the endpoint serves: the package names its image and
	// artifact (not with MultiModel). Defaults to none.
	ModelPackageARN string
	// ExecutionRoleARN runs the model (required).
	ExecutionRoleARN pulumi.StringInput
	// SubnetIDs and SecurityGroupIDs place instance-backed models in the
	// VPC (required unless Serverless, which takes no VPC configuration).
	SubnetIDs, SecurityGroupIDs pulumi.StringArrayInput
	// InstanceType, MinInstances and MaxInstances size instance-backed kinds.
	InstanceType               string
	MinInstances, MaxInstances int
	// TargetInvocationsPerInstance is the target-tracking target (Realtime, MultiModel).
	TargetInvocationsPerInstance int
	// GPUUtilizationTarget adds a GPU utilization policy (percent). Defaults to none.
	GPUUtilizationTarget int
	// CapturePercent samples requests and responses to CaptureURI. Defaults to none.
	CapturePercent int
	CaptureURI     string
	// AsyncOutputURI receives async results; AsyncMaxConcurrentInvocations
	// bounds each instance (Async).
	AsyncOutputURI                string
	AsyncMaxConcurrentInvocations int
	// ServerlessMemoryMB and ServerlessMaxConcurrency size Serverless.
	ServerlessMemoryMB, ServerlessMaxConcurrency int
	// KMSKeyARN encrypts volumes (where AWS takes a key), captured data
	// and async output (required).
	KMSKeyARN pulumi.StringInput
	// TopicKMSKeyARN encrypts the async success and error topics (required for Async).
	TopicKMSKeyARN pulumi.StringInput
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// Endpoint is a model, its endpoint configuration, the endpoint and its
// scaling.
type Endpoint struct {
	pulumi.ResourceState

	Model           *sagemaker.Model
	Configuration   *sagemaker.EndpointConfiguration
	Endpoint        *sagemaker.Endpoint
	ScalingTarget   *appautoscaling.Target
	ScalingPolicies map[string]*appautoscaling.Policy
	// Topics are the async success and error topics by outcome.
	Topics map[string]*sns.Topic
}

// AsyncTopicNames are the names of an async endpoint's notification topics,
// by outcome: known before they exist, for the execution role's policy.
func AsyncTopicNames(endpoint string) map[string]string {
	return map[string]string{"success": endpoint + "-success", "error": endpoint + "-error"}
}

// ResourceID is the Application Auto Scaling resource of an endpoint's variant.
func ResourceID(endpoint string) string { return "endpoint/" + endpoint + "/variant/" + Variant }

func (a *EndpointArgs) validate() (catalog.SageMakerInstance, error) {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if !profileName.MatchString(a.Name) {
		add("Name: %q is not an endpoint name", a.Name)
	}
	switch {
	case a.ModelPackageARN != "" && (a.ModelDataURL != "" || a.Kind == MultiModel || !strings.Contains(a.ModelPackageARN, ":model-package/")):
		add("ModelPackageARN: a model package ARN, without ModelDataURL and not for %s", MultiModel)
	case a.ModelPackageARN == "" && (a.Image == "" || !strings.HasPrefix(a.ModelDataURL, "s3://")):
		add("Image and ModelDataURL (s3://), or ModelPackageARN: required")
	}
	if a.ExecutionRoleARN == nil || a.KMSKeyARN == nil {
		add("ExecutionRoleARN, KMSKeyARN: required")
	}
	var t catalog.SageMakerInstance
	switch a.Kind {
	case Serverless:
		if !slices.Contains(catalog.ServerlessMemorySizesMB, a.ServerlessMemoryMB) {
			add("ServerlessMemoryMB: %d; allowed: %v", a.ServerlessMemoryMB, catalog.ServerlessMemorySizesMB)
		}
		if a.ServerlessMaxConcurrency < 1 || a.ServerlessMaxConcurrency > catalog.ServerlessMaxConcurrencyMax {
			add("ServerlessMaxConcurrency: %d outside 1-%d", a.ServerlessMaxConcurrency, catalog.ServerlessMaxConcurrencyMax)
		}
		if a.InstanceType != "" || a.CapturePercent != 0 || a.MinInstances != 0 || a.MaxInstances != 0 {
			add("Kind: serverless endpoints take no instance type, instances or data capture")
		}
	case Realtime, MultiModel, Async:
		if a.CapturePercent != 0 && !slices.Contains(catalog.SageMakerCaptureKinds, a.Kind) {
			add("CapturePercent: %s endpoints do not support data capture; allowed on: %s (catalog.SageMakerCaptureSource)",
				a.Kind, strings.Join(catalog.SageMakerCaptureKinds, ", "))
		}
		// A type the catalog lacks takes its family's instance storage flag.
		t, _ = catalog.ResolveSageMakerInstance(a.InstanceType)
		if !catalog.SageMakerTypeFor(a.InstanceType, catalog.SageMakerHosting) {
			add("InstanceType: %q is not a SageMaker hosting type", a.InstanceType)
		}
		least := 1
		if a.Kind == Async {
			least = 0
		}
		if a.MinInstances < least || a.MaxInstances < max(a.MinInstances, 1) {
			add("MinInstances, MaxInstances: %d to %d; allowed: %d <= min <= max, max >= 1", a.MinInstances, a.MaxInstances, least)
		}
		if a.Kind != Async && a.TargetInvocationsPerInstance < 1 {
			add("TargetInvocationsPerInstance: %d must be positive", a.TargetInvocationsPerInstance)
		}
		if a.SubnetIDs == nil || a.SecurityGroupIDs == nil {
			add("SubnetIDs, SecurityGroupIDs: required for %s", a.Kind)
		}
		if a.CapturePercent < 0 || a.CapturePercent > 100 || (a.CapturePercent > 0 && !strings.HasPrefix(a.CaptureURI, "s3://")) {
			add("CapturePercent, CaptureURI: %d%% to %q", a.CapturePercent, a.CaptureURI)
		}
		if a.Kind == Async && (!strings.HasPrefix(a.AsyncOutputURI, "s3://") || a.AsyncMaxConcurrentInvocations < 1 || a.TopicKMSKeyARN == nil) {
			add("AsyncOutputURI, AsyncMaxConcurrentInvocations, TopicKMSKeyARN: required for async")
		}
	default:
		add("Kind: %q; allowed: %s, %s, %s, %s", a.Kind, Async, MultiModel, Realtime, Serverless)
	}
	return t, errors.Join(errs...)
}

// NewEndpoint creates the endpoint of one model.
func NewEndpoint(ctx *pulumi.Context, name string, args *EndpointArgs, opts ...pulumi.ResourceOption) (*Endpoint, error) {
	if args == nil {
		return nil, errors.New("endpoint: args are required")
	}
	instance, err := args.validate()
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", name, err)
	}
	e := &Endpoint{ScalingPolicies: map[string]*appautoscaling.Policy{}, Topics: map[string]*sns.Topic{}}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:Endpoint", name, e, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(e)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }
	serverless := args.Kind == Serverless

	container := sagemaker.ModelPrimaryContainerArgs{Image: pulumi.String(args.Image), ModelDataUrl: pulumi.String(args.ModelDataURL)}
	if args.ModelPackageARN != "" {
		// The package names its image and artifact.
		container = sagemaker.ModelPrimaryContainerArgs{ModelPackageName: pulumi.String(args.ModelPackageARN)}
	}
	if args.Kind == MultiModel {
		container.Mode = pulumi.String("MultiModel")
	}
	modelArgs := &sagemaker.ModelArgs{
		ExecutionRoleArn: args.ExecutionRoleARN,
		PrimaryContainer: container,
		Tags:             tag("Name", args.Name),
	}
	if !serverless {
		// Serverless inference takes neither a VPC configuration nor network isolation.
		modelArgs.EnableNetworkIsolation = pulumi.Bool(true)
		modelArgs.VpcConfig = sagemaker.ModelVpcConfigArgs{Subnets: args.SubnetIDs, SecurityGroupIds: args.SecurityGroupIDs}
	}
	e.Model, err = sagemaker.NewModel(ctx, name, modelArgs, parent)
	if err != nil {
		return nil, err
	}

	variant := sagemaker.EndpointConfigurationProductionVariantArgs{VariantName: pulumi.String(Variant), ModelName: e.Model.Name}
	cfgArgs := &sagemaker.EndpointConfigurationArgs{Tags: tag("Name", args.Name)}
	if serverless {
		variant.ServerlessConfig = sagemaker.EndpointConfigurationProductionVariantServerlessConfigArgs{
			MemorySizeInMb: pulumi.Int(args.ServerlessMemoryMB), MaxConcurrency: pulumi.Int(args.ServerlessMaxConcurrency)}
	} else {
		variant.InstanceType = pulumi.String(args.InstanceType)
		variant.InitialInstanceCount = pulumi.Int(max(args.MinInstances, 1))
		variant.InitialVariantWeight = pulumi.Float64(1)
		if !instance.InstanceStorage {
			// Types with local NVMe storage refuse a key (hardware-encrypted).
			cfgArgs.KmsKeyArn = args.KMSKeyARN
		}
		if args.CapturePercent > 0 {
			cfgArgs.DataCaptureConfig = sagemaker.EndpointConfigurationDataCaptureConfigArgs{
				EnableCapture:             pulumi.Bool(true),
				InitialSamplingPercentage: pulumi.Int(args.CapturePercent),
				DestinationS3Uri:          pulumi.String(args.CaptureURI),
				KmsKeyId:                  args.KMSKeyARN,
				CaptureOptions: sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArray{
					sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs{CaptureMode: pulumi.String("Input")},
					sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs{CaptureMode: pulumi.String("Output")},
				},
				CaptureContentTypeHeader: sagemaker.EndpointConfigurationDataCaptureConfigCaptureContentTypeHeaderArgs{
					JsonContentTypes: pulumi.ToStringArray([]string{"application/json"}),
					CsvContentTypes:  pulumi.ToStringArray([]string{"text/csv"}),
				},
			}
		}
	}
	cfgArgs.ProductionVariants = sagemaker.EndpointConfigurationProductionVariantArray{variant}
	if args.Kind == Async {
		topics := AsyncTopicNames(args.Name)
		for _, outcome := range []string{"error", "success"} {
			e.Topics[outcome], err = sns.NewTopic(ctx, name+"-"+outcome, &sns.TopicArgs{
				Name: pulumi.String(topics[outcome]), KmsMasterKeyId: args.TopicKMSKeyARN, Tags: tag("Name", topics[outcome]),
			}, parent)
			if err != nil {
				return nil, err
			}
		}
		cfgArgs.AsyncInferenceConfig = sagemaker.EndpointConfigurationAsyncInferenceConfigArgs{
			OutputConfig: sagemaker.EndpointConfigurationAsyncInferenceConfigOutputConfigArgs{
				S3OutputPath:  pulumi.String(strings.TrimSuffix(args.AsyncOutputURI, "/") + "/output"),
				S3FailurePath: pulumi.String(strings.TrimSuffix(args.AsyncOutputURI, "/") + "/failures"),
				KmsKeyId:      args.KMSKeyARN,
				NotificationConfig: sagemaker.EndpointConfigurationAsyncInferenceConfigOutputConfigNotificationConfigArgs{
					SuccessTopic: e.Topics["success"].Arn, ErrorTopic: e.Topics["error"].Arn,
				},
			},
			ClientConfig: sagemaker.EndpointConfigurationAsyncInferenceConfigClientConfigArgs{
				MaxConcurrentInvocationsPerInstance: pulumi.Int(args.AsyncMaxConcurrentInvocations),
			},
		}
	}
	// Auto-named: a changed configuration is a new one, swapped in before
	// the old is deleted.
	e.Configuration, err = sagemaker.NewEndpointConfiguration(ctx, name, cfgArgs, parent)
	if err != nil {
		return nil, err
	}
	e.Endpoint, err = sagemaker.NewEndpoint(ctx, name, &sagemaker.EndpointArgs{
		Name:               pulumi.String(args.Name),
		EndpointConfigName: e.Configuration.Name,
		Tags:               tag("Name", args.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	if !serverless {
		if err := e.scaling(ctx, name, args); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(e, pulumi.Map{"endpointName": e.Endpoint.Name}); err != nil {
		return nil, err
	}
	return e, nil
}

// scaling registers the variant with Application Auto Scaling (after the
// endpoint exists) and adds the kind's policies.
func (e *Endpoint) scaling(ctx *pulumi.Context, name string, args *EndpointArgs) error {
	parent := pulumi.Parent(e)
	var err error
	e.ScalingTarget, err = appautoscaling.NewTarget(ctx, name, &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("sagemaker"),
		ResourceId:        pulumi.String(ResourceID(args.Name)),
		ScalableDimension: pulumi.String("sagemaker:variant:DesiredInstanceCount"),
		MinCapacity:       pulumi.Int(args.MinInstances),
		MaxCapacity:       pulumi.Int(args.MaxInstances),
		Tags:              tags.With(args.Tags, "Name", args.Name),
	}, parent, pulumi.DependsOn([]pulumi.Resource{e.Endpoint}))
	if err != nil {
		return err
	}
	tracking := func(policy string, target float64, cfg appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs) error {
		cfg.TargetValue = pulumi.Float64(target)
		cfg.ScaleInCooldown = pulumi.Int(ScaleInCooldownSeconds)
		cfg.ScaleOutCooldown = pulumi.Int(ScaleOutCooldownSeconds)
		e.ScalingPolicies[policy], err = appautoscaling.NewPolicy(ctx, name+"-"+policy, &appautoscaling.PolicyArgs{
			PolicyType:                               pulumi.String("TargetTrackingScaling"),
			ResourceId:                               e.ScalingTarget.ResourceId,
			ScalableDimension:                        e.ScalingTarget.ScalableDimension,
			ServiceNamespace:                         e.ScalingTarget.ServiceNamespace,
			TargetTrackingScalingPolicyConfiguration: cfg,
		}, parent)
		return err
	}
	dims := func(pairs ...string) appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArray {
		var out appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArray
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArgs{
				Name: pulumi.String(pairs[i]), Value: pulumi.String(pairs[i+1])})
		}
		return out
	}
	if args.Kind == Async {
		// Queue depth per instance (AWS's async autoscaling example).
		if err := tracking("backlog", asyncBacklogPerInstance, appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
			CustomizedMetricSpecification: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs{
				MetricName: pulumi.String("ApproximateBacklogSizePerInstance"), Namespace: pulumi.String("AWS/SageMaker"),
				Dimensions: dims("EndpointName", args.Name), Statistic: pulumi.String("Average"),
			},
		}); err != nil {
			return err
		}
		if args.MinInstances == 0 {
			// Target tracking cannot scale from zero: a step policy on
			// HasBacklogWithoutCapacity starts the first instance.
			return e.scaleFromZero(ctx, name, args)
		}
		return nil
	}
	if err := tracking("invocations", float64(args.TargetInvocationsPerInstance), appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
		PredefinedMetricSpecification: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("SageMakerVariantInvocationsPerInstance"),
		},
	}); err != nil {
		return err
	}
	if args.GPUUtilizationTarget > 0 {
		return tracking("gpu", float64(args.GPUUtilizationTarget), appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
			CustomizedMetricSpecification: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs{
				MetricName: pulumi.String("GPUUtilization"), Namespace: pulumi.String("/aws/sagemaker/Endpoints"),
				Dimensions: dims("EndpointName", args.Name, "VariantName", Variant), Statistic: pulumi.String("Average"),
			},
		})
	}
	return nil
}

// scaleFromZero adds the step policy and alarm that start an async
// endpoint scaled to zero when requests queue up.
func (e *Endpoint) scaleFromZero(ctx *pulumi.Context, name string, args *EndpointArgs) error {
	parent := pulumi.Parent(e)
	var err error
	e.ScalingPolicies["from-zero"], err = appautoscaling.NewPolicy(ctx, name+"-from-zero", &appautoscaling.PolicyArgs{
		PolicyType:        pulumi.String("StepScaling"),
		ResourceId:        e.ScalingTarget.ResourceId,
		ScalableDimension: e.ScalingTarget.ScalableDimension,
		ServiceNamespace:  e.ScalingTarget.ServiceNamespace,
		StepScalingPolicyConfiguration: appautoscaling.PolicyStepScalingPolicyConfigurationArgs{
			AdjustmentType:        pulumi.String("ChangeInCapacity"),
			Cooldown:              pulumi.Int(ScaleOutCooldownSeconds),
			MetricAggregationType: pulumi.String("Average"),
			StepAdjustments: appautoscaling.PolicyStepScalingPolicyConfigurationStepAdjustmentArray{
				appautoscaling.PolicyStepScalingPolicyConfigurationStepAdjustmentArgs{
					MetricIntervalLowerBound: pulumi.String("0"), ScalingAdjustment: pulumi.Int(1)},
			},
		},
	}, parent)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewMetricAlarm(ctx, name+"-backlog-without-capacity", &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.String("Requests wait for " + args.Name + " while it has no instance"),
		Namespace:          pulumi.String("AWS/SageMaker"),
		MetricName:         pulumi.String("HasBacklogWithoutCapacity"),
		Dimensions:         pulumi.StringMap{"EndpointName": pulumi.String(args.Name)},
		Statistic:          pulumi.String("Average"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(2),
		Threshold:          pulumi.Float64(1),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   pulumi.String("missing"),
		AlarmActions:       pulumi.Array{e.ScalingPolicies["from-zero"].Arn},
		Tags:               tags.With(args.Tags, "Name", args.Name+"-backlog-without-capacity"),
	}, parent)
	return err
}
