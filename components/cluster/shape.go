package cluster

import (
	"fmt"

	"github.com/ml-platform/ml-platform/catalog"
)

// Labels every node carries, read by NodePools, device plugins and policies.
const (
	LabelWorkloadType  = "workload-type"
	LabelAccelerator   = "accelerator"
	LabelNodeLifecycle = "node-lifecycle"
)

// Taint keys that keep general pods off accelerator nodes.
const (
	TaintNvidiaGPU = "nvidia.com/gpu"
	TaintNeuron    = "aws.amazon.com/neuron"
)

// Taint is a Kubernetes node taint.
type Taint struct {
	Key, Value, Effect string
}

// Shape is what a node group's instance types decide: AMI, labels, taints.
type Shape struct {
	Accelerator catalog.Accelerator
	AMIType     catalog.AMIType
	Labels      map[string]string
	Taints      []Taint
	// EFAInterfaces is the number of EFA interfaces one instance gets (0 without EFA).
	EFAInterfaces int
}

// ShapeOf derives a group's shape from its instance types (all of one
// accelerator kind), its role and capacity type. With efa, every type must
// support EFA, and the group gets the smallest interface count among them
// so that the launch template fits every type.
func ShapeOf(instanceTypes []string, role, capacityType string, efa bool) (Shape, error) {
	if len(instanceTypes) == 0 {
		return Shape{}, fmt.Errorf("no instance types")
	}
	var s Shape
	for i, name := range instanceTypes {
		t, ok := catalog.LookupInstanceType(name)
		if !ok {
			return Shape{}, fmt.Errorf("instance type %q is not in the catalog", name)
		}
		if i == 0 {
			s.Accelerator, s.AMIType = t.Accelerator, t.AMIType
		} else if t.Accelerator != s.Accelerator {
			return Shape{}, fmt.Errorf("instance types mix %s and %s", s.Accelerator, t.Accelerator)
		}
		if efa {
			if !t.SupportsEFA() {
				return Shape{}, fmt.Errorf("instance type %q does not support EFA", name)
			}
			if s.EFAInterfaces == 0 || t.MaxEFAInterfaces < s.EFAInterfaces {
				s.EFAInterfaces = t.MaxEFAInterfaces
			}
		}
	}
	lifecycle := "on-demand"
	if capacityType == "SPOT" {
		lifecycle = "spot"
	}
	s.Labels = map[string]string{
		LabelWorkloadType:  role,
		LabelAccelerator:   string(s.Accelerator),
		LabelNodeLifecycle: lifecycle,
	}
	switch s.Accelerator {
	case catalog.AcceleratorNvidiaGPU:
		s.Taints = []Taint{{Key: TaintNvidiaGPU, Value: "true", Effect: "NO_SCHEDULE"}}
	case catalog.AcceleratorTrainium, catalog.AcceleratorInferentia:
		s.Taints = []Taint{{Key: TaintNeuron, Value: "true", Effect: "NO_SCHEDULE"}}
	}
	if efa {
		s.Labels["vpc.amazonaws.com/efa.present"] = "true"
	}
	return s, nil
}

// EFAInterface is one network interface of an EFA launch template.
type EFAInterface struct {
	NetworkCardIndex int
	DeviceIndex      int
	InterfaceType    string
}

// EFAInterfaces lays out n EFA interfaces, one per network card: card 0 is
// the primary "efa" interface (device index 0, it also carries IP traffic),
// the others "efa-only" at device index 1.
func EFAInterfaces(n int) []EFAInterface {
	out := make([]EFAInterface, n)
	for i := range out {
		out[i] = EFAInterface{NetworkCardIndex: i, DeviceIndex: 1, InterfaceType: "efa-only"}
	}
	if n > 0 {
		out[0] = EFAInterface{NetworkCardIndex: 0, DeviceIndex: 0, InterfaceType: "efa"}
	}
	return out
}
