package sagemaker

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sagemaker"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// ModelGroup is one model's registry group.
type ModelGroup struct {
	// Name is the group's name (required).
	Name string
	// ReaderAccountIDs may read its packages and create models from them:
	// the account of the stack a model is promoted to. Defaults to none.
	ReaderAccountIDs []string
}

// RegistryArgs configures the model registry.
type RegistryArgs struct {
	// Prefix names the rule and topic: project and stack (required).
	Prefix string
	// Groups are the model package groups (required, at least one).
	Groups []ModelGroup
	// TopicKMSKeyARN encrypts the approvals topic; its key must grant
	// events.amazonaws.com (required).
	TopicKMSKeyARN pulumi.StringInput
	// Partition, Region and AccountID place the ARNs (required).
	awsarn.Account
	// Protect protects the groups, whose deletion deletes every model
	// version in them (prod). Defaults to false.
	Protect bool
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// Registry is the model package groups and their approval notifications.
type Registry struct {
	pulumi.ResourceState

	Groups map[string]*sagemaker.ModelPackageGroup
	Topic  *sns.Topic
	Rule   *cloudwatch.EventRule
}

var accountID = regexp.MustCompile(`^\d{12}$`)

// NewRegistry creates the groups, a resource policy per group with
// readers, and an EventBridge rule sending approvals and rejections of any
// of the groups' packages to an encrypted topic.
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("registry %q: %w", name, err)
	}
	r := &Registry{Groups: map[string]*sagemaker.ModelPackageGroup{}}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:Registry", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }
	groupOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		groupOpts = append(groupOpts, pulumi.Protect(true))
	}
	var names []string
	var err error
	for _, g := range args.Groups {
		names = append(names, g.Name)
		r.Groups[g.Name], err = sagemaker.NewModelPackageGroup(ctx, name+"-"+g.Name, &sagemaker.ModelPackageGroupArgs{
			ModelPackageGroupName:        pulumi.String(g.Name),
			ModelPackageGroupDescription: pulumi.String("Versions of the " + g.Name + " model; approved ones may be deployed"),
			Tags:                         tag("Name", g.Name),
		}, groupOpts...)
		if err != nil {
			return nil, err
		}
		if len(g.ReaderAccountIDs) == 0 {
			continue
		}
		if _, err := sagemaker.NewModelPackageGroupPolicy(ctx, name+"-"+g.Name, &sagemaker.ModelPackageGroupPolicyArgs{
			ModelPackageGroupName: r.Groups[g.Name].ModelPackageGroupName,
			ResourcePolicy:        pulumi.String(ReaderPolicy(args.Account, g).JSON()),
		}, parent); err != nil {
			return nil, err
		}
	}

	topicName := args.Prefix + "-model-approvals"
	ruleName := args.Prefix + "-model-approvals"
	r.Topic, err = sns.NewTopic(ctx, name+"-approvals", &sns.TopicArgs{
		Name: pulumi.String(topicName), KmsMasterKeyId: args.TopicKMSKeyARN, Tags: tag("Name", topicName),
	}, parent)
	if err != nil {
		return nil, err
	}
	topicARN := args.ARN("sns", topicName)
	ruleARN := args.ARN("events", "rule/"+ruleName)
	policy, err := sns.NewTopicPolicy(ctx, name+"-approvals", &sns.TopicPolicyArgs{
		Arn:    r.Topic.Arn,
		Policy: pulumi.String(ApprovalTopicPolicy(topicARN, ruleARN).JSON()),
	}, parent)
	if err != nil {
		return nil, err
	}
	r.Rule, err = cloudwatch.NewEventRule(ctx, name+"-approvals", &cloudwatch.EventRuleArgs{
		Name:         pulumi.String(ruleName),
		Description:  pulumi.String("Model packages approved or rejected in " + args.Prefix),
		EventPattern: pulumi.String(ApprovalPattern(names)),
		Tags:         tag("Name", ruleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-approvals", &cloudwatch.EventTargetArgs{
		Rule: r.Rule.Name, Arn: r.Topic.Arn,
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"topicArn": r.Topic.Arn}); err != nil {
		return nil, err
	}
	return r, nil
}

func (a *RegistryArgs) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var errs []error
	if a.Prefix == "" || a.TopicKMSKeyARN == nil || a.AccountID == "" {
		errs = append(errs, errors.New("Prefix, TopicKMSKeyARN, AccountID: required"))
	}
	if len(a.Groups) == 0 {
		errs = append(errs, errors.New("Groups: at least one"))
	}
	seen := map[string]bool{}
	for i, g := range a.Groups {
		if !profileName.MatchString(g.Name) || seen[g.Name] {
			errs = append(errs, fmt.Errorf("Groups[%d]: %q is not a group name or is listed twice", i, g.Name))
		}
		seen[g.Name] = true
		for j, acct := range g.ReaderAccountIDs {
			if !accountID.MatchString(acct) {
				errs = append(errs, fmt.Errorf("Groups[%d].ReaderAccountIDs[%d]: %q is not an account ID", i, j, acct))
			}
		}
	}
	return errors.Join(errs...)
}

// ReaderPolicy lets the reader accounts see the group and read and use
// its packages. The developer guide's cross-account example also grants
// UpdateModelPackage, which sets a package's approval status: a reader
// could approve this account's models, so it is left out (promotion
// needs to read, not to decide).
func ReaderPolicy(a awsarn.Account, g ModelGroup) iamdoc.Document {
	partition := a.Partition
	var readers []string
	for _, a := range g.ReaderAccountIDs {
		readers = append(readers, iamdoc.AccountRoot(partition, a))
	}
	slices.Sort(readers)
	base := a.ARN("sagemaker", "")
	return iamdoc.New(
		iamdoc.Statement{Sid: "ReadTheGroup", Effect: "Allow", Principal: &iamdoc.Principal{AWS: readers},
			Action: []string{"sagemaker:DescribeModelPackageGroup"}, Resource: []string{base + "model-package-group/" + g.Name}},
		iamdoc.Statement{Sid: "UseItsPackages", Effect: "Allow", Principal: &iamdoc.Principal{AWS: readers},
			Action:   []string{"sagemaker:CreateModel", "sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"},
			Resource: []string{base + "model-package/" + g.Name + "/*"}},
	)
}

// ApprovalPattern matches approvals and rejections of the groups' packages.
func ApprovalPattern(groups []string) string {
	out, err := json.Marshal(map[string]any{
		"source":      []string{"aws.sagemaker"},
		"detail-type": []string{"SageMaker Model Package State Change"},
		"detail":      map[string]any{"ModelPackageGroupName": groups, "ModelApprovalStatus": []string{"Approved", "Rejected"}},
	})
	if err != nil {
		panic(fmt.Sprintf("sagemaker: %v", err))
	}
	return string(out)
}

// ApprovalTopicPolicy lets the approvals rule, and only it, publish.
func ApprovalTopicPolicy(topicARN, ruleARN string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Statement{Sid: "ApprovalsRulePublishes", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"events.amazonaws.com"}},
			Action: []string{"SNS:Publish"}, Resource: []string{topicARN},
			Condition: iamdoc.Condition{"ArnEquals": {"aws:SourceArn": {ruleARN}}}},
		iamdoc.Statement{Sid: "DenyPublishWithoutTLS", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: []string{"SNS:Publish"}, Resource: []string{topicARN},
			Condition: iamdoc.Condition{"Bool": {"aws:SecureTransport": {"false"}}}},
	)
}
