package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ml-platform/ml-platform/config"
)

// maxReferenceDepth bounds stacks that promote from stacks that promote
// (prod from staging from dev), and stops a cycle.
const maxReferenceDepth = 4

// Reference is how the offline preview answered a stack reference.
type Reference struct {
	// Stack is the fully qualified stack name.
	Stack string `json:"stack"`
	// Source says where its outputs came from: a --reference file, or the
	// offline preview of its stack file.
	Source string `json:"source"`
}

// referenceOutputs answers a stack reference: from opts.References (a
// --reference file) or, for a stack of the same project, from the offline
// preview of its stack file in opts.Dir.
func referenceOutputs(opts Options, p config.Promotion, depth int) (map[string]any, string, error) {
	name := p.StackName()
	if outs, ok := opts.References[name]; ok {
		return outs, opts.ReferenceSources[name], nil
	}
	if p.Project != opts.Project.Name {
		return nil, "", &ConfigError{fmt.Errorf("%s: stack %s is in project %s; give its outputs with --reference %s=<file>",
			config.KeyPromotion, name, p.Project, name)}
	}
	if depth >= maxReferenceDepth {
		return nil, "", &ConfigError{fmt.Errorf("%s: stack references nest deeper than %d stacks (a cycle?) at %s",
			config.KeyPromotion, maxReferenceDepth, name)}
	}
	path := filepath.Join(opts.dir(), "Pulumi."+p.Stack+".yaml")
	file, err := LoadStackFile(path)
	if err != nil {
		return nil, "", &ConfigError{fmt.Errorf("%s: answering the reference to %s from its stack file: %w (or give --reference %s=<file>)",
			config.KeyPromotion, name, err, name)}
	}
	sub := opts
	sub.Stack, sub.Values, sub.SecretKeys, sub.Settings, sub.depth = p.Stack, file.Values, file.SecretKeys, nil, depth+1
	res, err := Preview(sub)
	if err != nil {
		return nil, "", fmt.Errorf("%s: the offline preview of %s: %w", config.KeyPromotion, path, err)
	}
	return res.Outputs, "offline preview of " + filepath.Base(path), nil
}

// LoadReference reads a stack's outputs from a file: `pulumi stack output
// --json` (an object of outputs) or `pulumi stack export` (the outputs of
// its pulumi:pulumi:Stack resource).
func LoadReference(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the reference file: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %w", path, err)
	}
	dep, ok := doc["deployment"].(map[string]any)
	if !ok {
		return doc, nil // stack output --json
	}
	resources, _ := dep["resources"].([]any)
	for _, r := range resources {
		res, _ := r.(map[string]any)
		if res["type"] == "pulumi:pulumi:Stack" {
			outs, _ := res["outputs"].(map[string]any)
			if outs == nil {
				outs = map[string]any{}
			}
			return outs, nil
		}
	}
	return nil, fmt.Errorf("%s: a stack export without a pulumi:pulumi:Stack resource", path)
}

// ParseReferenceFlag splits NAME=FILE.
func ParseReferenceFlag(v string) (string, string, error) {
	name, file, ok := strings.Cut(v, "=")
	if !ok || strings.Count(name, "/") != 2 || file == "" {
		return "", "", fmt.Errorf("--reference %q: want ORGANIZATION/PROJECT/STACK=FILE", v)
	}
	return name, file, nil
}
