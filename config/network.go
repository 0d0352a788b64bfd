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
	"github.com/ml-platform/ml-platform/spec"
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

// Network is the validated VPC layout. Each field is the key of the same
// name in NetworkKeys, which says what it does, its default and what is
// allowed; InterfaceEndpoints ends sorted, with ExtraInterfaceEndpoints
// and the endpoints the features call added.
type Network struct {
	CIDR                    string
	AZCount                 int
	AvailabilityZones       []string
	AvailabilityZoneIDs     []string
	PodCIDR                 string
	NATGateways             NATMode
	InterfaceEndpoints      []string
	ExtraInterfaceEndpoints []string
	FlowLogRetentionDays    int
	Hybrid                  *Hybrid
}

// Hybrid and VPN are the hybrid link as the network component takes it.
type (
	Hybrid = spec.Hybrid
	VPN    = spec.VPN
)

// NetworkKeys declare ml-platform:network. Prod-like stacks default to
// three zones, a NAT gateway per zone and flow logs kept a year.
var NetworkKeys = []Key{
	{Name: "cidr", Field: "CIDR", Default: Always("10.0.0.0/16"), Check: Rule(fmt.Sprintf("an IPv4 block /%d to /%d", MinVPCPrefix, MaxVPCPrefix),
		func(_ Context, c string) string {
			b, err := cidr.Parse(c)
			switch {
			case err != nil:
				return err.Error()
			case b.Bits() < MinVPCPrefix || b.Bits() > MaxVPCPrefix:
				return fmt.Sprintf("prefix /%d is outside the allowed /%d to /%d (the layout carves eight equal blocks: six private, one public)",
					b.Bits(), MinVPCPrefix, MaxVPCPrefix)
			}
			return ""
		}), Doc: "the VPC's primary IPv4 block"},
	{Name: "azCount", Field: "AZCount", Default: ByEnv(2, ProdMinAZs), Check: Rule(fmt.Sprintf("%d to %d; prod-like stacks %d or more", MinAZs, MaxAZs, ProdMinAZs),
		func(c Context, n int) string {
			switch {
			case n < MinAZs || n > MaxAZs:
				return fmt.Sprintf("%d is outside the allowed range %d to %d", n, MinAZs, MaxAZs)
			case c.Env.ProdLike() && n < ProdMinAZs:
				return fmt.Sprintf("%d is weaker than %s allows: at least %d AZs (allowed: %d to %d)", n, c.Env, ProdMinAZs, ProdMinAZs, MaxAZs)
			}
			return ""
		}), Doc: "how many availability zones the VPC spans"},
	{Name: "availabilityZones", Check: Rule("azCount zone names of the region", func(c Context, az string) string {
		if !azPattern.MatchString(az) || !strings.HasPrefix(az, c.Region) {
			return fmt.Sprintf("%q is not an availability zone of %s; allowed: names like %sa", az, c.Region, c.Region)
		}
		return ""
	}), Doc: "pin the zones by name (names map to different physical zones in every account)"},
	{Name: "availabilityZoneIds", Field: "AvailabilityZoneIDs", Check: Rule("azCount zone IDs such as use1-az1", func(_ Context, id string) string {
		if !zoneIDPattern.MatchString(id) {
			return fmt.Sprintf("%q is not an availability zone ID; allowed: IDs like use1-az1 (aws ec2 describe-availability-zones shows ZoneId)", id)
		}
		return ""
	}), Doc: "pin the zones by zone ID, the same physical zones in every account; without either, the first azCount zone IDs EKS supports"},
	{Name: "podCidr", Field: "PodCIDR", Check: Rule(fmt.Sprintf("an IPv4 block /%d to /%d outside the VPC block", MinPodPrefix, MaxPodPrefix),
		func(_ Context, c string) string {
			if c == "" {
				return ""
			}
			b, err := cidr.Parse(c)
			switch {
			case err != nil:
				return err.Error()
			case b.Bits() < MinPodPrefix || b.Bits() > MaxPodPrefix:
				return fmt.Sprintf("prefix /%d is outside the allowed /%d to /%d", b.Bits(), MinPodPrefix, MaxPodPrefix)
			}
			return ""
		}), Doc: "a secondary block (typically from 100.64.0.0/10) for pod subnets"},
	{Name: "natGateways", Field: "NATGateways", Default: ByEnv(NATSingle, NATPerAZ), Check: Rule(`"perAz", "single"; prod-like stacks "perAz"`, func(c Context, m NATMode) string {
		switch {
		case m != NATSingle && m != NATPerAZ:
			return fmt.Sprintf("%q is not a NAT layout; allowed: %s", m, quoteAll([]NATMode{NATSingle, NATPerAZ}))
		case c.Env.ProdLike() && m != NATPerAZ:
			return fmt.Sprintf("%q is weaker than %s allows (one AZ outage would cut all egress); allowed: %q", m, c.Env, NATPerAZ)
		}
		return ""
	}), Doc: "one NAT gateway for the VPC, or one per zone"},
	{Name: "interfaceEndpoints", Default: func(Context) any { return catalog.DefaultInterfaceEndpoints() },
		Check: Check{Allowed: "services the catalog knows; prod-like stacks keep the defaults"},
		Doc:   "the PrivateLink services (names after com.amazonaws.<region>.); the components add the ones they need"},
	{Name: "extraInterfaceEndpoints", Check: Check{Allowed: "services the catalog knows"}, Doc: "services added to interfaceEndpoints"},
	{Name: "flowLogRetentionDays", Default: ByEnv(conventions.DevLogRetentionDays, conventions.ProdMinLogRetentionDays),
		Check: Rule("a CloudWatch Logs retention; prod-like stacks 365 or more", retention), Doc: "how long VPC flow logs are kept"},
	{Name: "hybrid", Doc: "link the private subnets to networks outside AWS: transitGatewayId or vpn, and routes", Keys: []Key{
		{Name: "transitGatewayId", Field: "TransitGatewayID", Check: Optional("a transit gateway ID", "tgw- and 8 to 17 hex digits",
			transitGatewayIDPattern.MatchString), Doc: "an existing transit gateway (Direct Connect or VPN behind it)"},
		{Name: "vpn", Field: "VPN", Doc: "a site-to-site VPN to your device", Keys: []Key{
			{Name: "customerGatewayIp", Field: "CustomerGatewayIP", Check: Rule("a public IPv4 address", func(_ Context, ip string) string {
				if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() || a.IsPrivate() || a.IsLoopback() || a.IsUnspecified() {
					return fmt.Sprintf("%q is not a public IPv4 address (the VPN terminates on your device's internet address)", ip)
				}
				return ""
			}), Doc: "your device's internet address"},
			{Name: "bgpAsn", Field: "BGPASN", Check: Rule(fmt.Sprintf("0 for static routes, or 1 to 4294967295 except %v", reservedASNs), func(_ Context, asn int64) string {
				if asn < 0 || asn > 4294967295 || slices.Contains(reservedASNs, asn) {
					return fmt.Sprintf("%d; allowed: 0 for static routes, or 1 to 4294967295 except %v (reserved by AWS); private ASNs are 64512-65534", asn, reservedASNs)
				}
				return ""
			}), Doc: "your device's BGP ASN; 0 for static routes"},
		}},
		{Name: "routes", Check: Check{Allowed: "CIDRs outside the VPC's blocks, not 0.0.0.0/0"}, Doc: "the CIDRs reached through the link (at least one)"},
	}},
}

var azPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d[a-z]$`)

// zoneIDPattern matches zone IDs such as use1-az1 or apne1-az4.
var zoneIDPattern = regexp.MustCompile(`^[a-z]{2,6}\d-az\d+$`)

// checkNetwork holds the rules that span several network keys.
func checkNetwork(c Context, n *Network, p *problems) {
	const key = KeyNetwork
	vpcBlock, _ := cidr.Parse(n.CIDR)
	for _, pin := range []struct {
		name string
		list []string
	}{{"availabilityZones", n.AvailabilityZones}, {"availabilityZoneIds", n.AvailabilityZoneIDs}} {
		seen := map[string]bool{}
		for i, z := range pin.list {
			if seen[z] {
				p.add(fmt.Sprintf("%s.%s[%d]", key, pin.name, i), "%q is listed twice; each zone once", z)
			}
			seen[z] = true
		}
	}
	switch {
	case len(n.AvailabilityZones) > 0 && len(n.AvailabilityZones) != n.AZCount:
		p.add(key+".availabilityZones", "lists %d zones but azCount is %d; list exactly azCount zones or leave it out", len(n.AvailabilityZones), n.AZCount)
	case len(n.AvailabilityZoneIDs) > 0 && len(n.AvailabilityZones) > 0:
		p.add(key+".availabilityZoneIds", "set with availabilityZones; pin the zones one way: by ID (the same physical zones in every account) or by name")
	case len(n.AvailabilityZoneIDs) > 0 && len(n.AvailabilityZoneIDs) != n.AZCount:
		p.add(key+".availabilityZoneIds", "lists %d zones but azCount is %d; list exactly azCount zones or leave it out", len(n.AvailabilityZoneIDs), n.AZCount)
	}
	if podBlock, err := cidr.Parse(n.PodCIDR); n.PodCIDR != "" && err == nil && vpcBlock.IsValid() && cidr.Overlap(vpcBlock, podBlock) {
		p.add(key+".podCidr", "%s overlaps the VPC block %s; use a separate range such as 100.64.0.0/16", n.PodCIDR, n.CIDR)
	}
	n.InterfaceEndpoints = validateEndpoints(c.Env, append(slices.Clone(n.InterfaceEndpoints), n.ExtraInterfaceEndpoints...), p)
	if h := n.Hybrid; h != nil {
		checkHybrid(n, h, p)
	}
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

// retention judges a log retention: a value CloudWatch Logs accepts, and
// in prod-like stacks at least a year.
func retention(c Context, days int) string {
	switch {
	case !slices.Contains(conventions.LogRetentionDays, days):
		return fmt.Sprintf("%d is not a CloudWatch Logs retention; allowed: %s", days, intList(conventions.LogRetentionDays))
	case c.Env.ProdLike() && days < conventions.ProdMinLogRetentionDays:
		return fmt.Sprintf("%d is weaker than %s allows (audit needs a year); allowed: %d or more", days, c.Env, conventions.ProdMinLogRetentionDays)
	}
	return ""
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

// checkHybrid checks the hybrid link: one of a transit gateway or a VPN,
// and routes that leave the VPC's own blocks and the default route alone.
func checkHybrid(n *Network, h *Hybrid, p *problems) {
	const key = KeyNetwork + ".hybrid"
	if (h.TransitGatewayID == "") == (h.VPN == nil) {
		p.add(key, "set transitGatewayId (an existing transit gateway: Direct Connect or VPN behind it) or vpn (a site-to-site VPN to your device), one of them")
	}
	routes := h.Routes
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
}
