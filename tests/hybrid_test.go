package tests

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
)

func withHybrid(t *testing.T, stack string, hybrid map[string]any) *offline.Result {
	t.Helper()
	project, values := shipped(t, stack)
	var n map[string]any
	require.NoError(t, json.Unmarshal([]byte(values[config.KeyNetwork]), &n))
	n["hybrid"] = hybrid
	raw, err := json.Marshal(n)
	require.NoError(t, err)
	values[config.KeyNetwork] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: stack, Values: values, Dir: root})
	require.NoError(t, err)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	return res
}

// routesTo returns, per private route table, the routes to cidr.
func routesTo(res *offline.Result, cidr string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, rt := range byType(res, "aws:ec2/routeTable:RouteTable") {
		for _, r := range rt.Inputs["routes"].ArrayValue() {
			m := r.ObjectValue()
			if str(m, "cidrBlock") == cidr {
				out[rt.Name] = m.Mappable()
			}
		}
	}
	return out
}

// TestTransitGatewayAttachment: prod's private subnets (one per AZ) attach
// to the transit gateway, and every private route table sends the
// on-premises ranges to it, after the attachment exists.
func TestTransitGatewayAttachment(t *testing.T) {
	res := withHybrid(t, "prod", map[string]any{"transitGatewayId": "tgw-0123456789abcdef0", "routes": []any{"172.16.0.0/12"}})
	atts := byType(res, "aws:ec2transitgateway/vpcAttachment:VpcAttachment")
	require.Len(t, atts, 1)
	att := atts[0]
	require.Equal(t, "tgw-0123456789abcdef0", str(att.Inputs, "transitGatewayId"))
	var private []string
	for _, s := range byType(res, "aws:ec2/subnet:Subnet") {
		if str(obj(s.Inputs, "tags"), "Tier") == "private" {
			private = append(private, s.Outputs["id"].StringValue())
		}
	}
	require.Len(t, private, res.Config.Network.AZCount)
	require.ElementsMatch(t, private, mock.Strings(att.Inputs, "subnetIds"), "one private subnet per AZ")

	routes := routesTo(res, "172.16.0.0/12")
	require.Len(t, routes, res.Config.Network.AZCount, "every private route table")
	for name, r := range routes {
		require.Equal(t, "tgw-0123456789abcdef0", r["transitGatewayId"], name)
		rt := named(byType(res, "aws:ec2/routeTable:RouteTable"), name)
		require.Contains(t, rt.Dependencies, att.URN, "%s waits for the attachment", name)
	}
	require.Empty(t, routesTo(res, "172.16.0.0/12")["network-public"], "public subnets keep to the internet gateway")
}

// TestSiteToSiteVPN: with static routing each range is a route of the
// connection and of every private route table, through the VPN gateway.
func TestSiteToSiteVPN(t *testing.T) {
	res := withHybrid(t, "dev", map[string]any{"vpn": map[string]any{"customerGatewayIp": "198.51.100.7"}, "routes": []any{"192.168.0.0/16"}})
	cgw := byType(res, "aws:ec2/customerGateway:CustomerGateway")
	require.Len(t, cgw, 1)
	require.Equal(t, "198.51.100.7", str(cgw[0].Inputs, "ipAddress"))
	conn := byType(res, "aws:ec2/vpnConnection:VpnConnection")
	require.Len(t, conn, 1)
	require.True(t, conn[0].Inputs["staticRoutesOnly"].BoolValue())
	// Both tunnels refuse IKEv1, SHA1 and the small DH groups (the policy
	// vpn-tunnel-crypto-strong, which withHybrid runs, agrees).
	for _, tunnel := range []string{"tunnel1", "tunnel2"} {
		require.Equal(t, []string{"ikev2"}, mock.Strings(conn[0].Inputs, tunnel+"IkeVersions"))
		require.Equal(t, []string{"SHA2-256", "SHA2-384", "SHA2-512"}, mock.Strings(conn[0].Inputs, tunnel+"Phase1IntegrityAlgorithms"))
		var groups []float64
		for _, g := range conn[0].Inputs[resource.PropertyKey(tunnel+"Phase2DhGroupNumbers")].ArrayValue() {
			groups = append(groups, g.NumberValue())
		}
		require.Equal(t, []float64{14, 15, 16, 19, 20, 21}, groups, "RFC 8247: not 22-24")
	}
	vr := byType(res, "aws:ec2/vpnConnectionRoute:VpnConnectionRoute")
	require.Len(t, vr, 1)
	require.Equal(t, "192.168.0.0/16", str(vr[0].Inputs, "destinationCidrBlock"))
	vgw := byType(res, "aws:ec2/vpnGateway:VpnGateway")[0]
	for name, r := range routesTo(res, "192.168.0.0/16") {
		require.Equal(t, vgw.Outputs["id"].StringValue(), r["gatewayId"], name)
	}

	bgp := withHybrid(t, "dev", map[string]any{"vpn": map[string]any{"customerGatewayIp": "198.51.100.7", "bgpAsn": 65010}, "routes": []any{"192.168.0.0/16"}})
	require.False(t, byType(bgp, "aws:ec2/vpnConnection:VpnConnection")[0].Inputs["staticRoutesOnly"].BoolValue())
	require.Empty(t, byType(bgp, "aws:ec2/vpnConnectionRoute:VpnConnectionRoute"), "BGP learns the routes")
	require.Equal(t, "65010", str(byType(bgp, "aws:ec2/customerGateway:CustomerGateway")[0].Inputs, "bgpAsn"))
}
