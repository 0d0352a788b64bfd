package bedrock

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// InvokeActions are the IAM actions of inference: InvokeModel also
// authorizes Converse, InvokeModelWithResponseStream ConverseStream.
var InvokeActions = []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}

// StreamAction authorizes InvokeModelWithResponseStream and ConverseStream.
// In the guardrail's asynchronous streaming mode, chosen by the caller per
// request, response chunks reach the caller before the guardrail has
// scanned them and sensitive information is not masked (Bedrock user
// guide, "Configure streaming response behavior"): a stack that must never
// return unscanned output leaves it out (InvokeScope.Streaming).
const StreamAction = "bedrock:InvokeModelWithResponseStream"

// InvokeScope is what the application policy allows.
type InvokeScope struct {
	awsarn.Account
	// Models are base model IDs (invoked in-Region) and cross-Region
	// profile IDs ("us.<model>", "global.<model>").
	Models []string
	// ExtraARNs are application inference profiles and provisioned models.
	ExtraARNs []string
	// GuardrailARN and GuardrailVersionARN name the guardrail: the version
	// is the bedrock:GuardrailIdentifier every invocation must carry. The
	// version before it is allowed too (PreviousVersionARN), so clients
	// still passing it keep working while they roll over to the new one.
	GuardrailARN, GuardrailVersionARN string
	// Streaming allows InvokeModelWithResponseStream (and ConverseStream);
	// without it they are denied.
	Streaming bool
	// GuardrailKeyARN encrypts the guardrail: callers decrypt it through Bedrock.
	GuardrailKeyARN string
	// KnowledgeBaseARN, when set, may be queried with Retrieve (the
	// application then converses with the guardrail itself).
	KnowledgeBaseARN string
}

// FoundationModelARN is a foundation model's ARN in region ("*" for any,
// "" for the global profiles' Region-less form).
func FoundationModelARN(partition, region, model string) string {
	return fmt.Sprintf("arn:%s:bedrock:%s::foundation-model/%s", partition, region, model)
}

// InvokePolicy allows invoking the configured models and profiles only
// with the guardrail's published version, denies any invocation without
// it, and lets callers apply and decrypt the guardrail (Bedrock user
// guide: guardrails-permissions-id, geographic-cross-region-inference,
// guardrails-permissions-kms).
func InvokePolicy(s InvokeScope) iamdoc.Document {
	versions := []string{s.GuardrailVersionARN}
	if prev := PreviousVersionARN(s.GuardrailVersionARN); prev != "" {
		versions = append([]string{prev}, versions...)
	}
	withGuardrail := map[string][]string{"bedrock:GuardrailIdentifier": versions}
	actions := []string{"bedrock:InvokeModel"}
	if s.Streaming {
		actions = slices.Clone(InvokeActions)
	}
	var direct, destinations, profiles []string
	for _, id := range s.Models {
		m, geo, ok := catalog.LookupBedrockModel(id)
		if !ok {
			continue
		}
		if geo == "" {
			direct = append(direct, FoundationModelARN(s.Partition, s.Region, m.ID))
			continue
		}
		profile := s.ARN("bedrock", "inference-profile/"+id)
		direct = append(direct, profile)
		profiles = append(profiles, profile)
		destinations = append(destinations, FoundationModelARN(s.Partition, "*", m.ID))
		if geo == "global" {
			destinations = append(destinations, FoundationModelARN(s.Partition, "", m.ID))
		}
	}
	if len(profiles) > 0 {
		// Application profiles copying a cross-Region profile reach its
		// destinations under their own ARN (IDs AWS picks).
		profiles = append(profiles, s.ARN("bedrock", "application-inference-profile/*"))
	}
	direct = append(direct, s.ExtraARNs...)
	for _, list := range []*[]string{&direct, &destinations, &profiles} {
		slices.Sort(*list)
		*list = slices.Compact(*list)
	}
	statements := []iamdoc.Statement{
		{Sid: "InvokeTheModelsWithTheGuardrail", Effect: "Allow", Action: slices.Clone(actions), Resource: direct,
			Condition: iamdoc.Condition{"StringEquals": withGuardrail}},
	}
	if len(destinations) > 0 {
		statements = append(statements, iamdoc.Statement{
			Sid: "ProfilesReachTheirDestinationRegions", Effect: "Allow", Action: slices.Clone(actions), Resource: destinations,
			Condition: iamdoc.Condition{"StringEquals": withGuardrail, "StringLike": {"bedrock:InferenceProfileArn": profiles}},
		})
	}
	if s.KnowledgeBaseARN != "" {
		// Retrieve only: RetrieveAndGenerate calls models without the
		// guardrail, which the Deny refuses.
		statements = append(statements, iamdoc.Allow("RetrieveFromTheKnowledgeBase", []string{"bedrock:Retrieve"}, s.KnowledgeBaseARN))
	}
	if !s.Streaming {
		statements = append(statements, iamdoc.Statement{Sid: "DenyStreaming", Effect: "Deny", Action: []string{StreamAction},
			Resource: []string{"*"}})
	}
	return iamdoc.New(append(statements,
		iamdoc.Statement{Sid: "DenyInvokingWithoutTheGuardrail", Effect: "Deny", Action: slices.Clone(InvokeActions), Resource: []string{"*"},
			Condition: iamdoc.Condition{"StringNotEquals": withGuardrail}},
		iamdoc.Allow("ApplyTheGuardrail", []string{"bedrock:ApplyGuardrail"}, s.GuardrailARN),
		iamdoc.Statement{Sid: "DecryptTheGuardrail", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{s.GuardrailKeyARN},
			Condition: iamdoc.Condition{"StringEquals": {"kms:ViaService": {"bedrock." + s.Region + ".amazonaws.com"}}}},
	)...)
}

// AccessArgs configures what applications invoke models with.
type AccessArgs struct {
	// Name names the policy and role (required).
	Name string
	// Scope is what the policy allows (required); its ARNs that are
	// outputs are given below.
	Scope InvokeScope
	// ExtraARNs, GuardrailARN, GuardrailVersionARN and GuardrailKeyARN fill
	// the scope's fields of the same names (required but ExtraARNs).
	ExtraARNs                                          pulumi.StringArrayInput
	GuardrailARN, GuardrailVersionARN, GuardrailKeyARN pulumi.StringInput
	// KnowledgeBaseARN, when set, fills Scope.KnowledgeBaseARN.
	KnowledgeBaseARN pulumi.StringInput
	// PodIdentity, when ClusterName is set, associates the role with a
	// service account. TrustPolicy is the Pod Identity trust (required).
	ClusterName               pulumi.StringInput
	Namespace, ServiceAccount string
	TrustPolicy               string
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// Access is the application policy, its role and Pod Identity association.
type Access struct {
	pulumi.ResourceState

	Policy *iam.Policy
	Role   *iam.Role
}

// NewAccess creates the managed policy (exported for SageMaker and other
// workloads to attach) and a role with it for the application's service
// account.
func NewAccess(ctx *pulumi.Context, name string, args *AccessArgs, opts ...pulumi.ResourceOption) (*Access, error) {
	if args == nil || args.Name == "" || len(args.Scope.Models) == 0 || args.GuardrailARN == nil || args.GuardrailVersionARN == nil ||
		args.GuardrailKeyARN == nil || args.TrustPolicy == "" {
		return nil, errors.New("bedrock access: Name, Scope.Models, the guardrail's ARNs and key, and TrustPolicy are required")
	}
	for _, id := range args.Scope.Models {
		if _, _, ok := catalog.LookupBedrockModel(id); !ok {
			return nil, fmt.Errorf("bedrock access: %q is not a model or profile in the catalog", id)
		}
	}
	if args.ClusterName != nil && (args.Namespace == "" || args.ServiceAccount == "") {
		return nil, errors.New("bedrock access: a Pod Identity association needs Namespace and ServiceAccount")
	}
	a := &Access{}
	if err := ctx.RegisterComponentResource("ml-platform:bedrock:Access", name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	extra := args.ExtraARNs
	if extra == nil {
		extra = pulumi.StringArray{}
	}
	kb := args.KnowledgeBaseARN
	if kb == nil {
		kb = pulumi.String("")
	}
	document := pulumi.All(extra, args.GuardrailARN, args.GuardrailVersionARN, args.GuardrailKeyARN, kb).ApplyT(func(v []any) string {
		s := args.Scope
		s.ExtraARNs, s.GuardrailARN, s.GuardrailVersionARN, s.GuardrailKeyARN = v[0].([]string), v[1].(string), v[2].(string), v[3].(string)
		s.KnowledgeBaseARN = v[4].(string)
		return InvokePolicy(s).JSON()
	}).(pulumi.StringOutput)
	var err error
	a.Policy, err = iam.NewPolicy(ctx, name, &iam.PolicyArgs{
		Name:        pulumi.String(args.Name),
		Description: pulumi.String("Invoke " + strings.Join(args.Scope.Models, ", ") + " only through the stack's guardrail"),
		Policy:      document,
		Tags:        tags.With(args.Tags, "Name", args.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	a.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(args.Name),
		Description:      pulumi.String("Applications invoking Bedrock models through the guardrail (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(args.TrustPolicy),
		Tags:             tags.With(args.Tags, "Name", args.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{Role: a.Role.Name, PolicyArn: a.Policy.Arn}, parent)
	if err != nil {
		return nil, err
	}
	if args.ClusterName != nil {
		if _, err := eks.NewPodIdentityAssociation(ctx, name, &eks.PodIdentityAssociationArgs{
			ClusterName: args.ClusterName, Namespace: pulumi.String(args.Namespace), ServiceAccount: pulumi.String(args.ServiceAccount),
			RoleArn: a.Role.Arn, Tags: tags.With(args.Tags, "Name", args.Name),
		}, parent, pulumi.DependsOn([]pulumi.Resource{attachment})); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{"policyArn": a.Policy.Arn, "roleArn": a.Role.Arn}); err != nil {
		return nil, err
	}
	return a, nil
}

// PreviousVersionARN is the guardrail version published before a version
// ARN ("<guardrail ARN>:<n>" gives ":<n-1>"; Bedrock numbers a guardrail's
// versions 1, 2, 3, ...): "" for version 1 or an identifier that is not a
// numbered version.
func PreviousVersionARN(versionARN string) string {
	i := strings.LastIndex(versionARN, ":")
	if i < 0 {
		return ""
	}
	n, err := strconv.Atoi(versionARN[i+1:])
	if err != nil || n <= 1 {
		return ""
	}
	return fmt.Sprintf("%s:%d", versionARN[:i], n-1)
}
