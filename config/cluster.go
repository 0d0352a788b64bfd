package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/cidr"
)

// NodeRole says what a node group is for; it decides labels, taints and capacity rules.
type NodeRole string

// Node group roles.
const (
	RoleSystem    NodeRole = "system"
	RoleTraining  NodeRole = "training"
	RoleInference NodeRole = "inference"
)

// CapacityType is the EC2 purchase option of a node group.
type CapacityType string

// Capacity types, spelled as EKS spells them.
const (
	Spot     CapacityType = "SPOT"
	OnDemand CapacityType = "ON_DEMAND"
)

// MinKubernetesMinor is the oldest Kubernetes 1.x minor version accepted
// (older versions are out of EKS standard support and cost extended-support fees).
const MinKubernetesMinor = 31

// Cluster is the validated EKS configuration.
type Cluster struct {
	// Version is the Kubernetes version, "1.MINOR".
	Version string
	// EndpointPublicAccess opens the API endpoint to PublicAccessCIDRs; never in prod.
	// Defaults to true only outside prod when PublicAccessCIDRs is set.
	EndpointPublicAccess bool
	// PublicAccessCIDRs may reach the public API endpoint.
	PublicAccessCIDRs []string
	// NodeGroups are the managed node groups, in the order given.
	NodeGroups []NodeGroup
}

// NodeGroup is one validated managed node group.
type NodeGroup struct {
	Name          string
	Role          NodeRole
	InstanceTypes []string
	MinSize       int
	MaxSize       int
	DesiredSize   int
	CapacityType  CapacityType
	// EFA brings the placement group, EFA interfaces and security rules.
	EFA bool
}

type clusterInput struct {
	Version              *string          `json:"version"`
	EndpointPublicAccess *bool            `json:"endpointPublicAccess"`
	PublicAccessCIDRs    []string         `json:"publicAccessCidrs"`
	NodeGroups           []nodeGroupInput `json:"nodeGroups"`
}

type nodeGroupInput struct {
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	InstanceTypes []string `json:"instanceTypes"`
	MinSize       *int     `json:"minSize"`
	MaxSize       *int     `json:"maxSize"`
	DesiredSize   *int     `json:"desiredSize"`
	CapacityType  *string  `json:"capacityType"`
	EFA           bool     `json:"efa"`
}

// ClusterDefaults returns the defaults an environment starts from. The API
// endpoint is private everywhere unless a non-prod stack lists
// publicAccessCidrs (then it is public for those ranges only).
func ClusterDefaults(env Environment) Cluster {
	return Cluster{Version: "1.33"}
}

var (
	versionPattern = regexp.MustCompile(`^1\.(\d+)$`)
	namePattern    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,37}[a-z0-9]$`)
)

func parseCluster(env Environment, region string, in clusterInput, p *problems) Cluster {
	const key = KeyCluster
	c := ClusterDefaults(env)

	if in.Version != nil {
		c.Version = *in.Version
	}
	if m := versionPattern.FindStringSubmatch(c.Version); m == nil {
		p.add(key+".version", "%q is not a Kubernetes version; allowed: \"1.%d\" or later, as \"1.MINOR\"", c.Version, MinKubernetesMinor)
	} else if minor, _ := strconv.Atoi(m[1]); minor < MinKubernetesMinor {
		p.add(key+".version", "%q is below the minimum; allowed: \"1.%d\" or later", c.Version, MinKubernetesMinor)
	}

	c.EndpointPublicAccess = !env.ProdLike() && len(in.PublicAccessCIDRs) > 0
	if in.EndpointPublicAccess != nil {
		c.EndpointPublicAccess = *in.EndpointPublicAccess
	}
	if env.ProdLike() && c.EndpointPublicAccess {
		p.add(key+".endpointPublicAccess", "true is weaker than %s allows (the API must be private); allowed: false", env)
	}
	c.PublicAccessCIDRs = append([]string(nil), in.PublicAccessCIDRs...)
	for i, block := range c.PublicAccessCIDRs {
		k := fmt.Sprintf("%s.publicAccessCidrs[%d]", key, i)
		b, err := cidr.Parse(block)
		switch {
		case err != nil:
			p.add(k, "%v", err)
		case b.Bits() == 0:
			p.add(k, "%s opens the API to the internet; allowed: specific ranges such as your office or VPN (for example 203.0.113.0/24)", block)
		}
	}
	if c.EndpointPublicAccess && len(c.PublicAccessCIDRs) == 0 {
		p.add(key+".publicAccessCidrs", "required when endpointPublicAccess is true: the ranges that may reach the API (an empty list would mean 0.0.0.0/0)")
	}

	seen := map[string]bool{}
	for i, g := range in.NodeGroups {
		c.NodeGroups = append(c.NodeGroups, parseNodeGroup(env, region, fmt.Sprintf("%s.nodeGroups[%d]", key, i), g, seen, p))
	}
	return c
}

func parseNodeGroup(env Environment, region, key string, in nodeGroupInput, seen map[string]bool, p *problems) NodeGroup {
	g := NodeGroup{
		Name:          in.Name,
		Role:          NodeRole(in.Role),
		InstanceTypes: append([]string(nil), in.InstanceTypes...),
		EFA:           in.EFA,
	}
	switch {
	case !namePattern.MatchString(g.Name):
		p.add(key+".name", "%q is not a valid name; allowed: 2-39 lowercase letters, digits and dashes, starting with a letter", g.Name)
	case seen[g.Name]:
		p.add(key+".name", "%q is used by another node group; names must be unique", g.Name)
	}
	seen[g.Name] = true

	roles := []NodeRole{RoleSystem, RoleTraining, RoleInference}
	if !containsRole(roles, g.Role) {
		p.add(key+".role", "%q is not a role; allowed: %s", in.Role, quoteAll(roles))
	}

	if len(g.InstanceTypes) == 0 {
		p.add(key+".instanceTypes", "required: at least one instance type; allowed: %s", strings.Join(catalog.InstanceTypeNames(), ", "))
	}
	var accelerators []catalog.Accelerator
	for i, name := range g.InstanceTypes {
		k := fmt.Sprintf("%s.instanceTypes[%d]", key, i)
		t, ok := catalog.LookupInstanceType(name)
		if !ok {
			p.add(k, "%q is not an instance type in the catalog; allowed: %s", name, strings.Join(catalog.InstanceTypeNames(), ", "))
			continue
		}
		if !t.OfferedIn(region) {
			p.add(k, "%q is not offered in %s; regions offering it: %s", name, region, strings.Join(t.Regions, ", "))
		}
		if g.EFA && !t.SupportsEFA() {
			p.add(k, "%q does not support EFA; set efa: false or use an EFA type (%s)", name, strings.Join(efaTypes(), ", "))
		}
		accelerators = append(accelerators, t.Accelerator)
	}
	for _, a := range accelerators[min(1, len(accelerators)):] {
		if a != accelerators[0] {
			p.add(key+".instanceTypes", "mixes accelerator kinds (%s and %s); one group, one kind (they need different AMIs and device plugins)", accelerators[0], a)
			break
		}
	}

	defaultCapacity := OnDemand
	if g.Role == RoleTraining || (g.Role == RoleInference && !env.ProdLike()) {
		defaultCapacity = Spot
	}
	g.CapacityType = defaultCapacity
	if in.CapacityType != nil {
		g.CapacityType = CapacityType(*in.CapacityType)
	}
	if g.CapacityType != Spot && g.CapacityType != OnDemand {
		p.add(key+".capacityType", "%q is not a capacity type; allowed: %s", g.CapacityType, quoteAll([]CapacityType{Spot, OnDemand}))
	} else if env.ProdLike() && g.Role == RoleInference && g.CapacityType == Spot {
		p.add(key+".capacityType", "SPOT is weaker than %s allows for inference (interruptions drop requests); allowed: \"ON_DEMAND\"", env)
	}

	g.MinSize, g.MaxSize = 0, 2
	if g.Role == RoleSystem || (g.Role == RoleInference && env.ProdLike()) {
		g.MinSize = 2
	}
	if in.MinSize != nil {
		g.MinSize = *in.MinSize
	}
	if in.MaxSize != nil {
		g.MaxSize = *in.MaxSize
	} else if g.MaxSize < g.MinSize {
		g.MaxSize = g.MinSize
	}
	g.DesiredSize = g.MinSize
	if in.DesiredSize != nil {
		g.DesiredSize = *in.DesiredSize
	}
	switch {
	case g.MinSize < 0:
		p.add(key+".minSize", "%d is negative; allowed: 0 or more", g.MinSize)
	case g.MaxSize < 1:
		p.add(key+".maxSize", "%d is too small; allowed: 1 or more", g.MaxSize)
	case g.MinSize > g.MaxSize:
		p.add(key+".minSize", "%d is above maxSize %d; allowed: 0 to maxSize", g.MinSize, g.MaxSize)
	case g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize:
		p.add(key+".desiredSize", "%d is outside minSize..maxSize (%d..%d)", g.DesiredSize, g.MinSize, g.MaxSize)
	}
	if env.ProdLike() && g.Role == RoleInference && g.MinSize < 2 {
		p.add(key+".minSize", "%d is weaker than %s allows for inference (one instance is one AZ); allowed: 2 or more", g.MinSize, env)
	}
	return g
}

func efaTypes() []string {
	var out []string
	for _, name := range catalog.InstanceTypeNames() {
		if t, _ := catalog.LookupInstanceType(name); t.SupportsEFA() {
			out = append(out, name)
		}
	}
	return out
}

func containsRole(list []NodeRole, r NodeRole) bool {
	for _, v := range list {
		if v == r {
			return true
		}
	}
	return false
}
