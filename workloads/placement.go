package workloads

import (
	"fmt"
	"slices"

	"github.com/ml-platform/ml-platform/catalog"
)

// Placement is where a chart's node agent may run: the node must carry
// every NodeSelector label, match one of Terms (when there are any), and
// every NoSchedule/NoExecute taint of the node must be tolerated.
type Placement struct {
	NodeSelector map[string]string
	Terms        [][]catalog.Requirement
	Tolerations  []catalog.Toleration
}

// NodeTaint is a taint with the effect in Kubernetes spelling (NoSchedule).
type NodeTaint struct {
	Key, Value, Effect string
}

// Render computes the placement of a chart's node agent from the chart's
// recorded defaults and the values the release sets, with Helm's merge
// rules: maps merge into the defaults, lists replace them. values is the
// release's values as plain Go data (JSON-decoded or from a property map).
func Render(s *catalog.ChartScheduling, values map[string]any) (Placement, error) {
	p := Placement{NodeSelector: map[string]string{}, Terms: cloneTerms(s.DefaultTerms),
		Tolerations: slices.Clone(s.DefaultTolerations)}
	if s.NodeSelectorPath != nil {
		if v, ok := at(values, s.NodeSelectorPath); ok {
			m, ok := v.(map[string]any)
			if !ok {
				return Placement{}, fmt.Errorf("%v: want a map, got %T", s.NodeSelectorPath, v)
			}
			for k, x := range m {
				p.NodeSelector[k] = fmt.Sprint(x)
			}
		}
	}
	if s.AffinityTermsPath != nil {
		if v, ok := at(values, s.AffinityTermsPath); ok {
			terms, err := decodeTerms(v)
			if err != nil {
				return Placement{}, fmt.Errorf("%v: %w", s.AffinityTermsPath, err)
			}
			p.Terms = terms
		}
	}
	if s.InstanceLabelKeysPath != nil {
		keys, kok := at(values, s.InstanceLabelKeysPath)
		vals, vok := at(values, s.InstanceLabelValuesPath)
		if kok || vok {
			ks, vs := stringList(keys), stringList(vals)
			if !kok {
				ks = []string{s.DefaultTerms[0][0].Key}
			}
			if !vok {
				vs = s.DefaultTerms[0][0].Values
			}
			p.Terms = nil
			for _, k := range ks {
				p.Terms = append(p.Terms, []catalog.Requirement{{Key: k, Operator: "In", Values: vs}})
			}
		}
	}
	if len(s.FixedRequirements) > 0 && len(p.Terms) > 0 {
		last := len(p.Terms) - 1
		p.Terms[last] = append(p.Terms[last], s.FixedRequirements...)
	}
	if s.TolerationsPath != nil {
		if v, ok := at(values, s.TolerationsPath); ok {
			list, ok := v.([]any)
			if !ok {
				return Placement{}, fmt.Errorf("%v: want a list, got %T", s.TolerationsPath, v)
			}
			p.Tolerations = nil
			for _, e := range list {
				m, _ := e.(map[string]any)
				p.Tolerations = append(p.Tolerations, catalog.Toleration{
					Key: str(m["key"]), Operator: str(m["operator"]), Value: str(m["value"]), Effect: str(m["effect"]),
				})
			}
		}
	}
	p.Tolerations = append(p.Tolerations, s.FixedTolerations...)
	return p, nil
}

// Admits reports whether a node with these labels and taints runs the
// agent, and if not, why.
func (p Placement) Admits(labels map[string]string, taints []NodeTaint) (bool, string) {
	for k, v := range p.NodeSelector {
		if labels[k] != v {
			return false, fmt.Sprintf("nodeSelector %s=%s does not match", k, v)
		}
	}
	if len(p.Terms) > 0 && !slices.ContainsFunc(p.Terms, func(term []catalog.Requirement) bool { return matchesAll(term, labels) }) {
		return false, "no required node-affinity term matches"
	}
	for _, t := range taints {
		if t.Effect != "NoSchedule" && t.Effect != "NoExecute" {
			continue
		}
		if !slices.ContainsFunc(p.Tolerations, func(tol catalog.Toleration) bool { return tolerates(tol, t) }) {
			return false, fmt.Sprintf("taint %s=%s:%s is not tolerated", t.Key, t.Value, t.Effect)
		}
	}
	return true, ""
}

func matchesAll(term []catalog.Requirement, labels map[string]string) bool {
	for _, r := range term {
		v, has := labels[r.Key]
		switch r.Operator {
		case "In":
			if !has || !slices.Contains(r.Values, v) {
				return false
			}
		case "NotIn":
			if has && slices.Contains(r.Values, v) {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func tolerates(tol catalog.Toleration, t NodeTaint) bool {
	if tol.Effect != "" && tol.Effect != t.Effect {
		return false
	}
	if tol.Key == "" && tol.Operator == "Exists" {
		return true
	}
	if tol.Key != t.Key {
		return false
	}
	return tol.Operator == "Exists" || tol.Value == t.Value
}

// at walks nested maps.
func at(m map[string]any, path []string) (any, bool) {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func decodeTerms(v any) ([][]catalog.Requirement, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of terms, got %T", v)
	}
	var out [][]catalog.Requirement
	for _, t := range list {
		tm, _ := t.(map[string]any)
		exprs, _ := tm["matchExpressions"].([]any)
		var term []catalog.Requirement
		for _, e := range exprs {
			em, _ := e.(map[string]any)
			term = append(term, catalog.Requirement{Key: str(em["key"]), Operator: str(em["operator"]), Values: stringList(em["values"])})
		}
		out = append(out, term)
	}
	return out, nil
}

func cloneTerms(terms [][]catalog.Requirement) [][]catalog.Requirement {
	out := make([][]catalog.Requirement, len(terms))
	for i, t := range terms {
		out[i] = slices.Clone(t)
	}
	return out
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// stringList reads a YAML list as strings.
func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, fmt.Sprint(e))
	}
	return out
}
