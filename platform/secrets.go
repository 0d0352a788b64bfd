package platform

import (
	"context"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/outputs"
)

// A value set with `pulumi config set --secret` reaches the program as
// plain text (ctx.GetConfig); the engine only keeps secret what the
// program marks secret. keepSecrets marks every resource input and every
// stack output that holds one of the stack's secret values, so none is
// written to state, shown in a diff or exported in the clear.

// keepSecrets is a stack transform: a top-level input property holding a
// secret value, as itself or inside a longer string, list or object, is
// registered as a secret. Values the engine already holds as secret or
// does not know yet pass unchanged.
func keepSecrets(secrets []string) pulumi.ResourceTransform {
	return func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		changed := false
		for k, v := range args.Props {
			if holdsSecret(v, secrets) {
				args.Props[k] = pulumi.ToSecret(v)
				changed = true
			}
		}
		if !changed {
			return nil
		}
		return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
	}
}

// holdsSecret says whether a value (as a transform sees it: plain
// strings, numbers, lists and maps) holds a secret. A secret of fewer
// than eight characters counts only as a whole value, so that a short one
// ("dev") does not mark every name containing it.
func holdsSecret(v any, secrets []string) bool {
	switch x := v.(type) {
	case pulumi.String:
		return stringHoldsSecret(string(x), secrets)
	case string:
		return stringHoldsSecret(x, secrets)
	case pulumi.Array:
		return slices.ContainsFunc(x, func(e pulumi.Input) bool { return holdsSecret(e, secrets) })
	case pulumi.StringArray:
		return slices.ContainsFunc(x, func(e pulumi.StringInput) bool { return holdsSecret(e, secrets) })
	case pulumi.Map:
		for _, e := range x {
			if holdsSecret(e, secrets) {
				return true
			}
		}
	case pulumi.StringMap:
		for _, e := range x {
			if holdsSecret(e, secrets) {
				return true
			}
		}
	case pulumi.Output:
		// The engine hands a transform a value with dependencies as an
		// output, already resolved: read it (an unknown one is skipped,
		// one already secret needs nothing).
		value, known, secret := outputs.Resolved(x)
		return known && !secret && holdsSecret(value, secrets)
	case []any:
		return slices.ContainsFunc(x, func(e any) bool { return holdsSecret(e, secrets) })
	case map[string]any:
		for _, e := range x {
			if holdsSecret(e, secrets) {
				return true
			}
		}
	}
	return false
}

func stringHoldsSecret(s string, secrets []string) bool {
	for _, secret := range secrets {
		if s == secret || len(secret) >= 8 && strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// secretOutputs marks the stack outputs that hold a secret value: a
// plain value by its content; promotion and promotedFrom, which are made
// from the SageMaker and promotion configuration, whenever either is
// secret.
func secretOutputs(cfg *config.Stack, outputs pulumi.Map) {
	if len(cfg.Secrets) == 0 {
		return
	}
	fromConfig := slices.Contains(cfg.SecretKeys, config.KeySageMaker) || slices.Contains(cfg.SecretKeys, config.KeyPromotion)
	for name, v := range outputs {
		if holdsSecret(v, cfg.Secrets) || fromConfig && (name == PromotionOutput || name == PromotedFromOutput) {
			outputs[name] = pulumi.ToSecret(v)
		}
	}
}
