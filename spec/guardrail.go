package spec

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

// Guardrail is a Bedrock guardrail's definition: the filters, topics,
// words, personal data and patterns it applies, and what it answers when
// it blocks. config fills it from ml-platform:bedrock.guardrail; the
// bedrock component creates it. The JSON names are the Digest's input:
// renaming one publishes a new guardrail version.
type Guardrail struct {
	ContentFilters []ContentFilter `json:"contentFilters"`
	DeniedTopics   []DeniedTopic   `json:"deniedTopics"`
	Words          []string        `json:"words"`
	// ManagedWordLists are AWS's lists, "PROFANITY".
	ManagedWordLists []string `json:"managedWordLists"`
	PII              []PII    `json:"pii"`
	Regexes          []Regex  `json:"regexes"`
	// GroundingThreshold and RelevanceThreshold are the contextual
	// grounding thresholds; 0 leaves a check out.
	GroundingThreshold   float64 `json:"groundingThreshold"`
	RelevanceThreshold   float64 `json:"relevanceThreshold"`
	BlockedInputMessage  string  `json:"blockedInputMessage"`
	BlockedOutputMessage string  `json:"blockedOutputMessage"`
}

// ContentFilter is one content filter's input and output strengths.
type ContentFilter struct {
	Type, Input, Output string
}

// DeniedTopic is a topic the guardrail refuses.
type DeniedTopic struct {
	Name, Definition string
	Examples         []string
}

// PII is the action on one personal-data entity type.
type PII struct {
	Type, Action string
}

// Regex is a custom sensitive-information pattern.
type Regex struct {
	Name, Pattern, Action, Description string
}

// Digest identifies the definition: the published version's description
// carries it, so a changed definition publishes a new version.
func (g Guardrail) Digest() string {
	out, err := json.Marshal(g)
	if err != nil {
		panic(fmt.Sprintf("spec: %v", err))
	}
	return fmt.Sprintf("%x", sha256.Sum256(out))[:16]
}
