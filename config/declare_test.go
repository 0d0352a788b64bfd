package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestDeclaredAreaErrors: the generic decoder names each problem by its
// full key path: wrong types, unknown keys (nested ones too, with what is
// allowed), an area that is not an object; a disabled object's keys are
// still checked.
func TestDeclaredAreaErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"idleHours": "3"}`: "ml-platform:observability.idleHours: expected a number, got string",
		`{"idleHours": 2.5}`: "ml-platform:observability.idleHours: expected a whole number, got 2.5",
		`{"prometheus": {"enabled": true, "scrapeInterval": 60}}`: "ml-platform:observability.prometheus.scrapeInterval: unknown key; " +
			"allowed: enabled, scrapeIntervalSeconds",
		`{"prometheus": {"enabled": false, "scrapeIntervalSecond": 60}}`: "ml-platform:observability.prometheus.scrapeIntervalSecond: unknown key",
		`{"prometheus": {"enabled": "yes"}}`:                             "ml-platform:observability.prometheus.enabled: expected true or false, got string",
		`{"prometheus": true}`:                                           "ml-platform:observability.prometheus: expected an object, got bool",
		`[1]`:                                                            "ml-platform:observability: must be an object",
	} {
		_, err := Parse("ml-platform", "dev", with(base(), KeyObservability, in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want an error containing %q, got %v", in, want, err)
		}
	}
	for in, want := range map[string]string{
		`{"stack": "dev", "keeplast": true}`:  "ml-platform:promotion.keeplast: unknown key; allowed: keepLast, organization, project, stack",
		`{"stack": 3}`:                        "ml-platform:promotion.stack: expected a string, got number",
		`{"stack": "dev", "keepLast": "yes"}`: "ml-platform:promotion.keepLast: expected true or false, got string",
		`{}`:                                  `ml-platform:promotion.stack: "" is not a Pulumi name`,
	} {
		_, err := Parse("ml-platform", "prod", with(base(), KeyPromotion, in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want an error containing %q, got %v", in, want, err)
		}
	}
}

// TestDeclarationsNameFields: every declared key names a field of the
// struct it fills, nested keys included (the decoder would otherwise
// panic on the first stack file that sets it).
func TestDeclarationsNameFields(t *testing.T) {
	var walk func(path string, keys []Key, typ reflect.Type)
	walk = func(path string, keys []Key, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		for _, k := range keys {
			key := path + "." + k.Name
			if k.Group {
				walk(key, k.Keys, typ)
				continue
			}
			f, ok := typ.FieldByName(k.field())
			if !ok {
				t.Errorf("%s declares field %s, which %s lacks", key, k.field(), typ)
				continue
			}
			if k.ByName != "" {
				elem := f.Type.Elem()
				for _, name := range []string{k.ByName, k.Value} {
					if _, ok := elem.FieldByName(name); name != "" && !ok {
						t.Errorf("%s reads its map into %s, which %s lacks", key, name, elem)
					}
				}
			}
			if k.Keys != nil {
				walk(key, k.Keys, f.Type)
			}
		}
	}
	for _, a := range Areas {
		walk(a.Key, a.Keys, reflect.TypeOf(a.Struct))
	}
}
