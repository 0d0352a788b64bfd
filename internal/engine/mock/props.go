package mock

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// String returns m[key] when it is a string, else "".
func String(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Object returns m[key] when it is an object, else an empty map.
func Object(m resource.PropertyMap, key string) resource.PropertyMap {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsObject() {
		return v.ObjectValue()
	}
	return resource.PropertyMap{}
}

// Array returns m[key] when it is an array, else nil.
func Array(m resource.PropertyMap, key string) []resource.PropertyValue {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsArray() {
		return v.ArrayValue()
	}
	return nil
}

// Strings returns the string elements of m[key], sorted.
func Strings(m resource.PropertyMap, key string) []string {
	var out []string
	for _, e := range Array(m, key) {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	sort.Strings(out)
	return out
}
