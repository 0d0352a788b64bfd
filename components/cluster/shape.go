package cluster

import (
	"fmt"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Taint is a Kubernetes node taint, with the effect spelled as EKS node
// groups take it (NO_SCHEDULE).
type Taint struct {
	Key, Value, Effect string
}

// Shape is what a node group's instance types decide: AMI, labels, taints.
type Shape struct {
	Accelerator catalog.Accelerator
	AMIType     catalog.AMIType
	Labels      map[string]string
	Taints      []Taint
	// EFADevices is the number of EFA devices one instance gets (0 without
	// EFA): one EFA-only interface per network card.
	EFADevices int
}

// AcceleratorLabels returns the labels every node with accelerator a
// carries, whoever launches it (a managed node group or Karpenter): the
// accelerator kind, and what the device plugin charts select on. The
// NVIDIA device plugin's default affinity accepts nvidia.com/gpu.present
// when node feature discovery is not installed (see catalog.Charts).
func AcceleratorLabels(a catalog.Accelerator, efa bool) map[string]string {
	labels := map[string]string{conventions.LabelAccelerator: string(a)}
	if a == catalog.AcceleratorNvidiaGPU {
		labels[conventions.LabelNvidiaGPUPresent] = "true"
	}
	if efa {
		labels[conventions.LabelEFA] = "true"
	}
	return labels
}

// AcceleratorTaint returns the taint that keeps general pods off nodes with
// accelerator a, and false for CPU nodes.
func AcceleratorTaint(a catalog.Accelerator) (key string, ok bool) {
	switch a {
	case catalog.AcceleratorNvidiaGPU:
		return conventions.TaintNvidiaGPU, true
	case catalog.AcceleratorTrainium, catalog.AcceleratorInferentia:
		return conventions.TaintNeuron, true
	}
	return "", false
}

// ShapeOf derives a group's shape from its instance types (all of one
// accelerator kind), its role and capacity type. With efa, every type must
// support EFA, and the group gets the smallest device count among them so
// that the launch template fits every type.
func ShapeOf(instanceTypes []string, role conventions.NodeRole, capacityType conventions.CapacityType, efa bool) (Shape, error) {
	if len(instanceTypes) == 0 {
		return Shape{}, fmt.Errorf("no instance types")
	}
	var s Shape
	for i, name := range instanceTypes {
		t, known := catalog.ResolveInstanceType(name)
		switch {
		case known == catalog.NotEC2:
			return Shape{}, fmt.Errorf("instance type %q is not an EC2 instance type", name)
		case efa && known != catalog.Catalogued:
			return Shape{}, fmt.Errorf("instance type %q: EFA needs its interface count, which the catalog does not record", name)
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
			if s.EFADevices == 0 || t.MaxEFAInterfaces < s.EFADevices {
				s.EFADevices = t.MaxEFAInterfaces
			}
		}
	}
	lifecycle := conventions.LifecycleOnDemand
	if capacityType == conventions.Spot {
		lifecycle = conventions.LifecycleSpot
	}
	s.Labels = AcceleratorLabels(s.Accelerator, efa)
	s.Labels[conventions.LabelWorkloadType] = string(role)
	s.Labels[conventions.LabelNodeLifecycle] = lifecycle
	if key, ok := AcceleratorTaint(s.Accelerator); ok {
		s.Taints = []Taint{{Key: key, Value: "true", Effect: conventions.EffectNoScheduleEKS}}
	}
	return s, nil
}

// NetworkInterface is one network interface of a launch template.
type NetworkInterface struct {
	NetworkCardIndex int
	DeviceIndex      int
	// InterfaceType is "interface" (ENA), "efa" or "efa-only".
	InterfaceType string
}

// EFALayout lays out the interfaces of an instance with n EFA devices
// (catalog.EFALayoutSource): an EFA interface (EFA with ENA) as the
// primary on network card 0, and one EFA-only interface at device index 0
// on each further card. The VPC CNI attaches pod interfaces on card 0
// only (catalog.PodNetworkSource): an EFA-only interface there would take
// one of card 0's slots, and p5.48xlarge has two, one of them the primary
// (which, with custom networking, carries no pods), so no pod would ever
// get an address. The EFA primary leaves card 0's other slots to pods.
//
// EC2 refuses AssociatePublicIpAddress on a launch with more than one
// interface, even false, so no interface sets it.
func EFALayout(n int) []NetworkInterface {
	if n <= 0 {
		return nil
	}
	out := []NetworkInterface{{NetworkCardIndex: 0, DeviceIndex: 0, InterfaceType: "efa"}}
	for card := 1; card < n; card++ {
		out = append(out, NetworkInterface{NetworkCardIndex: card, DeviceIndex: 0, InterfaceType: "efa-only"})
	}
	return out
}

// PodSlots says how many pod interfaces and pods a node of the type gets
// with the given interface layout (none without EFA): card 0's interfaces
// less the EFA-only ones on it and, with custom networking, the primary.
// known is false when the catalog lacks the type's limits.
func PodSlots(instanceType string, layout []NetworkInterface, customNetworking bool) (podInterfaces, maxPods int, known bool) {
	limits, ok := catalog.LookupPodNetwork(instanceType)
	if !ok {
		return 0, 0, false
	}
	reserved := 0
	if customNetworking {
		reserved++ // the primary
	}
	for _, nic := range layout {
		if nic.NetworkCardIndex == 0 && nic.InterfaceType == "efa-only" {
			reserved++
		}
	}
	podInterfaces, maxPods = limits.MaxPods(reserved)
	return podInterfaces, maxPods, true
}

// userDataBoundary separates the parts of NodeUserData.
const userDataBoundary = "==ML-PLATFORM=="

// NodeUserData is user data that runs commands as root when a node boots:
// a MIME multi-part document with one shell-script part, the form EKS
// merges with its own AL2023 (nodeadm) configuration for managed node
// groups and Karpenter merges for an EC2NodeClass.
//
// Required commands run after the others, each checked: when one fails the
// node logs why and powers off before nodeadm starts the kubelet, so it
// never joins (an Auto Scaling group replaces a stopped instance; Karpenter
// deletes a node claim that does not register). A node that could not set
// up what its pods need is thus never offered to the scheduler.
func NodeUserData(commands []string, required ...string) string {
	var b strings.Builder
	b.WriteString("MIME-Version: 1.0\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + userDataBoundary + "\"\n\n")
	b.WriteString("--" + userDataBoundary + "\n")
	b.WriteString("Content-Type: text/x-shellscript; charset=\"us-ascii\"\n\n")
	b.WriteString("#!/bin/bash\nset -euo pipefail\n")
	for _, c := range commands {
		b.WriteString(c + "\n")
	}
	for _, c := range required {
		quoted := strings.ReplaceAll(c, "'", `'\''`)
		b.WriteString("if ! ( " + c + " ); then\n")
		b.WriteString("  logger -t ml-platform 'required node setup failed, powering off instead of joining: " + quoted + "'\n")
		b.WriteString("  shutdown -h now\n  exit 1\nfi\n")
	}
	b.WriteString("\n--" + userDataBoundary + "--\n")
	return b.String()
}
