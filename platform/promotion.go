package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
)

// Promotion outputs. Every stack exports the models its endpoints serve
// (PromotionOutput); a stack with ml-platform:promotion reads them from its
// source through a StackReference and exports what it took
// (PromotedFromOutput), so `pulumi stack output` records every promotion.
const (
	PromotionOutput    = "promotion"
	PromotedFromOutput = "promotedFrom"
)

// Promotion is the JSON shape of the promotion output.
type Promotion struct {
	// Stack is the exporting stack, "<project>/<stack>".
	Stack string `json:"stack"`
	// Models are keyed by the exporting stack's endpoint names.
	Models map[string]PromotedModel `json:"models"`
	// Kept, when set, says why the models are this stack's own copies
	// from its last promotion rather than the source's current ones: the
	// source exports nothing (destroyed, or never updated).
	Kept string `json:"-"`
	// KeptByEndpoint are the kept models by this stack's endpoint names
	// (two endpoints may promote one source model, each with its copy).
	KeptByEndpoint map[string]PromotedModel `json:"-"`
}

// promotedPrefix is where a stack keeps its copies of promoted artifacts
// in its own models bucket (outside the archive prefix).
const promotedPrefix = "promoted/"

// copiesArtifact says whether promotion copies the model's artifact into
// the promoting stack's models bucket: one artifact, not a multi-model
// prefix (its objects are not known when the plan is made) nor a model
// package (it names its artifact in the source's registry).
func (m PromotedModel) copiesArtifact() bool {
	return m.ModelDataURL != "" && !strings.HasSuffix(m.ModelDataURL, "/")
}

// copyKey is where the copy of a promoted artifact lives: per endpoint and
// per source URL, so a new promotion is a new object and the previous one
// stays until the endpoint has moved on.
func copyKey(endpoint, sourceURL string) string {
	sum := sha256.Sum256([]byte(sourceURL))
	return fmt.Sprintf("%s%s/%s/%s", promotedPrefix, endpoint, hex.EncodeToString(sum[:])[:12], path.Base(sourceURL))
}

// PromotedModel is one endpoint's model, as a promoting stack deploys it:
// either an image with an artifact or a model package, plus what the
// promoting stack's execution role must read and who may read it.
type PromotedModel struct {
	Image           string `json:"image"`
	ModelDataURL    string `json:"modelDataUrl,omitempty"`
	ModelPackageARN string `json:"modelPackageArn,omitempty"`
	// ReadBuckets hold the artifact; KeyARNs encrypt them.
	ReadBuckets []string `json:"readBuckets"`
	KeyARNs     []string `json:"keyArns"`
	// AccountID and Region are where the artifact and package live.
	AccountID string `json:"accountId"`
	Region    string `json:"region"`
	// ReaderAccountIDs are the other accounts the buckets and key admit.
	ReaderAccountIDs []string `json:"readerAccountIds"`
	// Origin is the stack whose endpoint first served the model.
	Origin string `json:"origin"`
}

// readPromotion reads the source stack's promotion output and checks every
// endpoint that promotes from it, before anything but the provider is
// registered: the StackReference is a read, answered from the source
// stack's last update.
func readPromotion(ctx *pulumi.Context, cfg *config.Stack, account string) (*Promotion, error) {
	name := cfg.Promotion.StackName()
	if cfg.Promotion.KeepLast {
		// The source is gone for good: a reference to a removed stack
		// fails the whole update, so it is not read at all.
		return keptPromotion(ctx, cfg, name, account)
	}
	ref, err := pulumi.NewStackReference(ctx, "promotion-source", &pulumi.StackReferenceArgs{Name: pulumi.String(name)})
	if err != nil {
		return nil, fmt.Errorf("%s: reading stack %s: %w", config.KeyPromotion, name, err)
	}
	details, err := ref.GetOutputDetails(PromotionOutput)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the %s output of stack %s: %w", config.KeyPromotion, PromotionOutput, name, err)
	}
	value := details.Value
	if value == nil {
		value = details.SecretValue
	}
	if value == nil {
		// The source is gone (destroyed, or never updated): keep serving
		// this stack's own copies from its last promotion.
		return keptPromotion(ctx, cfg, name, account)
	}
	data, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("%s: the %s output of stack %s: %w", config.KeyPromotion, PromotionOutput, name, err)
	}
	var source Promotion
	if err := json.Unmarshal(data, &source); err != nil {
		return nil, &config.FieldError{Key: config.KeyPromotion, Message: fmt.Sprintf(
			"the %s output of stack %s is not a promotion (%v)", PromotionOutput, name, err)}
	}
	return &source, checkPromoted(cfg, name, account, &source)
}

// keptPromotion rebuilds the last promotion from this stack's own
// promotedFrom output: every endpoint keeps the copy in its models bucket.
// An endpoint whose model was not copied (a model package, a multi-model
// prefix) cannot be kept without the source: the error says which.
func keptPromotion(ctx *pulumi.Context, cfg *config.Stack, source, account string) (*Promotion, error) {
	self := cfg.Promotion.Organization + "/" + cfg.Project + "/" + cfg.Name
	why := fmt.Sprintf("stack %s exports no %q output", source, PromotionOutput)
	reason := why + " (destroyed, or not updated with this version of the program)"
	if cfg.Promotion.KeepLast {
		why = fmt.Sprintf("%s.keepLast is set (stack %s is not read)", config.KeyPromotion, source)
		reason = why
	}
	missing := func(why string) error {
		return &config.FieldError{Key: config.KeyPromotion, Message: fmt.Sprintf(
			"%s and %s: update %s first, or remove the endpoints' promoteFrom", reason, why, source)}
	}
	ref, err := pulumi.NewStackReference(ctx, "promotion-kept", &pulumi.StackReferenceArgs{Name: pulumi.String(self)})
	if err != nil {
		return nil, missing(fmt.Sprintf("this stack's own last promotion cannot be read (%v)", err))
	}
	details, err := ref.GetOutputDetails(PromotedFromOutput)
	if err != nil || details.Value == nil {
		return nil, missing("this stack has no earlier promotion to keep serving")
	}
	data, err := json.Marshal(details.Value)
	if err != nil {
		return nil, missing(err.Error())
	}
	var last struct {
		Endpoints map[string]struct {
			From, Origin, Image, ModelPackageARN, ServedModelDataURL string
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(data, &last); err != nil {
		return nil, missing(fmt.Sprintf("its own %s output is not readable (%v)", PromotedFromOutput, err))
	}
	kept := &Promotion{Stack: source, Models: map[string]PromotedModel{}, KeptByEndpoint: map[string]PromotedModel{}}
	var cannot []string
	for _, e := range cfg.SageMaker.Endpoints {
		if e.PromoteFrom == "" {
			continue
		}
		rec, ok := last.Endpoints[e.Name]
		if !ok || rec.ServedModelDataURL == "" || !strings.Contains(rec.ServedModelDataURL, "/"+promotedPrefix) {
			cannot = append(cannot, e.Name)
			continue
		}
		m := PromotedModel{Image: rec.Image, ModelDataURL: rec.ServedModelDataURL, AccountID: account,
			Region: cfg.Region, ReadBuckets: []string{}, KeyARNs: []string{}, ReaderAccountIDs: []string{}, Origin: rec.Origin}
		kept.Models[e.PromoteFrom] = m
		kept.KeptByEndpoint[e.Name] = m
	}
	if len(cannot) > 0 {
		return nil, missing(fmt.Sprintf("endpoints %s have no copy of their model in this stack to keep serving", strings.Join(cannot, ", ")))
	}
	kept.Kept = fmt.Sprintf("%s: endpoints keep serving the copies of their last promotion from "+
		"this stack's models bucket; promote again once %s is updated", why, source)
	ctx.Log.Warn(fmt.Sprintf("%s: %s", config.KeyPromotion, kept.Kept), nil)
	return kept, nil
}

// checkPromoted checks that each endpoint's promoteFrom names a model the
// source exports, in the stack's region, readable from its account, and
// fit for the endpoint's kind.
func checkPromoted(cfg *config.Stack, name, account string, source *Promotion) error {
	var errs []error
	for i, e := range cfg.SageMaker.Endpoints {
		if e.PromoteFrom == "" {
			continue
		}
		key := fmt.Sprintf("%s.endpoints[%d].promoteFrom", config.KeySageMaker, i)
		fail := func(format string, a ...any) {
			errs = append(errs, &config.FieldError{Key: key, Message: fmt.Sprintf(format, a...)})
		}
		m, ok := source.Models[e.PromoteFrom]
		switch {
		case !ok:
			available := slices.Sorted(maps.Keys(source.Models))
			if len(available) == 0 {
				available = []string{"none"}
			}
			fail("stack %s exports no model for endpoint %q; allowed: %s", name, e.PromoteFrom, strings.Join(available, ", "))
		case m.Region != cfg.Region:
			fail("the model of %s's endpoint %q is in %s; SageMaker serves models from the stack's region, %s", name, e.PromoteFrom, m.Region, cfg.Region)
		case m.AccountID != account && !slices.Contains(m.ReaderAccountIDs, account):
			fail("the model of %s's endpoint %q is in account %s, which does not admit this account (%s): add it to that stack's "+
				"%s.modelPackageGroups[].readerAccountIds and update it", name, e.PromoteFrom, m.AccountID, account, config.KeySageMaker)
		case m.Image == "" || (m.ModelDataURL == "") == (m.ModelPackageARN == ""):
			fail("the model of %s's endpoint %q names neither an image with an artifact nor a model package", name, e.PromoteFrom)
		case e.Kind == config.EndpointMultiModel && !strings.HasSuffix(m.ModelDataURL, "/"):
			fail("%s's endpoint %q serves one model; a %s endpoint loads models from a prefix", name, e.PromoteFrom, e.Kind)
		case e.Kind != config.EndpointMultiModel && strings.HasSuffix(m.ModelDataURL, "/"):
			fail("%s's endpoint %q serves a prefix of models; a %s endpoint serves one model", name, e.PromoteFrom, e.Kind)
		}
	}
	return joinFieldErrors(errs)
}

func joinFieldErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, err := range errs {
		msgs[i] = err.Error()
	}
	// One FieldError keeps the offline engine's exit code for bad input.
	first := errs[0].(*config.FieldError)
	return &config.FieldError{Key: first.Key, Message: first.Message + "\n" + strings.Join(msgs[1:], "\n")}
}

// readerAccountIDs are the accounts the registry admits: promotion to
// their stacks also needs the artifacts and the data key.
func readerAccountIDs(cfg *config.Stack) []string {
	var out []string
	for _, g := range cfg.SageMaker.ModelPackageGroups {
		out = append(out, g.ReaderAccountIDs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// servedModelDataURL is where an endpoint loads a promoted model from: its
// copy in this stack's models bucket when promotion copies it, the
// source's otherwise.
func (p *Platform) servedModelDataURL(endpoint string, m PromotedModel) string {
	switch {
	case p.Promoted != nil && p.Promoted.Kept != "":
		return m.ModelDataURL // already this stack's copy
	case m.copiesArtifact():
		return "s3://" + p.Buckets.Names[storage.Models] + "/" + copyKey(endpoint, m.ModelDataURL)
	}
	return m.ModelDataURL
}

// endpointModel is the model an endpoint serves.
func (p *Platform) endpointModel(e config.Endpoint) PromotedModel {
	cfg := p.Config
	if e.PromoteFrom != "" {
		if m, ok := p.Promoted.KeptByEndpoint[e.Name]; ok {
			return m
		}
		return p.Promoted.Models[e.PromoteFrom]
	}
	m := PromotedModel{Image: e.Image, AccountID: p.AccountID, Region: cfg.Region, ReaderAccountIDs: readerAccountIDs(cfg),
		Origin: cfg.Project + "/" + cfg.Name, ReadBuckets: []string{p.Buckets.Names[storage.Models]}}
	if e.ModelPackage != "" {
		m.ModelPackageARN = e.ModelPackageARN(p.Partition, cfg.Region, p.AccountID)
		// The build pipeline registers artifacts it wrote to the artifacts bucket.
		m.ReadBuckets = []string{p.Buckets.Names[storage.Artifacts], p.Buckets.Names[storage.Models]}
	} else {
		m.ModelDataURL = "s3://" + p.Buckets.Names[storage.Models] + "/" + e.ModelPath
	}
	if m.ReaderAccountIDs == nil {
		m.ReaderAccountIDs = []string{}
	}
	return m
}

// promotionOutput is this stack's promotion output: every endpoint's model,
// its own ones encrypted with the data key.
func (p *Platform) promotionOutput() pulumi.Output {
	cfg := p.Config
	return p.Keys.ARNs[KeyData].ToStringOutput().ApplyT(func(dataKey string) (map[string]any, error) {
		out := Promotion{Stack: cfg.Project + "/" + cfg.Name, Models: map[string]PromotedModel{}}
		for _, e := range cfg.SageMaker.Endpoints {
			m := p.endpointModel(e)
			if e.PromoteFrom == "" {
				m.KeyARNs = []string{dataKey}
			}
			out.Models[e.Name] = m
		}
		return jsonMap(out)
	})
}

// promotedFromOutput records what this stack promoted: the source stack
// and, per endpoint, the model it took.
func (p *Platform) promotedFromOutput() pulumi.Input {
	if p.Config.Promotion == nil {
		return pulumi.Map{}
	}
	rec := map[string]any{"stack": p.Config.Promotion.StackName()}
	endpoints := map[string]any{}
	for _, e := range p.Config.SageMaker.Endpoints {
		if e.PromoteFrom == "" {
			continue
		}
		m := p.endpointModel(e)
		rec := map[string]any{"from": e.PromoteFrom, "origin": m.Origin, "image": m.Image}
		if m.ModelPackageARN != "" {
			rec["modelPackageArn"] = m.ModelPackageARN
		} else {
			rec["modelDataUrl"] = m.ModelDataURL
			rec["servedModelDataUrl"] = p.servedModelDataURL(e.Name, m)
		}
		endpoints[e.Name] = rec
	}
	rec["endpoints"] = endpoints
	if p.Promoted.Kept != "" {
		rec["kept"] = p.Promoted.Kept
	}
	return pulumi.ToMap(rec)
}

func jsonMap(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(data, &out)
}
