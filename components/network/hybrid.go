package network

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/spec"
)

// HybridArgs and VPNArgs are the link, as config produces it
// (spec.Hybrid, spec.VPN).
type (
	HybridArgs = spec.Hybrid
	VPNArgs    = spec.VPN
)

// Tunnel cryptography. A VPN connection accepts IKEv1, SHA1 and
// Diffie-Hellman groups 2 and 5 unless told otherwise (Site-to-Site VPN
// user guide, "Tunnel options for your Site-to-Site VPN connection"); both
// tunnels are limited to IKEv2, AES-256, SHA-2 and groups 14-16 and 19-21,
// which the vpn-tunnel-crypto-strong policy checks. RFC 8247 section 2.4
// says groups 22-24 (MODP with prime-order subgroups) SHOULD NOT be used;
// 17 and 18 (MODP 6144 and 8192) are allowed by the RFC but left out here
// for their cost (catalog.VPNCryptoSource).
var (
	TunnelIKEVersions = []string{"ikev2"}
	TunnelEncryption  = []string{"AES256", "AES256-GCM-16"}
	TunnelIntegrity   = []string{"SHA2-256", "SHA2-384", "SHA2-512"}
	TunnelDHGroups    = []int{14, 15, 16, 19, 20, 21}
)

// hybridRoutes are the private route tables' routes through the link and
// what the tables must wait for.
type hybridRoutes struct {
	routes ec2.RouteTableRouteArray
	after  []pulumi.Resource
}

// hybrid creates the transit gateway attachment or the VPN.
func (n *Network) hybrid(ctx *pulumi.Context, name string, args *NetworkArgs, privateIDs pulumi.StringArray, tag func(...string) pulumi.StringMap) (hybridRoutes, error) {
	var out hybridRoutes
	h := args.Hybrid
	if h == nil {
		return out, nil
	}
	parent := pulumi.Parent(n)
	if h.TransitGatewayID != "" {
		att, err := ec2transitgateway.NewVpcAttachment(ctx, name+"-tgw", &ec2transitgateway.VpcAttachmentArgs{
			TransitGatewayId: pulumi.String(h.TransitGatewayID),
			VpcId:            n.VPC.ID(),
			SubnetIds:        privateIDs,
			DnsSupport:       pulumi.String("enable"),
			Tags:             tag("Name", name+"-tgw"),
		}, parent)
		if err != nil {
			return out, err
		}
		n.TransitGatewayAttachment = att
		for _, r := range h.Routes {
			out.routes = append(out.routes, ec2.RouteTableRouteArgs{CidrBlock: pulumi.String(r), TransitGatewayId: att.TransitGatewayId})
		}
		out.after = []pulumi.Resource{att}
		return out, nil
	}

	vgw, err := ec2.NewVpnGateway(ctx, name+"-vgw", &ec2.VpnGatewayArgs{VpcId: n.VPC.ID(), Tags: tag("Name", name+"-vgw")}, parent)
	if err != nil {
		return out, err
	}
	cgwArgs := &ec2.CustomerGatewayArgs{
		IpAddress: pulumi.String(h.VPN.CustomerGatewayIP), Type: pulumi.String("ipsec.1"), Tags: tag("Name", name+"-cgw"),
	}
	switch asn := h.VPN.BGPASN; {
	case asn == 0:
		cgwArgs.BgpAsn = pulumi.String("65000") // required by the API, unused with static routes
	case asn > 2147483647:
		cgwArgs.BgpAsnExtended = pulumi.String(strconv.FormatInt(asn, 10))
	default:
		cgwArgs.BgpAsn = pulumi.String(strconv.FormatInt(asn, 10))
	}
	cgw, err := ec2.NewCustomerGateway(ctx, name+"-cgw", cgwArgs, parent)
	if err != nil {
		return out, err
	}
	static := h.VPN.BGPASN == 0
	ike, enc := pulumi.ToStringArray(TunnelIKEVersions), pulumi.ToStringArray(TunnelEncryption)
	integrity, dh := pulumi.ToStringArray(TunnelIntegrity), pulumi.ToIntArray(TunnelDHGroups)
	conn, err := ec2.NewVpnConnection(ctx, name+"-vpn", &ec2.VpnConnectionArgs{
		CustomerGatewayId: cgw.ID(), VpnGatewayId: vgw.ID(), Type: pulumi.String("ipsec.1"),
		StaticRoutesOnly: pulumi.Bool(static), Tags: tag("Name", name+"-vpn"),
		Tunnel1IkeVersions: ike, Tunnel1Phase1EncryptionAlgorithms: enc, Tunnel1Phase2EncryptionAlgorithms: enc,
		Tunnel1Phase1IntegrityAlgorithms: integrity, Tunnel1Phase2IntegrityAlgorithms: integrity,
		Tunnel1Phase1DhGroupNumbers: dh, Tunnel1Phase2DhGroupNumbers: dh,
		Tunnel2IkeVersions: ike, Tunnel2Phase1EncryptionAlgorithms: enc, Tunnel2Phase2EncryptionAlgorithms: enc,
		Tunnel2Phase1IntegrityAlgorithms: integrity, Tunnel2Phase2IntegrityAlgorithms: integrity,
		Tunnel2Phase1DhGroupNumbers: dh, Tunnel2Phase2DhGroupNumbers: dh,
	}, parent)
	if err != nil {
		return out, err
	}
	n.VPNGateway, n.VPNConnection = vgw, conn
	out.after = []pulumi.Resource{vgw}
	for i, r := range h.Routes {
		if static {
			route, err := ec2.NewVpnConnectionRoute(ctx, fmt.Sprintf("%s-vpn-route-%d", name, i), &ec2.VpnConnectionRouteArgs{
				DestinationCidrBlock: pulumi.String(r), VpnConnectionId: conn.ID(),
			}, parent)
			if err != nil {
				return out, err
			}
			out.after = append(out.after, route)
		}
		out.routes = append(out.routes, ec2.RouteTableRouteArgs{CidrBlock: pulumi.String(r), GatewayId: vgw.ID()})
	}
	return out, nil
}
