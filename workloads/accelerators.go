package workloads

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
)

// AcceleratorsArgs says which device plugins the cluster needs.
type AcceleratorsArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// NVIDIA installs the NVIDIA device plugin and DCGM exporter. Defaults to false.
	NVIDIA bool
	// Neuron installs the Neuron device plugin and scheduler extension. Defaults to false.
	Neuron bool
	// EFA installs the EFA device plugin. Defaults to false.
	EFA bool
	// DependsOn are resources the plugins need first (add-ons, nodes).
	DependsOn []pulumi.Resource
}

// Accelerators are the device plugin releases.
type Accelerators struct {
	pulumi.ResourceState

	// Releases by catalog chart key.
	Releases map[string]*helmv3.Release
}

// Node selectors and tolerations: plugins run only where their hardware is.
var (
	gpuToleration    = pulumi.Map{"key": pulumi.String("nvidia.com/gpu"), "operator": pulumi.String("Exists"), "effect": pulumi.String("NoSchedule")}
	neuronToleration = pulumi.Map{"key": pulumi.String("aws.amazon.com/neuron"), "operator": pulumi.String("Exists"), "effect": pulumi.String("NoSchedule")}
)

// NewAccelerators installs the device plugins the node groups need.
func NewAccelerators(ctx *pulumi.Context, name string, args *AcceleratorsArgs, opts ...pulumi.ResourceOption) (*Accelerators, error) {
	if args == nil || args.Provider == nil {
		return nil, errors.New("accelerators: a Kubernetes provider is required")
	}
	a := &Accelerators{Releases: map[string]*helmv3.Release{}}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:Accelerators", name, a, opts...); err != nil {
		return nil, err
	}
	type release struct {
		chart  string
		values pulumi.Map
	}
	var releases []release
	if args.NVIDIA {
		releases = append(releases,
			release{"nvidia-device-plugin", pulumi.Map{
				"nodeSelector": pulumi.Map{"accelerator": pulumi.String(string(catalog.AcceleratorNvidiaGPU))},
				"tolerations":  pulumi.Array{gpuToleration},
			}},
			release{"dcgm-exporter", pulumi.Map{
				"nodeSelector":   pulumi.Map{"accelerator": pulumi.String(string(catalog.AcceleratorNvidiaGPU))},
				"tolerations":    pulumi.Array{gpuToleration},
				"serviceMonitor": pulumi.Map{"enabled": pulumi.Bool(false)},
			}},
		)
	}
	if args.Neuron {
		releases = append(releases, release{"neuron", pulumi.Map{
			"devicePlugin": pulumi.Map{"enabled": pulumi.Bool(true)},
			"scheduler":    pulumi.Map{"enabled": pulumi.Bool(true)},
			"npd":          pulumi.Map{"enabled": pulumi.Bool(false)},
		}})
	}
	if args.EFA {
		releases = append(releases, release{"aws-efa-k8s-device-plugin", pulumi.Map{
			"nodeSelector": pulumi.Map{"vpc.amazonaws.com/efa.present": pulumi.String("true")},
			"tolerations":  pulumi.Array{gpuToleration, neuronToleration},
		}})
	}
	for _, r := range releases {
		chart, ok := catalog.LookupChart(r.chart)
		if !ok {
			return nil, fmt.Errorf("accelerators: chart %q is not in the catalog", r.chart)
		}
		relArgs := &helmv3.ReleaseArgs{
			Name:      pulumi.String(chart.Name),
			Chart:     pulumi.String(chart.Repository),
			Version:   pulumi.String(chart.Version),
			Namespace: pulumi.String(chart.Namespace),
			Values:    r.values,
		}
		if chart.Chart != "" {
			relArgs.Chart = pulumi.String(chart.Chart)
			relArgs.RepositoryOpts = helmv3.RepositoryOptsArgs{Repo: pulumi.String(chart.Repository)}
		}
		rel, err := helmv3.NewRelease(ctx, name+"-"+r.chart, relArgs,
			pulumi.Parent(a), pulumi.Provider(args.Provider), pulumi.DependsOn(args.DependsOn))
		if err != nil {
			return nil, err
		}
		a.Releases[r.chart] = rel
	}
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{}); err != nil {
		return nil, err
	}
	return a, nil
}
