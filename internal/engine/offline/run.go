package offline

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/estimate"
	outputvalues "github.com/ml-platform/ml-platform/internal/lib/outputs"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// ConfigError is invalid input: an unreadable file or invalid configuration.
// The CLI maps it to exit code 2.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Options say which stack to preview.
type Options struct {
	// Project is the Pulumi project (name and config defaults).
	Project *Project
	// Stack is the stack name.
	Stack string
	// Values is the stack file's config (merged over the project defaults by Preview).
	Values config.Values
	// Settings override policy levels and config (--policy-pack-config).
	Settings rules.Settings
	// Exceptions exempt violations (a version 2 --policy-pack-config):
	// they are reported, marked, and fail nothing.
	Exceptions []rules.Exception
	// OnDemand prices spot capacity at on-demand prices (--on-demand).
	OnDemand bool
	// Dir is the project directory; stack references to stacks of the
	// project are answered from their stack files there. Defaults to ".".
	Dir string
	// References answer stack references by fully qualified stack name
	// (--reference), and ReferenceSources say where each came from.
	References       map[string]map[string]any
	ReferenceSources map[string]string
	// SecretKeys are the config keys the stack file holds as secrets: the
	// program sees them as the engine shows them (ctx.IsConfigSecret).
	SecretKeys []string
	// AccountRoles are the IAM roles the account already has
	// (--account-role), answering the program's role lookups; none by
	// default (a fresh account).
	AccountRoles map[string]mock.AccountRole

	depth int
}

func (o Options) dir() string {
	if o.Dir == "" {
		return "."
	}
	return o.Dir
}

// Result is one offline preview: the JSON document docs/offline.md describes.
type Result struct {
	Stack      string            `json:"stack"`
	Project    string            `json:"project"`
	Resources  []Resource        `json:"resources"`
	Violations []rules.Violation `json:"violations"`
	Cost       estimate.Cost     `json:"cost"`
	Outputs    map[string]any    `json:"outputs"`
	// Warnings are configuration placeholders: fine for a preview, refused
	// by `pulumi up` (each names its key).
	Warnings []string `json:"warnings"`
	// Advisories are settings that validate but look wrong (a model too
	// large for its instances): warnings that never block.
	Advisories []string `json:"advisories"`
	// Compliance is the stack's compliance profile and the rules it makes
	// mandatory (none: no rules).
	Compliance Compliance `json:"compliance"`
	// References are the stacks the program read and where their outputs
	// came from.
	References []Reference `json:"references"`

	// Registered is every registration with inputs and outputs, for tests.
	Registered []*mock.Registered `json:"-"`
	// Config is the parsed stack configuration.
	Config *config.Stack `json:"-"`
}

// Resource is one planned resource in the JSON output. Dependencies and
// PropertyDependencies are named as `pulumi stack export` names them.
type Resource struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Parent  string         `json:"parent,omitempty"`
	Inputs  map[string]any `json:"inputs"`
	Protect bool           `json:"protect"`
	// Remote marks a component a provider constructs (pulumi-eks's cluster,
	// a helm/v4 Chart): the rules see it with empty inputs, as under the
	// Pulumi CLI, and its children only exist under the CLI.
	Remote bool `json:"remote,omitempty"`
	// Import is the ID of an existing resource the program adopts
	// (pulumi.Import): the engine reads it instead of creating it.
	Import               string              `json:"import,omitempty"`
	Dependencies         []string            `json:"dependencies"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

// Compliance is the profile a stack selects.
type Compliance struct {
	Profile string   `json:"profile"`
	Rules   []string `json:"rules"`
}

// runMu serialises runs: the Pulumi SDK keeps some process-wide state
// (tracing, the registered-package table) that concurrent runs would share.
var runMu sync.Mutex

// Preview validates the configuration, runs the real program against the
// recording mock, evaluates every policy and estimates the monthly cost.
// Invalid configuration returns a *ConfigError before anything is registered.
func Preview(opts Options) (*Result, error) {
	values := Merge(opts.Project.Defaults, opts.Values)
	if err := opts.Project.MissingRequired(opts.Stack, values); err != nil {
		return nil, &ConfigError{err}
	}
	if err := opts.Project.WrongTypes(opts.Stack, values); err != nil {
		return nil, &ConfigError{err}
	}
	cfg, err := config.Parse(opts.Project.Name, opts.Stack, values)
	if err != nil {
		if len(opts.SecretKeys) > 0 {
			err = fmt.Errorf("%w\n(%s hold secure values, which the offline preview cannot decrypt: it reads each as %q)",
				err, strings.Join(opts.SecretKeys, ", "), securePlaceholder)
		}
		return nil, &ConfigError{err}
	}
	stackSettings, err := rules.StackSettings(cfg.Compliance, cfg.PolicySettings)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("%s: %w", config.KeyPolicySettings, err)}
	}
	settings := rules.Layer(stackSettings, opts.Settings)

	references := []Reference{}
	var stackOutputs map[string]map[string]any
	if cfg.Promotion != nil && cfg.Promotion.KeepLast {
		// keepLast: the program reads only its own last promotion.
		self := cfg.Promotion.Organization + "/" + cfg.Project + "/" + cfg.Name
		stackOutputs = map[string]map[string]any{}
		if own, ok := opts.References[self]; ok {
			stackOutputs[self] = own
			references = append(references, Reference{Stack: self, Source: opts.ReferenceSources[self]})
		}
	} else if cfg.Promotion != nil {
		outs, source, err := referenceOutputs(opts, *cfg.Promotion, opts.depth)
		if err != nil {
			return nil, err
		}
		stackOutputs = map[string]map[string]any{cfg.Promotion.StackName(): outs}
		references = append(references, Reference{Stack: cfg.Promotion.StackName(), Source: source})
		// A source with no promotion output makes the program read its own
		// last promotion: answer it when given (--reference).
		self := cfg.Promotion.Organization + "/" + cfg.Project + "/" + cfg.Name
		if own, ok := opts.References[self]; ok {
			stackOutputs[self] = own
			if _, has := outs[platform.PromotionOutput]; !has {
				references = append(references, Reference{Stack: self, Source: opts.ReferenceSources[self]})
			}
		}
	}

	runMu.Lock()
	defer runMu.Unlock()

	rec := mock.NewRecorder(opts.Project.Name, opts.Stack, cfg.Region)
	rec.DryRun = true // a preview: the program plans, unknowns stay unknown
	rec.StackOutputs = stackOutputs
	rec.AccountRoles = opts.AccountRoles
	rec.SecretKeys = opts.SecretKeys
	var exported pulumi.Map
	program := func(ctx *pulumi.Context) error {
		var err error
		exported, err = platform.Program(ctx)
		return err
	}
	if err := rec.Run(program, values); err != nil {
		var fe *config.FieldError
		if errors.As(err, &fe) {
			return nil, &ConfigError{err}
		}
		return nil, fmt.Errorf("running the program: %w", err)
	}

	// Once the program has run every output has settled: read each on
	// its own, so one the mock cannot answer is named instead of taking
	// every other output with it.
	outputs := map[string]any{}
	var unresolved []string
	for _, key := range slices.Sorted(maps.Keys(exported)) {
		v, known, _ := outputvalues.Resolved(pulumi.ToOutput(exported[key]))
		if !known {
			unresolved = append(unresolved, key)
			continue
		}
		outputs[key] = v
	}
	if len(unresolved) > 0 {
		return nil, fmt.Errorf("stack outputs %s are unknown under the mock: a resource behind them has an output "+
			"the mock does not answer (internal/engine/mock)", strings.Join(unresolved, ", "))
	}
	// Outputs are reported as JSON sees them ([]any, map[string]any), so the
	// JSON document and the Go result agree.
	shaped, err := jsonShaped(outputs)
	if err != nil {
		return nil, fmt.Errorf("encoding the outputs: %w", err)
	}
	registered := rec.Resources()
	res := &Result{
		Stack:      opts.Stack,
		Project:    opts.Project.Name,
		Registered: registered,
		Config:     cfg,
		Outputs:    shaped,
		Resources:  []Resource{},
		Warnings:   []string{},
		Compliance: Compliance{Profile: string(cfg.Compliance), Rules: []string{}},
		References: references,
	}
	if p, ok := rules.LookupProfile(cfg.Compliance); ok {
		res.Compliance.Rules = p.Rules()
	}
	for _, ph := range cfg.Placeholders {
		res.Warnings = append(res.Warnings, ph.Error())
	}
	for _, key := range opts.SecretKeys {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s holds secure values: the offline preview cannot decrypt them and plans with %q in their place",
			key, securePlaceholder))
	}
	res.Advisories = []string{}
	for _, a := range cfg.Advisories {
		res.Advisories = append(res.Advisories, a.Error())
	}
	for _, r := range registered {
		// Sorted: the engine records dependencies in the order outputs
		// resolve, which varies from run to run.
		deps := slices.Sorted(slices.Values(r.Dependencies))
		if deps == nil {
			deps = []string{}
		}
		propDeps := map[string][]string{}
		for k, v := range r.PropertyDependencies {
			propDeps[k] = slices.Sorted(slices.Values(v))
		}
		res.Resources = append(res.Resources, Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent,
			Inputs: plain(r.Inputs), Protect: r.Protect, Remote: r.Remote, Import: r.ImportID,
			Dependencies: deps, PropertyDependencies: propDeps,
		})
	}
	res.Violations = rules.EvaluateEngine(PolicyResources(registered), StackPolicyResources(registered), settings)
	if res.Violations == nil {
		res.Violations = []rules.Violation{}
	}
	rules.ApplyExceptions(res.Violations, opts.Exceptions)
	u := cfg.Cost.ExpectedUsage
	res.Cost = estimate.Estimate(EstimateResources(registered), estimate.Options{
		Region: cfg.Region, OnDemand: opts.OnDemand, StackURN: fmt.Sprintf("urn:pulumi:%s::%s::pulumi:pulumi:Stack::%s-%s", cfg.Name, cfg.Project, cfg.Project, cfg.Name),
		Usage: estimate.Usage{S3GB: u.S3GB, LogsGBPerMonth: u.LogsGBPerMonth},
	})
	return res, nil
}

// PolicyResources turns registrations into what the rules see, as the
// Pulumi engine sends them to a policy pack: custom resources with their
// inputs plus tagsAll (a real preview gives them after the provider's
// Check), and remote components with empty inputs. The engine analyzes
// only the registration a provider makes of its component, and pulumi-eks
// v2.8.1 makes it with {}: its bundled Node.js SDK (3.124.0) sends
// component inputs only from v3.202.0 on (pulumi/pulumi#20357). Local
// components are left out: they carry no settings a rule could judge,
// except flow declarations (ml-platform:access:Flows), which carry their
// flows as inputs for access-flows-hold.
func PolicyResources(regs []*mock.Registered) []rules.Resource {
	var out []rules.Resource
	for _, r := range regs {
		if !r.Custom && !r.Remote && r.Type != rules.FlowsType {
			continue
		}
		props := r.Inputs.Copy()
		if r.Remote {
			props = resource.PropertyMap{}
		}
		if all, ok := r.Outputs["tagsAll"]; ok && !r.Remote {
			props["tagsAll"] = all
		}
		out = append(out, rules.Resource{
			Type:                 r.Type,
			URN:                  r.URN,
			Name:                 r.Name,
			Properties:           resource.FromResourcePropertyMap(props),
			Protect:              r.Protect,
			Parent:               r.Parent,
			Dependencies:         r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
		})
	}
	return out
}

// StackPolicyResources are what the engine gives stack rules
// (AnalyzeStack): the same resources with their outputs, the state the
// mock's provider returns (for a resource a first preview creates, its
// inputs and tagsAll; once created, its computed attributes too).
func StackPolicyResources(regs []*mock.Registered) []rules.Resource {
	out := PolicyResources(regs)
	byURN := make(map[string]*mock.Registered, len(regs))
	for _, r := range regs {
		byURN[r.URN] = r
	}
	for i, r := range out {
		reg := byURN[r.URN]
		if reg.Custom && reg.Outputs != nil {
			out[i].Properties = resource.FromResourcePropertyMap(reg.Outputs)
		}
	}
	return out
}

// EstimateResources are the custom and remote resources the estimate
// prices, with their inputs.
func EstimateResources(regs []*mock.Registered) []estimate.Resource {
	var out []estimate.Resource
	for _, r := range regs {
		if !r.Custom && !r.Remote {
			continue
		}
		out = append(out, estimate.Resource{URN: r.URN, Type: r.Type, Inputs: resource.FromResourcePropertyMap(r.Inputs)})
	}
	return out
}

// plain renders a property map as JSON-friendly Go values, secrets shown as
// "[secret]" and unknowns as "[unknown]".
func plain(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	for _, k := range keys {
		out[k] = plainValue(m[resource.PropertyKey(k)])
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return "[secret]"
	case v.IsComputed() || v.IsOutput() && !v.OutputValue().Known:
		return "[unknown]"
	case v.IsOutput():
		return plainValue(v.OutputValue().Element)
	case v.IsObject():
		return plain(v.ObjectValue())
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsNull():
		return nil
	}
	return v.V
}

func jsonShaped(m map[string]any) (map[string]any, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	return out, json.Unmarshal(data, &out)
}
