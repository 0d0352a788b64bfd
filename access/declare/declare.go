// Package declare registers the access flows a component needs, and those
// it must refuse, as a resource of the plan (ml-platform:access:Flows),
// so that the offline engine, the tests and the policy pack read the same
// declarations from the same place: the resource's inputs.
package declare

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the type token of a flow declaration.
const Type = "ml-platform:access:Flows"

// Expectation is what a flow must evaluate to.
type Expectation string

const (
	// Allowed flows must be allowed.
	Allowed Expectation = "allow"
	// Refused flows must be denied, explicitly or implicitly.
	Refused Expectation = "deny"
)

// Flow is one question a component needs answered a certain way: can
// this principal, from this network, do these actions on these resources.
type Flow struct {
	// Name says what the flow is, in the words of the matrix ("pipeline
	// resolves JsonGet on the evaluation report").
	Name string
	// Expect is Allowed or Refused.
	Expect Expectation
	// Why cites the documentation or the reason the flow exists.
	Why string
	// Requests must all be allowed for an Allowed flow; for a Refused flow
	// none may be.
	Requests []Request
}

// Request is one API call of a flow.
type Request struct {
	// Principal is a role ARN, "service:<name>" or "account:<id>".
	Principal pulumi.StringInput
	Action    string
	// Resource is an ARN (an S3 object: arn:aws:s3:::bucket/key).
	Resource pulumi.StringInput
	// Context holds condition keys: the network (Network), tags, the
	// source of a service's request.
	Context map[string]pulumi.StringArrayInput
	// Assume, when set, cites why policies outside the stack (an AWS
	// managed policy, a service-linked role's, another account's) may be
	// taken to allow the request.
	Assume string
}

// Binding tells the evaluator the ARN (or, for a VPC endpoint, the ID) of
// a resource in the plan, for resources no input of the plan names by
// ARN.
type Binding struct {
	Resource pulumi.Resource
	Value    pulumi.StringInput
}

// Network is where a request comes from.
type Network map[string]pulumi.StringArrayInput

// ThroughEndpoint is a request from inside the VPC through a VPC endpoint.
func ThroughEndpoint(vpceID pulumi.StringInput) Network {
	return Network{"aws:SourceVpce": pulumi.StringArray{vpceID}}
}

// FromService is a request a service makes from its own network with the
// role it was given: no VPC endpoint, not a forward access session.
func FromService() Network {
	return Network{"aws:ViaAWSService": pulumi.StringArray{pulumi.String("false")}}
}

// FromInternet is a request from outside any VPC endpoint, made by the
// principal itself (a laptop, another account's workload).
func FromInternet() Network {
	return Network{}
}

// With returns the network with further condition keys.
func (n Network) With(key string, values ...pulumi.StringInput) Network {
	out := Network{}
	for k, v := range n {
		out[k] = v
	}
	arr := pulumi.StringArray{}
	for _, v := range values {
		arr = append(arr, v)
	}
	out[key] = arr
	return out
}

// Flows is a component's flow declaration.
type Flows struct {
	pulumi.ResourceState
}

// Args are a declaration's flows and bindings.
type Args struct {
	// Component names the component the flows belong to (storage,
	// sagemaker, ...), shown in the matrix.
	Component string
	// Partition, Region and AccountID are where the stack deploys
	// (required): the account every policy belongs to.
	Partition, Region, AccountID pulumi.StringInput
	Flows                        []Flow
	Bindings                     []Binding
}

// New registers the flows of one component as a child of parent.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Flows, error) {
	f := &Flows{}
	props := pulumi.Map{
		"component": pulumi.String(args.Component),
		"partition": args.Partition,
		"region":    args.Region,
		"accountId": args.AccountID,
		"flows":     flowsInput(args.Flows),
		"bindings":  bindingsInput(args.Bindings),
	}
	if err := ctx.RegisterComponentResourceV2(Type, name, props, f, opts...); err != nil {
		return nil, err
	}
	// The engine hands stack policies a component's outputs: register the
	// same declaration there.
	return f, ctx.RegisterResourceOutputs(f, props)
}

func flowsInput(flows []Flow) pulumi.Array {
	out := pulumi.Array{}
	for _, fl := range flows {
		reqs := pulumi.Array{}
		for _, r := range fl.Requests {
			c := pulumi.Map{}
			keys := make([]string, 0, len(r.Context))
			for k := range r.Context {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				c[k] = r.Context[k]
			}
			reqs = append(reqs, pulumi.Map{
				"principal": r.Principal,
				"action":    pulumi.String(r.Action),
				"resource":  r.Resource,
				"context":   c,
				"assume":    pulumi.String(r.Assume),
			})
		}
		out = append(out, pulumi.Map{
			"name":     pulumi.String(fl.Name),
			"expect":   pulumi.String(string(fl.Expect)),
			"why":      pulumi.String(fl.Why),
			"requests": reqs,
		})
	}
	return out
}

func bindingsInput(bs []Binding) pulumi.Array {
	out := pulumi.Array{}
	for _, b := range bs {
		out = append(out, pulumi.Map{"urn": b.Resource.URN(), "value": b.Value})
	}
	return out
}
