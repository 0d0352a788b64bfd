package config

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/cidr"
)

// NATMode says how many NAT gateways the VPC gets.
type NATMode string

// NAT gateway layouts.
const (
	// NATSingle is one gateway for the whole VPC: cheap, one AZ's outage cuts egress.
	NATSingle NATMode = "single"
	// NATPerAZ is one gateway per AZ, each private subnet routing through its own.
	NATPerAZ NATMode = "perAz"
)

// Limits of the network layout.
const (
	MinAZs = 2
	MaxAZs = 6
	// The primary block must leave room for the layout: eight /(n+3) blocks,
	// six for private subnets and one split into public subnets.
	MinVPCPrefix = 16
	MaxVPCPrefix = 20
	// Secondary (pod) blocks: AWS allows /16 to /28; below /22 per-AZ pod subnets are too small.
	MinPodPrefix = 16
	MaxPodPrefix = 19
)

// ProdMinAZs is the fewest AZs a prod-like stack may span (never weaker than dev).
const ProdMinAZs = 3

// Network is the validated VPC layout.
type Network struct {
	// CIDR is the VPC's primary IPv4 block.
	CIDR string
	// AZCount is how many availability zones the VPC spans.
	AZCount int
	// AvailabilityZones, when set, pins the zones (length AZCount); otherwise the first AZCount zones of the region.
	AvailabilityZones []string
	// PodCIDR is an optional secondary block (typically from 100.64.0.0/10) for pod subnets; "" for none.
	PodCIDR string
	// NATGateways is the NAT layout.
	NATGateways NATMode
	// InterfaceEndpoints are the PrivateLink services (names after com.amazonaws.<region>.), sorted.
	InterfaceEndpoints []string
	// FlowLogRetentionDays is how long VPC flow logs are kept.
	FlowLogRetentionDays int
}

// networkInput is ml-platform:network as written in the stack file.
type networkInput struct {
	CIDR                 *string  `json:"cidr"`
	AZCount              *int     `json:"azCount"`
	AvailabilityZones    []string `json:"availabilityZones"`
	PodCIDR              *string  `json:"podCidr"`
	NATGateways          *string  `json:"natGateways"`
	InterfaceEndpoints   []string `json:"interfaceEndpoints"`
	ExtraEndpoints       []string `json:"extraInterfaceEndpoints"`
	FlowLogRetentionDays *int     `json:"flowLogRetentionDays"`
}

// NetworkDefaults returns the defaults an environment starts from.
func NetworkDefaults(env conventions.Environment) Network {
	n := Network{
		CIDR:                 "10.0.0.0/16",
		AZCount:              2,
		NATGateways:          NATSingle,
		InterfaceEndpoints:   catalog.DefaultInterfaceEndpoints(),
		FlowLogRetentionDays: conventions.DevLogRetentionDays,
	}
	if env.ProdLike() {
		n.AZCount = 3
		n.NATGateways = NATPerAZ
		n.FlowLogRetentionDays = conventions.ProdMinLogRetentionDays
	}
	return n
}

var azPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d[a-z]$`)

func parseNetwork(env conventions.Environment, region string, in networkInput, p *problems) Network {
	const key = KeyNetwork
	n := NetworkDefaults(env)

	if in.CIDR != nil {
		n.CIDR = *in.CIDR
	}
	vpcBlock, err := cidr.Parse(n.CIDR)
	if err != nil {
		p.add(key+".cidr", "%v", err)
	} else if b := vpcBlock.Bits(); b < MinVPCPrefix || b > MaxVPCPrefix {
		p.add(key+".cidr", "prefix /%d is outside the allowed /%d to /%d (the layout carves eight equal blocks: six private, one public)", b, MinVPCPrefix, MaxVPCPrefix)
	}

	if in.AZCount != nil {
		n.AZCount = *in.AZCount
	}
	if n.AZCount < MinAZs || n.AZCount > MaxAZs {
		p.add(key+".azCount", "%d is outside the allowed range %d to %d", n.AZCount, MinAZs, MaxAZs)
	} else if env.ProdLike() && n.AZCount < ProdMinAZs {
		p.add(key+".azCount", "%d is weaker than %s allows: at least %d AZs (allowed: %d to %d)", n.AZCount, env, ProdMinAZs, ProdMinAZs, MaxAZs)
	}

	if len(in.AvailabilityZones) > 0 {
		seen := map[string]bool{}
		for i, az := range in.AvailabilityZones {
			k := fmt.Sprintf("%s.availabilityZones[%d]", key, i)
			switch {
			case !azPattern.MatchString(az) || !strings.HasPrefix(az, region):
				p.add(k, "%q is not an availability zone of %s; allowed: names like %sa", az, region, region)
			case seen[az]:
				p.add(k, "%q is listed twice; each AZ once", az)
			}
			seen[az] = true
		}
		if len(in.AvailabilityZones) != n.AZCount {
			p.add(key+".availabilityZones", "lists %d zones but azCount is %d; list exactly azCount zones or leave it out", len(in.AvailabilityZones), n.AZCount)
		}
		n.AvailabilityZones = append([]string(nil), in.AvailabilityZones...)
	}

	if in.PodCIDR != nil && *in.PodCIDR != "" {
		n.PodCIDR = *in.PodCIDR
		podBlock, err := cidr.Parse(n.PodCIDR)
		switch {
		case err != nil:
			p.add(key+".podCidr", "%v", err)
		case podBlock.Bits() < MinPodPrefix || podBlock.Bits() > MaxPodPrefix:
			p.add(key+".podCidr", "prefix /%d is outside the allowed /%d to /%d", podBlock.Bits(), MinPodPrefix, MaxPodPrefix)
		case vpcBlock.IsValid() && cidr.Overlap(vpcBlock, podBlock):
			p.add(key+".podCidr", "%s overlaps the VPC block %s; use a separate range such as 100.64.0.0/16", n.PodCIDR, n.CIDR)
		}
	}

	if in.NATGateways != nil {
		n.NATGateways = NATMode(*in.NATGateways)
	}
	switch {
	case n.NATGateways != NATSingle && n.NATGateways != NATPerAZ:
		p.add(key+".natGateways", "%q is not a NAT layout; allowed: %s", n.NATGateways, quoteAll([]NATMode{NATSingle, NATPerAZ}))
	case env.ProdLike() && n.NATGateways != NATPerAZ:
		p.add(key+".natGateways", "%q is weaker than %s allows (one AZ outage would cut all egress); allowed: %q", n.NATGateways, env, NATPerAZ)
	}

	if in.InterfaceEndpoints != nil {
		n.InterfaceEndpoints = append([]string(nil), in.InterfaceEndpoints...)
	}
	n.InterfaceEndpoints = append(n.InterfaceEndpoints, in.ExtraEndpoints...)
	n.InterfaceEndpoints = validateEndpoints(env, n.InterfaceEndpoints, p)

	if in.FlowLogRetentionDays != nil {
		n.FlowLogRetentionDays = *in.FlowLogRetentionDays
	}
	checkRetention(env, key+".flowLogRetentionDays", n.FlowLogRetentionDays, p)
	return n
}

// validateEndpoints checks names against the catalog, requires the default
// set in prod-like stacks (their traffic must not leave through NAT), and
// returns the list sorted and de-duplicated.
func validateEndpoints(env conventions.Environment, list []string, p *problems) []string {
	const key = KeyNetwork + ".interfaceEndpoints"
	known := make([]string, 0)
	for _, s := range catalog.EndpointServices() {
		known = append(known, s.Name)
	}
	set := map[string]bool{}
	for _, name := range list {
		if !catalog.KnownEndpointService(name) {
			p.add(key, "%q is not an endpoint service this project knows; allowed: %s", name, strings.Join(known, ", "))
			continue
		}
		set[name] = true
	}
	if env.ProdLike() {
		var missing []string
		for _, name := range catalog.DefaultInterfaceEndpoints() {
			if !set[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			p.add(key, "%s may not drop the default endpoints %s (their traffic would leave the VPC); add to the list with extraInterfaceEndpoints instead", env, strings.Join(missing, ", "))
		}
	}
	out := sortedKeys(set)
	sort.Strings(out)
	return out
}

// checkRetention judges a log retention: a value CloudWatch Logs accepts,
// and in prod-like stacks at least a year.
func checkRetention(env conventions.Environment, key string, days int, p *problems) {
	switch {
	case !slices.Contains(conventions.LogRetentionDays, days):
		p.add(key, "%d is not a CloudWatch Logs retention; allowed: %s", days, intList(conventions.LogRetentionDays))
	case env.ProdLike() && days < conventions.ProdMinLogRetentionDays:
		p.add(key, "%d is weaker than %s allows (audit needs a year); allowed: %d or more", days, env, conventions.ProdMinLogRetentionDays)
	}
}

func intList(list []int) string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = fmt.Sprint(v)
	}
	return strings.Join(out, ", ")
}
