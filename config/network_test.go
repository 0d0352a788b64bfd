package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHybrid(t *testing.T) {
	net := func(h map[string]any) Values { return with(base(), KeyNetwork, obj(map[string]any{"hybrid": h})) }
	s, err := Parse("ml-platform", "prod", net(map[string]any{"transitGatewayId": "tgw-0123456789abcdef0", "routes": []any{"10.100.0.0/16", "192.168.0.0/16"}}))
	require.NoError(t, err)
	require.Equal(t, &Hybrid{TransitGatewayID: "tgw-0123456789abcdef0", Routes: []string{"10.100.0.0/16", "192.168.0.0/16"}}, s.Network.Hybrid)

	s, err = Parse("ml-platform", "dev", net(map[string]any{"vpn": map[string]any{"customerGatewayIp": "198.51.100.7", "bgpAsn": 65010},
		"routes": []any{"172.20.0.0/16"}}))
	require.NoError(t, err)
	require.Equal(t, &VPN{CustomerGatewayIP: "198.51.100.7", BGPASN: 65010}, s.Network.Hybrid.VPN)

	for name, c := range map[string]struct {
		h    map[string]any
		want string
	}{
		"neither":      {map[string]any{"routes": []any{"10.100.0.0/16"}}, "ml-platform:network.hybrid: set transitGatewayId"},
		"both":         {map[string]any{"transitGatewayId": "tgw-0123456789abcdef0", "vpn": map[string]any{"customerGatewayIp": "198.51.100.7"}, "routes": []any{"10.100.0.0/16"}}, "one of them"},
		"bad tgw":      {map[string]any{"transitGatewayId": "tgw-xyz", "routes": []any{"10.100.0.0/16"}}, `ml-platform:network.hybrid.transitGatewayId: "tgw-xyz" is not a transit gateway ID`},
		"private ip":   {map[string]any{"vpn": map[string]any{"customerGatewayIp": "10.1.1.1"}, "routes": []any{"10.100.0.0/16"}}, `ml-platform:network.hybrid.vpn.customerGatewayIp: "10.1.1.1" is not a public IPv4 address`},
		"reserved asn": {map[string]any{"vpn": map[string]any{"customerGatewayIp": "198.51.100.7", "bgpAsn": 7224}, "routes": []any{"10.100.0.0/16"}}, "ml-platform:network.hybrid.vpn.bgpAsn: 7224; allowed: 0 for static routes"},
		"no routes":    {map[string]any{"transitGatewayId": "tgw-0123456789abcdef0"}, "ml-platform:network.hybrid.routes: at least one CIDR"},
		"default":      {map[string]any{"transitGatewayId": "tgw-0123456789abcdef0", "routes": []any{"0.0.0.0/0"}}, `ml-platform:network.hybrid.routes[0]: "0.0.0.0/0" would send all traffic through the link`},
		"overlap":      {map[string]any{"transitGatewayId": "tgw-0123456789abcdef0", "routes": []any{"10.0.128.0/17"}}, "ml-platform:network.hybrid.routes[0]: 10.0.128.0/17 overlaps the VPC's 10.0.0.0/16"},
	} {
		_, err := Parse("ml-platform", "prod", net(c.h))
		require.ErrorContains(t, err, c.want, name)
	}
}
