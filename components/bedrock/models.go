package bedrock

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrock"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// ApplicationProfile is an application inference profile: a tagged copy
// of a model or cross-Region profile, so its use shows in cost reports.
type ApplicationProfile struct {
	Name, Model string
}

// Throughput is provisioned throughput for a base model.
type Throughput struct {
	Name, Model string
	Units       int
	// Commitment is "", "OneMonth" or "SixMonths".
	Commitment string
}

// ModelsArgs configures application inference profiles and provisioned
// throughput.
type ModelsArgs struct {
	// Prefix starts every name: project and stack (required).
	Prefix string
	// Partition, Region and AccountID place the source ARNs (required).
	awsarn.Account
	Profiles   []ApplicationProfile
	Throughput []Throughput
	// Protect keeps committed throughput from an accidental delete (prod).
	Protect bool
	// Tags are applied to every profile and throughput (required).
	Tags map[string]string
}

// Models are the stack's application profiles and provisioned models.
type Models struct {
	pulumi.ResourceState

	// ARNs are what applications invoke, for the application policy.
	ARNs pulumi.StringArrayOutput
}

// ProfileSourceARN is the ARN an application profile copies: the
// foundation model, or the cross-Region profile.
func ProfileSourceARN(a awsarn.Account, model string) (string, error) {
	partition, region := a.Partition, a.Region
	m, geo, ok := catalog.LookupBedrockModel(model)
	if !ok {
		return "", fmt.Errorf("%q is not a model or profile in the catalog", model)
	}
	if geo == "" {
		return FoundationModelARN(partition, region, m.ID), nil
	}
	return a.ARN("bedrock", "inference-profile/"+model), nil
}

// NewModels creates the profiles and provisioned throughput.
func NewModels(ctx *pulumi.Context, name string, args *ModelsArgs, opts ...pulumi.ResourceOption) (*Models, error) {
	if args == nil || args.Prefix == "" || args.Region == "" || args.AccountID == "" {
		return nil, errors.New("bedrock models: Prefix, Region and AccountID are required")
	}
	if len(args.Profiles) == 0 && len(args.Throughput) == 0 {
		return nil, errors.New("bedrock models: nothing to create")
	}
	sources := map[string]string{}
	for _, p := range args.Profiles {
		src, err := ProfileSourceARN(args.Account, p.Model)
		if err != nil {
			return nil, fmt.Errorf("bedrock models: profile %q: %w", p.Name, err)
		}
		sources[p.Name] = src
	}
	for _, t := range args.Throughput {
		if m, geo, ok := catalog.LookupBedrockModel(t.Model); !ok || geo != "" || t.Units < 1 {
			return nil, fmt.Errorf("bedrock models: throughput %q: a base model in the catalog and 1 or more units (%s)", t.Name, m.ID)
		}
	}
	m := &Models{}
	if err := ctx.RegisterComponentResource("ml-platform:bedrock:Models", name, m, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(m)
	var arns pulumi.StringArray
	for _, p := range args.Profiles {
		profileName := args.Prefix + "-" + p.Name
		profile, err := bedrock.NewInferenceProfile(ctx, name+"-"+p.Name, &bedrock.InferenceProfileArgs{
			Name:        pulumi.String(profileName),
			Description: pulumi.String(p.Model + " for " + args.Prefix),
			ModelSource: bedrock.InferenceProfileModelSourceArgs{CopyFrom: pulumi.String(sources[p.Name])},
			Tags:        tags.With(args.Tags, "Name", profileName),
		}, parent)
		if err != nil {
			return nil, err
		}
		arns = append(arns, profile.Arn)
	}
	ptOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		ptOpts = append(ptOpts, pulumi.Protect(true))
	}
	for _, t := range args.Throughput {
		ptArgs := &bedrock.ProvisionedModelThroughputArgs{
			ProvisionedModelName: pulumi.String(args.Prefix + "-" + t.Name),
			ModelArn:             pulumi.String(FoundationModelARN(args.Partition, args.Region, t.Model)),
			ModelUnits:           pulumi.Int(t.Units),
			Tags:                 tags.With(args.Tags, "Name", args.Prefix+"-"+t.Name),
		}
		if t.Commitment != "" {
			ptArgs.CommitmentDuration = pulumi.String(t.Commitment)
		}
		pt, err := bedrock.NewProvisionedModelThroughput(ctx, name+"-"+t.Name, ptArgs, ptOpts...)
		if err != nil {
			return nil, err
		}
		arns = append(arns, pt.ProvisionedModelArn)
	}
	m.ARNs = arns.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{"arns": m.ARNs}); err != nil {
		return nil, err
	}
	return m, nil
}
