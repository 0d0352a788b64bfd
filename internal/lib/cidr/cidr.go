// Package cidr does the IPv4 address arithmetic the network layout needs:
// parsing, overlap checks and carving a block into equal subnets.
package cidr

import (
	"fmt"
	"net/netip"
)

// Parse reads an IPv4 CIDR block and insists it is in canonical form
// (10.0.0.0/16, not 10.0.1.0/16), since AWS rejects host bits.
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block (example: 10.0.0.0/16)", s)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR block", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
	}
	return p, nil
}

// Overlap reports whether two blocks share any address.
func Overlap(a, b netip.Prefix) bool { return a.Overlaps(b) }

// Subnet returns the index-th block of prefix length p.Bits()+newBits inside p,
// like Terraform's cidrsubnet.
func Subnet(p netip.Prefix, newBits, index int) (netip.Prefix, error) {
	bits := p.Bits() + newBits
	if newBits < 0 || bits > 32 {
		return netip.Prefix{}, fmt.Errorf("cannot add %d bits to %s", newBits, p)
	}
	if index < 0 || index >= 1<<newBits {
		return netip.Prefix{}, fmt.Errorf("%s has no subnet %d of /%d", p, index, bits)
	}
	base := p.Masked().Addr().As4()
	v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	v += uint32(index) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	return netip.PrefixFrom(addr, bits), nil
}

// Contains reports whether inner lies entirely within outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// documentation are the IPv4 blocks RFC 5737 reserves for documentation
// (TEST-NET-1, -2 and -3): no network of anyone's is there.
var documentation = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
}

// IsDocumentation reports whether p lies inside a documentation block: in
// a stack file such a range is a placeholder for a real network.
func IsDocumentation(p netip.Prefix) bool {
	for _, d := range documentation {
		if Contains(d, p) {
			return true
		}
	}
	return false
}
