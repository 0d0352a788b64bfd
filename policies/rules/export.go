package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/urn"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// stackExport is the part of a `pulumi stack export` document the audit reads.
type stackExport struct {
	Version    *int `json:"version"`
	Deployment *struct {
		Manifest  json.RawMessage  `json:"manifest"`
		Resources []exportResource `json:"resources"`
	} `json:"deployment"`
}

type exportResource struct {
	URN                  string              `json:"urn"`
	Custom               bool                `json:"custom"`
	Delete               bool                `json:"delete"`
	ID                   string              `json:"id"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	Parent               string              `json:"parent"`
	Protect              bool                `json:"protect"`
	Dependencies         []string            `json:"dependencies"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

// FromStackExport reads a `pulumi stack export` JSON document
// (deployment.resources[] with type, urn, inputs, outputs, parent, protect,
// dependencies, propertyDependencies) into Resources, in file order.
//
// It skips pulumi:pulumi:Stack, pulumi:providers:* and resources pending
// deletion. Properties are the inputs plus the output keys absent from the
// inputs (so tagsAll is seen). Secrets exported without --show-secrets are
// ciphertext and read as unknown: rules never judge them. A file that is not a
// stack export is an error.
func FromStackExport(data []byte) ([]Resource, error) {
	var doc stackExport
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a stack export: %w", err)
	}
	switch {
	case doc.Version == nil || doc.Deployment == nil:
		return nil, errors.New(`not a stack export: want {"version": 3, "deployment": {...}} as written by "pulumi stack export"`)
	case *doc.Version < 1 || *doc.Version > 3:
		return nil, fmt.Errorf("stack export: unsupported version %d (supported: 1 to 3)", *doc.Version)
	case len(doc.Deployment.Manifest) == 0:
		return nil, errors.New("not a stack export: deployment has no manifest")
	}

	out := make([]Resource, 0, len(doc.Deployment.Resources))
	var errs []error
	for i, r := range doc.Deployment.Resources {
		if r.URN == "" || r.Type == "" {
			errs = append(errs, fmt.Errorf("stack export: deployment.resources[%d]: missing urn or type", i))
			continue
		}
		if r.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(r.Type, "pulumi:providers:") || r.Delete {
			continue
		}
		props := make(map[string]property.Value, len(r.Inputs)+len(r.Outputs))
		for _, k := range slices.Sorted(maps.Keys(r.Outputs)) {
			if _, ok := r.Inputs[k]; !ok {
				props[k] = jsonToValue(r.Outputs[k])
			}
		}
		for _, k := range slices.Sorted(maps.Keys(r.Inputs)) {
			props[k] = jsonToValue(r.Inputs[k])
		}
		out = append(out, Resource{
			Type:                 r.Type,
			URN:                  r.URN,
			Name:                 nameFromURN(r.URN),
			Properties:           property.NewMap(props),
			Protect:              r.Protect,
			Parent:               r.Parent,
			Dependencies:         r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
			InputKeys:            slices.Sorted(maps.Keys(r.Inputs)),
			ID:                   r.ID,
		})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// nameFromURN returns the resource name: everything after the type in
// urn:pulumi:stack::project::type::name (a name may itself contain "::").
func nameFromURN(u string) string {
	parts := strings.SplitN(u, "::", 4)
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// jsonToValue converts one serialized property value (as state files hold
// them) to a property.Value. Secrets keep their plaintext when exported with
// --show-secrets and become unknown otherwise; the engine's unknown sentinels
// become unknown; resource references become references; assets and archives
// stay plain maps (no rule reads them).
func jsonToValue(x any) property.Value {
	switch x := x.(type) {
	case nil:
		return property.New(property.Null)
	case bool:
		return property.New(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return property.New(property.Computed)
		}
		return property.New(f)
	case float64:
		return property.New(x)
	case string:
		if sig.IsUnknown(x) {
			return property.New(property.Computed)
		}
		return property.New(x)
	case []any:
		elems := make([]property.Value, len(x))
		for i, e := range x {
			elems[i] = jsonToValue(e)
		}
		return property.New(elems)
	case map[string]any:
		if s, ok := x[sig.Key].(string); ok {
			if v, handled := signedToValue(s, x); handled {
				return v
			}
		}
		m := make(map[string]property.Value, len(x))
		for k, e := range x {
			m[k] = jsonToValue(e)
		}
		return property.New(m)
	}
	return property.New(property.Computed)
}

// signedToValue decodes the signed objects of the state format; handled is
// false for kinds kept as plain maps.
func signedToValue(kind string, x map[string]any) (property.Value, bool) {
	switch kind {
	case sig.Secret:
		text, ok := x["plaintext"].(string)
		if !ok {
			return property.New(property.Computed).WithSecret(true), true
		}
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var inner any
		if err := dec.Decode(&inner); err != nil {
			return property.New(property.Computed).WithSecret(true), true
		}
		return jsonToValue(inner).WithSecret(true), true
	case sig.OutputValue:
		v := property.New(property.Computed)
		if inner, ok := x["value"]; ok {
			v = jsonToValue(inner)
		}
		if secret, _ := x["secret"].(bool); secret {
			v = v.WithSecret(true)
		}
		return v, true
	case sig.ResourceReference:
		u, _ := x["urn"].(string)
		id := property.New(property.Computed)
		if raw, ok := x["id"]; ok {
			id = jsonToValue(raw)
		}
		version, _ := x["packageVersion"].(string)
		return property.New(property.NewResourceReference(urn.URN(u), id, version)), true
	case sig.ByteString:
		return property.New(property.Computed), true
	}
	return property.Value{}, false
}
