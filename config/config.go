package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Namespace is the project's configuration namespace (the project name).
const Namespace = "ml-platform"

// Keys every stack may set. Objects are structured config (YAML maps in the
// stack file, JSON strings on the wire); the rest are scalars.
const (
	KeyEnvironment = Namespace + ":environment"
	KeyTeam        = Namespace + ":team"
	KeyCostCenter  = Namespace + ":costCenter"
	KeyTags        = Namespace + ":tags"
	KeyNetwork     = Namespace + ":network"
	KeyCluster     = Namespace + ":cluster"
	// KeyCost configures budgets, alerts and anomaly detection.
	KeyCost = Namespace + ":cost"
	// KeyBedrock configures the guardrail, invocation logging, the
	// application policy and the knowledge base.
	KeyBedrock = Namespace + ":bedrock"
	// KeySageMaker configures the Studio domain, registry, pipeline,
	// endpoints and Feature Store.
	KeySageMaker = Namespace + ":sagemaker"
	// KeyStorage configures the buckets, FSx for Lustre and the example
	// training job.
	KeyStorage = Namespace + ":storage"
	// KeyCompliance selects a compliance profile of the policy pack.
	KeyCompliance = Namespace + ":compliance"
	// KeyPolicySettings holds policy settings in --policy-pack-config form;
	// the pack reads them from the stack configuration, so they reach
	// stack rules under the Pulumi CLI too.
	KeyPolicySettings = Namespace + ":policySettings"
	KeyRegion         = "aws:region"
)

// projectKeys are the keys in the project namespace, for the unknown-key check.
var projectKeys = []string{KeyBedrock, KeyCluster, KeyCompliance, KeyCost, KeyCostCenter, KeyEnvironment, KeyNetwork, KeyObservability, KeyPolicySettings, KeyPromotion, KeySageMaker, KeyServing, KeyStorage, KeyTags, KeyTeam}

// Values is raw stack configuration as the engine hands it to a program:
// full keys ("ml-platform:network", "aws:region") to strings, objects as JSON.
type Values map[string]string

// Stack is one stack's validated, defaulted configuration: everything the
// platform needs to build, and nothing read from anywhere else.
type Stack struct {
	// Project is the Pulumi project name.
	Project string
	// SecretKeys are the keys set as secrets (`pulumi config set
	// --secret`, at the top or by --path); Secrets are the string values
	// inside them. The program keeps every input and output holding one
	// secret (platform.keepSecrets).
	SecretKeys []string
	Secrets    []string
	// Name is the Pulumi stack name.
	Name string
	// Environment decides defaults and minimums.
	Environment conventions.Environment
	// Region is the AWS region (aws:region).
	Region string
	// Team owns the stack; it goes into the Team tag.
	Team string
	// CostCenter is charged for the stack; it goes into the CostCenter tag.
	CostCenter string
	// ExtraTags are added to the required tags on every taggable resource.
	ExtraTags map[string]string
	// Network is the VPC layout.
	Network Network
	// Cluster is the EKS configuration.
	Cluster Cluster
	// Cost is the budget and anomaly detection configuration.
	Cost Cost
	// Storage is the buckets, Lustre and training job configuration.
	Storage Storage
	// SageMaker is the Studio domain, registry, pipeline, endpoints and
	// feature groups.
	SageMaker SageMaker
	// Bedrock is the guardrail, invocation logging, application access and
	// knowledge base; Enabled false without ml-platform:bedrock.
	Bedrock Bedrock
	// Observability decides when the stack's alarms fire.
	Observability Observability
	// Serving is the in-cluster LLM servers.
	Serving Serving
	// Promotion is the stack whose exported models this stack's endpoints
	// with promoteFrom serve; nil without ml-platform:promotion.
	Promotion *Promotion
	// Compliance is the policy pack's compliance profile. Defaults to none.
	Compliance conventions.ComplianceProfile
	// PolicySettings is the raw JSON of ml-platform:policySettings ("" when
	// unset); the policy pack parses and validates it.
	PolicySettings string
	// Placeholders are values that validate but stand for something the
	// deployer must fill in (documentation address ranges): a preview warns
	// about them, `pulumi up` refuses to start (see Load).
	Placeholders []*FieldError
	// Advisories are settings that validate but look wrong (a model too
	// large for the instance chosen): warnings in previews and updates
	// alike, never errors.
	Advisories []*FieldError
}

// Tags returns the tags every taggable resource carries: the required five,
// the Stack tag and the stack's extra tags. It returns a new map each call.
func (s *Stack) Tags() map[string]string {
	tags := make(map[string]string, len(s.ExtraTags)+len(conventions.PlatformTagKeys))
	for k, v := range s.ExtraTags {
		tags[k] = v
	}
	tags[conventions.TagProject] = s.Project
	tags[conventions.TagEnvironment] = string(s.Environment)
	tags[conventions.TagTeam] = s.Team
	tags[conventions.TagCostCenter] = s.CostCenter
	tags[conventions.TagManagedBy] = conventions.ManagedByPulumi
	tags[conventions.TagStack] = s.StackTag()
	return tags
}

// StackTag is the value of the Stack tag: "<project>-<stack>".
func (s *Stack) StackTag() string { return conventions.StackTagValue(s.Project, s.Name) }

// FieldError is one configuration problem: the key path and what is wrong,
// including what is allowed.
type FieldError struct {
	Key     string
	Message string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Message }

// problems collects FieldErrors in order.
type problems []error

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, &FieldError{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }

// Load reads the stack's configuration from the Pulumi context and parses it.
// It is the only place the program reads configuration. Placeholders are
// warnings during a preview and errors during an update: a preview of the
// shipped stack files shows the plan, `pulumi up` refuses to deploy a
// cluster its deployer could not reach, naming the key to set.
func Load(ctx *pulumi.Context) (*Stack, error) {
	values := Values{}
	var secretKeys []string
	for _, key := range append([]string{KeyRegion}, projectKeys...) {
		if v, ok := ctx.GetConfig(key); ok {
			values[key] = v
			if ctx.IsConfigSecret(key) {
				secretKeys = append(secretKeys, key)
			}
		}
	}
	s, err := Parse(ctx.Project(), ctx.Stack(), values)
	if err != nil {
		return nil, err
	}
	s.SecretKeys = secretKeys
	for _, key := range secretKeys {
		s.Secrets = append(s.Secrets, secretStrings(values[key])...)
	}
	slices.Sort(s.Secrets)
	s.Secrets = slices.Compact(s.Secrets)
	// Stack references name the stack's own organization unless the
	// configuration names one: on Pulumi Cloud that is the organization
	// the stack is in, on the self-managed backends "organization".
	if s.Promotion != nil {
		var set map[string]any
		_ = json.Unmarshal([]byte(values[KeyPromotion]), &set) // Parse accepted it
		if _, named := set["organization"]; !named {
			s.Promotion.Organization = ctx.Organization()
		}
	}
	for _, a := range s.Advisories {
		_ = ctx.Log.Warn(a.Error(), nil)
	}
	if ctx.DryRun() {
		for _, ph := range s.Placeholders {
			_ = ctx.Log.Warn(ph.Error(), nil)
		}
		return s, nil
	}
	if len(s.Placeholders) > 0 {
		errs := make([]error, len(s.Placeholders))
		for i, ph := range s.Placeholders {
			errs[i] = ph
		}
		return nil, fmt.Errorf("configuration for stack %q still holds placeholders; set them before `pulumi up`:\n%w", ctx.Stack(), errors.Join(errs...))
	}
	return s, nil
}

var tagKeyPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)

// tagsCheck judges ml-platform:tags: keys the platform does not set, values
// AWS accepts.
var tagsCheck = Check{Name: func(k string) string {
	switch {
	case slices.Contains(conventions.PlatformTagKeys, k):
		return "is set by the platform and cannot be overridden; set " + requiredTagSource(k) + " instead"
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return "tag keys starting with \"aws:\" are reserved by AWS"
	case !tagKeyPattern.MatchString(k):
		return "not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)"
	}
	return ""
}, OKString: func(v string) bool { return len(v) <= 256 }, What: "a tag value", Allowed: "at most 256 characters"}

// Parse validates raw values and applies the environment's defaults. Every
// problem is reported, each naming its key and what is allowed; nothing is
// defaulted until the input is valid.
func Parse(project, stack string, values Values) (*Stack, error) {
	var p problems

	for _, key := range sortedKeys(values) {
		if strings.HasPrefix(key, Namespace+":") && !slices.Contains(projectKeys, key) {
			p.add(key, "unknown key; allowed: %s", strings.Join(projectKeys, ", "))
		}
	}

	s := &Stack{Project: project, Name: stack}

	env := values[KeyEnvironment]
	switch {
	case env == "" && conventions.Environment(stack).Valid():
		s.Environment = conventions.Environment(stack)
	case env == "":
		p.add(KeyEnvironment, "required when the stack name %q is not an environment; allowed: %s", stack, environmentList())
	case !conventions.Environment(env).Valid():
		p.add(KeyEnvironment, "%q is not an environment; allowed: %s", env, environmentList())
	default:
		s.Environment = conventions.Environment(env)
	}

	s.Region = values[KeyRegion]
	switch {
	case s.Region == "":
		p.add(KeyRegion, "required; set it with `pulumi config set aws:region <region>`; allowed: %s", strings.Join(catalog.Regions(), ", "))
	case !catalog.KnownRegion(s.Region):
		p.add(KeyRegion, "%q is not a commercial AWS region the provider knows; closest: %s (all: %s)", s.Region,
			strings.Join(catalog.Closest(s.Region, catalog.Regions(), 3), ", "), strings.Join(catalog.Regions(), ", "))
	}

	s.Team = strings.TrimSpace(values[KeyTeam])
	if s.Team == "" {
		p.add(KeyTeam, "required: the team that owns the stack (goes into the Team tag)")
	}
	s.CostCenter = strings.TrimSpace(values[KeyCostCenter])
	if s.CostCenter == "" {
		p.add(KeyCostCenter, "required: the cost center charged for the stack (goes into the CostCenter tag)")
	}

	if raw, ok := values[KeyTags]; ok {
		decodeValue(KeyTags, raw, &s.ExtraTags, tagsCheck, &p)
	}

	// Domain validation needs a valid environment and region to judge
	// minimums and availability, and an object that decoded; without them it
	// would only add noise. Unknown keys alone do not stop it.
	envAndRegionOK := s.Environment != "" && catalog.KnownRegion(s.Region)
	c := Context{Env: s.Environment, Project: project, Stack: stack, Region: s.Region}
	if _, ok := declared(KeyNetwork, values, NetworkKeys, c, &s.Network, envAndRegionOK, &p); ok {
		checkNetwork(c, &s.Network, &p)
	}
	if set, ok := declared(KeyCluster, values, ClusterKeys, c, &s.Cluster, envAndRegionOK, &p); ok {
		checkCluster(c, &s.Cluster, set, &p, &s.Placeholders)
		if s.Cluster.Karpenter.Enabled {
			// The controller polls its interruption queue.
			s.Network.InterfaceEndpoints = withEndpoints(s.Network.InterfaceEndpoints, "sqs")
		}
	}

	if set, ok := declared(KeyStorage, values, StorageKeys, c, &s.Storage, envAndRegionOK, &p); ok {
		checkStorage(c, &s.Storage, set, s.Cluster.Karpenter.Enabled, &p)
	}

	decodeArea(KeyObservability, values[KeyObservability], ObservabilityKeys, c, &s.Observability, &p)

	if raw, present := values[KeyPromotion]; present {
		s.Promotion = &Promotion{}
		decodeArea(KeyPromotion, raw, PromotionKeys, c, s.Promotion, &p)
		if s.Promotion.Project == project && s.Promotion.Stack == stack {
			p.add(KeyPromotion+".stack", "%q is this stack; name the stack whose models this one promotes (dev for prod)", s.Promotion.Stack)
		}
	}

	if set, ok := declared(KeySageMaker, values, SageMakerKeys, c, &s.SageMaker, envAndRegionOK, &p); ok {
		checkSageMaker(c, &s.SageMaker, set, s.Promotion != nil, &p)
		s.Network.InterfaceEndpoints = withEndpoints(s.Network.InterfaceEndpoints, s.SageMaker.requiredEndpoints()...)
	}

	if _, present := values[KeyBedrock]; present {
		if set, ok := declared(KeyBedrock, values, BedrockKeys, c, &s.Bedrock, envAndRegionOK, &p); ok {
			checkBedrock(c, &s.Bedrock, set, s.Cluster.AdminRoleARNs, &p)
		} else {
			s.Bedrock = Bedrock{}
		}
		s.Network.InterfaceEndpoints = withEndpoints(s.Network.InterfaceEndpoints, s.Bedrock.requiredEndpoints()...)
	}

	checkPrometheus(s, &p)
	if s.Observability.Prometheus != nil {
		s.Network.InterfaceEndpoints = withEndpoints(s.Network.InterfaceEndpoints, "aps-workspaces")
	}
	checkGrafana(c, s, &p)
	if g := s.Observability.Grafana; g != nil && g.PrivateAccess {
		s.Network.InterfaceEndpoints = withEndpoints(s.Network.InterfaceEndpoints, catalog.GrafanaWorkspaceEndpoint, catalog.GrafanaAPIEndpoint)
	}
	if set, ok := declared(KeyServing, values, ServingKeys, c, &s.Serving, envAndRegionOK, &p); ok {
		checkServing(c, s, set, &p)
	}
	s.Advisories = fitAdvisories(s)
	if s.Promotion != nil && !slices.ContainsFunc(s.SageMaker.Endpoints, func(e Endpoint) bool { return e.PromoteFrom != "" }) {
		s.Advisories = append(s.Advisories, &FieldError{Key: KeyPromotion,
			Message: fmt.Sprintf("no endpoint promotes from %s; set promoteFrom on an endpoint or remove the key", s.Promotion.StackName())})
	}

	if set, ok := declared(KeyCost, values, CostKeys, c, &s.Cost, s.Environment != "", &p); ok {
		checkCost(c, &s.Cost, set, &p, &s.Placeholders)
		if a := s.Cost.BudgetAction; a != nil && len(a.RoleNames) == 0 && !s.Cluster.Karpenter.Enabled {
			p.add(KeyCost+".budgetAction.roleNames", "required when Karpenter is off: the IAM roles that get the deny-new-compute "+
				"policy (with Karpenter on, its controller role gets it too)")
		}
	}

	s.Compliance = conventions.ComplianceNone
	if raw, ok := values[KeyCompliance]; ok {
		s.Compliance = conventions.ComplianceProfile(raw)
		if !s.Compliance.Valid() {
			p.add(KeyCompliance, "%q is not a compliance profile; allowed: %s", raw, quoteAll(conventions.ComplianceProfiles))
		}
	}
	if raw, ok := values[KeyPolicySettings]; ok {
		var obj map[string]any
		if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
			p.add(KeyPolicySettings, "must be an object keyed by policy name, as --policy-pack-config takes; got %q", truncate(raw, 40))
		} else {
			s.PolicySettings = raw
		}
	}

	if err := p.err(); err != nil {
		return nil, fmt.Errorf("invalid configuration for stack %q:\n%w", stack, err)
	}
	return s, nil
}

// declared decodes a declared area into out. Without a valid environment
// and region (ok false) its values cannot be judged: only unknown keys and
// wrong types are reported, and declared says so.
func declared(area string, values Values, keys []Key, c Context, out any, ok bool, p *problems) (Set, bool) {
	if ok {
		return decodeArea(area, values[area], keys, c, out, p), true
	}
	var scratch problems
	decodeArea(area, values[area], keys, c, out, &scratch)
	for _, e := range scratch {
		if fe, is := e.(*FieldError); is && (fe.Key == area || strings.HasPrefix(fe.Message, "unknown key") || strings.HasPrefix(fe.Message, "expected ")) {
			*p = append(*p, e)
		}
	}
	return nil, false
}

func requiredTagSource(k string) string {
	switch k {
	case "Environment":
		return KeyEnvironment
	case "Team":
		return KeyTeam
	case "CostCenter":
		return KeyCostCenter
	case "Stack":
		return "nothing: it is the project and stack name"
	default:
		return "nothing: it is fixed"
	}
}

func environmentList() string {
	names := make([]string, len(conventions.Environments))
	for i, e := range conventions.Environments {
		names[i] = string(e)
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// secretStrings are the string values of a secret key: the value itself,
// or every string inside a JSON object or list. Booleans and numbers say
// too little to find in a property, and are left out.
func secretStrings(raw string) []string {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		v = raw
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
