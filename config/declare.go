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
// Every area is declared (Areas); Pulumi.yaml's config block is generated
// from them too (ProjectYAML; TestPulumiYAML). docs/development.md, "Add a
// configuration key", walks through adding one.

// Area is one configuration area declared once.
type Area struct {
	// Key is the area's full key (ml-platform:storage).
	Key string
	// Doc says what the area configures, for Pulumi.yaml.
	Doc string
	// Keys declare its keys.
	Keys []Key
	// Struct is the zero value of the struct the area fills.
	Struct any
	// Switch: setting the area at all turns something on, so leaving it
	// out differs from setting it to {}. Pulumi.yaml cannot declare such
	// a key: a typed key there needs a value or a default.
	Switch bool
}

// Areas are the areas declared so far, in the order of the reference.
var Areas = []Area{
	{Key: KeyNetwork, Doc: "The VPC: its blocks, zones, NAT gateways, interface endpoints, flow logs and hybrid link (docs/configuration.md#network-keys).",
		Keys: NetworkKeys, Struct: Network{}},
	{Key: KeyBedrock, Doc: "Guardrail, models, invocation logging, application access, knowledge base and provisioned throughput; setting it turns Bedrock on (docs/configuration.md#bedrock-keys).",
		Keys: BedrockKeys, Struct: Bedrock{}, Switch: true},
	{Key: KeyCluster, Doc: "EKS: version, API access, node groups, add-ons, access entries, Karpenter and logs (docs/configuration.md#cluster-keys).",
		Keys: ClusterKeys, Struct: Cluster{}},
	{Key: KeyCost, Doc: "Budgets, their alerts and action, Cost Anomaly Detection and the usage the estimate prices (docs/configuration.md#cost-keys).",
		Keys: CostKeys, Struct: Cost{}},
	{Key: KeySageMaker, Doc: "The Studio domain, model registry, pipeline, endpoints, Feature Store and monitoring (docs/configuration.md#sagemaker-keys).",
		Keys: SageMakerKeys, Struct: SageMaker{}},
	{Key: KeyStorage, Doc: "Buckets, their lifecycle, FSx for Lustre and the example training job (docs/configuration.md#storage-keys).",
		Keys: StorageKeys, Struct: Storage{}},
	{Key: KeyServing, Doc: "In-cluster LLM servers: vLLM on the GPU pools with its model, fit, scaling and guardrail (docs/configuration.md#serving-keys).",
		Keys: ServingKeys, Struct: Serving{}},
	{Key: KeyObservability, Doc: "When the alarms fire, and the managed Prometheus path (docs/configuration.md#observability-keys).",
		Keys: ObservabilityKeys, Struct: Observability{}},
	{Key: KeyPromotion, Doc: "The stack whose models this stack's endpoints with promoteFrom serve (docs/configuration.md#promotion-keys).",
		Keys: PromotionKeys, Struct: Promotion{}, Switch: true},
}

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
	// Check says what is wrong with a value ("" when it is allowed); for
	// a list or a map, with each item.
	Check Check
	// Keys declare an object's keys. The key then fills a struct, a
	// pointer to a struct (set when the object is present and, with
	// Enabled, switched on) or a list of structs (one per item).
	Keys []Key
	// Group: the object's keys fill the enclosing struct (the stack file
	// nests them, the struct does not).
	Group bool
	// ByName: the stack file writes a list of structs as a map keyed by
	// this field of theirs (in name order). Value, when set, is the field
	// a map of plain values fills; otherwise each value is an object of
	// Keys. Merge: entries change the default list's entry of the same
	// name, key by key, instead of replacing the list.
	ByName, Value string
	Merge         bool
	// Derived describes a default a rule beside the declarations decides
	// from other keys, for the reference.
	Derived string
	// Required: the key has no default; a rule beside the declarations
	// refuses a stack file that leaves it out (the reference says so).
	Required bool
	// Enabled names the boolean key that switches an object on; On is
	// its value when the object leaves it out.
	Enabled string
	On      bool
}

// Context is what a default or a check may depend on.
type Context struct {
	Env            conventions.Environment
	Project, Stack string
	Region         string
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
	// Fn judges a value of any type in full: the message, "" when it is
	// allowed (see Rule).
	Fn func(c Context, v any) string
	// Name judges a map's key: the message, "" when it is allowed.
	Name func(name string) string
}

// Set holds the full paths of the keys a stack file sets, for the rules
// that span several keys.
type Set map[string]bool

// Always is a default that depends on nothing.
func Always(v any) func(Context) any {
	return func(Context) any { return v }
}

// ByEnv is a default that differs in prod-like stacks.
func ByEnv(dev, prod any) func(Context) any {
	return func(c Context) any {
		if c.Env.ProdLike() {
			return prod
		}
		return dev
	}
}

// Matching allows the strings a pattern matches.
func Matching(what, allowed string, ok func(string) bool) Check {
	return Check{What: what, Allowed: allowed, OKString: ok}
}

// Optional allows "" (the key left out) and the strings a pattern matches.
func Optional(what, allowed string, ok func(string) bool) Check {
	return Matching(what, allowed, func(v string) bool { return v == "" || ok(v) })
}

// OneOf allows the values listed; what names them ("a NAT layout").
func OneOf[T ~string](what string, values ...T) Check {
	return Check{What: what, Allowed: quoteAll(values), OKString: func(v string) bool { return slices.Contains(values, T(v)) }}
}

// Rule is a check written as a function of the field's own type: the
// message, "" when the value is allowed; allowed describes it for the
// reference.
func Rule[T any](allowed string, fn func(c Context, v T) string) Check {
	return Check{Allowed: allowed, Fn: func(c Context, v any) string { return fn(c, v.(T)) }}
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
// declarations; it returns the keys the stack file set.
func decodeArea(area, raw string, keys []Key, env Context, out any, p *problems) Set {
	obj := map[string]any{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
			p.add(area, "must be an object (a YAML map in the stack file); got %q", truncate(raw, 40))
			obj = map[string]any{}
		}
	}
	d := decoder{env: env, p: p, set: Set{}}
	d.keys(area, obj, keys, reflect.ValueOf(out).Elem())
	return d.set
}

// decodeValue reads one top-level key that is not an area (a map or a
// list) into out with the decoder, checking each entry with c.
func decodeValue(key, raw string, out any, c Check, p *problems) {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		v = raw
	}
	d := decoder{p: p, set: Set{}}
	target := reflect.ValueOf(out).Elem()
	if got, ok := d.convert(key, v, target.Type(), c); ok {
		target.Set(got)
	}
}

type decoder struct {
	env Context
	p   *problems
	set Set
	// keep leaves the keys a stack file leaves out as they are (merging
	// into a default entry) instead of setting their defaults.
	keep bool
}

func (d *decoder) keys(path string, obj map[string]any, keys []Key, out reflect.Value, also ...string) {
	names := slices.Clone(also)
	for _, k := range keys {
		names = append(names, k.Name)
	}
	allowed := slices.Sorted(slices.Values(names))
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(names, name) {
			d.p.add(path+"."+name, "unknown key; allowed: %s", strings.Join(allowed, ", "))
		}
	}
	for _, k := range keys {
		key := path + "." + k.Name
		raw, set := obj[k.Name]
		set = set && raw != nil // a key with no value (YAML `key:`) is left out
		if set {
			d.set[key] = true
		}
		if k.Group {
			if inner, ok := d.inner(key, raw, set); ok {
				d.keys(key, inner, k.Keys, out)
			}
			continue
		}
		f := out.FieldByName(k.field())
		if !f.IsValid() {
			panic(fmt.Sprintf("config: %s declares field %s, which %s lacks", key, k.field(), out.Type()))
		}
		if k.Keys != nil || k.ByName != "" {
			d.object(key, raw, set, k, f)
			continue
		}
		v := reflect.Zero(f.Type())
		if d.keep {
			v = f
		}
		if k.Default != nil && !d.keep {
			v = reflect.ValueOf(k.Default(d.env)).Convert(f.Type())
		}
		if set {
			got, ok := d.convert(key, raw, f.Type(), k.Check)
			if !ok {
				continue
			}
			v = got
		}
		f.Set(v)
		if f.Kind() != reflect.Slice && f.Kind() != reflect.Map {
			d.check(key, v, k.Check)
		}
	}
}

// inner is a nested object's keys: none when the stack file leaves it
// out; false, reported, when it is not an object.
func (d *decoder) inner(key string, raw any, set bool) (map[string]any, bool) {
	if !set {
		return map[string]any{}, true
	}
	m, ok := raw.(map[string]any)
	if !ok {
		d.p.add(key, "expected an object, got %s", jsonKind(raw))
	}
	return m, ok
}

// object decodes a key with keys of its own: a struct, a pointer to one,
// or a list of them.
func (d *decoder) object(key string, raw any, set bool, k Key, f reflect.Value) {
	switch f.Kind() {
	case reflect.Struct:
		if inner, ok := d.inner(key, raw, set); ok {
			d.keys(key, inner, k.Keys, f)
		}
		return
	case reflect.Slice:
		if !set {
			if k.Default != nil {
				f.Set(reflect.ValueOf(k.Default(d.env)))
			}
			return
		}
		if k.ByName != "" {
			d.named(key, raw, k, f)
			return
		}
		list, ok := raw.([]any)
		if !ok {
			d.p.add(key, "expected a list, got %s", jsonKind(raw))
			return
		}
		out := reflect.MakeSlice(f.Type(), len(list), len(list))
		for i, item := range list {
			ik := fmt.Sprintf("%s[%d]", key, i)
			m, ok := item.(map[string]any)
			if !ok {
				d.p.add(ik, "expected an object, got %s", jsonKind(item))
				continue
			}
			d.keys(ik, m, k.Keys, out.Index(i))
		}
		f.Set(out)
		return
	}
	if !set {
		return
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		d.p.add(key, "expected an object, got %s", jsonKind(raw))
		return
	}
	rest := maps.Clone(obj)
	on := k.Enabled == "" || k.On
	if k.Enabled != "" {
		switch v := obj[k.Enabled].(type) {
		case bool:
			on = v
		case nil:
		default:
			d.p.add(key+"."+k.Enabled, "expected true or false, got %s", jsonKind(v))
		}
		delete(rest, k.Enabled)
	}
	var also []string
	if k.Enabled != "" {
		also = []string{k.Enabled}
	}
	target := reflect.New(f.Type().Elem())
	if on {
		d.keys(key, rest, k.Keys, target.Elem(), also...)
		f.Set(target)
		return
	}
	// Off: the object's keys and types are still checked, its values not.
	var scratch problems
	off := decoder{env: d.env, p: &scratch, set: Set{}}
	off.keys(key, rest, k.Keys, target.Elem(), also...)
	for _, e := range scratch {
		if fe, ok := e.(*FieldError); ok && (strings.HasPrefix(fe.Message, "unknown key") || strings.HasPrefix(fe.Message, "expected ")) {
			*d.p = append(*d.p, e)
		}
	}
}

// named decodes a list the stack file writes as a map keyed by name.
func (d *decoder) named(key string, raw any, k Key, f reflect.Value) {
	obj, ok := raw.(map[string]any)
	if !ok {
		d.p.add(key, "expected an object, got %s", jsonKind(raw))
		return
	}
	out := reflect.MakeSlice(f.Type(), 0, len(obj))
	if k.Merge && k.Default != nil {
		def := reflect.ValueOf(k.Default(d.env))
		out = reflect.AppendSlice(out, def)
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		ek := key + "." + name
		d.set[ek] = true
		if k.Check.Name != nil {
			if msg := k.Check.Name(name); msg != "" {
				d.p.add(ek, "%s", msg)
				continue
			}
		}
		at := -1
		if k.Merge {
			for i := range out.Len() {
				if out.Index(i).FieldByName(k.ByName).String() == name {
					at = i
				}
			}
		}
		elem := reflect.New(f.Type().Elem()).Elem()
		if at >= 0 {
			elem.Set(out.Index(at))
		}
		elem.FieldByName(k.ByName).SetString(name)
		if k.Value != "" {
			v, ok := d.convert(ek, obj[name], elem.FieldByName(k.Value).Type(), k.Check)
			if !ok {
				continue
			}
			d.check(ek, v, k.Check)
			elem.FieldByName(k.Value).Set(v)
		} else {
			m, ok := obj[name].(map[string]any)
			if !ok {
				d.p.add(ek, "expected an object, got %s", jsonKind(obj[name]))
				continue
			}
			d.keep = at >= 0
			d.keys(ek, m, k.Keys, elem)
			d.keep = false
		}
		if at >= 0 {
			out.Index(at).Set(elem)
		} else {
			out = reflect.Append(out, elem)
		}
	}
	f.Set(out)
}

// convert reads a JSON value as a Go value of type t, reporting a wrong
// type; a list's items and a map's entries are checked with c as they
// are read.
func (d *decoder) convert(key string, raw any, t reflect.Type, c Check) (reflect.Value, bool) {
	switch t.Kind() {
	case reflect.Slice:
		list, ok := raw.([]any)
		if !ok {
			d.p.add(key, "expected a list, got %s", jsonKind(raw))
			return reflect.Value{}, false
		}
		out := reflect.MakeSlice(t, 0, len(list))
		for i, item := range list {
			ik := fmt.Sprintf("%s[%d]", key, i)
			v, ok := d.convert(ik, item, t.Elem(), c)
			if !ok {
				return reflect.Value{}, false
			}
			d.check(ik, v, c)
			out = reflect.Append(out, v)
		}
		return out, true
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			d.p.add(key, "expected an object, got %s", jsonKind(raw))
			return reflect.Value{}, false
		}
		out := reflect.MakeMapWithSize(t, len(obj))
		good := true
		for _, name := range slices.Sorted(maps.Keys(obj)) {
			ek := key + "." + name
			if c.Name != nil {
				if msg := c.Name(name); msg != "" {
					d.p.add(ek, "%s", msg)
					good = false
					continue
				}
			}
			v, ok := d.convert(ek, obj[name], t.Elem(), c)
			if !ok {
				good = false
				continue
			}
			if !d.check(ek, v, c) {
				good = false
			}
			out.SetMapIndex(reflect.ValueOf(name), v)
		}
		return out, good
	}
	v, ok := scalar(raw, t)
	if !ok {
		if n, isNumber := raw.(float64); isNumber && (t.Kind() == reflect.Int || t.Kind() == reflect.Int64) {
			d.p.add(key, "expected a whole number, got %v", n)
		} else {
			d.p.add(key, "expected %s, got %s", describeType(t), jsonKind(raw))
		}
	}
	return v, ok
}

// check applies c to one value; it reports whether the value is allowed.
func (d *decoder) check(key string, v reflect.Value, c Check) bool {
	before := len(*d.p)
	if c.OKString != nil && !c.OKString(v.String()) {
		d.p.add(key, "%q is not %s; allowed: %s", v.String(), c.What, c.Allowed)
	}
	if c.OK != nil && !c.OK(toFloat(v)) {
		msg := fmt.Sprintf("%v; allowed: %s", v.Interface(), c.Allowed)
		if c.Why != "" {
			msg += " (" + c.Why + ")"
		}
		d.p.add(key, "%s", msg)
	}
	if c.Fn != nil {
		if msg := c.Fn(d.env, v.Interface()); msg != "" {
			d.p.add(key, "%s", msg)
		}
	}
	return len(*d.p) == before
}

// scalar reads a JSON number, boolean or string as a Go value of type t.
func scalar(raw any, t reflect.Type) (reflect.Value, bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		n, ok := raw.(float64)
		if !ok || n != float64(int64(n)) {
			return reflect.Value{}, false
		}
		return reflect.ValueOf(int64(n)).Convert(t), true
	case reflect.Float64:
		n, ok := raw.(float64)
		return reflect.ValueOf(n).Convert(t), ok
	case reflect.Bool:
		b, ok := raw.(bool)
		return reflect.ValueOf(b).Convert(t), ok
	case reflect.String:
		s, ok := raw.(string)
		return reflect.ValueOf(s).Convert(t), ok
	}
	return reflect.Value{}, false
}

func toFloat(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
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
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	for _, k := range keys {
		key := path + "." + k.Name
		if k.Group {
			referenceRows(b, key, k.Keys, t)
			continue
		}
		f, _ := t.FieldByName(k.field())
		if k.ByName != "" {
			elem := f.Type.Elem()
			def := "none"
			if k.Default != nil {
				def = fmt.Sprintf("%d entries", reflect.ValueOf(k.Default(Context{Env: conventions.Dev})).Len())
			}
			if k.Value != "" {
				vf, _ := elem.FieldByName(k.Value)
				fmt.Fprintf(b, "| `%s` | map of %ss | %s | %s | %s |\n", key, typeName(vf.Type), def, k.Check.Allowed, k.Doc)
				continue
			}
			fmt.Fprintf(b, "| `%s` | map of objects | %s | %s | %s |\n", key, def, k.Check.Allowed, k.Doc)
			referenceRows(b, key+".<"+strings.ToLower(k.ByName)+">", k.Keys, elem)
			continue
		}
		if k.Keys != nil {
			switch {
			case f.Type.Kind() == reflect.Slice:
				def := "none"
				if k.Default != nil {
					def = fmt.Sprintf("%d entries", reflect.ValueOf(k.Default(Context{Env: conventions.Dev})).Len())
				}
				fmt.Fprintf(b, "| `%s` | list of objects | %s | | %s |\n", key, def, k.Doc)
				key += "[]"
			case k.Enabled != "":
				fmt.Fprintf(b, "| `%s.%s` | boolean | `%v` | true, false | %s |\n", key, k.Enabled, k.On, k.Doc)
			case f.Type.Kind() == reflect.Pointer:
				fmt.Fprintf(b, "| `%s` | object | none | | %s |\n", key, k.Doc)
			}
			referenceRows(b, key, k.Keys, f.Type)
			continue
		}
		def := "none"
		switch f.Type.Kind() {
		case reflect.Int, reflect.Int64, reflect.Float64, reflect.Bool:
			def = fmt.Sprintf("`%v`", reflect.Zero(f.Type).Interface())
		}
		if k.Required {
			def = "required"
		}
		if k.Derived != "" {
			def = k.Derived
		}
		if k.Default != nil {
			dev := k.Default(Context{Env: conventions.Dev, Project: "<project>"})
			prod := k.Default(Context{Env: conventions.Prod, Project: "<project>"})
			def = "`" + showDefault(dev) + "`"
			if showDefault(prod) != showDefault(dev) {
				def = fmt.Sprintf("`%s` (dev), `%s` (prod)", showDefault(dev), showDefault(prod))
			}
		}
		allowed := k.Check.Allowed
		if k.Check.Why != "" {
			allowed += " (" + k.Check.Why + ")"
		}
		if f.Type.Kind() == reflect.Bool && allowed == "" {
			allowed = "true, false"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", key, typeName(f.Type), def, allowed, k.Doc)
	}
}

// typeName is a field's type as the reference and Pulumi.yaml name it.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Slice:
		return "list of " + typeName(t.Elem()) + "s"
	case reflect.Map:
		return "map of " + typeName(t.Elem()) + "s"
	}
	return describeType(t)
}

// showDefault renders a default as YAML would read it.
func showDefault(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case map[string]string:
		if len(x) == 0 {
			return "{}"
		}
	case string:
		if x == "" {
			return `""`
		}
	}
	return fmt.Sprint(v)
}
