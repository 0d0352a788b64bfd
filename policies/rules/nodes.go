package rules

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Labels and requirement keys of node groups and NodePools.
const (
	k8sInstanceType = "node.kubernetes.io/instance-type"
	karpenterFamily = "karpenter.k8s.aws/instance-family"
)

// nodeLabels returns the Kubernetes labels a node group or NodePool gives
// its nodes, when known.
func nodeLabels(r Resource) (property.Map, bool) {
	switch {
	case r.Type == eksNodeGroupType:
		return getMap(r.Properties, "labels")
	case isNodePool(r.Type):
		return getMap(r.Properties, "spec", "template", "metadata", "labels")
	}
	return property.Map{}, false
}

// nodeLabel returns one known node label.
func nodeLabel(r Resource, key string) (string, bool) {
	labels, ok := nodeLabels(r)
	if !ok {
		return "", false
	}
	return getString(labels, key)
}

// capacity is what purchase options a pool of nodes may use.
type capacity int

const (
	capacityUnknown  capacity = iota // cannot be told
	capacityOnDemand                 // on-demand only
	capacitySpot                     // spot allowed (perhaps with on-demand fallback)
	capacityReserved                 // a capacity reservation or Capacity Block (already paid for)
)

// nodeCapacity tells whether a node group or NodePool may run on spot.
// Managed node groups default to ON_DEMAND; a NodePool without a
// capacity-type requirement is on-demand only (Karpenter's default).
func nodeCapacity(r Resource) capacity {
	if isNodePool(r.Type) {
		return nodePoolCapacity(r)
	}
	if r.Type != eksNodeGroupType {
		return capacityUnknown
	}
	v, p := lookup(r.Properties, "capacityType")
	switch p {
	case unknown:
		return capacityUnknown
	case absent:
		return capacityOnDemand
	}
	if s, ok := asString(v); ok && s == string(conventions.Spot) {
		return capacitySpot
	} else if ok && s == catalog.CapacityTypeCapacityBlock {
		return capacityReserved
	}
	if t, _ := getString(r.Properties, "tags", conventions.TagCapacityReservation); t != "" {
		return capacityReserved
	}
	return capacityOnDemand
}

func nodePoolCapacity(r Resource) capacity {
	reqs, p := getMaps(r.Properties, "spec", "template", "spec", "requirements")
	if p == absent {
		return capacityOnDemand
	}
	sawUnknownKey := p == unknown
	for _, req := range reqs {
		key, ok := getString(req, "key")
		if !ok {
			sawUnknownKey = sawUnknownKey || isUnknown(req, "key")
			continue
		}
		if key != conventions.KarpenterCapacityTypeLabel {
			continue
		}
		op, ok := getString(req, "operator")
		if !ok {
			return capacityUnknown
		}
		vals, vp := getStrings(req, "values")
		hasSpot := slices.Contains(vals, conventions.KarpenterSpot)
		switch {
		case op == "Exists":
			return capacitySpot
		case op != "In" && op != "NotIn":
			return capacityOnDemand // DoesNotExist, or an operator that does not apply
		case hasSpot && op == "In":
			return capacitySpot
		case hasSpot:
			return capacityOnDemand // NotIn spot
		case vp == unknown:
			return capacityUnknown
		case op == "In":
			return capacityOnDemand
		}
		return capacitySpot // NotIn a list without spot
	}
	if sawUnknownKey {
		return capacityUnknown
	}
	return capacityOnDemand
}

// nodeMinSize returns the smallest size a managed node group scales to.
func nodeMinSize(r Resource) (float64, bool) {
	if r.Type != eksNodeGroupType {
		return 0, false
	}
	return getNumber(r.Properties, "scalingConfig", "minSize")
}

// acceleratedFamily matches the EC2 instance families with GPUs, Trainium,
// Inferentia, Gaudi or FPGAs.
var acceleratedFamily = regexp.MustCompile(`^(p|g|gr|trn|inf|dl|f|vt)[0-9]`)

// instanceFamily returns the family of an EC2 or SageMaker instance type
// ("g5" for "g5.xlarge" and "ml.g5.xlarge").
func instanceFamily(t string) string {
	t = strings.TrimPrefix(t, "ml.")
	fam, _, _ := strings.Cut(t, ".")
	return fam
}

// isAccelerated reports whether an instance type (or family) carries
// accelerators.
func isAccelerated(t string) bool { return acceleratedFamily.MatchString(instanceFamily(t)) }

// nodeInstanceTypes returns the instance types a node group, NodePool,
// launch template or instance may run, and whether the list is complete.
// Unset types on a managed node group mean the AWS default (t3.medium),
// which carries no accelerator.
func nodeInstanceTypes(r Resource) ([]string, presence) {
	switch r.Type {
	case eksNodeGroupType:
		ts, p := getStrings(r.Properties, "instanceTypes")
		if p == absent {
			return []string{"t3.medium"}, present
		}
		return ts, p
	case launchTemplateType, ec2InstanceType, smNotebookType:
		return getStrings(r.Properties, "instanceType")
	case smEndpointConfigType:
		variants, p := getMaps(r.Properties, "productionVariants")
		var out []string
		for _, v := range variants {
			t, tp := getStrings(v, "instanceType")
			out = append(out, t...)
			if tp == unknown {
				p = unknown
			}
		}
		return out, p
	}
	if isNodePool(r.Type) {
		return nodePoolValues(r, k8sInstanceType)
	}
	return nil, absent
}

// nodePoolValues returns the values of a NodePool's In requirements on key.
func nodePoolValues(r Resource, key string) ([]string, presence) {
	reqs, p := getMaps(r.Properties, "spec", "template", "spec", "requirements")
	var out []string
	for _, req := range reqs {
		if k, ok := getString(req, "key"); !ok || k != key {
			if isUnknown(req, "key") {
				p = unknown
			}
			continue
		}
		if op, ok := getString(req, "operator"); !ok || op != "In" {
			continue
		}
		vals, vp := getStrings(req, "values")
		out = append(out, vals...)
		if vp == unknown {
			p = unknown
		}
	}
	return out, p
}

// acceleratedNodes reports whether a node group or NodePool runs accelerated
// nodes: by its accelerator label when known, else by its instance types.
// ok is false when it cannot be told.
func acceleratedNodes(r Resource) (accelerated, ok bool) {
	if a, known := nodeLabel(r, conventions.LabelAccelerator); known {
		return a != "none", true
	}
	types, p := nodeInstanceTypes(r)
	if slices.ContainsFunc(types, isAccelerated) {
		return true, true
	}
	if isNodePool(r.Type) {
		fams, fp := nodePoolValues(r, karpenterFamily)
		if slices.ContainsFunc(fams, isAccelerated) {
			return true, true
		}
		if fp == unknown {
			return false, false
		}
		return false, p == present && len(types) > 0
	}
	return false, p == present
}
