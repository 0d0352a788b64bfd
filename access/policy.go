package access

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Policy is one parsed policy document: an identity policy, a resource
// policy (bucket, key, topic, queue, registry), a trust policy or a VPC
// endpoint policy.
type Policy struct {
	// Name says where the document lives, for the statements a decision
	// cites ("bucket policy urn:...", "inline policy x of role y").
	Name string
	// Statements in document order.
	Statements []Statement
	// Unknown, when set, says why the document's text is not known (a
	// value computed at deploy time, a managed policy outside the stack):
	// any of its statements may apply.
	Unknown string
}

// Statement is one statement of a document, its elements normalised to
// lists. A nil list means the element is absent.
type Statement struct {
	Sid    string
	Effect string // "Allow" or "Deny"
	// Principal and NotPrincipal map a principal type (AWS, Service,
	// Federated, CanonicalUser) to its values; Principal "*" is {"*": ["*"]}.
	Principal, NotPrincipal map[string][]string
	Action, NotAction       []string
	Resource, NotResource   []string
	// Condition maps an operator (StringEquals, ForAnyValue:ArnLike, ...)
	// to keys and their values.
	Condition map[string]map[string][]string
	// Index is the statement's position in its document.
	Index int
}

// Ref names a statement in a decision: the document and the Sid (or the
// position when the statement has no Sid).
func (s Statement) Ref(p *Policy) string {
	id := s.Sid
	if id == "" {
		id = fmt.Sprintf("#%d", s.Index)
	}
	return fmt.Sprintf("%s %s %s", p.Name, s.Effect, id)
}

// ParseJSON parses a policy document from its JSON text.
func ParseJSON(name, text string) (*Policy, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("%s: not a JSON policy document: %w", name, err)
	}
	return ParseMap(name, doc)
}

// ParseMap parses a policy document already decoded from JSON
// (map[string]any with string, []any and map[string]any values).
func ParseMap(name string, doc map[string]any) (*Policy, error) {
	if doc == nil {
		return nil, fmt.Errorf("%s: empty policy document", name)
	}
	p := &Policy{Name: name}
	var raw []any
	switch s := doc["Statement"].(type) {
	case map[string]any:
		raw = []any{s}
	case []any:
		raw = s
	case nil:
		return nil, fmt.Errorf("%s: no Statement", name)
	default:
		return nil, fmt.Errorf("%s: Statement is neither an object nor a list", name)
	}
	for i, e := range raw {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: statement %d is not an object", name, i)
		}
		st, err := parseStatement(m)
		if err != nil {
			return nil, fmt.Errorf("%s: statement %d: %w", name, i, err)
		}
		st.Index = i
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

// Unknowable returns a document whose text cannot be known, with the reason.
func Unknowable(name, reason string) *Policy {
	return &Policy{Name: name, Unknown: reason}
}

func parseStatement(m map[string]any) (Statement, error) {
	st := Statement{}
	st.Sid, _ = m["Sid"].(string)
	effect, _ := m["Effect"].(string)
	switch {
	case strings.EqualFold(effect, "Allow"):
		st.Effect = "Allow"
	case strings.EqualFold(effect, "Deny"):
		st.Effect = "Deny"
	default:
		return st, fmt.Errorf("Effect %q is neither Allow nor Deny", effect)
	}
	var err error
	if st.Action, err = stringList(m, "Action"); err != nil {
		return st, err
	}
	if st.NotAction, err = stringList(m, "NotAction"); err != nil {
		return st, err
	}
	if st.Resource, err = stringList(m, "Resource"); err != nil {
		return st, err
	}
	if st.NotResource, err = stringList(m, "NotResource"); err != nil {
		return st, err
	}
	if (st.Action == nil) == (st.NotAction == nil) {
		return st, fmt.Errorf("exactly one of Action and NotAction is required")
	}
	if st.Principal, err = principalMap(m["Principal"]); err != nil {
		return st, fmt.Errorf("Principal: %w", err)
	}
	if st.NotPrincipal, err = principalMap(m["NotPrincipal"]); err != nil {
		return st, fmt.Errorf("NotPrincipal: %w", err)
	}
	if c, ok := m["Condition"]; ok && c != nil {
		cm, ok := c.(map[string]any)
		if !ok {
			return st, fmt.Errorf("Condition is not an object")
		}
		st.Condition = map[string]map[string][]string{}
		for op, kv := range cm {
			km, ok := kv.(map[string]any)
			if !ok {
				return st, fmt.Errorf("Condition %s is not an object", op)
			}
			st.Condition[op] = map[string][]string{}
			for k, v := range km {
				vals, err := values(v)
				if err != nil {
					return st, fmt.Errorf("Condition %s %s: %w", op, k, err)
				}
				st.Condition[op][k] = vals
			}
		}
	}
	return st, nil
}

func stringList(m map[string]any, key string) ([]string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	out, err := values(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// values reads one string, number or bool, or a list of them, as strings.
func values(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case bool:
		return []string{fmt.Sprint(v)}, nil
	case float64:
		return []string{strings.TrimSuffix(fmt.Sprintf("%f", v), ".000000")}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, err := values(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("value %v is not a string or a list of strings", v)
}

func principalMap(v any) (map[string][]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		if v != "*" {
			return nil, fmt.Errorf("%q: a principal string must be \"*\"", v)
		}
		return map[string][]string{"*": {"*"}}, nil
	case map[string]any:
		out := map[string][]string{}
		for k, e := range v {
			vals, err := values(e)
			if err != nil {
				return nil, err
			}
			out[k] = vals
		}
		return out, nil
	}
	return nil, fmt.Errorf("neither \"*\" nor an object")
}

// sortedKeys returns a map's keys in order, so that evaluation and its
// explanations are the same every run.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// Has reports whether the policy has a statement with the given Sid.
func (p *Policy) Has(sid string) bool {
	return slices.ContainsFunc(p.Statements, func(s Statement) bool { return s.Sid == sid })
}
