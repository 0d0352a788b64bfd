package catalog

// PodNetwork is what the VPC CNI can give pods on one instance type: the
// interfaces network card 0 takes (the CNI attaches pod ENIs on card 0
// only) and the IPv4 addresses each interface holds.
type PodNetwork struct {
	// Card0Interfaces is NetworkCards[0].MaximumNetworkInterfaces.
	Card0Interfaces int
	// IPv4PerInterface is Ipv4AddressesPerInterface.
	IPv4PerInterface int
}

// PodNetworkSource says where the per-type pod network limits come from.
var PodNetworkSource = Source{
	Description: "aws/amazon-vpc-cni-k8s pkg/vpc/vpc_ip_resource_limit.go at v1.23.1 (generated from DescribeInstanceTypes: " +
		"ENILimit, IPv4Limit, NetworkCards[].MaximumNetworkInterfaces); the CNI's README (ENABLE_MULTI_NIC: pods get IPs " +
		"from network card 0 only unless multi-NIC is enabled; with custom networking the primary interface carries no " +
		"pods). p5.48xlarge and p5e.48xlarge allow two interfaces on card 0, trn2.48xlarge two, trn1.32xlarge five.",
	URL:      "https://github.com/aws/amazon-vpc-cni-k8s/blob/master/pkg/vpc/vpc_ip_resource_limit.go",
	Recorded: "2026-12-07",
}

// podNetworks by instance type: every catalogued type has one (a test
// checks).
var podNetworks = map[string]PodNetwork{
	"c6i.2xlarge":      {Card0Interfaces: 4, IPv4PerInterface: 15},
	"c6i.4xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"c6i.xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"c7i.2xlarge":      {Card0Interfaces: 4, IPv4PerInterface: 15},
	"c7i.4xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"c7i.xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"g4dn.12xlarge":    {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g4dn.xlarge":      {Card0Interfaces: 3, IPv4PerInterface: 10},
	"g5.12xlarge":      {Card0Interfaces: 15, IPv4PerInterface: 50},
	"g5.16xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g5.24xlarge":      {Card0Interfaces: 15, IPv4PerInterface: 50},
	"g5.2xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"g5.48xlarge":      {Card0Interfaces: 7, IPv4PerInterface: 50},
	"g5.4xlarge":       {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g5.8xlarge":       {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g5.xlarge":        {Card0Interfaces: 4, IPv4PerInterface: 15},
	"g6.12xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g6.16xlarge":      {Card0Interfaces: 15, IPv4PerInterface: 50},
	"g6.24xlarge":      {Card0Interfaces: 15, IPv4PerInterface: 50},
	"g6.2xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"g6.48xlarge":      {Card0Interfaces: 15, IPv4PerInterface: 50},
	"g6.4xlarge":       {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g6.8xlarge":       {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g6.xlarge":        {Card0Interfaces: 4, IPv4PerInterface: 15},
	"g6e.12xlarge":     {Card0Interfaces: 10, IPv4PerInterface: 30},
	"g6e.16xlarge":     {Card0Interfaces: 15, IPv4PerInterface: 50},
	"g6e.24xlarge":     {Card0Interfaces: 10, IPv4PerInterface: 50},
	"g6e.2xlarge":      {Card0Interfaces: 4, IPv4PerInterface: 15},
	"g6e.48xlarge":     {Card0Interfaces: 10, IPv4PerInterface: 50},
	"g6e.4xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g6e.8xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"g6e.xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"gr6.4xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"gr6.8xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"inf2.24xlarge":    {Card0Interfaces: 15, IPv4PerInterface: 50},
	"inf2.48xlarge":    {Card0Interfaces: 15, IPv4PerInterface: 50},
	"inf2.8xlarge":     {Card0Interfaces: 8, IPv4PerInterface: 30},
	"inf2.xlarge":      {Card0Interfaces: 4, IPv4PerInterface: 15},
	"m6i.2xlarge":      {Card0Interfaces: 4, IPv4PerInterface: 15},
	"m6i.4xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"m6i.large":        {Card0Interfaces: 3, IPv4PerInterface: 10},
	"m6i.xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"m7i.2xlarge":      {Card0Interfaces: 4, IPv4PerInterface: 15},
	"m7i.4xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"m7i.large":        {Card0Interfaces: 3, IPv4PerInterface: 10},
	"m7i.xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 15},
	"p3.16xlarge":      {Card0Interfaces: 8, IPv4PerInterface: 30},
	"p3.8xlarge":       {Card0Interfaces: 8, IPv4PerInterface: 30},
	"p4d.24xlarge":     {Card0Interfaces: 15, IPv4PerInterface: 50},
	"p4de.24xlarge":    {Card0Interfaces: 15, IPv4PerInterface: 50},
	"p5.48xlarge":      {Card0Interfaces: 2, IPv4PerInterface: 50},
	"p5.4xlarge":       {Card0Interfaces: 4, IPv4PerInterface: 30},
	"p5e.48xlarge":     {Card0Interfaces: 2, IPv4PerInterface: 50},
	"p5en.48xlarge":    {Card0Interfaces: 4, IPv4PerInterface: 50},
	"p6-b200.48xlarge": {Card0Interfaces: 4, IPv4PerInterface: 50},
	"trn1.2xlarge":     {Card0Interfaces: 4, IPv4PerInterface: 15},
	"trn1.32xlarge":    {Card0Interfaces: 5, IPv4PerInterface: 50},
	"trn1n.32xlarge":   {Card0Interfaces: 5, IPv4PerInterface: 50},
	"trn2.48xlarge":    {Card0Interfaces: 2, IPv4PerInterface: 50},
}

// LookupPodNetwork returns a type's pod network limits.
func LookupPodNetwork(name string) (PodNetwork, bool) {
	p, ok := podNetworks[name]
	return p, ok
}

// MaxPods is the pods a node of the type can run with the VPC CNI in
// secondary-IP mode (no prefix delegation), given how many interfaces on
// card 0 are not pod interfaces (the primary under custom networking,
// EFA-only interfaces): every pod interface gives IPv4PerInterface-1 pod
// addresses, plus the two host-network pods the EKS max-pods formula
// counts. podInterfaces is 0 when card 0 has no room left for pods.
func (p PodNetwork) MaxPods(reservedOnCard0 int) (podInterfaces, maxPods int) {
	podInterfaces = max(p.Card0Interfaces-reservedOnCard0, 0)
	if podInterfaces == 0 {
		return 0, 0
	}
	return podInterfaces, podInterfaces*(p.IPv4PerInterface-1) + 2
}
