package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	bedrocktypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Bedrock is the validated ml-platform:bedrock.
type Bedrock struct {
	// Enabled is true when the key is set.
	Enabled bool
	// Guardrail is the stack's guardrail; every invocation the application
	// policy allows goes through it.
	Guardrail Guardrail
	// Models are the model and cross-Region profile IDs applications may
	// invoke, sorted.
	Models []string
	// ApplicationProfiles are application inference profiles (tagged, so
	// their use shows in cost reports) copying a model or profile.
	ApplicationProfiles []ApplicationProfile
	// InvocationLogging is the account's model invocation logging in the
	// stack's region; nil when off or when another stack owns it. It is one
	// configuration per account and region: the stack that owns it
	// (invocationLogging.owner, prod and staging by default) writes it, and
	// a second stack writing it would replace the first's and turn it off
	// for both when destroyed.
	InvocationLogging *InvocationLogging
	// Application is the Kubernetes service account that gets the invoke
	// role through Pod Identity.
	Application BedrockApplication
	// Streaming allows InvokeModelWithResponseStream and ConverseStream. In
	// the guardrail's asynchronous streaming mode (the caller's choice)
	// output reaches the caller before it is scanned and is not masked.
	// Defaults to true outside prod, false in prod.
	Streaming bool
	// KnowledgeBase is the RAG knowledge base; nil when off.
	KnowledgeBase *KnowledgeBase
	// ProvisionedThroughput reserves model units; none by default.
	ProvisionedThroughput []ProvisionedThroughput
}

// Guardrail is the guardrail's definition.
type Guardrail struct {
	ContentFilters []ContentFilter
	DeniedTopics   []DeniedTopic
	Words          []string
	// ManagedWordLists are AWS's word lists (PROFANITY).
	ManagedWordLists []string
	PII              []PIIEntity
	Regexes          []GuardrailRegex
	// GroundingThreshold and RelevanceThreshold are the contextual
	// grounding checks' thresholds; 0 leaves a check out.
	GroundingThreshold, RelevanceThreshold    float64
	BlockedInputMessage, BlockedOutputMessage string
}

// ContentFilter is one content filter's strengths.
type ContentFilter struct {
	Type, Input, Output string
}

// DeniedTopic is a topic the guardrail refuses.
type DeniedTopic struct {
	Name, Definition string
	Examples         []string
}

// PIIEntity is what the guardrail does with one kind of personal data.
type PIIEntity struct {
	Type, Action string
}

// GuardrailRegex is a custom sensitive-information pattern.
type GuardrailRegex struct {
	Name, Pattern, Action, Description string
}

// ApplicationProfile is an application inference profile.
type ApplicationProfile struct {
	Name string
	// Model is the model or cross-Region profile ID it copies.
	Model string
}

// InvocationLogging says what model invocation logging delivers.
type InvocationLogging struct {
	Text, Image, Embedding, Video bool
	// RetentionDays keeps the log group's events.
	RetentionDays int
}

// BedrockApplication is the service account application pods use.
type BedrockApplication struct {
	Namespace, ServiceAccount string
}

// KnowledgeBase is the RAG knowledge base and its vector store.
type KnowledgeBase struct {
	// EmbeddingModel is the embedding model ID; Dimensions its vector size.
	EmbeddingModel string
	Dimensions     int
	// Prefix is the training-data bucket prefix the data source reads.
	Prefix string
	// Chunking is FIXED_SIZE, NONE, HIERARCHICAL or SEMANTIC. MaxTokens
	// sizes the chunks (the child chunks of HIERARCHICAL, whose parents
	// have catalog.KnowledgeBaseParentChunkTokens); OverlapPercent is FIXED_SIZE's.
	Chunking                  string
	MaxTokens, OverlapPercent int
	// IndexName is the vector index in the collection.
	IndexName string
	// IndexCreated says the index exists (it has no AWS resource: see
	// docs/bedrock.md, Knowledge base): the knowledge base and data source
	// are created only then.
	IndexCreated bool
	// StandbyReplicas keeps the collection's standby replicas (prod).
	StandbyReplicas bool
	// IndexAdminRoleARNs may create and manage the index. Defaults to the
	// cluster's adminRoleArns.
	IndexAdminRoleARNs []string
}

// ProvisionedThroughput is reserved capacity for one model.
type ProvisionedThroughput struct {
	Name, Model string
	Units       int
	// Commitment is "", "OneMonth" or "SixMonths".
	Commitment string
}

// Knowledge base chunking strategies (the provider's ChunkingStrategy).
var chunkingStrategies = []string{"FIXED_SIZE", "HIERARCHICAL", "NONE", "SEMANTIC"}

// Provisioned throughput commitments ("" is no commitment).
var ptCommitments = []string{"OneMonth", "SixMonths"}

type bedrockInput struct {
	Guardrail *struct {
		ContentFilters map[string]struct {
			Input  *string `json:"input"`
			Output *string `json:"output"`
		} `json:"contentFilters"`
		DeniedTopics []struct {
			Name       string   `json:"name"`
			Definition string   `json:"definition"`
			Examples   []string `json:"examples"`
		} `json:"deniedTopics"`
		Words            []string          `json:"words"`
		ManagedWordLists []string          `json:"managedWordLists"`
		PII              map[string]string `json:"pii"`
		Regexes          []struct {
			Name        string `json:"name"`
			Pattern     string `json:"pattern"`
			Action      string `json:"action"`
			Description string `json:"description"`
		} `json:"regexes"`
		GroundingThreshold   *float64 `json:"groundingThreshold"`
		RelevanceThreshold   *float64 `json:"relevanceThreshold"`
		BlockedInputMessage  *string  `json:"blockedInputMessage"`
		BlockedOutputMessage *string  `json:"blockedOutputMessage"`
	} `json:"guardrail"`
	Models              []string `json:"models"`
	Streaming           *bool    `json:"streaming"`
	ApplicationProfiles []struct {
		Name  string `json:"name"`
		Model string `json:"model"`
	} `json:"applicationProfiles"`
	InvocationLogging *struct {
		Enabled       *bool `json:"enabled"`
		Owner         *bool `json:"owner"`
		Text          *bool `json:"text"`
		Image         *bool `json:"image"`
		Embedding     *bool `json:"embedding"`
		Video         *bool `json:"video"`
		RetentionDays *int  `json:"retentionDays"`
	} `json:"invocationLogging"`
	Application *struct {
		Namespace      *string `json:"namespace"`
		ServiceAccount *string `json:"serviceAccount"`
	} `json:"application"`
	KnowledgeBase *struct {
		Enabled            *bool    `json:"enabled"`
		EmbeddingModel     *string  `json:"embeddingModel"`
		Dimensions         *int     `json:"dimensions"`
		Prefix             *string  `json:"prefix"`
		Chunking           *string  `json:"chunking"`
		MaxTokens          *int     `json:"maxTokens"`
		OverlapPercent     *int     `json:"overlapPercent"`
		IndexName          *string  `json:"indexName"`
		IndexCreated       *bool    `json:"indexCreated"`
		StandbyReplicas    *bool    `json:"standbyReplicas"`
		IndexAdminRoleARNs []string `json:"indexAdminRoleArns"`
	} `json:"knowledgeBase"`
	ProvisionedThroughput []struct {
		Name       string `json:"name"`
		Model      string `json:"model"`
		Units      int    `json:"units"`
		Commitment string `json:"commitment"`
	} `json:"provisionedThroughput"`
}

// Guardrail defaults: the seed's filters (HIGH, MEDIUM for insults;
// prompt attacks on input only), its two denied topics, AWS's profanity
// list, personal data masked or blocked, and an API-key pattern.
var (
	defaultContentFilters = []ContentFilter{
		{"HATE", "HIGH", "HIGH"}, {"INSULTS", "MEDIUM", "MEDIUM"}, {"MISCONDUCT", "HIGH", "HIGH"},
		{"PROMPT_ATTACK", "HIGH", "NONE"}, {"SEXUAL", "HIGH", "HIGH"}, {"VIOLENCE", "HIGH", "HIGH"},
	}
	defaultDeniedTopics = []DeniedTopic{
		{Name: "financial-advice", Definition: "Recommendations about investing money, buying or selling securities, or managing personal finances.",
			Examples: []string{"Which stocks should I buy this year?", "Should I move my pension into crypto?"}},
		{Name: "medical-advice", Definition: "Diagnosing conditions, recommending treatments or medication doses for a person's health.",
			Examples: []string{"What dose of ibuprofen should I take for my back pain?", "Do these symptoms mean I have diabetes?"}},
	}
	defaultPII = []PIIEntity{
		{"AWS_ACCESS_KEY", "BLOCK"}, {"AWS_SECRET_KEY", "BLOCK"}, {"CREDIT_DEBIT_CARD_NUMBER", "BLOCK"},
		{"EMAIL", "ANONYMIZE"}, {"PASSWORD", "BLOCK"}, {"PHONE", "ANONYMIZE"}, {"US_SOCIAL_SECURITY_NUMBER", "BLOCK"},
	}
	defaultRegexes = []GuardrailRegex{{Name: "api-key", Pattern: `(?i)\b(api[_-]?key|secret|token)\b\s*[:=]\s*[A-Za-z0-9_\-]{16,}`,
		Action: "BLOCK", Description: "An API key, secret or token assigned in text"}}
)

// Guardrail limits (CreateGuardrail; catalog.BedrockGuardrailSource).
var (
	topicNamePattern = regexp.MustCompile(`^[0-9a-zA-Z\-_ !?.]{1,100}$`)
	regexNamePattern = regexp.MustCompile(`^.{1,100}$`)
)

func parseBedrock(project, stack string, env conventions.Environment, region string, clusterAdmins []string, in bedrockInput, p *problems) Bedrock {
	const key = KeyBedrock
	b := Bedrock{Enabled: true, Application: BedrockApplication{Namespace: "ml-inference", ServiceAccount: "bedrock-client"}}
	b.Guardrail = parseGuardrail(env, in, p)
	b.Streaming = !env.ProdLike()
	set(&b.Streaming, in.Streaming)

	text := catalog.BedrockInvocableIDs(region, catalog.BedrockText)
	for i, id := range in.Models {
		k := fmt.Sprintf("%s.models[%d]", key, i)
		if !slices.Contains(text, id) {
			p.add(k, "%q is not a text model or profile the catalog has in %s; allowed: %s", id, region, strings.Join(text, ", "))
		}
		if slices.Contains(b.Models, id) {
			p.add(k, "%q is listed twice", id)
		}
		b.Models = append(b.Models, id)
	}
	slices.Sort(b.Models)
	if len(b.Models) == 0 {
		p.add(key+".models", "at least one model: the application policy allows invoking these only; allowed: %s", strings.Join(text, ", "))
	}
	for i, ap := range in.ApplicationProfiles {
		k := fmt.Sprintf("%s.applicationProfiles[%d]", key, i)
		if !sageMakerNamePattern.MatchString(ap.Name) || len(ap.Name) > 64 {
			p.add(k+".name", "%q is not a profile name (letters, digits and single dashes, at most 64)", ap.Name)
		}
		if !slices.Contains(b.Models, ap.Model) {
			p.add(k+".model", "%q is not one of models; allowed: %s", ap.Model, strings.Join(b.Models, ", "))
		}
		b.ApplicationProfiles = append(b.ApplicationProfiles, ApplicationProfile{Name: ap.Name, Model: ap.Model})
	}

	retention := conventions.DevLogRetentionDays
	if env.ProdLike() {
		retention = conventions.ProdMinLogRetentionDays
	}
	logging := &InvocationLogging{Text: true, RetentionDays: retention}
	owner := env.ProdLike()
	if l := in.InvocationLogging; l != nil {
		set(&owner, l.Owner)
		if l.Enabled != nil && !*l.Enabled {
			if env.ProdLike() {
				p.add(key+".invocationLogging.enabled", "false is weaker than %s allows (model use must be auditable); turn it off only in a stack "+
					"that shares the account and region with one that logs", env)
			}
			logging = nil
		} else {
			set(&logging.Text, l.Text)
			set(&logging.Image, l.Image)
			set(&logging.Embedding, l.Embedding)
			set(&logging.Video, l.Video)
			if l.RetentionDays != nil {
				logging.RetentionDays = *l.RetentionDays
				checkRetention(env, key+".invocationLogging.retentionDays", logging.RetentionDays, p)
			}
			if !logging.Text && !logging.Image && !logging.Embedding && !logging.Video {
				p.add(key+".invocationLogging", "delivers nothing: set one of text, image, embedding, video (or enabled: false)")
			}
			if !owner && (l.Enabled != nil || l.Text != nil || l.Image != nil || l.Embedding != nil || l.Video != nil || l.RetentionDays != nil) {
				p.add(key+".invocationLogging.owner", "false: model invocation logging is one configuration per account and region, "+
					"owned by one stack (prod by default); a second stack writing it replaces the owner's and turns it off for both "+
					"when destroyed; set owner: true only in the stack that owns it (allowed: true, false)")
			}
		}
		if !owner && env.ProdLike() {
			p.add(key+".invocationLogging.owner", "false is weaker than %s allows: a %s stack owns its account's invocation logging "+
				"(model use must be auditable)", env, env)
		}
	}
	if !owner {
		logging = nil
	}
	b.InvocationLogging = logging

	if a := in.Application; a != nil {
		set(&b.Application.Namespace, a.Namespace)
		set(&b.Application.ServiceAccount, a.ServiceAccount)
	}
	for _, f := range []struct{ field, v string }{{"namespace", b.Application.Namespace}, {"serviceAccount", b.Application.ServiceAccount}} {
		if !dnsLabel.MatchString(f.v) {
			p.add(key+".application."+f.field, "%q is not a Kubernetes name (lowercase letters, digits and dashes, at most 63)", f.v)
		}
	}

	if kb := in.KnowledgeBase; kb != nil && (kb.Enabled == nil || *kb.Enabled) {
		k := key + ".knowledgeBase"
		out := &KnowledgeBase{EmbeddingModel: "amazon.titan-embed-text-v2:0", Prefix: "knowledge-base/", Chunking: "FIXED_SIZE",
			MaxTokens: 300, OverlapPercent: 20, IndexName: "bedrock-knowledge-base-index", StandbyReplicas: env.ProdLike()}
		set(&out.EmbeddingModel, kb.EmbeddingModel)
		set(&out.Prefix, kb.Prefix)
		set(&out.Chunking, kb.Chunking)
		set(&out.IndexName, kb.IndexName)
		set(&out.MaxTokens, kb.MaxTokens)
		set(&out.OverlapPercent, kb.OverlapPercent)
		set(&out.IndexCreated, kb.IndexCreated)
		if kb.StandbyReplicas != nil {
			out.StandbyReplicas = *kb.StandbyReplicas
			if env.ProdLike() && !out.StandbyReplicas {
				p.add(k+".standbyReplicas", "false is weaker than %s allows (one AZ's outage takes the collection down)", env)
			}
		}
		embeddings := catalog.BedrockInvocableIDs(region, catalog.BedrockEmbedding)
		m, geo, ok := catalog.LookupBedrockModel(out.EmbeddingModel)
		switch {
		case !ok || geo != "" || !slices.Contains(embeddings, out.EmbeddingModel):
			p.add(k+".embeddingModel", "%q is not an embedding model the catalog has in %s; allowed: %s", out.EmbeddingModel, region, strings.Join(embeddings, ", "))
		default:
			out.Dimensions = m.EmbeddingDimensions[0]
			set(&out.Dimensions, kb.Dimensions)
			if !slices.Contains(m.EmbeddingDimensions, out.Dimensions) {
				p.add(k+".dimensions", "%d is not a vector size of %s; allowed: %s", out.Dimensions, out.EmbeddingModel, intList(m.EmbeddingDimensions))
			}
		}
		if out.Prefix == "" || !strings.HasSuffix(out.Prefix, "/") || strings.HasPrefix(out.Prefix, "/") {
			p.add(k+".prefix", "%q must be a key prefix ending in /, such as knowledge-base/", out.Prefix)
		}
		if !slices.Contains(chunkingStrategies, out.Chunking) {
			p.add(k+".chunking", "%q; allowed: %s", out.Chunking, quoteAll(chunkingStrategies))
		}
		switch {
		case out.Chunking == "NONE" && kb.MaxTokens != nil:
			p.add(k+".maxTokens", "does not apply without chunking")
		case out.Chunking != "NONE" && (out.MaxTokens < 20 || out.MaxTokens > 8192):
			p.add(k+".maxTokens", "%d is outside the allowed 20 to 8192", out.MaxTokens)
		case out.Chunking == "HIERARCHICAL" && out.MaxTokens > catalog.KnowledgeBaseParentChunkTokens:
			p.add(k+".maxTokens", "%d: child chunks must be smaller than their %d-token parents", out.MaxTokens, catalog.KnowledgeBaseParentChunkTokens)
		}
		switch {
		case out.Chunking != "FIXED_SIZE" && kb.OverlapPercent != nil:
			p.add(k+".overlapPercent", "applies to FIXED_SIZE chunking only")
		case out.Chunking == "FIXED_SIZE" && (out.OverlapPercent < 1 || out.OverlapPercent > 99):
			p.add(k+".overlapPercent", "%d is outside the allowed 1 to 99", out.OverlapPercent)
		}
		out.IndexAdminRoleARNs = slices.Clone(clusterAdmins)
		if kb.IndexAdminRoleARNs != nil {
			out.IndexAdminRoleARNs = slices.Clone(kb.IndexAdminRoleARNs)
		}
		for i, arn := range out.IndexAdminRoleARNs {
			if !roleARNPattern.MatchString(arn) {
				p.add(fmt.Sprintf("%s.indexAdminRoleArns[%d]", k, i), "%q is not an IAM role ARN; allowed: arn:<partition>:iam::<account>:role/<name>", arn)
			}
		}
		if len(out.IndexAdminRoleARNs) == 0 {
			p.add(k+".indexAdminRoleArns", "required (or ml-platform:cluster.adminRoleArns): the roles that create the vector index, "+
				"which no AWS resource creates")
		}
		if name := KnowledgeBaseName(project, stack); !collectionNamePattern.MatchString(name) {
			p.add(k, "the collection would be named %q: 3 to 28 lowercase letters, digits and dashes; shorten the project or stack name", name)
		}
		if !vectorIndexName.MatchString(out.IndexName) {
			p.add(k+".indexName", "%q is not an OpenSearch index name (lowercase letters, digits, - and _, not starting with - or _)", out.IndexName)
		}
		b.KnowledgeBase = out
	}

	for i, pt := range in.ProvisionedThroughput {
		k := fmt.Sprintf("%s.provisionedThroughput[%d]", key, i)
		if !sageMakerNamePattern.MatchString(pt.Name) {
			p.add(k+".name", "%q is not a name (letters, digits and single dashes)", pt.Name)
		}
		if m, geo, ok := catalog.LookupBedrockModel(pt.Model); !ok || geo != "" {
			p.add(k+".model", "%q is not a base model ID in the catalog; allowed: %s", pt.Model, strings.Join(catalog.BedrockModelIDs(), ", "))
		} else if !slices.Contains(m.OnDemandRegions, region) {
			p.add(k+".model", "%q is not offered in %s (provisioned throughput is bought in-Region)", pt.Model, region)
		}
		if pt.Units < 1 {
			p.add(k+".units", "%d; allowed: 1 or more model units", pt.Units)
		}
		if pt.Commitment != "" && !slices.Contains(ptCommitments, pt.Commitment) {
			p.add(k+".commitment", "%q; allowed: \"\" (none), %s", pt.Commitment, quoteAll(ptCommitments))
		}
		b.ProvisionedThroughput = append(b.ProvisionedThroughput, ProvisionedThroughput{Name: pt.Name, Model: pt.Model, Units: pt.Units, Commitment: pt.Commitment})
	}
	return b
}

// KnowledgeBaseName names the knowledge base, its collection and policies.
func KnowledgeBaseName(project, stack string) string { return project + "-" + stack + "-kb" }

var (
	collectionNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{2,27}$`)
	dnsLabel              = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	vectorIndexName       = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,254}$`)
)

// parseGuardrail validates the guardrail against the API's enums (the
// aws-sdk-go-v2 Bedrock types) and limits.
func parseGuardrail(env conventions.Environment, in bedrockInput, p *problems) Guardrail {
	const key = KeyBedrock + ".guardrail"
	g := Guardrail{
		ContentFilters: slices.Clone(defaultContentFilters), DeniedTopics: slices.Clone(defaultDeniedTopics),
		ManagedWordLists: []string{"PROFANITY"}, PII: slices.Clone(defaultPII), Regexes: slices.Clone(defaultRegexes),
		GroundingThreshold: 0.75, RelevanceThreshold: 0.75,
		BlockedInputMessage:  "Sorry, this request is outside what this assistant may handle.",
		BlockedOutputMessage: "Sorry, the answer was withheld by the content policy.",
	}
	gi := in.Guardrail
	if gi == nil {
		return g
	}
	types := enumValues(bedrocktypes.GuardrailContentFilterType("").Values())
	strengths := enumValues(bedrocktypes.GuardrailFilterStrength("").Values())
	for _, t := range slices.Sorted(maps.Keys(gi.ContentFilters)) {
		f := gi.ContentFilters[t]
		k := key + ".contentFilters." + t
		i := slices.IndexFunc(g.ContentFilters, func(c ContentFilter) bool { return c.Type == t })
		if i < 0 {
			p.add(k, "unknown filter type; allowed: %s", strings.Join(types, ", "))
			continue
		}
		for _, s := range []struct {
			field string
			v     *string
		}{{"input", f.Input}, {"output", f.Output}} {
			if s.v != nil && !slices.Contains(strengths, *s.v) {
				p.add(k+"."+s.field, "%q; allowed: %s", *s.v, strings.Join(strengths, ", "))
			}
		}
		set(&g.ContentFilters[i].Input, f.Input)
		set(&g.ContentFilters[i].Output, f.Output)
		if env.ProdLike() && g.ContentFilters[i].Input == "NONE" {
			p.add(k+".input", "\"NONE\" is weaker than %s allows: users reach prod guardrails; allowed: LOW, MEDIUM, HIGH", env)
		}
		if t == "PROMPT_ATTACK" && g.ContentFilters[i].Output != "NONE" {
			p.add(k+".output", "%q: prompt attacks are filtered on input only; allowed: \"NONE\"", g.ContentFilters[i].Output)
		}
	}

	if gi.DeniedTopics != nil {
		g.DeniedTopics = nil
		if len(gi.DeniedTopics) > catalog.GuardrailMaxTopics {
			p.add(key+".deniedTopics", "%d topics; allowed: at most %d", len(gi.DeniedTopics), catalog.GuardrailMaxTopics)
		}
		for i, t := range gi.DeniedTopics {
			k := fmt.Sprintf("%s.deniedTopics[%d]", key, i)
			if !topicNamePattern.MatchString(t.Name) {
				p.add(k+".name", "%q is not a topic name (1 to 100 letters, digits, spaces and -_!?.)", t.Name)
			}
			if t.Definition == "" || len(t.Definition) > catalog.GuardrailTopicDefinitionMax {
				p.add(k+".definition", "%d characters; allowed: 1 to %d", len(t.Definition), catalog.GuardrailTopicDefinitionMax)
			}
			if len(t.Examples) > catalog.GuardrailTopicExamplesMax {
				p.add(k+".examples", "%d examples; allowed: at most %d", len(t.Examples), catalog.GuardrailTopicExamplesMax)
			}
			for j, e := range t.Examples {
				if e == "" || len(e) > catalog.GuardrailTopicExampleMax {
					p.add(fmt.Sprintf("%s.examples[%d]", k, j), "%d characters; allowed: 1 to %d", len(e), catalog.GuardrailTopicExampleMax)
				}
			}
			g.DeniedTopics = append(g.DeniedTopics, DeniedTopic{Name: t.Name, Definition: t.Definition, Examples: slices.Clone(t.Examples)})
		}
	}

	if len(gi.Words) > catalog.GuardrailMaxWords {
		p.add(key+".words", "%d words; allowed: at most %d", len(gi.Words), catalog.GuardrailMaxWords)
	}
	for i, w := range gi.Words {
		if strings.TrimSpace(w) == "" || len(w) > catalog.GuardrailWordMax {
			p.add(fmt.Sprintf("%s.words[%d]", key, i), "%d characters; allowed: 1 to %d", len(w), catalog.GuardrailWordMax)
		}
	}
	g.Words = slices.Clone(gi.Words)
	if gi.ManagedWordLists != nil {
		lists := enumValues(bedrocktypes.GuardrailManagedWordsType("").Values())
		for i, l := range gi.ManagedWordLists {
			if !slices.Contains(lists, l) {
				p.add(fmt.Sprintf("%s.managedWordLists[%d]", key, i), "%q; allowed: %s", l, strings.Join(lists, ", "))
			}
		}
		g.ManagedWordLists = slices.Clone(gi.ManagedWordLists)
	}

	if gi.PII != nil {
		g.PII = nil
		entities := enumValues(bedrocktypes.GuardrailPiiEntityType("").Values())
		for _, t := range slices.Sorted(maps.Keys(gi.PII)) {
			k := key + ".pii." + t
			if !slices.Contains(entities, t) {
				p.add(k, "unknown PII entity type; allowed: %s", strings.Join(entities, ", "))
				continue
			}
			if a := gi.PII[t]; a != "BLOCK" && a != "ANONYMIZE" {
				p.add(k, "%q; allowed: \"ANONYMIZE\", \"BLOCK\"", a)
			}
			g.PII = append(g.PII, PIIEntity{Type: t, Action: gi.PII[t]})
		}
	}

	if gi.Regexes != nil {
		g.Regexes = nil
		if len(gi.Regexes) > catalog.GuardrailMaxRegexes {
			p.add(key+".regexes", "%d patterns; allowed: at most %d", len(gi.Regexes), catalog.GuardrailMaxRegexes)
		}
		for i, r := range gi.Regexes {
			k := fmt.Sprintf("%s.regexes[%d]", key, i)
			if !regexNamePattern.MatchString(r.Name) {
				p.add(k+".name", "%q; allowed: 1 to 100 characters", r.Name)
			}
			if _, err := regexp.Compile(r.Pattern); err != nil || r.Pattern == "" || len(r.Pattern) > catalog.GuardrailRegexPatternMax {
				why := "empty or too long"
				if err != nil {
					why = err.Error()
				}
				p.add(k+".pattern", "%q is not a valid pattern (%s); allowed: an RE2 regular expression of 1 to %d characters", r.Pattern, why, catalog.GuardrailRegexPatternMax)
			}
			if r.Action != "BLOCK" && r.Action != "ANONYMIZE" {
				p.add(k+".action", "%q; allowed: \"ANONYMIZE\", \"BLOCK\"", r.Action)
			}
			if len(r.Description) > catalog.GuardrailRegexDescriptionMax {
				p.add(k+".description", "%d characters; allowed: at most %d", len(r.Description), catalog.GuardrailRegexDescriptionMax)
			}
			g.Regexes = append(g.Regexes, GuardrailRegex{Name: r.Name, Pattern: r.Pattern, Action: r.Action, Description: r.Description})
		}
	}

	for _, t := range []struct {
		field string
		v     *float64
	}{{"groundingThreshold", gi.GroundingThreshold}, {"relevanceThreshold", gi.RelevanceThreshold}} {
		if t.v != nil && (*t.v < 0 || *t.v > catalog.GuardrailGroundingThresholdMax) {
			p.add(key+"."+t.field, "%g is outside the allowed 0 (off) to %g", *t.v, catalog.GuardrailGroundingThresholdMax)
		}
	}
	set(&g.GroundingThreshold, gi.GroundingThreshold)
	set(&g.RelevanceThreshold, gi.RelevanceThreshold)
	for _, m := range []struct {
		field string
		v     *string
	}{{"blockedInputMessage", gi.BlockedInputMessage}, {"blockedOutputMessage", gi.BlockedOutputMessage}} {
		if m.v != nil && (*m.v == "" || len(*m.v) > catalog.GuardrailMessageMax) {
			p.add(key+"."+m.field, "%d characters; allowed: 1 to %d", len(*m.v), catalog.GuardrailMessageMax)
		}
	}
	set(&g.BlockedInputMessage, gi.BlockedInputMessage)
	set(&g.BlockedOutputMessage, gi.BlockedOutputMessage)
	return g
}

func enumValues[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	slices.Sort(out)
	return out
}

// requiredEndpoints are the interface endpoints Bedrock needs: the agent
// APIs for a knowledge base (the runtime ones are defaults).
func (b Bedrock) requiredEndpoints() []string {
	if b.KnowledgeBase != nil {
		return []string{"bedrock-agent", "bedrock-agent-runtime"}
	}
	return nil
}
