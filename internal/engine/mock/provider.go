package mock

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// This file is the recorder's face toward a provider plugin: the stand-in
// plugins of the real-engine conformance test (internal/engine/standin) answer
// Check, Create, Invoke and Construct with the same computed values the
// mock gives the offline engine, so both engines judge the same state.

// standinProvider is the provider reference the stand-in registers its one
// configuration under ("<URN>::<ID>", as the engine writes references).
const standinProvider = "urn:pulumi:standin::standin::pulumi:providers:standin::default"

// ConfigureProvider records the configuration of the provider a plugin
// process serves: its region and default tags.
func (r *Recorder) ConfigureProvider(region string, defaultTags resource.PropertyMap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if region != "" {
		r.regions[standinProvider] = region
	}
	if len(defaultTags) > 0 {
		r.providers[standinProvider] = defaultTags.Copy()
	}
}

// TagsAll is tagsAll as the AWS provider computes it for a resource of the
// configured provider (its tags over the default tags); nil when the
// resource has neither.
func (r *Recorder) TagsAll(typ string, inputs resource.PropertyMap) resource.PropertyMap {
	return r.allTags(&Registered{Type: typ, Inputs: inputs, Provider: standinProvider + "::id"})
}

// CustomOutputs are the ID and state a created custom resource of the
// configured provider has: its inputs plus the computed attributes of its
// type, as the mock computes them.
func (r *Recorder) CustomOutputs(urn, typ, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	return r.outputs(&Registered{URN: urn, Type: typ, Name: name, Custom: true, Inputs: inputs,
		Provider: standinProvider + "::id"})
}

// RemoteOutputs are the outputs of a multi-language component the
// program reads (pulumi-eks's cluster: its kubeconfig); none for any
// other component.
func (r *Recorder) RemoteOutputs(urn, typ, name string, inputs resource.PropertyMap) resource.PropertyMap {
	if typ != "eks:index:Cluster" {
		return resource.PropertyMap{}
	}
	return r.eksClusterOutputs(&Registered{URN: urn, Type: typ, Name: name, Remote: true, Inputs: inputs}, resource.PropertyMap{})
}
