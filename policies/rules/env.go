package rules

import "github.com/ml-platform/ml-platform/conventions"

// DefaultEnvironments are the values the Environment tag may take.
var DefaultEnvironments = func() []string {
	out := make([]string, len(conventions.Environments))
	for i, e := range conventions.Environments {
		out[i] = string(e)
	}
	return out
}()

// tagSources are the properties that may carry a resource's tags, in the
// order they are trusted: tagsAll (provider default tags merged in), then
// tags.
var tagSources = []string{"tagsAll", "tags"}

// environment returns the resource's Environment tag when it is a known
// string in one of tagSources, or, for a Karpenter EC2NodeClass (which
// carries no AWS tags of its own), in the tags it puts on its nodes, or
// for another Kubernetes object in its ml-platform/environment label.
func environment(r Resource) (string, bool) {
	for _, src := range tagSources {
		if s, ok := getString(r.Properties, src, conventions.TagEnvironment); ok {
			return s, true
		}
	}
	if isNodeClass(r.Type) {
		return getString(r.Properties, "spec", "tags", conventions.TagEnvironment)
	}
	// Kubernetes objects carry no AWS tags: the platform labels the ones
	// rules judge per environment.
	return getString(r.Properties, "metadata", "labels", conventions.LabelEnvironment)
}

// prodLike reports whether the resource is tagged for prod or staging. An
// absent, unknown or unrecognised Environment is not prod-like.
func prodLike(r Resource) bool {
	env, ok := environment(r)
	return ok && conventions.Environment(env).ProdLike()
}
