package offline

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// StackToken replaces a stack's name inside names when a diff normalizes
// them ("ml-platform-dev-models" and "ml-platform-prod-models" are the
// same bucket of two stacks).
const StackToken = "{stack}"

// Diff is what changes between two stacks: the promotion check before
// `pulumi up` of the second.
type Diff struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Config are the differing configuration values (project defaults
	// merged under each stack file), by key path.
	Config []Change `json:"config"`
	// Added and Removed are resources only the second or the first plans,
	// by their URN without stack and project (type chain and name).
	Added   []PlanEntry `json:"added"`
	Removed []PlanEntry `json:"removed"`
	// Changed are resources both plan with differing inputs or protection.
	Changed []ResourceChange `json:"changed"`
	Cost    CostDiff         `json:"cost"`
	// NewFindings are policy violations only the second stack has;
	// ResolvedFindings only the first.
	NewFindings      []Finding `json:"newFindings"`
	ResolvedFindings []Finding `json:"resolvedFindings"`
	// Normalized says whether stack names inside values were replaced by
	// StackToken before comparing (false with --raw).
	Normalized bool `json:"normalized"`
}

// Change is one differing value; a missing side is null.
type Change struct {
	Path string `json:"path"`
	From any    `json:"from"`
	To   any    `json:"to"`
}

// PlanEntry is one planned resource.
type PlanEntry struct {
	Key  string `json:"key"`
	Type string `json:"type"`
}

// ResourceChange is a resource both stacks plan, with its differences.
type ResourceChange struct {
	Key     string   `json:"key"`
	Type    string   `json:"type"`
	Changes []Change `json:"changes"`
}

// CostDiff compares the monthly estimates.
type CostDiff struct {
	FromUSD    float64         `json:"fromUsd"`
	ToUSD      float64         `json:"toUsd"`
	DeltaUSD   float64         `json:"deltaUsd"`
	Components []ComponentCost `json:"components"`
}

// ComponentCost is one top-level component's estimate in both stacks.
type ComponentCost struct {
	Component string  `json:"component"`
	FromUSD   float64 `json:"fromUsd"`
	ToUSD     float64 `json:"toUsd"`
	DeltaUSD  float64 `json:"deltaUsd"`
}

// Finding is a policy violation keyed by policy and resource.
type Finding struct {
	Policy   string      `json:"policy"`
	Level    rules.Level `json:"level"`
	Resource string      `json:"resource"`
	Message  string      `json:"message"`
}

// DiffStacks compares two previews and their configuration values. With
// normalize, each stack's name inside values and keys is replaced by
// StackToken where it stands as a name part (after the start, '-', '_',
// ':' or a space; before the end, '-', '_', '/', '.', ':', a space, ')',
// ',' or '"'; so never in "/dev/shm"), and names that only carry the stack
// compare equal.
func DiffStacks(from, to *Result, fromValues, toValues config.Values, normalize bool) *Diff {
	d := &Diff{From: from.Stack, To: to.Stack, Normalized: normalize,
		Config: []Change{}, Added: []PlanEntry{}, Removed: []PlanEntry{}, Changed: []ResourceChange{},
		NewFindings: []Finding{}, ResolvedFindings: []Finding{}}
	d.Config = diffValues(configTree(fromValues), configTree(toValues))

	norm := func(stack string) func(any) any {
		if !normalize {
			return func(v any) any { return v }
		}
		re := regexp.MustCompile(`(^|[-_:\s])` + regexp.QuoteMeta(stack) + `($|[-_/.:\s),"])`)
		var walk func(any) any
		walk = func(v any) any {
			switch x := v.(type) {
			case string:
				// Twice: adjacent matches share a separator.
				s := re.ReplaceAllString(x, "${1}"+StackToken+"${2}")
				return re.ReplaceAllString(s, "${1}"+StackToken+"${2}")
			case map[string]any:
				out := make(map[string]any, len(x))
				for k, e := range x {
					out[walk(k).(string)] = walk(e)
				}
				return out
			case []any:
				out := make([]any, len(x))
				for i, e := range x {
					out[i] = walk(e)
				}
				return out
			}
			return v
		}
		return walk
	}
	fromNorm, toNorm := norm(from.Stack), norm(to.Stack)

	index := func(r *Result, n func(any) any) map[string]Resource {
		out := map[string]Resource{}
		for _, res := range r.Resources {
			res.Inputs = n(jsonShape(res.Inputs)).(map[string]any)
			out[shortURN(res.URN)] = res
		}
		return out
	}
	a, b := index(from, fromNorm), index(to, toNorm)
	for _, key := range slices.Sorted(maps.Keys(a)) {
		ra := a[key]
		rb, ok := b[key]
		if !ok {
			d.Removed = append(d.Removed, PlanEntry{Key: key, Type: ra.Type})
			continue
		}
		changes := diffValues(ra.Inputs, rb.Inputs)
		if ra.Protect != rb.Protect {
			changes = append(changes, Change{Path: "(protect)", From: ra.Protect, To: rb.Protect})
		}
		if len(changes) > 0 {
			d.Changed = append(d.Changed, ResourceChange{Key: key, Type: ra.Type, Changes: changes})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[key]; !ok {
			d.Added = append(d.Added, PlanEntry{Key: key, Type: b[key].Type})
		}
	}

	d.Cost = CostDiff{FromUSD: from.Cost.MonthlyUSD, ToUSD: to.Cost.MonthlyUSD, DeltaUSD: to.Cost.MonthlyUSD - from.Cost.MonthlyUSD}
	ca, cb := componentCosts(from), componentCosts(to)
	components := slices.Sorted(maps.Keys(ca))
	for c := range cb {
		if _, ok := ca[c]; !ok {
			components = append(components, c)
		}
	}
	sort.Strings(components)
	for _, c := range components {
		if ca[c] != cb[c] {
			d.Cost.Components = append(d.Cost.Components, ComponentCost{Component: c, FromUSD: ca[c], ToUSD: cb[c], DeltaUSD: cb[c] - ca[c]})
		}
	}
	if d.Cost.Components == nil {
		d.Cost.Components = []ComponentCost{}
	}

	findings := func(r *Result, n func(any) any) map[string]Finding {
		out := map[string]Finding{}
		for _, v := range r.Violations {
			f := Finding{Policy: v.Policy, Level: v.EnforcementLevel, Resource: n(shortURN(v.URN)).(string), Message: v.Message}
			out[f.Policy+" "+f.Resource] = f
		}
		return out
	}
	fa, fb := findings(from, fromNorm), findings(to, toNorm)
	for _, k := range slices.Sorted(maps.Keys(fb)) {
		if _, ok := fa[k]; !ok {
			d.NewFindings = append(d.NewFindings, fb[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(fa)) {
		if _, ok := fb[k]; !ok {
			d.ResolvedFindings = append(d.ResolvedFindings, fa[k])
		}
	}
	return d
}

// componentCosts sums the estimate by top-level component.
func componentCosts(r *Result) map[string]float64 {
	out := map[string]float64{}
	for _, item := range r.Cost.Items {
		out[componentOf(item.URN, item.Type)] += item.MonthlyUSD
	}
	return out
}

// configTree decodes each configuration value (objects are JSON strings)
// into one tree keyed by configuration key.
func configTree(values config.Values) map[string]any {
	out := map[string]any{}
	for k, raw := range values {
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			v = raw
		}
		if _, isString := v.(string); !isString {
			if _, isObj := v.(map[string]any); !isObj {
				if _, isArr := v.([]any); !isArr {
					v = raw // numbers and booleans compare as written
				}
			}
		}
		out[k] = v
	}
	return out
}

// jsonShape is a value as JSON sees it (maps and slices of any).
func jsonShape(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(data, &out) != nil {
		return v
	}
	return out
}

// diffValues lists the leaf paths whose values differ between two trees.
func diffValues(a, b map[string]any) []Change {
	fa, fb := map[string]any{}, map[string]any{}
	flatten("", a, fa)
	flatten("", b, fb)
	var out []Change
	paths := slices.Sorted(maps.Keys(fa))
	for p := range fb {
		if _, ok := fa[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		va, okA := fa[p]
		vb, okB := fb[p]
		if okA && okB && fmt.Sprint(va) == fmt.Sprint(vb) {
			continue
		}
		out = append(out, Change{Path: p, From: va, To: vb})
	}
	if out == nil {
		out = []Change{}
	}
	return out
}

// flatten records every leaf of v under its path: map keys joined by ".",
// list indexes in brackets; an empty map or list is a leaf.
func flatten(path string, v any, out map[string]any) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 && path != "" {
			out[path] = "{}"
			return
		}
		for k, e := range x {
			flatten(join(k), e, out)
		}
	case []any:
		if len(x) == 0 {
			out[path] = "[]"
			return
		}
		// Lists of named objects (node groups, endpoints) compare by name,
		// so one inserted entry does not shift every later one.
		names := map[string]bool{}
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				if n, ok := m["name"].(string); ok && n != "" && !names[n] {
					names[n] = true
				}
			}
		}
		for i, e := range x {
			if len(names) == len(x) {
				flatten(fmt.Sprintf("%s[name=%s]", path, e.(map[string]any)["name"]), e, out)
				continue
			}
			flatten(fmt.Sprintf("%s[%d]", path, i), e, out)
		}
	case string:
		// Policy documents and pipeline definitions are JSON in a string:
		// compare them statement by statement.
		if t := strings.TrimSpace(x); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			var doc any
			if json.Unmarshal([]byte(t), &doc) == nil {
				flatten(path+"(json)", doc, out)
				return
			}
		}
		out[path] = x
	default:
		out[path] = x
	}
}

// WriteText prints the diff as people read it.
func (d *Diff) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Offline diff from stack %q to stack %q", d.From, d.To)
	if d.Normalized {
		fmt.Fprintf(w, " (stack names inside values shown as %s; --raw compares them as they are)", StackToken)
	}
	fmt.Fprintf(w, "\n\nConfiguration: %d difference(s)\n", len(d.Config))
	for _, c := range d.Config {
		fmt.Fprintf(w, "  %s: %s -> %s\n", c.Path, show(c.From), show(c.To))
	}
	fmt.Fprintf(w, "\nResources: %d only in %s (+), %d only in %s (-), %d changed (~)\n", len(d.Added), d.To, len(d.Removed), d.From, len(d.Changed))
	for _, r := range d.Added {
		fmt.Fprintf(w, "  + %s\n", r.Key)
	}
	for _, r := range d.Removed {
		fmt.Fprintf(w, "  - %s\n", r.Key)
	}
	for _, r := range d.Changed {
		fmt.Fprintf(w, "  ~ %s\n", r.Key)
		for _, c := range r.Changes {
			fmt.Fprintf(w, "      %s: %s -> %s\n", c.Path, show(c.From), show(c.To))
		}
	}
	fmt.Fprintf(w, "\nEstimated monthly cost: $%.2f -> $%.2f (%+.2f)\n", d.Cost.FromUSD, d.Cost.ToUSD, d.Cost.DeltaUSD)
	for _, c := range d.Cost.Components {
		fmt.Fprintf(w, "  %+10.2f  %s ($%.2f -> $%.2f)\n", c.DeltaUSD, c.Component, c.FromUSD, c.ToUSD)
	}
	fmt.Fprintf(w, "\nPolicies: %d new finding(s) in %s, %d only in %s\n", len(d.NewFindings), d.To, len(d.ResolvedFindings), d.From)
	for _, f := range d.NewFindings {
		fmt.Fprintf(w, "  + [%s] %s: %s\n      %s\n", f.Level, f.Policy, f.Message, f.Resource)
	}
	for _, f := range d.ResolvedFindings {
		fmt.Fprintf(w, "  - [%s] %s: %s\n      %s\n", f.Level, f.Policy, f.Message, f.Resource)
	}
}

// show renders a value on one line, long values shortened.
func show(v any) string {
	if v == nil {
		return "(none)"
	}
	s, ok := v.(string)
	if !ok {
		data, _ := json.Marshal(v)
		s = string(data)
	} else {
		s = fmt.Sprintf("%q", s)
	}
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
