package catalog

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Knowledge says how much the catalog knows about an instance type.
type Knowledge int

// Knowledge levels.
const (
	// NotEC2 is a name EC2 does not have: a typo.
	NotEC2 Knowledge = iota
	// Inferred is an EC2 type the catalog lacks: its accelerator kind and
	// AMI type come from its family; it has no EFA count, no accelerator
	// count and no price.
	Inferred
	// Catalogued is a type with every recorded fact.
	Catalogued
)

// ec2Types are the instance types the EC2 API takes (the AWS SDK for Go
// v2's InstanceType enum), sorted.
var ec2Types = func() []string {
	var out []string
	for _, v := range ec2types.InstanceType("").Values() {
		out = append(out, string(v))
	}
	slices.Sort(out)
	return out
}()

// EC2InstanceTypeExists reports whether EC2 has the type.
func EC2InstanceTypeExists(name string) bool {
	_, ok := slices.BinarySearch(ec2Types, name)
	return ok
}

// graviton matches the Arm (Graviton) families: a "g" right after the
// generation digit (m7g, c6gn, g5g, r8gd).
var graviton = regexp.MustCompile(`^[a-z]+[0-9]+g`)

// IsArm reports whether a family runs on Arm (Graviton) processors.
func IsArm(family string) bool { return graviton.MatchString(family) }

// FamilyAccelerator is the accelerator kind of a family from its name, as
// AWS names them: g and p NVIDIA GPUs, trn Trainium, inf Inferentia, the
// rest none. It is what an uncatalogued type's taints and AMI follow.
func FamilyAccelerator(family string) Accelerator {
	switch {
	case IsArm(family):
		return AcceleratorNone
	case strings.HasPrefix(family, "trn"):
		return AcceleratorTrainium
	case strings.HasPrefix(family, "inf"):
		return AcceleratorInferentia
	case strings.HasPrefix(family, "g") || strings.HasPrefix(family, "p"):
		return AcceleratorNvidiaGPU
	}
	return AcceleratorNone
}

// AMIFor is the EKS AL2023 AMI type for an accelerator kind (x86_64).
func AMIFor(a Accelerator) AMIType {
	switch a {
	case AcceleratorNvidiaGPU:
		return AMIAL2023Nvidia
	case AcceleratorTrainium, AcceleratorInferentia:
		return AMIAL2023Neuron
	}
	return AMIAL2023Standard
}

// ResolveInstanceType returns what the catalog knows of a type: all of
// it, what its family implies, or that EC2 has no such type.
func ResolveInstanceType(name string) (InstanceType, Knowledge) {
	if t, ok := LookupInstanceType(name); ok {
		return t, Catalogued
	}
	if !EC2InstanceTypeExists(name) {
		return InstanceType{}, NotEC2
	}
	family, _, _ := strings.Cut(name, ".")
	a := FamilyAccelerator(family)
	return InstanceType{Name: name, Accelerator: a, AMIType: AMIFor(a)}, Inferred
}

// ClosestInstanceTypes are the EC2 types nearest to a name, for a typo's
// message: the family weighs twice the size ("g6e.13xlarge" is nearest
// g6e.12xlarge and g6e.16xlarge, "p9.huge" the p families), catalogued
// types first among equals.
func ClosestInstanceTypes(name string, n int) []string {
	family, size, _ := strings.Cut(name, ".")
	return closest(ec2Types, n, func(c string) int {
		cf, cs, _ := strings.Cut(c, ".")
		return 2*editDistance(family, cf) + editDistance(size, cs)
	})
}

// Closest returns up to n candidates nearest to name by edit distance,
// ties in candidate order.
func Closest(name string, candidates []string, n int) []string {
	return closest(candidates, n, func(c string) int { return editDistance(name, c) })
}

func closest(candidates []string, n int, distance func(string) int) []string {
	type scored struct {
		s string
		d int
	}
	var all []scored
	for _, c := range candidates {
		all = append(all, scored{c, distance(c)})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		_, ci := LookupInstanceType(all[i].s)
		_, cj := LookupInstanceType(all[j].s)
		return ci && !cj
	})
	var out []string
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.s)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// MaxAcceleratorCount is the most accelerators any catalogued type of a
// kind carries: the bound for an uncatalogued type's count.
func MaxAcceleratorCount(a Accelerator) int {
	most := 0
	for _, t := range instanceTypes {
		if t.Accelerator == a {
			most = max(most, t.AcceleratorCount)
		}
	}
	return most
}
