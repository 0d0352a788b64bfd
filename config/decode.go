package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// errUnknownKeys says an object decoded but carried keys the type does not have.
var errUnknownKeys = errors.New("unknown keys")

// decodeObject reads one structured config value into out. Unknown keys and
// wrong types become FieldErrors naming the full key path.
func decodeObject(key, raw string, out any, p *problems) error {
	var generic any
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		p.add(key, "must be an object (a YAML map in the stack file); got %q", truncate(raw, 40))
		return err
	}
	before := len(*p)
	checkKeys(key, generic, reflect.TypeOf(out).Elem(), p)
	if err := json.Unmarshal([]byte(raw), out); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			field := key
			if typeErr.Field != "" {
				field += "." + typeErr.Field
			}
			p.add(field, "expected %s, got %s", describeType(typeErr.Type), typeErr.Value)
		} else {
			p.add(key, "%v", err)
		}
		return err
	}
	if len(*p) > before {
		return errUnknownKeys
	}
	return nil
}

// checkKeys walks a decoded JSON value against the Go type it is meant to
// fill and reports every key the type does not have.
func checkKeys(path string, v any, t reflect.Type, p *problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return // the type error is reported by json.Unmarshal
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		allowed := sortedKeys(fields)
		for _, k := range sortedKeys(obj) {
			ft, ok := fields[k]
			if !ok {
				p.add(path+"."+k, "unknown key; allowed: %s", strings.Join(allowed, ", "))
				continue
			}
			checkKeys(path+"."+k, obj[k], ft, p)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, item := range arr {
			checkKeys(fmt.Sprintf("%s[%d]", path, i), item, t.Elem(), p)
		}
	}
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// quoteAll renders allowed values for messages: "a", "b".
func quoteAll[T ~string](values []T) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%q", string(v))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
