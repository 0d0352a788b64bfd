package mock

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/outputs"
)

// Stack transforms (ctx.RegisterResourceTransform) run in the engine: it
// hands each registration's resolved inputs to the program's callback and
// registers what comes back. The recorder does the same, so the offline
// engine sees what a transform changes (platform.keepSecrets marks inputs
// secret).

var _ pulumi.MockResourceMonitorWithTransforms = (*Recorder)(nil)

// RegisterTransform records a stack transform.
func (r *Recorder) RegisterTransform(t pulumi.ResourceTransform) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transforms = append(r.transforms, t)
}

// RegisterInvokeTransform accepts invoke transforms; the program has none.
func (r *Recorder) RegisterInvokeTransform(pulumi.InvokeTransform) {}

// transform runs the stack transforms over a registration's inputs.
// Unknown values pass through untouched, as the engine passes them.
func (r *Recorder) transform(typ, name string, custom bool, inputs resource.PropertyMap) (resource.PropertyMap, error) {
	r.mu.Lock()
	transforms := append([]pulumi.ResourceTransform(nil), r.transforms...)
	r.mu.Unlock()
	if len(transforms) == 0 {
		return inputs, nil
	}
	props := pulumi.Map{}
	for k, v := range inputs {
		if in, ok := toInput(v); ok {
			props[string(k)] = in
		}
	}
	for _, t := range transforms {
		res := t(context.Background(), &pulumi.ResourceTransformArgs{Custom: custom, Type: typ, Name: name, Props: props})
		if res != nil {
			props = res.Props
		}
	}
	out := inputs.Copy()
	for k, in := range props {
		v, err := fromInput(in)
		if err != nil {
			return nil, fmt.Errorf("transform of %s %s: %s: %w", typ, name, k, err)
		}
		out[resource.PropertyKey(k)] = v
	}
	return out, nil
}

// toInput is a known property value as a transform sees it; false for a
// value that is not known yet.
func toInput(v resource.PropertyValue) (pulumi.Input, bool) {
	switch {
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return nil, false
	case v.IsOutput():
		in, ok := toInput(v.OutputValue().Element)
		if ok && v.OutputValue().Secret {
			return pulumi.ToSecret(in), true
		}
		return in, ok
	case v.IsSecret():
		in, ok := toInput(v.SecretValue().Element)
		return pulumi.ToSecret(in), ok
	case v.IsNull():
		return nil, true
	case v.IsBool():
		return pulumi.Bool(v.BoolValue()), true
	case v.IsNumber():
		return pulumi.Float64(v.NumberValue()), true
	case v.IsString():
		return pulumi.String(v.StringValue()), true
	case v.IsArray():
		arr := pulumi.Array{}
		for _, e := range v.ArrayValue() {
			in, ok := toInput(e)
			if !ok {
				return nil, false
			}
			arr = append(arr, in)
		}
		return arr, true
	case v.IsObject():
		m := pulumi.Map{}
		for k, e := range v.ObjectValue() {
			in, ok := toInput(e)
			if !ok {
				return nil, false
			}
			m[string(k)] = in
		}
		return m, true
	}
	return nil, false // assets, archives, resource references: left as registered
}

// fromInput turns a transform's (known) value back into a property value.
func fromInput(in pulumi.Input) (resource.PropertyValue, error) {
	if in == nil {
		return resource.NewNullProperty(), nil
	}
	value, known, secret := outputs.Resolved(pulumi.ToOutput(in))
	if !known {
		return resource.MakeComputed(resource.NewStringProperty("")), nil
	}
	v := resource.NewPropertyValue(value)
	if secret {
		v = resource.MakeSecret(v)
	}
	return v, nil
}
