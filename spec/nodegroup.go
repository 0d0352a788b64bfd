package spec

import (
	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// NodeGroup is one managed node group's shape: config fills it from
// ml-platform:cluster.nodeGroups (checking every value), the platform
// settles its zone, and the cluster component builds it.
type NodeGroup struct {
	// Name is the group's short name, e.g. "p5-training".
	Name string
	// Role is system, training or inference.
	Role conventions.NodeRole
	// InstanceTypes are instance types of one accelerator kind.
	InstanceTypes []string
	// MinSize, MaxSize and DesiredSize bound the group.
	MinSize, MaxSize, DesiredSize int
	// CapacityType is SPOT or ON_DEMAND.
	CapacityType conventions.CapacityType
	// EFA brings the cluster placement group, one EFA-only interface per
	// network card of the instance type and the EFA label.
	EFA bool
	// AvailabilityZone pins the group (required with EFA); "" spreads it
	// over every AZ.
	AvailabilityZone string
	// AMIType overrides the AMI type the catalog gives.
	AMIType catalog.AMIType
	// RootVolumeGiB is the encrypted gp3 root volume size.
	RootVolumeGiB int
	// AllowPodIMDS raises the metadata hop limit to 2 so pods reach the
	// node's credentials (hop limit 1 otherwise).
	AllowPodIMDS bool
	// ModelSizeGB, when set, is the GB of 16-bit weights the group's
	// workload holds: a model its nodes cannot hold is an advisory.
	ModelSizeGB float64
	// CapacityReservation, when set, launches the group's nodes into a
	// reservation (catalog.CapacityReservationSource).
	CapacityReservation *CapacityReservation
}

// CapacityReservation targets an On-Demand Capacity Reservation (by ID or
// resource group) or a Capacity Block for ML (by ID).
type CapacityReservation struct {
	// ID is the reservation's ID ("cr-..."); ResourceGroupARN a resource
	// group of reservations. Exactly one is set.
	ID, ResourceGroupARN string
	// AvailabilityZone is the reservation's zone (with ID): it pins the
	// group, since reserved capacity exists in one zone.
	AvailabilityZone string
	// CapacityBlock marks a Capacity Block for ML: the launch template asks
	// for the capacity-block market and the group's capacity type is
	// CAPACITY_BLOCK. Needs ID.
	CapacityBlock bool
	// Instances is how many instances the reservation holds; USDPerHour
	// what a Capacity Block cost per instance-hour (0: the catalog's
	// On-Demand price). Both are tagged on the group for the estimate.
	Instances  int
	USDPerHour float64
}

// EKSCapacityType is the node group's capacity type for EKS:
// CAPACITY_BLOCK for a Capacity Block, else the group's.
func (g NodeGroup) EKSCapacityType() string {
	if r := g.CapacityReservation; r != nil && r.CapacityBlock {
		return catalog.CapacityTypeCapacityBlock
	}
	return string(g.CapacityType)
}

// HopLimit is the instance metadata hop limit of the group's nodes.
func (g NodeGroup) HopLimit() int {
	if g.AllowPodIMDS {
		return conventions.PodIMDSHopLimit
	}
	return conventions.IMDSHopLimit
}
