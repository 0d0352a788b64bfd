package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/cidr"
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
	// AvailabilityZones, when set, pins the zones by name (length AZCount).
	// Names map to different physical zones in every account.
	AvailabilityZones []string
	// AvailabilityZoneIDs, when set, pins the zones by zone ID ("use1-az1"),
	// the same physical zone in every account (length AZCount). With
	// neither, the program takes the first AZCount zone IDs of the region
	// that EKS supports (catalog.EKSUnsupportedZoneIDs).
	AvailabilityZoneIDs []string
	// PodCIDR is an optional secondary block (typically from 100.64.0.0/10) for pod subnets; "" for none.
	PodCIDR string
	// NATGateways is the NAT layout.
	NATGateways NATMode
	// InterfaceEndpoints are the PrivateLink services (names after com.amazonaws.<region>.), sorted.
	InterfaceEndpoints []string
	// FlowLogRetentionDays is how long VPC flow logs are kept.
	FlowLogRetentionDays int
	// Hybrid links the private subnets to networks outside AWS; nil for none.
	Hybrid *Hybrid
}

// Hybrid is a transit gateway attachment or a site-to-site VPN, and the
// CIDRs reached through it.
type Hybrid struct {
	TransitGatewayID string
	// VPN is nil with a transit gateway.
	VPN    *VPN
	Routes []string
}

// VPN is a site-to-site VPN to one customer gateway.
type VPN struct {
	CustomerGatewayIP string
	// BGPASN is 0 for static routes.
	BGPASN int64
}

// networkInput is ml-platform:network as written in the stack file.
type networkInput struct {
	CIDR                 *string  `json:"cidr"`
	AZCount              *int     `json:"azCount"`
	AvailabilityZones    []string `json:"availabilityZones"`
	AvailabilityZoneIDs  []string `json:"availabilityZoneIds"`
	PodCIDR              *string  `json:"podCidr"`
	NATGateways          *string  `json:"natGateways"`
	InterfaceEndpoints   []string `json:"interfaceEndpoints"`
	ExtraEndpoints       []string `json:"extraInterfaceEndpoints"`
	FlowLogRetentionDays *int     `json:"flowLogRetentionDays"`
	Hybrid               *struct {
		TransitGatewayID string `json:"transitGatewayId"`
		VPN              *struct {
			CustomerGatewayIP string `json:"customerGatewayIp"`
			BGPASN            *int64 `json:"bgpAsn"`
		} `json:"vpn"`
		Routes []string `json:"routes"`
	} `json:"hybrid"`
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

// zoneIDPattern matches zone IDs such as use1-az1 or apne1-az4.
var zoneIDPattern = regexp.MustCompile(`^[a-z]{2,6}\d-az\d+$`)

func parseNetwork(env conventions.Environment, region string, in networkInput, p *problems) Network {
	const key = KeyNetwork
	n := NetworkDefaults(env)

	set(&n.CIDR, in.CIDR)
	vpcBlock, err := cidr.Parse(n.CIDR)
	if err != nil {
		p.add(key+".cidr", "%v", err)
	} else if b := vpcBlock.Bits(); b < MinVPCPrefix || b > MaxVPCPrefix {
		p.add(key+".cidr", "prefix /%d is outside the allowed /%d to /%d (the layout carves eight equal blocks: six private, one public)", b, MinVPCPrefix, MaxVPCPrefix)
	}

	set(&n.AZCount, in.AZCount)
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

	if len(in.AvailabilityZoneIDs) > 0 {
		seen := map[string]bool{}
		for i, id := range in.AvailabilityZoneIDs {
			k := fmt.Sprintf("%s.availabilityZoneIds[%d]", key, i)
			switch {
			case !zoneIDPattern.MatchString(id):
				p.add(k, "%q is not an availability zone ID; allowed: IDs like use1-az1 (aws ec2 describe-availability-zones shows ZoneId)", id)
			case seen[id]:
				p.add(k, "%q is listed twice; each zone once", id)
			}
			seen[id] = true
		}
		switch {
		case len(in.AvailabilityZones) > 0:
			p.add(key+".availabilityZoneIds", "set with availabilityZones; pin the zones one way: by ID (the same physical zones in every account) or by name")
		case len(in.AvailabilityZoneIDs) != n.AZCount:
			p.add(key+".availabilityZoneIds", "lists %d zones but azCount is %d; list exactly azCount zones or leave it out", len(in.AvailabilityZoneIDs), n.AZCount)
		}
		n.AvailabilityZoneIDs = append([]string(nil), in.AvailabilityZoneIDs...)
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

	set(&n.FlowLogRetentionDays, in.FlowLogRetentionDays)
	checkRetention(env, key+".flowLogRetentionDays", n.FlowLogRetentionDays, p)

	if h := in.Hybrid; h != nil {
		n.Hybrid = parseHybrid(n, h.TransitGatewayID, h.VPN != nil, func() (string, int64) {
			var asn int64
			set(&asn, h.VPN.BGPASN)
			return h.VPN.CustomerGatewayIP, asn
		}, h.Routes, p)
	}
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

var transitGatewayIDPattern = regexp.MustCompile(`^tgw-[0-9a-f]{8,17}$`)

// reservedASNs may not be a customer gateway's ASN (Site-to-Site VPN user
// guide, "Customer gateway options for your Site-to-Site VPN connection").
var reservedASNs = []int64{7224, 9059, 10124, 17943}

// parseHybrid checks the hybrid link: one of a transit gateway or a VPN,
// and routes that leave the VPC's own blocks and the default route alone.
func parseHybrid(n Network, tgw string, hasVPN bool, vpn func() (string, int64), routes []string, p *problems) *Hybrid {
	const key = KeyNetwork + ".hybrid"
	h := &Hybrid{TransitGatewayID: tgw, Routes: slices.Clone(routes)}
	switch {
	case (tgw == "") == !hasVPN:
		p.add(key, "set transitGatewayId (an existing transit gateway: Direct Connect or VPN behind it) or vpn (a site-to-site VPN to your device), one of them")
	case tgw != "" && !transitGatewayIDPattern.MatchString(tgw):
		p.add(key+".transitGatewayId", "%q is not a transit gateway ID; allowed: tgw- and 8 to 17 hex digits", tgw)
	case hasVPN:
		ip, asn := vpn()
		h.VPN = &VPN{CustomerGatewayIP: ip, BGPASN: asn}
		if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() || a.IsPrivate() || a.IsLoopback() || a.IsUnspecified() {
			p.add(key+".vpn.customerGatewayIp", "%q is not a public IPv4 address (the VPN terminates on your device's internet address)", ip)
		}
		if asn < 0 || asn > 4294967295 || slices.Contains(reservedASNs, asn) {
			p.add(key+".vpn.bgpAsn", "%d; allowed: 0 for static routes, or 1 to 4294967295 except %v (reserved by AWS); private ASNs are 64512-65534", asn, reservedASNs)
		}
	}
	if len(routes) == 0 {
		p.add(key+".routes", "at least one CIDR reached through the link, such as your on-premises 10.0.0.0/8")
	}
	var own []netip.Prefix
	for _, c := range []string{n.CIDR, n.PodCIDR} {
		if b, err := cidr.Parse(c); err == nil {
			own = append(own, b)
		}
	}
	for i, r := range routes {
		k := fmt.Sprintf("%s.routes[%d]", key, i)
		b, err := cidr.Parse(r)
		switch {
		case err != nil:
			p.add(k, "%v", err)
		case b.Bits() == 0:
			p.add(k, "%q would send all traffic through the link; the NAT gateways keep the default route", r)
		default:
			for _, o := range own {
				if cidr.Overlap(b, o) {
					p.add(k, "%s overlaps the VPC's %s: traffic to it would leave the VPC", r, o)
				}
			}
		}
	}
	return h
}
