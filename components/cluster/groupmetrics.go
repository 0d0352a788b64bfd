package cluster

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
)

// groupMetricsCode is the function that turns on metrics collection for
// one Auto Scaling group. EnableMetricsCollection is idempotent, so a
// repeated invocation (a retried update) does no harm. The function is
// invoked moments after its role's policy is written, and IAM changes take
// a few seconds to reach every endpoint: an access denial is retried for
// up to a minute before the update fails.
const groupMetricsCode = `import time

import boto3
from botocore.exceptions import ClientError

autoscaling = boto3.client("autoscaling")


def handler(event, context):
    name = event["autoScalingGroupName"]
    for attempt in range(12):
        try:
            autoscaling.enable_metrics_collection(AutoScalingGroupName=name, Granularity="1Minute")
            return {"enabled": name}
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException") or attempt == 11:
                raise
            time.sleep(5)
`

// groupMetricsTimeout covers the retries above (12 tries, 5 s apart).
const groupMetricsTimeout = 90

// GroupMetrics turns on EC2 Auto Scaling group metrics for the managed
// node groups. EKS creates each group's Auto Scaling group without them,
// so GroupInServiceInstances (which the at-maximum alarms read) is never
// published otherwise (catalog.GroupMetricsSource). A small function does
// it, invoked by the update once per group (and again when a group's Auto
// Scaling group changes, as when EKS replaces the group); it may enable
// metrics only on Auto Scaling groups EKS tagged with this cluster.
type GroupMetrics struct {
	Function *lambda.Function
	Role     *iam.Role
	LogGroup *cloudwatch.LogGroup
	// Invocations by node group name.
	Invocations map[string]*lambda.Invocation
}

// GroupMetricsFunctionName is the function's name for a cluster.
func GroupMetricsFunctionName(clusterName string) string { return clusterName + "-group-metrics" }

// GroupMetricsPolicy is the function's permissions: EnableMetricsCollection
// on this cluster's node groups' Auto Scaling groups only, and its own logs.
func GroupMetricsPolicy(a awsarn.Account, clusterName string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Statement{
			Sid: "EnableMetricsOnThisClustersNodeGroups", Effect: "Allow",
			Action: []string{"autoscaling:EnableMetricsCollection"},
			// EKS names them eks-<group>-<uuid> and tags them with the cluster.
			Resource:  []string{a.ARN("autoscaling", "autoScalingGroup:*:autoScalingGroupName/eks-*")},
			Condition: iamdoc.Condition{"StringEquals": {"aws:ResourceTag/eks:cluster-name": {clusterName}}},
		},
		iamdoc.Allow("WriteItsLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			a.ARN("logs", "log-group:/aws/lambda/"+GroupMetricsFunctionName(clusterName)+":*")),
	)
}

// AutoScalingGroupName is the name of a managed node group's Auto Scaling
// group, which EKS creates and reports among the group's resources.
func AutoScalingGroupName(ng *eks.NodeGroup) pulumi.StringOutput {
	return ng.Resources.ApplyT(func(rs []eks.NodeGroupResource) (string, error) {
		for _, r := range rs {
			for _, asg := range r.AutoscalingGroups {
				if asg.Name != nil {
					return *asg.Name, nil
				}
			}
		}
		return "", fmt.Errorf("node group reports no Auto Scaling group")
	}).(pulumi.StringOutput)
}

func (c *Cluster) groupMetrics(ctx *pulumi.Context, name string, args *ClusterArgs, tag func(...string) pulumi.StringMap) error {
	parent := pulumi.Parent(c)
	fn := GroupMetricsFunctionName(args.Name)
	g := &GroupMetrics{Invocations: map[string]*lambda.Invocation{}}
	logOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		logOpts = append(logOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	var err error
	g.LogGroup, err = cloudwatch.NewLogGroup(ctx, name+"-group-metrics", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/lambda/" + fn),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        args.LogsKeyARN,
		Tags:            tag("Name", fn),
	}, logOpts...)
	if err != nil {
		return err
	}
	g.Role, err = iam.NewRole(ctx, name+"-group-metrics", &iam.RoleArgs{
		Name:        pulumi.String(fn),
		Description: pulumi.String("Turns on Auto Scaling group metrics for the managed node groups of " + args.Name),
		AssumeRolePolicy: pulumi.String(iamdoc.New(iamdoc.Statement{
			Sid: "Lambda", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"lambda.amazonaws.com"}},
			Action: []string{"sts:AssumeRole"},
		}).JSON()),
		Tags: tag("Name", fn),
	}, parent)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-group-metrics", &iam.RolePolicyArgs{
		Role:   g.Role.Name,
		Policy: pulumi.String(GroupMetricsPolicy(args.Account, args.Name).JSON()),
	}, parent)
	if err != nil {
		return err
	}
	g.Function, err = lambda.NewFunction(ctx, name+"-group-metrics", &lambda.FunctionArgs{
		Name:        pulumi.String(fn),
		Description: pulumi.String("Enables EC2 Auto Scaling group metrics for the EKS managed node groups of " + args.Name),
		Runtime:     pulumi.String(catalog.GroupMetricsFunctionRuntime),
		Handler:     pulumi.String("index.handler"),
		Code:        pulumi.NewAssetArchive(map[string]any{"index.py": pulumi.NewStringAsset(groupMetricsCode)}),
		Role:        g.Role.Arn,
		Timeout:     pulumi.Int(groupMetricsTimeout),
		LoggingConfig: lambda.FunctionLoggingConfigArgs{
			LogFormat: pulumi.String("JSON"), LogGroup: g.LogGroup.Name,
		},
		Tags: tag("Name", fn),
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	if err != nil {
		return err
	}
	for _, spec := range args.NodeGroups {
		input := AutoScalingGroupName(c.NodeGroups[spec.Name].NodeGroup).ApplyT(func(asg string) (string, error) {
			b, err := json.Marshal(map[string]string{"autoScalingGroupName": asg})
			return string(b), err
		}).(pulumi.StringOutput)
		g.Invocations[spec.Name], err = lambda.NewInvocation(ctx, name+"-"+spec.Name+"-group-metrics", &lambda.InvocationArgs{
			FunctionName: g.Function.Name,
			Input:        input,
		}, parent)
		if err != nil {
			return err
		}
	}
	c.GroupMetrics = g
	return nil
}
