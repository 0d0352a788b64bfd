package workloads

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/helmchart"
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

// Accelerators are the device plugin charts.
type Accelerators struct {
	pulumi.ResourceState

	// Charts by catalog chart key.
	Charts map[string]*helmv4.Chart
}

// Release is one chart the platform installs with its values.
type Release struct {
	// Chart is the catalog chart key.
	Chart string
	// Values are the chart values, as plain data.
	Values map[string]any
}

func toleration(key string) map[string]any {
	return map[string]any{"key": key, "operator": "Exists", "effect": conventions.EffectNoSchedule}
}

// onLabel is a required node-affinity term list selecting label In values.
func onLabel(label string, values ...string) []any {
	vals := make([]any, len(values))
	for i, v := range values {
		vals[i] = v
	}
	return []any{map[string]any{"matchExpressions": []any{
		map[string]any{"key": label, "operator": "In", "values": vals},
	}}}
}

// AcceleratorReleases returns the releases the flags ask for, each with the
// values that put its node agent on the nodes with its hardware, as those
// nodes are labelled by the cluster component (cluster.AcceleratorLabels):
//   - NVIDIA device plugin: its default affinity accepts the
//     nvidia.com/gpu.present label every NVIDIA node carries, and its
//     default tolerations include the nvidia.com/gpu taint.
//   - DCGM exporter: no affinity and no GPU toleration by default, so it is
//     pinned to NVIDIA nodes and tolerates their taint; no ServiceMonitor
//     (the Prometheus Operator CRDs are not installed).
//   - Neuron: the device plugin's default affinity lists instance types;
//     it is replaced with the accelerator label so new Trainium and
//     Inferentia sizes work. The node problem detector is left off (its
//     affinity is fixed and its namespace is not created by the chart).
//   - EFA: the chart builds its affinity from supportedInstanceLabels, set
//     to the EFA label; it tolerates the accelerator taints.
func AcceleratorReleases(nvidia, neuron, efa bool) []Release {
	var out []Release
	if nvidia {
		out = append(out,
			Release{"nvidia-device-plugin", map[string]any{}},
			Release{"dcgm-exporter", map[string]any{
				"nodeSelector":   map[string]any{conventions.LabelAccelerator: string(catalog.AcceleratorNvidiaGPU)},
				"tolerations":    []any{toleration(conventions.TaintNvidiaGPU)},
				"serviceMonitor": map[string]any{"enabled": false},
			}},
		)
	}
	if neuron {
		out = append(out, Release{"neuron", map[string]any{
			"devicePlugin": map[string]any{
				"enabled": true,
				"affinity": map[string]any{"nodeAffinity": map[string]any{"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{
					"nodeSelectorTerms": onLabel(conventions.LabelAccelerator, string(catalog.AcceleratorTrainium), string(catalog.AcceleratorInferentia)),
				}}},
			},
			// The Neuron scheduler extension is off: it acts only for pods
			// that set its schedulerName (none of the platform's does),
			// its kube-scheduler image trails the control plane by minor
			// versions, and the chart applies scheduler.nodeSelector only
			// with defaultScheduler.enabled. The default scheduler places
			// pods by the device plugin's aws.amazon.com/neuron* resources;
			// what the extension adds is contiguous core allocation for
			// pods asking for part of a device, which the README's
			// Architecture table (workloads/) lists as off
			// (catalog.NeuronSchedulerSource).
			"scheduler":        map[string]any{"enabled": false},
			"defaultScheduler": map[string]any{"enabled": false},
			"npd":              map[string]any{"enabled": false},
		}})
	}
	if efa {
		out = append(out, Release{"aws-efa-k8s-device-plugin", map[string]any{
			"supportedInstanceLabels": map[string]any{
				"keys":   []any{conventions.LabelEFA},
				"values": []any{"true"},
			},
			"tolerations": []any{toleration(conventions.TaintNvidiaGPU), toleration(conventions.TaintNeuron)},
		}})
	}
	return out
}

// NewAccelerators installs the device plugins the node groups need. Charts
// are helm/v4 Charts: rendered by the provider and applied as ordinary
// Kubernetes objects, so a preview shows each one.
func NewAccelerators(ctx *pulumi.Context, name string, args *AcceleratorsArgs, opts ...pulumi.ResourceOption) (*Accelerators, error) {
	if args == nil || args.Provider == nil {
		return nil, errors.New("accelerators: a Kubernetes provider is required")
	}
	releases := AcceleratorReleases(args.NVIDIA, args.Neuron, args.EFA)
	charts := make([]catalog.Chart, len(releases))
	var errs []error
	for i, r := range releases {
		c, ok := catalog.LookupChart(r.Chart)
		if !ok {
			errs = append(errs, fmt.Errorf("accelerators: chart %q is not in the catalog", r.Chart))
		}
		charts[i] = c
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	a := &Accelerators{Charts: map[string]*helmv4.Chart{}}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:Accelerators", name, a, opts...); err != nil {
		return nil, err
	}
	for i, r := range releases {
		chart, err := helmv4.NewChart(ctx, name+"-"+r.Chart, helmchart.Args(charts[i], r.Values),
			pulumi.Parent(a), pulumi.Provider(args.Provider), pulumi.DependsOn(args.DependsOn))
		if err != nil {
			return nil, err
		}
		a.Charts[r.Chart] = chart
	}
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{}); err != nil {
		return nil, err
	}
	return a, nil
}
