package rules

import (
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/access"
)

// unknownValue stands for a computed value inside a policy document (or any
// value converted by toGo): no check matches it.
type unknownValue struct{}

// toGo converts a property value to plain Go values (nil, bool, float64,
// string, []any, map[string]any). Computed values, and values that are not
// data (resource references, assets), become unknownValue. Secrets keep
// their plaintext when it is known.
func toGo(v property.Value) any {
	switch {
	case v.IsComputed():
		return unknownValue{}
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		elems := v.AsArray().AsSlice()
		out := make([]any, len(elems))
		for i, e := range elems {
			out[i] = toGo(e)
		}
		return out
	case v.IsMap():
		out := map[string]any{}
		for k, e := range v.AsMap().All {
			out[k] = toGo(e)
		}
		return out
	}
	return unknownValue{}
}

// policyDocument reads an IAM-style policy document (IAM, trust, key and
// bucket policies) at path: a JSON string, as pulumi-aws takes it, or an
// object. ok is false when the document is absent, unknown or not a JSON
// object: such a document is never judged.
func policyDocument(m property.Map, path ...string) (map[string]any, bool) {
	v, p := lookup(m, path...)
	if p != present {
		return nil, false
	}
	return policyDocumentValue(v)
}

// policyDocumentValue is policyDocument for a value already in hand.
func policyDocumentValue(v property.Value) (map[string]any, bool) {
	switch {
	case v.IsString():
		var doc map[string]any
		if err := json.Unmarshal([]byte(v.AsString()), &doc); err != nil || doc == nil {
			return nil, false
		}
		return doc, true
	case v.IsMap():
		doc, ok := toGo(v).(map[string]any)
		return doc, ok
	}
	return nil, false
}

// statements returns the statements of a policy document (Statement may be
// one object or a list). Elements that are not objects are skipped.
func statements(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch s := doc["Statement"].(type) {
	case map[string]any:
		out = append(out, s)
	case []any:
		for _, e := range s {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// isAllow reports whether a statement is known to allow. An unknown Effect is
// not an allow (it cannot be judged).
func isAllow(st map[string]any) bool {
	e, ok := st["Effect"].(string)
	return ok && strings.EqualFold(e, "Allow")
}

// stringsOf reads a policy element that may be one string or a list of
// strings; unknown elements are skipped.
func stringsOf(x any) []string {
	switch x := x.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// wildcardPrincipal reports whether an allow statement applies to anyone:
// Principal "*", {"AWS": "*"} (alone or in a list), or a NotPrincipal (which
// allows everyone but the principals listed).
func wildcardPrincipal(st map[string]any) bool {
	if _, ok := st["NotPrincipal"]; ok {
		return true
	}
	switch p := st["Principal"].(type) {
	case string:
		return p == "*"
	case map[string]any:
		for _, v := range stringsOf(p["AWS"]) {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

// hasCondition reports whether a statement carries a non-empty Condition (or
// one that is unknown, which is given the benefit of the doubt).
func hasCondition(st map[string]any) bool {
	switch c := st["Condition"].(type) {
	case map[string]any:
		return len(c) > 0
	case unknownValue:
		return true
	}
	return false
}

// statementID names a statement in messages: its Sid, else its position.
func statementID(st map[string]any, i int) string {
	if sid, ok := st["Sid"].(string); ok && sid != "" {
		return "statement " + sid
	}
	return "statement " + itoa(i)
}

// itoa formats a small non-negative index without importing strconv in
// every rule file.
func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// isDeny reports whether a statement is known to deny.
func isDeny(st map[string]any) bool {
	e, ok := st["Effect"].(string)
	return ok && strings.EqualFold(e, "Deny")
}

// deniesPlainHTTP reports whether a deny statement applies to requests
// without TLS: a Bool (or BoolIfExists) condition aws:SecureTransport false.
func deniesPlainHTTP(st map[string]any) bool {
	cond, ok := st["Condition"].(map[string]any)
	if !ok {
		return false
	}
	for _, op := range []string{"Bool", "BoolIfExists"} {
		m, ok := cond[op].(map[string]any)
		if !ok {
			continue
		}
		for k, v := range m {
			if strings.EqualFold(k, "aws:SecureTransport") && slicesContainsFold(stringsOf(v), "false") {
				return true
			}
		}
	}
	return false
}

// conditionValues returns the values of a condition key under an operator,
// matching the key without regard to case (IAM condition keys are case
// insensitive).
func conditionValues(st map[string]any, operator, key string) []string {
	cond, _ := st["Condition"].(map[string]any)
	m, _ := cond[operator].(map[string]any)
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return stringsOf(v)
		}
	}
	return nil
}

// principals returns the principals of a statement of one kind ("AWS",
// "Service"); "*" for a bare Principal "*".
func principals(st map[string]any, kind string) []string {
	switch p := st["Principal"].(type) {
	case string:
		return []string{p}
	case map[string]any:
		return stringsOf(p[kind])
	}
	return nil
}

// actionsCover reports whether a statement's actions include action,
// honouring wildcards ("kms:*", "kms:GenerateDataKey*", "*").
func actionsCover(st map[string]any, action string) bool {
	for _, a := range stringsOf(st["Action"]) {
		if access.ActionMatches(a, action) {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against a pattern with * wildcards only, as
// OpenSearch Serverless policy rules do (IAM actions and ARNs use
// access.Glob, which also takes "?").
func wildcardMatch(pattern, s string) bool {
	prefix, rest, wild := strings.Cut(pattern, "*")
	if !wild {
		return pattern == s
	}
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	s = s[len(prefix):]
	for i := 0; i <= len(s); i++ {
		if wildcardMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}

func slicesContainsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}
