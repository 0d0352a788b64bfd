package sagemaker

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sagemaker"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/scheduler"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// PipelineArgs configures a SageMaker pipeline.
type PipelineArgs struct {
	// Name is the pipeline's (fixed) name (required).
	Name string
	// Description says what it does (required).
	Description string
	// Definition is the pipeline definition JSON (required).
	Definition pulumi.StringInput
	// RoleARN runs the pipeline (required).
	RoleARN pulumi.StringInput
	// Schedule, when set, starts the pipeline on an EventBridge Scheduler
	// schedule ("rate(1 day)", "cron(...)", in UTC). Defaults to none.
	Schedule string
	// Partition, Region and AccountID place the ARNs the scheduler's role
	// names (required with Schedule).
	awsarn.Account
	// DependsOn are what the jobs need first (their security group rules,
	// the role's policy). Defaults to none.
	DependsOn []pulumi.Resource
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// Pipeline is a pipeline and, with a schedule, the schedule that starts it.
type Pipeline struct {
	pulumi.ResourceState

	Pipeline *sagemaker.Pipeline
	Schedule *scheduler.Schedule
}

// ScheduleARN is a schedule's ARN in the default group, known before it
// exists.
func ScheduleARN(a awsarn.Account, name string) string {
	return a.ARN("scheduler", "schedule/default/"+name)
}

// PipelineARN is a pipeline's ARN, known before it exists.
func PipelineARN(a awsarn.Account, name string) string {
	return a.ARN("sagemaker", "pipeline/"+name)
}

// NewPipeline creates a pipeline, scheduled when args.Schedule is set.
func NewPipeline(ctx *pulumi.Context, name string, args *PipelineArgs, opts ...pulumi.ResourceOption) (*Pipeline, error) {
	if args == nil || !profileName.MatchString(args.Name) || args.Definition == nil || args.RoleARN == nil || args.Description == "" {
		return nil, errors.New("pipeline: a Name (letters, digits and dashes), Description, Definition and RoleARN are required")
	}
	if args.Schedule != "" && (args.AccountID == "" || args.Region == "") {
		return nil, errors.New("pipeline: a schedule needs Partition, Region and AccountID")
	}
	p := &Pipeline{}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:Pipeline", name, p, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(p)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }
	var err error
	p.Pipeline, err = sagemaker.NewPipeline(ctx, name, &sagemaker.PipelineArgs{
		PipelineName:        pulumi.String(args.Name),
		PipelineDisplayName: pulumi.String(args.Name),
		PipelineDescription: pulumi.String(args.Description),
		PipelineDefinition:  args.Definition,
		RoleArn:             args.RoleARN,
		Tags:                tag("Name", args.Name),
	}, parent, pulumi.DependsOn(args.DependsOn))
	if err != nil {
		return nil, err
	}
	if args.Schedule != "" {
		if err := p.schedule(ctx, name, args, tag); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{"pipelineArn": p.Pipeline.Arn}); err != nil {
		return nil, err
	}
	return p, nil
}

// schedule starts the pipeline through EventBridge Scheduler (its
// SageMaker templated target), with a role that may start this pipeline
// and nothing else. A start the API refuses (throttled, say) is retried
// for an hour; a failed run is the pipeline's own, reported by the
// observability component's failure rule.
func (p *Pipeline) schedule(ctx *pulumi.Context, name string, args *PipelineArgs, tag func(...string) pulumi.StringMap) error {
	parent := pulumi.Parent(p)
	scheduleName := args.Name + "-schedule"
	roleName := args.Name + "-scheduler"
	role, err := iam.NewRole(ctx, name+"-scheduler", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("EventBridge Scheduler starts the " + args.Name + " pipeline"),
		AssumeRolePolicy: pulumi.String(SchedulerTrustPolicy(args.AccountID, ScheduleARN(args.Account, scheduleName)).JSON()),
		Tags:             tag("Name", roleName),
	}, parent)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-scheduler", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.String(iamdoc.New(iamdoc.Allow("StartThePipeline", []string{"sagemaker:StartPipelineExecution"},
			PipelineARN(args.Account, args.Name))).JSON()),
	}, parent)
	if err != nil {
		return err
	}
	p.Schedule, err = scheduler.NewSchedule(ctx, name+"-schedule", &scheduler.ScheduleArgs{
		Name:                       pulumi.String(scheduleName),
		GroupName:                  pulumi.String("default"),
		Description:                pulumi.String("Starts the " + args.Name + " pipeline"),
		ScheduleExpression:         pulumi.String(args.Schedule),
		ScheduleExpressionTimezone: pulumi.String("UTC"),
		FlexibleTimeWindow:         scheduler.ScheduleFlexibleTimeWindowArgs{Mode: pulumi.String("OFF")},
		Target: scheduler.ScheduleTargetArgs{
			// No SagemakerPipelineParameters: each run takes the definition's defaults.
			Arn: p.Pipeline.Arn, RoleArn: role.Arn,
			RetryPolicy: scheduler.ScheduleTargetRetryPolicyArgs{
				MaximumRetryAttempts: pulumi.Int(5), MaximumEventAgeInSeconds: pulumi.Int(3600),
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	return err
}

// SchedulerTrustPolicy lets EventBridge Scheduler assume a role for one
// schedule of this account.
func SchedulerTrustPolicy(account, scheduleARN string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"scheduler.amazonaws.com"}},
		Action: []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnEquals":    {"aws:SourceArn": {scheduleARN}},
		},
	})
}
