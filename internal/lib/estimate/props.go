package estimate

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// at walks maps along path; the zero Value when a key is missing or a
// step is not a map.
func at(m property.Map, path ...string) property.Value {
	v := property.New(m)
	for _, k := range path {
		if !v.IsMap() {
			return property.Value{}
		}
		v = v.AsMap().Get(k)
	}
	return v
}

func str(m property.Map, path ...string) string {
	if v := at(m, path...); v.IsString() {
		return v.AsString()
	}
	return ""
}

func num(m property.Map, path ...string) (float64, bool) {
	if v := at(m, path...); v.IsNumber() {
		return v.AsNumber(), true
	}
	return 0, false
}

func list(m property.Map, path ...string) []property.Value {
	if v := at(m, path...); v.IsArray() {
		return v.AsArray().AsSlice()
	}
	return nil
}

func strs(m property.Map, path ...string) []string {
	var out []string
	for _, v := range list(m, path...) {
		if v.IsString() {
			out = append(out, v.AsString())
		}
	}
	return out
}

func mapAt(m property.Map, path ...string) property.Map {
	if v := at(m, path...); v.IsMap() {
		return v.AsMap()
	}
	return property.Map{}
}

// quantity reads a Kubernetes quantity of whole units ("64", "4000",
// "500m" as 0.5) from a map of strings or numbers.
func quantity(m property.Map, key string) (float64, bool) {
	v := m.Get(key)
	switch {
	case v.IsNumber():
		return v.AsNumber(), true
	case v.IsString():
		s := v.AsString()
		if milli, ok := strings.CutSuffix(s, "m"); ok {
			n, err := strconv.ParseFloat(milli, 64)
			return n / 1000, err == nil
		}
		n, err := strconv.ParseFloat(s, 64)
		return n, err == nil
	}
	return 0, false
}
