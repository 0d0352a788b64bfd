package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/conventions"
)

// A configuration area declared once: each key is one Key value (its name,
// what it means, its default and what is allowed), and one generic decoder
// reads the stack file's object into the area's validated struct with
// them: unknown keys, wrong types, defaults and bounds, every problem named
// by its full key path, in the order the keys are declared. The
// configuration reference (docs/configuration.md) is generated from the
// same declarations (Reference; TestReferenceIsGenerated). Rules that span
// several keys stay hand-written beside the declarations.
//
// Areas declared so far: ml-platform:observability, ml-platform:promotion. The others still go
// through their input structs and parse functions (docs/development.md,
// "Add a configuration key").

// Key declares one key of an area.
type Key struct {
	// Name is the key in the stack file (JSON name).
	Name string
	// Field is the Go field it fills in the area's struct; "" is Name
	// with its first letter upper-cased.
	Field string
	// Doc says what the key does, for the reference.
	Doc string
	// Default is the value when the key is absent, per environment and
	// project (nil: the field's zero value).
	Default func(Context) any
	// Check says what is wrong with a value ("" when it is allowed).
	Check Check
	// Keys declare an object's keys: the key then fills a pointer to a
	// struct, set only when the object's Enabled key is true.
	Keys []Key
	// Enabled names the boolean key that switches an object on.
	Enabled string
}

// Context is what a default may depend on.
type Context struct {
	Env     conventions.Environment
	Project string
}

// Check validates one value and describes what is allowed.
type Check struct {
	// Allowed describes the allowed values, for messages and the reference.
	Allowed string
	// Why, when set, follows the allowed values in messages.
	Why string
	// OK says whether a number is allowed.
	OK func(v float64) bool
	// OKString says whether a string is allowed; What names what it must
	// be ("a Pulumi name") in the message.
	OKString func(v string) bool
	What     string
}

// Always is a default that depends on nothing.
func Always(v any) func(Context) any {
	return func(Context) any { return v }
}

// Matching allows the strings a pattern matches.
func Matching(what, allowed string, ok func(string) bool) Check {
	return Check{What: what, Allowed: allowed, OKString: ok}
}

// Between allows lo to hi, both included.
func Between(lo, hi int, why string) Check {
	return Check{Allowed: fmt.Sprintf("%d to %d", lo, hi), Why: why,
		OK: func(v float64) bool { return v >= float64(lo) && v <= float64(hi) }}
}

// AtLeast allows lo or more of unit.
func AtLeast(lo int, unit string) Check {
	return Check{Allowed: fmt.Sprintf("%d or more %s", lo, unit), OK: func(v float64) bool { return v >= float64(lo) }}
}

// Percent allows a share above 0 and below 100.
func Percent() Check {
	return Check{Allowed: "above 0 and below 100", Why: "percent", OK: func(v float64) bool { return v > 0 && v < 100 }}
}

func (k Key) field() string {
	if k.Field != "" {
		return k.Field
	}
	return strings.ToUpper(k.Name[:1]) + k.Name[1:]
}

// decodeArea reads raw (the area's JSON object; "" when the stack file does
// not set it) into out, a pointer to the area's struct, applying the
// declarations.
func decodeArea(area, raw string, keys []Key, env Context, out any, p *problems) {
	obj := map[string]any{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
			p.add(area, "must be an object (a YAML map in the stack file); got %q", truncate(raw, 40))
			obj = map[string]any{}
		}
	}
	decodeKeys(area, obj, keys, env, reflect.ValueOf(out).Elem(), p)
}

func decodeKeys(path string, obj map[string]any, keys []Key, env Context, out reflect.Value, p *problems, also ...string) {
	names := slices.Clone(also)
	for _, k := range keys {
		names = append(names, k.Name)
	}
	allowed := slices.Sorted(slices.Values(names))
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(names, name) {
			p.add(path+"."+name, "unknown key; allowed: %s", strings.Join(allowed, ", "))
		}
	}
	for _, k := range keys {
		key := path + "." + k.Name
		f := out.FieldByName(k.field())
		if !f.IsValid() {
			panic(fmt.Sprintf("config: %s declares field %s, which %s lacks", key, k.field(), out.Type()))
		}
		raw, set := obj[k.Name]
		if k.Keys != nil {
			decodeObjectKey(key, raw, set, k, env, f, p)
			continue
		}
		v := reflect.Zero(f.Type())
		if k.Default != nil {
			v = reflect.ValueOf(k.Default(env)).Convert(f.Type())
		}
		if set {
			got, ok := convert(raw, f.Type())
			if n, isNumber := raw.(float64); !ok && isNumber && f.Kind() == reflect.Int {
				p.add(key, "expected a whole number, got %v", n)
				continue
			}
			if !ok {
				p.add(key, "expected %s, got %s", describeType(f.Type()), jsonKind(raw))
				continue
			}
			v = got
		}
		f.Set(v)
		if k.Check.OKString != nil && !k.Check.OKString(v.String()) {
			p.add(key, "%q is not %s; allowed: %s", v.String(), k.Check.What, k.Check.Allowed)
		}
		if k.Check.OK != nil {
			n := toFloat(v)
			if !k.Check.OK(n) {
				msg := fmt.Sprintf("%v; allowed: %s", v.Interface(), k.Check.Allowed)
				if k.Check.Why != "" {
					msg += " (" + k.Check.Why + ")"
				}
				p.add(key, "%s", msg)
			}
		}
	}
}

// decodeObjectKey fills a pointer to a struct from a nested object, when
// its Enabled key is true; its keys are checked either way.
func decodeObjectKey(key string, raw any, set bool, k Key, env Context, f reflect.Value, p *problems) {
	if !set {
		return
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		p.add(key, "expected an object, got %s", jsonKind(raw))
		return
	}
	rest := maps.Clone(obj)
	on := false
	if k.Enabled != "" {
		switch v := obj[k.Enabled].(type) {
		case bool:
			on = v
		case nil:
		default:
			p.add(key+"."+k.Enabled, "expected true or false, got %s", jsonKind(v))
		}
		delete(rest, k.Enabled)
	}
	target := reflect.New(f.Type().Elem())
	if on {
		decodeKeys(key, rest, k.Keys, env, target.Elem(), p, k.Enabled)
		f.Set(target)
		return
	}
	// Off: the object's keys and types are still checked, its values not.
	var scratch problems
	decodeKeys(key, rest, k.Keys, env, target.Elem(), &scratch, k.Enabled)
	for _, e := range scratch {
		if fe, ok := e.(*FieldError); ok && (strings.HasPrefix(fe.Message, "unknown key") || strings.HasPrefix(fe.Message, "expected ")) {
			*p = append(*p, e)
		}
	}
}

// convert reads a JSON value as a Go value of type t.
func convert(raw any, t reflect.Type) (reflect.Value, bool) {
	switch t.Kind() {
	case reflect.Int:
		n, ok := raw.(float64)
		if !ok || n != float64(int(n)) {
			return reflect.Value{}, false
		}
		return reflect.ValueOf(int(n)), true
	case reflect.Float64:
		n, ok := raw.(float64)
		return reflect.ValueOf(n), ok
	case reflect.Bool:
		b, ok := raw.(bool)
		return reflect.ValueOf(b), ok
	case reflect.String:
		s, ok := raw.(string)
		return reflect.ValueOf(s), ok
	}
	return reflect.Value{}, false
}

func toFloat(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Int:
		return float64(v.Int())
	case reflect.Float64:
		return v.Float()
	}
	return 0
}

func jsonKind(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	case string:
		return "string"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// Reference is the configuration reference of a declared area: a Markdown
// table row per key, with its type (from the field it fills in area, the
// area's struct), its default (per environment where it differs) and what
// is allowed.
func Reference(key string, keys []Key, area any) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Allowed | What it does |\n|---|---|---|---|---|\n")
	referenceRows(&b, key, keys, reflect.TypeOf(area))
	return b.String()
}

func referenceRows(b *strings.Builder, path string, keys []Key, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, k := range keys {
		key := path + "." + k.Name
		f, _ := t.FieldByName(k.field())
		if k.Keys != nil {
			fmt.Fprintf(b, "| `%s.%s` | boolean | `false` | true, false | %s |\n", key, k.Enabled, k.Doc)
			referenceRows(b, key, k.Keys, f.Type)
			continue
		}
		def := "none"
		if k.Default != nil {
			dev := k.Default(Context{Env: conventions.Dev, Project: "<project>"})
			prod := k.Default(Context{Env: conventions.Prod, Project: "<project>"})
			def = fmt.Sprintf("`%v`", dev)
			if fmt.Sprint(prod) != fmt.Sprint(dev) {
				def = fmt.Sprintf("`%v` (dev), `%v` (prod)", dev, prod)
			}
		}
		allowed := k.Check.Allowed
		if k.Check.Why != "" {
			allowed += " (" + k.Check.Why + ")"
		}
		typ := describeType(f.Type)
		switch f.Type.Kind() {
		case reflect.Int:
			typ = "integer"
		case reflect.Float64:
			typ = "number"
		case reflect.Bool:
			typ = "boolean"
			if allowed == "" {
				allowed = "true, false"
			}
		case reflect.String:
			typ = "string"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", key, typ, def, allowed, k.Doc)
	}
}
