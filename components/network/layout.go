package network

import (
	"fmt"
	"net/netip"

	"github.com/ml-platform/ml-platform/internal/lib/cidr"
)

// Layout is the subnet plan for one VPC, computed from plain values so that
// tests and previews see every block.
type Layout struct {
	// Private, Public and Pods are indexed like the AZ list; Pods is empty without a pod block.
	Private, Public, Pods []string
}

// maxAZs is how many AZs the layout has room for.
const maxAZs = 6

// PlanLayout cuts the VPC block (and the optional pod block) into per-AZ subnets.
func PlanLayout(vpcCIDR, podCIDR string, azCount int) (Layout, error) {
	if azCount < 1 || azCount > maxAZs {
		return Layout{}, fmt.Errorf("the layout has room for 1 to %d AZs, not %d", maxAZs, azCount)
	}
	vpc, err := cidr.Parse(vpcCIDR)
	if err != nil {
		return Layout{}, err
	}
	publicBlock, err := cidr.Subnet(vpc, 3, 7)
	if err != nil {
		return Layout{}, err
	}
	var l Layout
	for i := 0; i < azCount; i++ {
		private, err := cidr.Subnet(vpc, 3, i)
		if err != nil {
			return Layout{}, err
		}
		public, err := cidr.Subnet(publicBlock, 3, i)
		if err != nil {
			return Layout{}, err
		}
		l.Private = append(l.Private, private.String())
		l.Public = append(l.Public, public.String())
	}
	if podCIDR != "" {
		pods, err := cidr.Parse(podCIDR)
		if err != nil {
			return Layout{}, err
		}
		if pods.Overlaps(vpc) {
			return Layout{}, fmt.Errorf("pod block %s overlaps the VPC block %s", pods, vpc)
		}
		for i := 0; i < azCount; i++ {
			var block netip.Prefix
			if block, err = cidr.Subnet(pods, 3, i); err != nil {
				return Layout{}, err
			}
			l.Pods = append(l.Pods, block.String())
		}
	}
	return l, nil
}
