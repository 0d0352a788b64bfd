package cidr

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"10.0.0.0/16", ""},
		{"10.0.1.0/16", "host bits set; did you mean 10.0.0.0/16"},
		{"10.0.0.0", "not a CIDR block"},
		{"fd00::/8", "not an IPv4"},
	} {
		_, err := Parse(tc.in)
		if tc.err == "" {
			require.NoError(t, err, tc.in)
		} else {
			require.ErrorContains(t, err, tc.err, tc.in)
		}
	}
}

func TestSubnet(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/16")
	for _, tc := range []struct {
		newBits, index int
		want           string
	}{
		{3, 0, "10.0.0.0/19"},
		{3, 1, "10.0.32.0/19"},
		{3, 7, "10.0.224.0/19"},
		{6, 63, "10.0.252.0/22"},
	} {
		got, err := Subnet(p, tc.newBits, tc.index)
		require.NoError(t, err)
		require.Equal(t, tc.want, got.String())
		require.True(t, Contains(p, got))
	}
	_, err := Subnet(p, 3, 8)
	require.Error(t, err)
	_, err = Subnet(p, 17, 0)
	require.Error(t, err)
}

func TestOverlap(t *testing.T) {
	a := netip.MustParsePrefix("10.0.0.0/16")
	require.True(t, Overlap(a, netip.MustParsePrefix("10.0.128.0/17")))
	require.False(t, Overlap(a, netip.MustParsePrefix("10.1.0.0/16")))
	require.False(t, Contains(netip.MustParsePrefix("10.0.0.0/17"), a))
}

func TestIsDocumentation(t *testing.T) {
	for block, want := range map[string]bool{
		"192.0.2.0/24": true, "198.51.100.128/25": true, "203.0.113.7/32": true,
		"10.0.0.0/8": false, "203.0.0.0/16": false, "198.51.0.0/16": false,
	} {
		p, err := netip.ParsePrefix(block)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsDocumentation(p); got != want {
			t.Errorf("IsDocumentation(%s) = %v, want %v", block, got, want)
		}
	}
}
