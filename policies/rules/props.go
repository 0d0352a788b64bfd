package rules

import (
	"encoding/json"
	"math"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// presence says what a property read found. Rules must treat unknown as "cannot
// judge": a computed value never produces a violation.
type presence int

const (
	absent  presence = iota // not set, null, or the path runs through a non-map
	unknown                 // computed at some step of the path
	present                 // a known, non-null value
)

// lookup walks path through nested maps without ever panicking: a computed
// value anywhere on the path makes the result unknown; a missing key, a null or
// a non-map in the middle makes it absent.
func lookup(m property.Map, path ...string) (property.Value, presence) {
	v := property.New(m)
	for _, key := range path {
		switch {
		case v.IsComputed():
			return property.Value{}, unknown
		case !v.IsMap():
			return property.Value{}, absent
		}
		next, ok := v.AsMap().GetOk(key)
		if !ok {
			return property.Value{}, absent
		}
		v = next
	}
	switch {
	case v.IsComputed():
		return v, unknown
	case v.IsNull():
		return v, absent
	}
	return v, present
}

// isUnknown reports whether the value at path is computed (or sits under a
// computed value).
func isUnknown(m property.Map, path ...string) bool {
	_, p := lookup(m, path...)
	return p == unknown
}

// getString returns the known string at path; ok is false when it is absent,
// unknown or not a string.
func getString(m property.Map, path ...string) (s string, ok bool) {
	v, p := lookup(m, path...)
	if p != present {
		return "", false
	}
	return asString(v)
}

// getBool returns the known boolean at path. pulumi-aws sends some booleans as
// the strings "true"/"false" (launch template EBS and network interface
// fields), so those are accepted too.
func getBool(m property.Map, path ...string) (b bool, ok bool) {
	v, p := lookup(m, path...)
	if p != present {
		return false, false
	}
	return asBool(v)
}

// getNumber returns the known number at path.
func getNumber(m property.Map, path ...string) (n float64, ok bool) {
	v, p := lookup(m, path...)
	if p != present {
		return 0, false
	}
	return asNumber(v)
}

// getMap returns the known map at path. Its values may still be computed.
func getMap(m property.Map, path ...string) (property.Map, bool) {
	v, p := lookup(m, path...)
	if p != present {
		return property.Map{}, false
	}
	return asMap(v)
}

// getArray returns the elements of the known array at path. Elements may
// still be computed.
func getArray(m property.Map, path ...string) ([]property.Value, bool) {
	v, p := lookup(m, path...)
	if p != present {
		return nil, false
	}
	return asArray(v)
}

// asString converts v when it is a known string.
func asString(v property.Value) (string, bool) {
	if !v.IsString() {
		return "", false
	}
	return v.AsString(), true
}

// asBool converts v when it is a known boolean or the string "true"/"false".
func asBool(v property.Value) (bool, bool) {
	switch {
	case v.IsBool():
		return v.AsBool(), true
	case v.IsString():
		switch v.AsString() {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// asNumber converts v when it is a known number.
func asNumber(v property.Value) (float64, bool) {
	if !v.IsNumber() {
		return 0, false
	}
	return v.AsNumber(), true
}

// asMap converts v when it is a known map.
func asMap(v property.Value) (property.Map, bool) {
	if !v.IsMap() {
		return property.Map{}, false
	}
	return v.AsMap(), true
}

// asArray converts v when it is a known array.
func asArray(v property.Value) ([]property.Value, bool) {
	if !v.IsArray() {
		return nil, false
	}
	return v.AsArray().AsSlice(), true
}

// cfgStrings reads a string-list config value as JSON decoding gives it
// ([]any) or as Go code writes it ([]string); other elements are skipped.
func cfgStrings(cfg map[string]any, key string) []string {
	switch v := cfg[key].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// cfgNumber reads a numeric config value in any of the forms JSON decoding or
// Go code produce.
func cfgNumber(cfg map[string]any, key string) (float64, bool) {
	return toFloat(cfg[key])
}

// cfgBool reads a boolean config value.
func cfgBool(cfg map[string]any, key string) (bool, bool) {
	b, ok := cfg[key].(bool)
	return b, ok
}

// cfgString reads a string config value.
func cfgString(cfg map[string]any, key string) (string, bool) {
	s, ok := cfg[key].(string)
	return s, ok
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n)
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// getStrings returns the string elements of the array at path. p is absent
// when there is no array; unknown when the array, or any element of it, is
// computed (vals then holds the elements that are known); present when every
// element is known. Elements of other kinds are skipped.
func getStrings(m property.Map, path ...string) (vals []string, p presence) {
	v, p := lookup(m, path...)
	if p != present {
		return nil, p
	}
	return stringElems(v)
}

// stringElems is getStrings for a value already in hand. A single known
// string counts as a one-element list, as AWS policy documents allow.
func stringElems(v property.Value) ([]string, presence) {
	switch {
	case v.IsComputed():
		return nil, unknown
	case v.IsNull():
		return nil, absent
	case v.IsString():
		return []string{v.AsString()}, present
	case !v.IsArray():
		return nil, absent
	}
	p := present
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		switch {
		case e.IsComputed():
			p = unknown
		case e.IsString():
			out = append(out, e.AsString())
		}
	}
	return out, p
}

// getMaps returns the map elements of the array at path; a computed element
// or a computed array makes p unknown (the known maps are still returned).
// A single map where a list is expected counts as a one-element list (some
// nested blocks are objects in one provider version and lists in another).
func getMaps(m property.Map, path ...string) (maps []property.Map, p presence) {
	v, p := lookup(m, path...)
	if p != present {
		return nil, p
	}
	if v.IsMap() {
		return []property.Map{v.AsMap()}, present
	}
	if !v.IsArray() {
		return nil, absent
	}
	for _, e := range v.AsArray().AsSlice() {
		switch {
		case e.IsComputed():
			p = unknown
		case e.IsMap():
			maps = append(maps, e.AsMap())
		}
	}
	return maps, p
}

// isSet reports whether path holds a value that counts as configured: a
// known non-empty value, or an unknown one (which will be configured once
// known). Absent, null and empty strings are not set.
func isSet(m property.Map, path ...string) bool {
	v, p := lookup(m, path...)
	switch p {
	case unknown:
		return true
	case absent:
		return false
	}
	if s, ok := asString(v); ok {
		return s != ""
	}
	return true
}
