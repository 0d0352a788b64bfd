// Package standin is a provider plugin that stands in for pulumi-aws,
// pulumi-eks and pulumi-kubernetes under the real Pulumi CLI, which cannot
// download them here. The real-engine conformance test (tests/engine)
// installs it as pulumi-resource-aws, -eks and -kubernetes on PATH.
//
// It creates nothing. Check echoes the inputs (with tagsAll for AWS, as the
// AWS provider adds it); Create in a preview returns the inputs, so every
// computed output is unknown as on a first preview; Create in an update
// returns the inputs plus the computed outputs the offline mock gives
// (IDs, ARNs, names: internal/engine/mock), so both engines judge the same state;
// Invoke answers the data sources the program calls from the same mock;
// Construct registers a multi-language component (pulumi-eks's cluster, a
// Helm v4 chart) as an empty component with the outputs the program reads.
package standin

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ml-platform/ml-platform/internal/engine/mock"
)

// Versions are the plugin versions the stand-ins report: the versions of
// the SDKs go.mod pins, which the program's resources ask for (a test
// keeps them equal).
var Versions = map[string]string{
	"aws":        "6.83.4",
	"eks":        "2.8.1",
	"kubernetes": "4.32.0",
}

// Server is one stand-in provider process.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg string
	rec *mock.Recorder
}

// New returns the stand-in for one package (aws, eks or kubernetes).
func New(pkg string) (*Server, error) {
	if _, ok := Versions[pkg]; !ok {
		return nil, fmt.Errorf("standin: no stand-in for package %q; have %v", pkg, slices.Sorted(maps.Keys(Versions)))
	}
	return &Server{pkg: pkg, rec: mock.NewRecorder("", "", "us-east-1")}, nil
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, opts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

// GetPluginInfo reports the version the program asks for.
func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Versions[s.pkg]}, nil
}

// CheckConfig accepts the provider configuration as given.
func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports a change of configuration as an update, never a
// replacement (a stand-in has nothing to replace).
func (s *Server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req)
}

// Configure records the region and default tags (AWS).
func (s *Server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	region := ""
	if v, ok := args["region"]; ok && v.IsString() {
		region = v.StringValue()
	}
	var tags resource.PropertyMap
	if dt, ok := args["defaultTags"]; ok && dt.IsObject() {
		if t, ok := dt.ObjectValue()["tags"]; ok && t.IsObject() {
			tags = t.ObjectValue()
		}
	}
	s.rec.ConfigureProvider(region, tags)
	if region != "" {
		s.rec.Region = region
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true, AcceptOutputs: true}, nil
}

// Check echoes the inputs; an AWS resource with tags (or a provider with
// default tags) gets tagsAll, as the AWS provider's Check gives it.
func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if s.pkg != "aws" {
		return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if all := s.rec.TagsAll(string(resource.URN(req.GetUrn()).Type()), news); all != nil {
		news["tagsAll"] = resource.NewObjectProperty(all)
	}
	out, err := marshal(news)
	return &pulumirpc.CheckResponse{Inputs: out}, err
}

// Diff compares the new inputs with the old ones: changed keys are an
// update in place.
func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req)
}

func diff(req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var changed []string
	for k := range news {
		if o, ok := olds[k]; !ok || !o.DeepEquals(news[k]) {
			changed = append(changed, string(k))
		}
	}
	for k := range olds {
		if _, ok := news[k]; !ok {
			changed = append(changed, string(k))
		}
	}
	sort.Strings(changed)
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}, nil
}

// Create returns the inputs in a preview (every computed output unknown)
// and the inputs plus the mock's computed outputs in an update.
func (s *Server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	urn := resource.URN(req.GetUrn())
	id, state := s.rec.CustomOutputs(string(urn), string(urn.Type()), urn.Name(), inputs)
	if id == "" {
		id = urn.Name()
	}
	props, err := marshal(state)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

// Update keeps the computed outputs the mock gives the new inputs.
func (s *Server) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if req.GetPreview() {
		return &pulumirpc.UpdateResponse{Properties: req.GetNews()}, nil
	}
	inputs, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	urn := resource.URN(req.GetUrn())
	_, state := s.rec.CustomOutputs(string(urn), string(urn.Type()), urn.Name(), inputs)
	props, err := marshal(state)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// Read returns what the engine has (a stand-in has no cloud to read).
func (s *Server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Delete deletes nothing.
func (s *Server) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Invoke answers the data sources the program calls, as the mock does.
func (s *Server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	out, err := s.rec.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args})
	if err != nil {
		// A data source's failure is a failed invoke, as the provider reports it.
		return &pulumirpc.InvokeResponse{Failures: []*pulumirpc.CheckFailure{{Reason: err.Error()}}}, nil
	}
	ret, err := marshal(out)
	return &pulumirpc.InvokeResponse{Return: ret}, err
}

// Construct registers a multi-language component as an empty component
// (the analyzers see it with empty inputs, as pulumi-eks v2.8.1 registers
// it) whose outputs are the ones the program reads. It talks to the
// engine's resource monitor directly: the Go SDK's provider.Construct
// would rehydrate the resource references among the inputs (the node
// role, the security group) through pulumi:pulumi:getResource, an invoke
// pulumi-eks does not make and an update plan does not hold.
func (s *Server) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	inputs, err := unmarshal(req.GetInputs())
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(req.GetMonitorEndpoint(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	defer func() { _ = conn.Close() }()
	monitor := pulumirpc.NewResourceMonitorClient(conn)
	reg, err := monitor.RegisterResource(ctx, &pulumirpc.RegisterResourceRequest{
		Type: req.GetType(), Name: req.GetName(), Parent: req.GetParent(), Custom: false,
		Object: &structpb.Struct{}, Dependencies: req.GetDependencies(), Providers: req.GetProviders(),
		Protect: req.Protect, RetainOnDelete: req.RetainOnDelete, AcceptSecrets: true, AcceptResources: true,
		Aliases: req.GetAliases(), AliasSpecs: true,
	})
	if err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", req.GetType(), req.GetName(), err)
	}
	outputs, err := marshal(s.rec.RemoteOutputs(reg.GetUrn(), req.GetType(), req.GetName(), plainInputs(inputs)))
	if err != nil {
		return nil, err
	}
	if _, err := monitor.RegisterResourceOutputs(ctx, &pulumirpc.RegisterResourceOutputsRequest{Urn: reg.GetUrn(), Outputs: outputs}); err != nil {
		return nil, err
	}
	return &pulumirpc.ConstructResponse{Urn: reg.GetUrn(), State: outputs}, nil
}

// plainInputs drops the output wrappers Construct inputs arrive in, so the
// mock reads plain values.
func plainInputs(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		for v.IsOutput() {
			if !v.OutputValue().Known {
				v = resource.MakeComputed(resource.NewStringProperty(""))
				break
			}
			v = v.OutputValue().Element
		}
		out[k] = v
	}
	return out
}
