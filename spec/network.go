package spec

// Hybrid links the VPC's private subnets to networks outside AWS: config
// fills it from ml-platform:network.hybrid (checking every value), the
// network component builds it.
type Hybrid struct {
	// TransitGatewayID attaches the VPC (its private subnets, one per AZ as
	// the attachment requires) to an existing transit gateway, which
	// reaches on-premises networks through Direct Connect or VPN.
	TransitGatewayID string
	// VPN, instead, creates a virtual private gateway and a site-to-site
	// VPN connection to a customer gateway.
	VPN *VPN
	// Routes are the CIDRs reached through the link, added to every
	// private route table (none overlapping the VPC).
	Routes []string
}

// VPN is a site-to-site VPN to one customer gateway.
type VPN struct {
	// CustomerGatewayIP is the on-premises device's public IPv4 address.
	CustomerGatewayIP string
	// BGPASN is the device's ASN for dynamic routing; 0 routes statically
	// (Routes become the connection's static routes).
	BGPASN int64
}
