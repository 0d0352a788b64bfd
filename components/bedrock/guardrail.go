package bedrock

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrock"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// GuardrailSpec is a guardrail's definition, validated by the caller
// (spec.Guardrail: configuration produces it).
type GuardrailSpec = spec.Guardrail

// ContentFilter, DeniedTopic, PII and Regex are its parts.
type (
	ContentFilter = spec.ContentFilter
	DeniedTopic   = spec.DeniedTopic
	PII           = spec.PII
	Regex         = spec.Regex
)

// GuardrailArgs configures the guardrail.
type GuardrailArgs struct {
	// Name is the guardrail's name (required).
	Name string
	// Spec is its definition (required: blocked messages and at least one policy).
	Spec GuardrailSpec
	// KMSKeyARN encrypts it (required).
	KMSKeyARN pulumi.StringInput
	// Tags are applied to the guardrail (required).
	Tags map[string]string
}

// Guardrail is the guardrail (its DRAFT) and its published version.
type Guardrail struct {
	pulumi.ResourceState

	Guardrail *bedrock.Guardrail
	Version   *bedrock.GuardrailVersion
	// ARN is the guardrail's ARN; VersionARN the published version's, the
	// value of the bedrock:GuardrailIdentifier condition key.
	ARN, VersionARN pulumi.StringOutput
}

// NewGuardrail creates the guardrail and publishes a version of it, a new
// one whenever the definition changes.
func NewGuardrail(ctx *pulumi.Context, name string, args *GuardrailArgs, opts ...pulumi.ResourceOption) (*Guardrail, error) {
	if args == nil || args.Name == "" || args.KMSKeyARN == nil || args.Spec.BlockedInputMessage == "" || args.Spec.BlockedOutputMessage == "" {
		return nil, errors.New("guardrail: Name, KMSKeyARN and both blocked messages are required")
	}
	s := args.Spec
	if len(s.ContentFilters) == 0 && len(s.DeniedTopics) == 0 && len(s.Words) == 0 && len(s.ManagedWordLists) == 0 &&
		len(s.PII) == 0 && len(s.Regexes) == 0 && s.GroundingThreshold == 0 && s.RelevanceThreshold == 0 {
		return nil, errors.New("guardrail: the definition sets no policy")
	}
	g := &Guardrail{}
	if err := ctx.RegisterComponentResource("ml-platform:bedrock:Guardrail", name, g, opts...); err != nil {
		return nil, err
	}
	gArgs := &bedrock.GuardrailArgs{
		Name:                    pulumi.String(args.Name),
		Description:             pulumi.String("Content, topic, word and sensitive-information policies of " + args.Name),
		BlockedInputMessaging:   pulumi.String(s.BlockedInputMessage),
		BlockedOutputsMessaging: pulumi.String(s.BlockedOutputMessage),
		KmsKeyArn:               args.KMSKeyARN,
		Tags:                    tags.With(args.Tags, "Name", args.Name),
	}
	if len(s.ContentFilters) > 0 {
		var filters bedrock.GuardrailContentPolicyConfigFiltersConfigArray
		for _, f := range s.ContentFilters {
			filters = append(filters, bedrock.GuardrailContentPolicyConfigFiltersConfigArgs{
				Type: pulumi.String(f.Type), InputStrength: pulumi.String(f.Input), OutputStrength: pulumi.String(f.Output)})
		}
		gArgs.ContentPolicyConfig = bedrock.GuardrailContentPolicyConfigArgs{FiltersConfigs: filters}
	}
	if len(s.DeniedTopics) > 0 {
		var topics bedrock.GuardrailTopicPolicyConfigTopicsConfigArray
		for _, t := range s.DeniedTopics {
			topics = append(topics, bedrock.GuardrailTopicPolicyConfigTopicsConfigArgs{
				Name: pulumi.String(t.Name), Definition: pulumi.String(t.Definition), Examples: pulumi.ToStringArray(t.Examples),
				Type: pulumi.String("DENY")})
		}
		gArgs.TopicPolicyConfig = bedrock.GuardrailTopicPolicyConfigArgs{TopicsConfigs: topics}
	}
	if len(s.Words) > 0 || len(s.ManagedWordLists) > 0 {
		var words bedrock.GuardrailWordPolicyConfigWordsConfigArray
		for _, w := range s.Words {
			words = append(words, bedrock.GuardrailWordPolicyConfigWordsConfigArgs{Text: pulumi.String(w)})
		}
		var lists bedrock.GuardrailWordPolicyConfigManagedWordListsConfigArray
		for _, l := range s.ManagedWordLists {
			lists = append(lists, bedrock.GuardrailWordPolicyConfigManagedWordListsConfigArgs{Type: pulumi.String(l)})
		}
		gArgs.WordPolicyConfig = bedrock.GuardrailWordPolicyConfigArgs{WordsConfigs: words, ManagedWordListsConfigs: lists}
	}
	if len(s.PII) > 0 || len(s.Regexes) > 0 {
		var pii bedrock.GuardrailSensitiveInformationPolicyConfigPiiEntitiesConfigArray
		for _, e := range s.PII {
			pii = append(pii, bedrock.GuardrailSensitiveInformationPolicyConfigPiiEntitiesConfigArgs{
				Type: pulumi.String(e.Type), Action: pulumi.String(e.Action)})
		}
		var regexes bedrock.GuardrailSensitiveInformationPolicyConfigRegexesConfigArray
		for _, r := range s.Regexes {
			rx := bedrock.GuardrailSensitiveInformationPolicyConfigRegexesConfigArgs{
				Name: pulumi.String(r.Name), Pattern: pulumi.String(r.Pattern), Action: pulumi.String(r.Action)}
			if r.Description != "" {
				rx.Description = pulumi.String(r.Description)
			}
			regexes = append(regexes, rx)
		}
		gArgs.SensitiveInformationPolicyConfig = bedrock.GuardrailSensitiveInformationPolicyConfigArgs{
			PiiEntitiesConfigs: pii, RegexesConfigs: regexes}
	}
	var grounding bedrock.GuardrailContextualGroundingPolicyConfigFiltersConfigArray
	for _, c := range []struct {
		typ       string
		threshold float64
	}{{"GROUNDING", s.GroundingThreshold}, {"RELEVANCE", s.RelevanceThreshold}} {
		if c.threshold > 0 {
			grounding = append(grounding, bedrock.GuardrailContextualGroundingPolicyConfigFiltersConfigArgs{
				Type: pulumi.String(c.typ), Threshold: pulumi.Float64(c.threshold)})
		}
	}
	if len(grounding) > 0 {
		gArgs.ContextualGroundingPolicyConfig = bedrock.GuardrailContextualGroundingPolicyConfigArgs{FiltersConfigs: grounding}
	}
	var err error
	g.Guardrail, err = bedrock.NewGuardrail(ctx, name, gArgs, pulumi.Parent(g))
	if err != nil {
		return nil, err
	}
	// The description names the definition: a new definition publishes a
	// new version. The old one is retained, not deleted: running clients
	// still pass it until they read the new one (Access allows both), and
	// a published version is an audit record of what guarded requests.
	g.Version, err = bedrock.NewGuardrailVersion(ctx, name, &bedrock.GuardrailVersionArgs{
		GuardrailArn: g.Guardrail.GuardrailArn,
		Description:  pulumi.String("definition " + s.Digest()),
		SkipDestroy:  pulumi.Bool(true),
	}, pulumi.Parent(g), pulumi.ReplaceOnChanges([]string{"description"}), pulumi.RetainOnDelete(true))
	if err != nil {
		return nil, err
	}
	g.ARN = g.Guardrail.GuardrailArn
	g.VersionARN = pulumi.Sprintf("%s:%s", g.Version.GuardrailArn, g.Version.Version)
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{"guardrailArn": g.ARN, "versionArn": g.VersionARN}); err != nil {
		return nil, err
	}
	return g, nil
}
