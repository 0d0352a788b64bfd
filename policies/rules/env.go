package rules

// Environments the platform knows, as the Environment tag carries them.
// staging has prod's shape, so environment-specific rules treat it as prod.
const (
	envDev     = "dev"
	envStaging = "staging"
	envProd    = "prod"
)

// DefaultEnvironments are the values the Environment tag may take.
var DefaultEnvironments = []string{envDev, envStaging, envProd}

// tagSources are the properties that may carry a resource's tags, in the
// order they are trusted: tagsAll (provider default tags merged in), tags,
// and the pulumi-eks cluster's clusterTags.
var tagSources = []string{"tagsAll", "tags", "clusterTags"}

// environment returns the resource's Environment tag when it is a known
// string in one of tagSources.
func environment(r Resource) (string, bool) {
	for _, src := range tagSources {
		if s, ok := getString(r.Properties, src, "Environment"); ok {
			return s, true
		}
	}
	return "", false
}

// prodLike reports whether the resource is tagged for prod or staging. An
// absent, unknown or unrecognised Environment is neither prod-like nor
// non-prod: environment-specific rules do not judge such resources.
func prodLike(r Resource) bool {
	env, ok := environment(r)
	return ok && (env == envProd || env == envStaging)
}

// nonProd reports whether the resource is tagged for dev.
func nonProd(r Resource) bool {
	env, ok := environment(r)
	return ok && env == envDev
}
