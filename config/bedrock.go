package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	bedrocktypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
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
	// Logging is ml-platform:bedrock.invocationLogging as set; the
	// stack writes it when it owns it (InvocationLogging).
	Logging InvocationLogging
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

// Guardrail is the guardrail's definition, as the bedrock component takes it.
type Guardrail = spec.Guardrail

// ApplicationProfile is an application inference profile.
type ApplicationProfile struct {
	Name string
	// Model is the model or cross-Region profile ID it copies.
	Model string
}

// InvocationLogging says what model invocation logging delivers.
type InvocationLogging struct {
	// Enabled and Owner: the stack writes the account's logging when it
	// owns it and it is on.
	Enabled, Owner                bool
	Text, Image, Embedding, Video bool
	// RetentionDays keeps the log group's events.
	RetentionDays int
}

// BedrockApplication is the service account application pods use.
type BedrockApplication struct {
	Namespace, ServiceAccount string
}

// KnowledgeBase is the RAG knowledge base and its vector store. Each
// field is the key of the same name in BedrockKeys (knowledgeBase), which
// documents it; Dimensions defaults to the model's first vector size.
type KnowledgeBase struct {
	EmbeddingModel            string
	Dimensions                int
	Prefix                    string
	Chunking                  string
	MaxTokens, OverlapPercent int
	IndexName                 string
	IndexCreated              bool
	StandbyReplicas           bool
	IndexAdminRoleARNs        []string
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

// Guardrail defaults: the seed's filters (HIGH, MEDIUM for insults;
// prompt attacks on input only), its two denied topics, AWS's profanity
// list, personal data masked or blocked, and an API-key pattern.
func defaultContentFilters() []spec.ContentFilter {
	return []spec.ContentFilter{
		{Type: "HATE", Input: "HIGH", Output: "HIGH"}, {Type: "INSULTS", Input: "MEDIUM", Output: "MEDIUM"},
		{Type: "MISCONDUCT", Input: "HIGH", Output: "HIGH"}, {Type: "PROMPT_ATTACK", Input: "HIGH", Output: "NONE"},
		{Type: "SEXUAL", Input: "HIGH", Output: "HIGH"}, {Type: "VIOLENCE", Input: "HIGH", Output: "HIGH"},
	}
}

func defaultDeniedTopics() []spec.DeniedTopic {
	return []spec.DeniedTopic{
		{Name: "financial-advice", Definition: "Recommendations about investing money, buying or selling securities, or managing personal finances.",
			Examples: []string{"Which stocks should I buy this year?", "Should I move my pension into crypto?"}},
		{Name: "medical-advice", Definition: "Diagnosing conditions, recommending treatments or medication doses for a person's health.",
			Examples: []string{"What dose of ibuprofen should I take for my back pain?", "Do these symptoms mean I have diabetes?"}},
	}
}

func defaultPII() []spec.PII {
	return []spec.PII{
		{Type: "AWS_ACCESS_KEY", Action: "BLOCK"}, {Type: "AWS_SECRET_KEY", Action: "BLOCK"}, {Type: "CREDIT_DEBIT_CARD_NUMBER", Action: "BLOCK"},
		{Type: "EMAIL", Action: "ANONYMIZE"}, {Type: "PASSWORD", Action: "BLOCK"}, {Type: "PHONE", Action: "ANONYMIZE"},
		{Type: "US_SOCIAL_SECURITY_NUMBER", Action: "BLOCK"},
	}
}

func defaultRegexes() []spec.Regex {
	return []spec.Regex{{Name: "api-key", Pattern: `(?i)\b(api[_-]?key|secret|token)\b\s*[:=]\s*[A-Za-z0-9_\-]{16,}`,
		Action: "BLOCK", Description: "An API key, secret or token assigned in text"}}
}

// A denied topic's name (CreateGuardrail; catalog.BedrockGuardrailSource).
var topicNamePattern = regexp.MustCompile(`^[0-9a-zA-Z\-_ !?.]{1,100}$`)

// The guardrail's enums, from the API's types (aws-sdk-go-v2).
var (
	filterTypes     = enumValues(bedrocktypes.GuardrailContentFilterType("").Values())
	filterStrengths = enumValues(bedrocktypes.GuardrailFilterStrength("").Values())
	piiEntities     = enumValues(bedrocktypes.GuardrailPiiEntityType("").Values())
	managedLists    = enumValues(bedrocktypes.GuardrailManagedWordsType("").Values())
)

// length allows strings of lo to hi characters; what counts them.
func length(lo, hi int) Check {
	return Rule(fmt.Sprintf("%d to %d characters", lo, hi), func(_ Context, v string) string {
		if len(v) < lo || len(v) > hi || (lo > 0 && strings.TrimSpace(v) == "") {
			return fmt.Sprintf("%d characters; allowed: %d to %d", len(v), lo, hi)
		}
		return ""
	})
}

// oneOfPlain allows the values listed, named without quotes in messages
// as the API lists them.
func oneOfPlain(values []string) Check {
	return Rule(strings.Join(values, ", "), func(_ Context, v string) string {
		if !slices.Contains(values, v) {
			return fmt.Sprintf("%q; allowed: %s", v, strings.Join(values, ", "))
		}
		return ""
	})
}

var piiAction = Rule(`"ANONYMIZE", "BLOCK"`, func(_ Context, a string) string {
	if a != "BLOCK" && a != "ANONYMIZE" {
		return fmt.Sprintf("%q; allowed: \"ANONYMIZE\", \"BLOCK\"", a)
	}
	return ""
})

// GuardrailKeys declare ml-platform:bedrock.guardrail.
var GuardrailKeys = []Key{
	{Name: "contentFilters", ByName: "Type", Merge: true, Default: func(Context) any { return defaultContentFilters() },
		Check: Check{Allowed: "strengths by filter type", Name: func(t string) string {
			if !slices.ContainsFunc(defaultContentFilters(), func(f spec.ContentFilter) bool { return f.Type == t }) {
				return "unknown filter type; allowed: " + strings.Join(filterTypes, ", ")
			}
			return ""
		}}, Doc: "input and output strengths by filter type, changing the seed's (HIGH; MEDIUM for insults; prompt attacks on input only)",
		Keys: []Key{
			{Name: "input", Check: oneOfPlain(filterStrengths), Doc: "the strength on prompts (prod-like stacks: not NONE)"},
			{Name: "output", Check: oneOfPlain(filterStrengths), Doc: "the strength on answers (NONE for PROMPT_ATTACK)"},
		}},
	{Name: "deniedTopics", Default: func(Context) any { return defaultDeniedTopics() },
		Doc: fmt.Sprintf("topics refused, replacing the defaults (financial and medical advice); at most %d", catalog.GuardrailMaxTopics), Keys: []Key{
			{Name: "name", Check: Matching("a topic name", "1 to 100 letters, digits, spaces and -_!?.", topicNamePattern.MatchString),
				Doc: "the topic's name"},
			{Name: "definition", Check: length(1, catalog.GuardrailTopicDefinitionMax), Doc: "what the topic covers"},
			{Name: "examples", Check: length(1, catalog.GuardrailTopicExampleMax),
				Doc: fmt.Sprintf("prompts of the topic (at most %d)", catalog.GuardrailTopicExamplesMax)},
		}},
	{Name: "words", Check: length(1, catalog.GuardrailWordMax), Doc: fmt.Sprintf("words and phrases blocked (at most %d)", catalog.GuardrailMaxWords)},
	{Name: "managedWordLists", Default: func(Context) any { return []string{"PROFANITY"} }, Check: oneOfPlain(managedLists),
		Doc: "AWS's word lists"},
	{Name: "pii", Field: "PII", ByName: "Type", Value: "Action", Default: func(Context) any { return defaultPII() },
		Check: Check{Allowed: `"ANONYMIZE", "BLOCK" by entity type`, Fn: piiAction.Fn, Name: func(t string) string {
			if !slices.Contains(piiEntities, t) {
				return "unknown PII entity type; allowed: " + strings.Join(piiEntities, ", ")
			}
			return ""
		}}, Doc: "the action on each kind of personal data, replacing the defaults (keys and card numbers blocked, email and phone masked)"},
	{Name: "regexes", Default: func(Context) any { return defaultRegexes() },
		Doc: fmt.Sprintf("custom patterns, replacing the default API-key pattern; at most %d", catalog.GuardrailMaxRegexes), Keys: []Key{
			{Name: "name", Check: length(1, 100), Doc: "the pattern's name"},
			{Name: "pattern", Check: Rule(fmt.Sprintf("an RE2 regular expression of 1 to %d characters", catalog.GuardrailRegexPatternMax), func(_ Context, re string) string {
				if _, err := regexp.Compile(re); err != nil || re == "" || len(re) > catalog.GuardrailRegexPatternMax {
					why := "empty or too long"
					if err != nil {
						why = err.Error()
					}
					return fmt.Sprintf("%q is not a valid pattern (%s); allowed: an RE2 regular expression of 1 to %d characters", re, why, catalog.GuardrailRegexPatternMax)
				}
				return ""
			}), Doc: "the expression"},
			{Name: "action", Check: piiAction, Doc: "BLOCK or ANONYMIZE a match"},
			{Name: "description", Check: length(0, catalog.GuardrailRegexDescriptionMax), Doc: "what it finds"},
		}},
	{Name: "groundingThreshold", Default: Always(0.75), Check: threshold, Doc: "the contextual grounding check's threshold (0 leaves it out)"},
	{Name: "relevanceThreshold", Default: Always(0.75), Check: threshold, Doc: "the relevance check's threshold (0 leaves it out)"},
	{Name: "blockedInputMessage", Default: Always("Sorry, this request is outside what this assistant may handle."),
		Check: length(1, catalog.GuardrailMessageMax), Doc: "the answer to a blocked prompt"},
	{Name: "blockedOutputMessage", Default: Always("Sorry, the answer was withheld by the content policy."),
		Check: length(1, catalog.GuardrailMessageMax), Doc: "the answer in place of a blocked answer"},
}

var threshold = Rule(fmt.Sprintf("0 (off) to %g", catalog.GuardrailGroundingThresholdMax), func(_ Context, v float64) string {
	if v < 0 || v > catalog.GuardrailGroundingThresholdMax {
		return fmt.Sprintf("%g is outside the allowed 0 (off) to %g", v, catalog.GuardrailGroundingThresholdMax)
	}
	return ""
})

// BedrockKeys declare ml-platform:bedrock; the key's presence turns
// Bedrock on.
var BedrockKeys = []Key{
	{Name: "guardrail", Keys: GuardrailKeys, Doc: "the guardrail every allowed invocation goes through"},
	{Name: "models", Check: Rule("text models and profiles the catalog has in the region", func(c Context, id string) string {
		text := catalog.BedrockInvocableIDs(c.Region, catalog.BedrockText)
		if !slices.Contains(text, id) {
			return fmt.Sprintf("%q is not a text model or profile the catalog has in %s; allowed: %s", id, c.Region, strings.Join(text, ", "))
		}
		return ""
	}), Required: true, Doc: "the model and cross-Region profile IDs applications may invoke (at least one)"},
	{Name: "streaming", Default: ByEnv(true, false), Doc: "allow InvokeModelWithResponseStream and ConverseStream (asynchronous streaming mode reaches callers before it is scanned)"},
	{Name: "applicationProfiles", Doc: "application inference profiles (tagged, so their use shows in cost reports)", Keys: []Key{
		{Name: "name", Check: Rule("letters, digits and single dashes, at most 64", func(_ Context, n string) string {
			if !sageMakerNamePattern.MatchString(n) || len(n) > 64 {
				return fmt.Sprintf("%q is not a profile name (letters, digits and single dashes, at most 64)", n)
			}
			return ""
		}), Doc: "the profile's name"},
		{Name: "model", Check: Check{Allowed: "one of models"}, Doc: "the model or profile it copies"},
	}},
	{Name: "invocationLogging", Field: "Logging", Doc: "the account's model invocation logging in the region (one configuration per account and region)", Keys: []Key{
		{Name: "enabled", Default: Always(true), Check: Rule("true, false; prod-like stacks true", func(c Context, on bool) string {
			if !on && c.Env.ProdLike() {
				return fmt.Sprintf("false is weaker than %s allows (model use must be auditable); turn it off only in a stack "+
					"that shares the account and region with one that logs", c.Env)
			}
			return ""
		}), Doc: "log invocations"},
		{Name: "owner", Default: ByEnv(false, true), Check: Rule("true, false; prod-like stacks true", func(c Context, owner bool) string {
			if !owner && c.Env.ProdLike() {
				return fmt.Sprintf("false is weaker than %s allows: a %s stack owns its account's invocation logging "+
					"(model use must be auditable)", c.Env, c.Env)
			}
			return ""
		}), Doc: "this stack writes the account's logging configuration (one stack per account and region)"},
		{Name: "text", Default: Always(true), Doc: "deliver text"},
		{Name: "image", Doc: "deliver images"},
		{Name: "embedding", Doc: "deliver embeddings"},
		{Name: "video", Doc: "deliver video"},
		{Name: "retentionDays", Default: ByEnv(conventions.DevLogRetentionDays, conventions.ProdMinLogRetentionDays),
			Check: Rule("a CloudWatch Logs retention; prod-like stacks 365 or more", retention), Doc: "how long the log group keeps events"},
	}},
	{Name: "application", Doc: "the Kubernetes service account that gets the invoke role through Pod Identity", Keys: []Key{
		{Name: "namespace", Default: Always("ml-inference"), Check: kubernetesName, Doc: "its namespace"},
		{Name: "serviceAccount", Default: Always("bedrock-client"), Check: kubernetesName, Doc: "its name"},
	}},
	{Name: "knowledgeBase", Enabled: "enabled", On: true, Doc: "a RAG knowledge base over a prefix of the training-data bucket", Keys: []Key{
		{Name: "embeddingModel", Default: Always("amazon.titan-embed-text-v2:0"), Check: Rule("an embedding model the catalog has in the region",
			func(c Context, id string) string {
				embeddings := catalog.BedrockInvocableIDs(c.Region, catalog.BedrockEmbedding)
				if _, geo, ok := catalog.LookupBedrockModel(id); !ok || geo != "" || !slices.Contains(embeddings, id) {
					return fmt.Sprintf("%q is not an embedding model the catalog has in %s; allowed: %s", id, c.Region, strings.Join(embeddings, ", "))
				}
				return ""
			}), Doc: "the embedding model"},
		{Name: "dimensions", Derived: "the model's first vector size", Check: Check{Allowed: "a vector size of the model"}, Doc: "the vector size (the model's first by default)"},
		{Name: "prefix", Default: Always("knowledge-base/"), Check: Rule("a key prefix ending in /", func(_ Context, pre string) string {
			if pre == "" || !strings.HasSuffix(pre, "/") || strings.HasPrefix(pre, "/") {
				return fmt.Sprintf("%q must be a key prefix ending in /, such as knowledge-base/", pre)
			}
			return ""
		}), Doc: "the training-data bucket prefix the data source reads"},
		{Name: "chunking", Default: Always("FIXED_SIZE"), Check: Rule(quoteAll(chunkingStrategies), func(_ Context, c string) string {
			if !slices.Contains(chunkingStrategies, c) {
				return fmt.Sprintf("%q; allowed: %s", c, quoteAll(chunkingStrategies))
			}
			return ""
		}), Doc: "how documents are split"},
		{Name: "maxTokens", Default: Always(300), Check: Check{Allowed: "20 to 8192 (with chunking)"}, Doc: "the chunk size (HIERARCHICAL: the child chunks)"},
		{Name: "overlapPercent", Default: Always(20), Check: Check{Allowed: "1 to 99 (FIXED_SIZE)"}, Doc: "FIXED_SIZE's overlap"},
		{Name: "indexName", Default: Always("bedrock-knowledge-base-index"), Check: Matching("an OpenSearch index name",
			"lowercase letters, digits, - and _, not starting with - or _", vectorIndexName.MatchString), Doc: "the vector index in the collection"},
		{Name: "indexCreated", Doc: "the index exists (no AWS resource creates it): the knowledge base and data source are created only then"},
		{Name: "standbyReplicas", Default: ByEnv(false, true), Check: Rule("true, false; prod-like stacks true", func(c Context, on bool) string {
			if !on && c.Env.ProdLike() {
				return fmt.Sprintf("false is weaker than %s allows (one AZ's outage takes the collection down)", c.Env)
			}
			return ""
		}), Doc: "keep the collection's standby replicas"},
		{Name: "indexAdminRoleArns", Field: "IndexAdminRoleARNs", Derived: "the cluster's adminRoleArns", Check: roleARN, Doc: "roles that create and manage the index (the cluster's adminRoleArns by default)"},
	}},
	{Name: "provisionedThroughput", Doc: "reserved model units", Keys: []Key{
		{Name: "name", Check: Matching("a name", "letters, digits and single dashes", sageMakerNamePattern.MatchString), Doc: "its name"},
		{Name: "model", Check: Rule("a base model offered in the region", func(c Context, id string) string {
			if m, geo, ok := catalog.LookupBedrockModel(id); !ok || geo != "" {
				return fmt.Sprintf("%q is not a base model ID in the catalog; allowed: %s", id, strings.Join(catalog.BedrockModelIDs(), ", "))
			} else if !slices.Contains(m.OnDemandRegions, c.Region) {
				return fmt.Sprintf("%q is not offered in %s (provisioned throughput is bought in-Region)", id, c.Region)
			}
			return ""
		}), Doc: "the base model"},
		{Name: "units", Check: AtLeast(1, "model units"), Doc: "model units"},
		{Name: "commitment", Check: Rule(`"" (none), `+quoteAll(ptCommitments), func(_ Context, c string) string {
			if c != "" && !slices.Contains(ptCommitments, c) {
				return fmt.Sprintf("%q; allowed: \"\" (none), %s", c, quoteAll(ptCommitments))
			}
			return ""
		}), Doc: "the commitment term"},
	}},
}

var kubernetesName = Matching("a Kubernetes name", "lowercase letters, digits and dashes, at most 63", dnsLabel.MatchString)

// checkBedrock holds the rules that span several Bedrock keys, and the
// defaults that depend on other keys.
func checkBedrock(c Context, b *Bedrock, set Set, clusterAdmins []string, p *problems) {
	const key = KeyBedrock
	b.Enabled = true
	checkGuardrail(c, &b.Guardrail, set, p)
	for i, id := range b.Models {
		if slices.Index(b.Models, id) != i {
			p.add(fmt.Sprintf("%s.models[%d]", key, i), "%q is listed twice", id)
		}
	}
	slices.Sort(b.Models)
	if len(b.Models) == 0 {
		p.add(key+".models", "at least one model: the application policy allows invoking these only; allowed: %s",
			strings.Join(catalog.BedrockInvocableIDs(c.Region, catalog.BedrockText), ", "))
	}
	for i, ap := range b.ApplicationProfiles {
		if !slices.Contains(b.Models, ap.Model) {
			p.add(fmt.Sprintf("%s.applicationProfiles[%d].model", key, i), "%q is not one of models; allowed: %s", ap.Model, strings.Join(b.Models, ", "))
		}
	}
	l := b.Logging
	lk := key + ".invocationLogging"
	if l.Enabled && l.Owner && !l.Text && !l.Image && !l.Embedding && !l.Video {
		p.add(lk, "delivers nothing: set one of text, image, embedding, video (or enabled: false)")
	}
	if !l.Owner && slices.ContainsFunc([]string{"enabled", "text", "image", "embedding", "video", "retentionDays"}, func(f string) bool { return set[lk+"."+f] }) {
		p.add(lk+".owner", "false: model invocation logging is one configuration per account and region, "+
			"owned by one stack (prod by default); a second stack writing it replaces the owner's and turns it off for both "+
			"when destroyed; set owner: true only in the stack that owns it (allowed: true, false)")
	}
	b.InvocationLogging = nil
	if l.Enabled && l.Owner {
		b.InvocationLogging = &InvocationLogging{Text: l.Text, Image: l.Image, Embedding: l.Embedding, Video: l.Video, RetentionDays: l.RetentionDays}
	}
	if kb := b.KnowledgeBase; kb != nil {
		checkKnowledgeBase(c, kb, set, clusterAdmins, p)
	}
}

// checkGuardrail holds the guardrail's rules that span its keys.
func checkGuardrail(c Context, g *Guardrail, set Set, p *problems) {
	const key = KeyBedrock + ".guardrail"
	for _, f := range g.ContentFilters {
		k := key + ".contentFilters." + f.Type
		if !set[k] {
			continue
		}
		if c.Env.ProdLike() && f.Input == "NONE" {
			p.add(k+".input", "\"NONE\" is weaker than %s allows: users reach prod guardrails; allowed: LOW, MEDIUM, HIGH", c.Env)
		}
		if f.Type == "PROMPT_ATTACK" && f.Output != "NONE" {
			p.add(k+".output", "%q: prompt attacks are filtered on input only; allowed: \"NONE\"", f.Output)
		}
	}
	if len(g.DeniedTopics) > catalog.GuardrailMaxTopics {
		p.add(key+".deniedTopics", "%d topics; allowed: at most %d", len(g.DeniedTopics), catalog.GuardrailMaxTopics)
	}
	for i, t := range g.DeniedTopics {
		if len(t.Examples) > catalog.GuardrailTopicExamplesMax {
			p.add(fmt.Sprintf("%s.deniedTopics[%d].examples", key, i), "%d examples; allowed: at most %d", len(t.Examples), catalog.GuardrailTopicExamplesMax)
		}
	}
	if len(g.Words) > catalog.GuardrailMaxWords {
		p.add(key+".words", "%d words; allowed: at most %d", len(g.Words), catalog.GuardrailMaxWords)
	}
	if len(g.Regexes) > catalog.GuardrailMaxRegexes {
		p.add(key+".regexes", "%d patterns; allowed: at most %d", len(g.Regexes), catalog.GuardrailMaxRegexes)
	}
}

// checkKnowledgeBase holds the knowledge base's rules that span its keys,
// and the defaults that follow its model and the cluster.
func checkKnowledgeBase(c Context, kb *KnowledgeBase, set Set, clusterAdmins []string, p *problems) {
	const k = KeyBedrock + ".knowledgeBase"
	if m, geo, ok := catalog.LookupBedrockModel(kb.EmbeddingModel); ok && geo == "" && len(m.EmbeddingDimensions) > 0 {
		if !set[k+".dimensions"] {
			kb.Dimensions = m.EmbeddingDimensions[0]
		}
		if !slices.Contains(m.EmbeddingDimensions, kb.Dimensions) {
			p.add(k+".dimensions", "%d is not a vector size of %s; allowed: %s", kb.Dimensions, kb.EmbeddingModel, intList(m.EmbeddingDimensions))
		}
	}
	switch {
	case kb.Chunking == "NONE" && set[k+".maxTokens"]:
		p.add(k+".maxTokens", "does not apply without chunking")
	case kb.Chunking != "NONE" && (kb.MaxTokens < 20 || kb.MaxTokens > 8192):
		p.add(k+".maxTokens", "%d is outside the allowed 20 to 8192", kb.MaxTokens)
	case kb.Chunking == "HIERARCHICAL" && kb.MaxTokens > catalog.KnowledgeBaseParentChunkTokens:
		p.add(k+".maxTokens", "%d: child chunks must be smaller than their %d-token parents", kb.MaxTokens, catalog.KnowledgeBaseParentChunkTokens)
	}
	switch {
	case kb.Chunking != "FIXED_SIZE" && set[k+".overlapPercent"]:
		p.add(k+".overlapPercent", "applies to FIXED_SIZE chunking only")
	case kb.Chunking == "FIXED_SIZE" && (kb.OverlapPercent < 1 || kb.OverlapPercent > 99):
		p.add(k+".overlapPercent", "%d is outside the allowed 1 to 99", kb.OverlapPercent)
	}
	if !set[k+".indexAdminRoleArns"] {
		kb.IndexAdminRoleARNs = slices.Clone(clusterAdmins)
	}
	if len(kb.IndexAdminRoleARNs) == 0 {
		p.add(k+".indexAdminRoleArns", "required (or ml-platform:cluster.adminRoleArns): the roles that create the vector index, "+
			"which no AWS resource creates")
	}
	if name := KnowledgeBaseName(c.Project, c.Stack); !collectionNamePattern.MatchString(name) {
		p.add(k, "the collection would be named %q: 3 to 28 lowercase letters, digits and dashes; shorten the project or stack name", name)
	}
}

// KnowledgeBaseName names the knowledge base, its collection and policies.
func KnowledgeBaseName(project, stack string) string { return project + "-" + stack + "-kb" }

var (
	collectionNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{2,27}$`)
	dnsLabel              = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	vectorIndexName       = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,254}$`)
)

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
