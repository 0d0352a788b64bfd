package platform

import (
	"encoding/json"
	"fmt"
	"maps"
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
		return nil, &config.FieldError{Key: config.KeyPromotion, Message: fmt.Sprintf(
			"stack %s exports no %q output: run `pulumi up` on it with this version of the program first", name, PromotionOutput)}
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

// endpointModel is the model an endpoint serves.
func (p *Platform) endpointModel(e config.Endpoint) PromotedModel {
	cfg := p.Config
	if e.PromoteFrom != "" {
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
		m := p.Promoted.Models[e.PromoteFrom]
		rec := map[string]any{"from": e.PromoteFrom, "origin": m.Origin, "image": m.Image}
		if m.ModelPackageARN != "" {
			rec["modelPackageArn"] = m.ModelPackageARN
		} else {
			rec["modelDataUrl"] = m.ModelDataURL
		}
		endpoints[e.Name] = rec
	}
	rec["endpoints"] = endpoints
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
