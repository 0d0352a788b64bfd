package catalog

import (
	"slices"
	"strings"
)

// BedrockModelKind says what a foundation model produces.
type BedrockModelKind string

// Bedrock model kinds.
const (
	BedrockText      BedrockModelKind = "text"
	BedrockEmbedding BedrockModelKind = "embedding"
)

// BedrockModel is one foundation model the platform lets applications
// invoke, with where it can be invoked from.
type BedrockModel struct {
	// ID is the base model ID, "amazon.nova-pro-v1:0".
	ID   string
	Kind BedrockModelKind
	// OnDemandRegions are the catalog regions where the base model ID is
	// invoked on demand in-Region.
	OnDemandRegions []string
	// ProfileGeos are the geographies of its cross-Region (system-defined)
	// inference profiles: "us", "eu", "apac", "global". Its profile ID is
	// "<geo>.<ID>"; a geography's profiles are invoked from that
	// geography's Regions ("global" from any).
	ProfileGeos []string
	// EmbeddingDimensions are the vector sizes an embedding model offers,
	// the default first.
	EmbeddingDimensions []int
	// BillingService is the Cost Explorer SERVICE value its use bills
	// under: "Amazon Bedrock" for models AWS sells, the AWS Marketplace
	// product ("Claude Sonnet 4 (Amazon Bedrock Edition)") for third-party
	// models sold through Marketplace (BedrockBillingSource).
	BillingService string
}

// BedrockService is the Cost Explorer SERVICE value of the models AWS sells.
const BedrockService = "Amazon Bedrock"

// BedrockBillingSource says where the billing service names come from and
// what carries tags.
var BedrockBillingSource = Source{
	Description: "Amazon Bedrock user guide, \"Model access\" and \"Pricing\" (Anthropic's and Cohere's models are sold " +
		"through AWS Marketplace and bill under their Marketplace product, named \"<model> (Amazon Bedrock Edition)\" in " +
		"the Cost Explorer SERVICE dimension; Amazon's under \"Amazon Bedrock\"), and \"Track costs with application " +
		"inference profiles\" (only calls through an application inference profile carry its tags into cost allocation; " +
		"on-demand calls to a model or system-defined profile carry none). Product names recorded from the pattern: " +
		"check them with `aws ce get-dimension-values --dimension SERVICE`.",
	URL:      "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-create.html",
	Recorded: "2026-12-07",
}

// BedrockModelsSource says where the model table comes from.
var BedrockModelsSource = Source{
	Description: "Amazon Bedrock user guide: \"Supported foundation models in Amazon Bedrock\" (model IDs, in-Region " +
		"availability), \"Supported Regions and models for inference profiles\" (cross-Region profile IDs and " +
		"geographies) and the Knowledge Bases \"Supported models and Regions\" page (embedding dimensions). Only the " +
		"Regions this catalog knows are recorded, and in-Region availability only where the guide lists it for " +
		"us-east-1 and us-west-2; availability changes often: check `aws bedrock get-foundation-model` and add " +
		"Regions here.",
	URL:      "https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html",
	Recorded: recorded,
}

// bedrockModels is sorted by ID.
var bedrockModels = []BedrockModel{
	{ID: "amazon.nova-lite-v1:0", Kind: BedrockText, OnDemandRegions: []string{"us-east-1"}, ProfileGeos: []string{"apac", "eu", "us"},
		BillingService: BedrockService},
	{ID: "amazon.nova-micro-v1:0", Kind: BedrockText, OnDemandRegions: []string{"us-east-1"}, ProfileGeos: []string{"apac", "eu", "us"},
		BillingService: BedrockService},
	{ID: "amazon.nova-pro-v1:0", Kind: BedrockText, OnDemandRegions: []string{"us-east-1"}, ProfileGeos: []string{"apac", "eu", "us"},
		BillingService: BedrockService},
	{ID: "amazon.titan-embed-text-v2:0", Kind: BedrockEmbedding, OnDemandRegions: []string{"us-east-1", "us-west-2"},
		EmbeddingDimensions: []int{1024, 512, 256}, BillingService: BedrockService},
	{ID: "anthropic.claude-3-haiku-20240307-v1:0", Kind: BedrockText, OnDemandRegions: []string{"us-east-1", "us-west-2"},
		ProfileGeos: []string{"apac", "eu", "us"}, BillingService: "Claude 3 Haiku (Amazon Bedrock Edition)"},
	{ID: "anthropic.claude-sonnet-4-20250514-v1:0", Kind: BedrockText, ProfileGeos: []string{"apac", "eu", "global", "us"},
		BillingService: "Claude Sonnet 4 (Amazon Bedrock Edition)"},
	{ID: "cohere.embed-english-v3", Kind: BedrockEmbedding, OnDemandRegions: []string{"us-east-1", "us-west-2"},
		EmbeddingDimensions: []int{1024}, BillingService: "Cohere Embed Model v3 - English (Amazon Bedrock Edition)"},
	{ID: "cohere.embed-multilingual-v3", Kind: BedrockEmbedding, OnDemandRegions: []string{"us-east-1", "us-west-2"},
		EmbeddingDimensions: []int{1024}, BillingService: "Cohere Embed Model v3 - Multilingual (Amazon Bedrock Edition)"},
}

// BedrockModelIDs returns the base model IDs, sorted.
func BedrockModelIDs() []string {
	var out []string
	for _, m := range bedrockModels {
		out = append(out, m.ID)
	}
	return out
}

// LookupBedrockModel finds a model by its base ID or a cross-Region
// profile ID ("us.amazon.nova-pro-v1:0"); geo is the profile's geography,
// "" for a base ID.
func LookupBedrockModel(id string) (m BedrockModel, geo string, ok bool) {
	if i := slices.IndexFunc(bedrockModels, func(m BedrockModel) bool { return m.ID == id }); i >= 0 {
		return bedrockModels[i], "", true
	}
	prefix, base, found := strings.Cut(id, ".")
	if !found {
		return BedrockModel{}, "", false
	}
	i := slices.IndexFunc(bedrockModels, func(m BedrockModel) bool { return m.ID == base })
	if i < 0 || !slices.Contains(bedrockModels[i].ProfileGeos, prefix) {
		return BedrockModel{}, "", false
	}
	return bedrockModels[i], prefix, true
}

// BedrockGeo is the cross-Region inference geography a Region's requests
// use: "us", "eu" or "apac".
func BedrockGeo(region string) string {
	switch {
	case strings.HasPrefix(region, "us-"):
		return "us"
	case strings.HasPrefix(region, "eu-"):
		return "eu"
	case strings.HasPrefix(region, "ap-"):
		return "apac"
	}
	return ""
}

// BedrockInvocableIDs are the model and profile IDs a stack in region can
// invoke, sorted: base IDs on demand there, and profiles of its geography
// and the global ones.
func BedrockInvocableIDs(region string, kind BedrockModelKind) []string {
	var out []string
	for _, m := range bedrockModels {
		if m.Kind != kind {
			continue
		}
		if slices.Contains(m.OnDemandRegions, region) {
			out = append(out, m.ID)
		}
		for _, g := range m.ProfileGeos {
			if g == "global" || g == BedrockGeo(region) {
				out = append(out, g+"."+m.ID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Guardrail limits (CreateGuardrail request syntax; BedrockGuardrailSource).
const (
	GuardrailMaxTopics             = 30
	GuardrailTopicDefinitionMax    = 200
	GuardrailTopicExamplesMax      = 5
	GuardrailTopicExampleMax       = 100
	GuardrailMaxWords              = 10000
	GuardrailWordMax               = 100
	GuardrailMaxRegexes            = 10
	GuardrailRegexPatternMax       = 500
	GuardrailRegexDescriptionMax   = 1000
	GuardrailMessageMax            = 500
	GuardrailGroundingThresholdMax = 0.99
)

// BedrockGuardrailSource says where the guardrail limits come from.
var BedrockGuardrailSource = Source{
	Description: "Amazon Bedrock API reference: CreateGuardrail and its GuardrailTopicConfig, GuardrailWordConfig, " +
		"GuardrailRegexConfig and GuardrailContextualGroundingFilterConfig types (lengths, list sizes, threshold range); " +
		"the enums themselves are read from the aws-sdk-go-v2 Bedrock types.",
	URL:      "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateGuardrail.html",
	Recorded: recorded,
}

// KnowledgeBaseParentChunkTokens is the parent chunk size of hierarchical
// chunking, the console's default (HierarchicalChunkingConfiguration takes
// exactly two levels, parents then children; BedrockGuardrailSource's API
// reference, CreateDataSource).
const KnowledgeBaseParentChunkTokens = 1500
