// Package tags turns the stack's tag set into the tag maps resources take.
//
// Tags are set explicitly on every taggable resource, on top of the AWS
// provider's default tags: mocks never apply provider defaults, and real
// previews show defaults only in tagsAll.
package tags

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// With returns base plus the given key/value pairs as a pulumi.StringMap;
// base is never modified. Pairs override base keys.
func With(base map[string]string, kv ...string) pulumi.StringMap {
	if len(kv)%2 != 0 {
		panic("tags.With: odd number of key/value arguments")
	}
	out := make(pulumi.StringMap, len(base)+len(kv)/2)
	for k, v := range base {
		out[k] = pulumi.String(v)
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = pulumi.String(kv[i+1])
	}
	return out
}

// Merge returns a new plain map of base overlaid with extra.
func Merge(base map[string]string, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
