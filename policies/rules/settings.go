package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// AllRules is the reserved settings key that sets the level of every rule at
// once, as in Pulumi's --policy-pack-config; a rule's own setting wins over it.
const AllRules = "all"

// Setting overrides one rule's level and/or config (as --policy-pack-config
// gives them).
type Setting struct {
	Level  Level          `json:"enforcementLevel,omitempty"`
	Config map[string]any `json:"-"` // the other keys of the rule's object
}

// UnmarshalJSON accepts both forms Pulumi accepts for one rule: a bare level
// string ("mandatory") or an object with an optional enforcementLevel and the
// rule's config keys.
func (s *Setting) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return errors.New("must be an enforcement level string or an object, got null")
	}
	var level string
	if err := json.Unmarshal(data, &level); err == nil {
		l, err := ParseLevel(level)
		if err != nil {
			return err
		}
		*s = Setting{Level: l}
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal(data, &obj); err != nil {
		return errors.New("must be an enforcement level string or an object")
	}
	out := Setting{}
	if raw, ok := obj["enforcementLevel"]; ok {
		str, isString := raw.(string)
		if !isString {
			return fmt.Errorf("enforcementLevel must be a string (allowed: %s)", levelList())
		}
		l, err := ParseLevel(str)
		if err != nil {
			return err
		}
		out.Level = l
		delete(obj, "enforcementLevel")
	}
	if len(obj) > 0 {
		out.Config = obj
	}
	*s = out
	return nil
}

// MarshalJSON writes the object form: enforcementLevel (when set) beside the
// config keys.
func (s Setting) MarshalJSON() ([]byte, error) {
	obj := make(map[string]any, len(s.Config)+1)
	maps.Copy(obj, s.Config)
	if s.Level != "" {
		obj["enforcementLevel"] = s.Level
	}
	return json.Marshal(obj)
}

// Settings maps a rule name (or AllRules) to its override.
type Settings map[string]Setting

// ParseSettings reads the --policy-pack-config JSON:
// {"rule": {"enforcementLevel": "...", "key": value}, "all": "mandatory"|{...}}.
// Every problem is reported at once: unknown rule names, bad levels, config
// keys the rule does not have, and values of the wrong type, each naming the
// rule and key.
func ParseSettings(data []byte) (Settings, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("policy config: not a JSON object: %w", err)
	}
	if raw == nil {
		return nil, errors.New("policy config: not a JSON object")
	}
	schemas := configSchemas()
	out := make(Settings, len(raw))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		schema, known := schemas[name]
		if !known && name != AllRules {
			errs = append(errs, fmt.Errorf("policy config: unknown policy %q (known: %s)",
				name, strings.Join(Names(), ", ")))
			continue
		}
		var s Setting
		if err := json.Unmarshal(raw[name], &s); err != nil {
			errs = append(errs, fmt.Errorf("policy config: policy %q: %w", name, err))
			continue
		}
		if name == AllRules {
			for _, k := range slices.Sorted(maps.Keys(s.Config)) {
				errs = append(errs, fmt.Errorf("policy config: %q takes only enforcementLevel, got %q", AllRules, k))
			}
		} else {
			for _, err := range validateConfig(schema, s.Config) {
				errs = append(errs, fmt.Errorf("policy config: policy %q: %w", name, err))
			}
		}
		out[name] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// LevelFor returns the level rule name runs at: its own setting, else the
// "all" setting, else def (the rule's default).
func (s Settings) LevelFor(name string, def Level) Level {
	if l := s[name].Level; l != "" {
		return l
	}
	if l := s[AllRules].Level; l != "" {
		return l
	}
	return def
}

// ConfigFor returns the config rule name runs with: defaults overlaid by the
// rule's setting.
func (s Settings) ConfigFor(name string, defaults map[string]any) map[string]any {
	return MergeConfig(defaults, s[name].Config)
}

// configSchemas maps every rule name to its config schema (nil when it takes
// no config).
func configSchemas() map[string]map[string]map[string]any {
	out := map[string]map[string]map[string]any{}
	for _, r := range Rules() {
		out[r.Name] = r.ConfigSchema
	}
	for _, r := range StackRules() {
		out[r.Name] = r.ConfigSchema
	}
	return out
}

// validateConfig checks cfg against the subset of JSON schema the rules use:
// type (string, number, integer, boolean, array with items.type, object),
// enum, minimum and maximum.
func validateConfig(schema map[string]map[string]any, cfg map[string]any) []error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(cfg)) {
		prop, ok := schema[key]
		if !ok {
			allowed := "none"
			if len(schema) > 0 {
				allowed = strings.Join(slices.Sorted(maps.Keys(schema)), ", ")
			}
			errs = append(errs, fmt.Errorf("unknown config key %q (allowed: %s)", key, allowed))
			continue
		}
		if err := checkValue(prop, cfg[key]); err != nil {
			errs = append(errs, fmt.Errorf("config %q: %w", key, err))
		}
	}
	return errs
}

func checkValue(schema map[string]any, v any) error {
	typ, _ := schema["type"].(string)
	switch typ {
	case "string":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("must be a string, got %s", jsonKind(v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("must be a boolean, got %s", jsonKind(v))
		}
	case "number", "integer":
		n, ok := toFloat(v)
		if !ok {
			return fmt.Errorf("must be a number, got %s", jsonKind(v))
		}
		if typ == "integer" && n != math.Trunc(n) {
			return fmt.Errorf("must be an integer, got %v", n)
		}
		if lo, ok := toFloat(schema["minimum"]); ok && n < lo {
			return fmt.Errorf("must be at least %v, got %v", lo, n)
		}
		if hi, ok := toFloat(schema["maximum"]); ok && n > hi {
			return fmt.Errorf("must be at most %v, got %v", hi, n)
		}
	case "array":
		elems, ok := v.([]any)
		if !ok {
			return fmt.Errorf("must be an array, got %s", jsonKind(v))
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range elems {
				if err := checkValue(items, e); err != nil {
					return fmt.Errorf("element %d: %w", i, err)
				}
			}
		}
	case "object":
		if _, ok := v.(map[string]any); !ok {
			return fmt.Errorf("must be an object, got %s", jsonKind(v))
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return sameScalar(e, v) }) {
		return fmt.Errorf("must be one of %v, got %v", enum, v)
	}
	return nil
}

// sameScalar compares two config scalars, numbers by value whatever their Go
// type; maps and slices never match (and never panic).
func sameScalar(a, b any) bool {
	if x, ok := toFloat(a); ok {
		y, ok := toFloat(b)
		return ok && x == y
	}
	switch a.(type) {
	case string, bool:
		return a == b
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
