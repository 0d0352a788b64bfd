package config

import (
	"fmt"
	"regexp"
	"slices"
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

// MinKubernetesMinor is the oldest Kubernetes 1.x minor version accepted:
// older versions are out of EKS standard support and cost extended-support
// fees. The policy pack's eks-minimum-version default agrees.
const MinKubernetesMinor = 32

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
	// Defaults to one system group.
	NodeGroups []NodeGroup
	// Addons pins EKS add-on versions by name; "" lets EKS pick its default
	// for the Kubernetes version. Every add-on in catalog.EKSAddons is installed.
	Addons map[string]string
	// AdminRoleARNs get cluster-admin access entries. Defaults to none.
	AdminRoleARNs []string
	// Karpenter configures just-in-time capacity.
	Karpenter Karpenter
	// LogRetentionDays keeps control-plane logs. Defaults to 30 (dev), 365 (prod).
	LogRetentionDays int
}

// Karpenter is the validated Karpenter configuration. Limits cap what each
// NodePool may launch; the namespaces' quotas follow them.
type Karpenter struct {
	// Enabled installs Karpenter and its NodePools. Defaults to true.
	Enabled bool
	// TrainingGPULimit caps nvidia.com/gpu in the GPU training pool. Defaults to 64.
	TrainingGPULimit int
	// InferenceGPULimit caps nvidia.com/gpu in the GPU inference pool. Defaults to 16.
	InferenceGPULimit int
	// NeuronDeviceLimit caps aws.amazon.com/neuron in the Neuron pool. Defaults to 64.
	NeuronDeviceLimit int
	// CPULimit caps vCPUs per pool. Defaults to 4000.
	CPULimit int
	// AMIAlias selects the node AMI family and version (EC2NodeClass amiSelectorTerms alias).
	// Defaults to "al2023@latest"; pin a version such as "al2023@v20251120" for reproducible nodes.
	AMIAlias string
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
	// AvailabilityZone pins the group to one AZ; EFA groups are always
	// pinned (the placement group lives in one AZ). "" means every AZ for
	// other groups and the stack's first AZ for EFA groups.
	AvailabilityZone string
	// AMIType overrides the EKS AMI type the catalog derives from the instance type.
	AMIType catalog.AMIType
	// RootVolumeGiB is the encrypted gp3 root volume size. Defaults to 100
	// (500 for accelerated types: framework images are large).
	RootVolumeGiB int
}

type clusterInput struct {
	Version              *string           `json:"version"`
	EndpointPublicAccess *bool             `json:"endpointPublicAccess"`
	PublicAccessCIDRs    []string          `json:"publicAccessCidrs"`
	NodeGroups           []nodeGroupInput  `json:"nodeGroups"`
	Addons               map[string]string `json:"addons"`
	AdminRoleARNs        []string          `json:"adminRoleArns"`
	Karpenter            *karpenterInput   `json:"karpenter"`
	LogRetentionDays     *int              `json:"logRetentionDays"`
}

type karpenterInput struct {
	Enabled           *bool   `json:"enabled"`
	TrainingGPULimit  *int    `json:"trainingGpuLimit"`
	InferenceGPULimit *int    `json:"inferenceGpuLimit"`
	NeuronDeviceLimit *int    `json:"neuronDeviceLimit"`
	CPULimit          *int    `json:"cpuLimit"`
	AMIAlias          *string `json:"amiAlias"`
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
	AZ            string   `json:"availabilityZone"`
	AMIType       string   `json:"amiType"`
	RootVolumeGiB *int     `json:"rootVolumeGiB"`
}

// ClusterDefaults returns the defaults an environment starts from. The API
// endpoint is private everywhere unless a non-prod stack lists
// publicAccessCidrs (then it is public for those ranges only).
func ClusterDefaults(env Environment) Cluster {
	system := NodeGroup{
		Name: "system", Role: RoleSystem, InstanceTypes: []string{"m6i.xlarge"},
		MinSize: 2, MaxSize: 4, DesiredSize: 2, CapacityType: OnDemand, RootVolumeGiB: 100,
	}
	if env.ProdLike() {
		system.MinSize, system.DesiredSize, system.MaxSize = 3, 3, 6
	}
	retention := 30
	if env.ProdLike() {
		retention = ProdMinFlowLogRetentionDays
	}
	return Cluster{
		LogRetentionDays: retention,
		Version:          "1.34",
		NodeGroups:       []NodeGroup{system},
		Addons:           map[string]string{},
		Karpenter: Karpenter{
			Enabled: true, TrainingGPULimit: 64, InferenceGPULimit: 16, NeuronDeviceLimit: 64, CPULimit: 4000,
			AMIAlias: "al2023@latest",
		},
	}
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

	if in.NodeGroups != nil {
		c.NodeGroups = nil
		seen := map[string]bool{}
		hasSystem := false
		for i, g := range in.NodeGroups {
			group := parseNodeGroup(env, region, fmt.Sprintf("%s.nodeGroups[%d]", key, i), g, seen, p)
			hasSystem = hasSystem || group.Role == RoleSystem
			c.NodeGroups = append(c.NodeGroups, group)
		}
		if !hasSystem {
			p.add(key+".nodeGroups", "needs a group with role \"system\" (cluster add-ons and Karpenter run there); allowed roles: %s",
				quoteAll([]NodeRole{RoleSystem, RoleTraining, RoleInference}))
		}
	}

	if in.LogRetentionDays != nil {
		c.LogRetentionDays = *in.LogRetentionDays
		if !slices.Contains(LogRetentionDays, c.LogRetentionDays) {
			p.add(key+".logRetentionDays", "%d is not a CloudWatch Logs retention; allowed: %s", c.LogRetentionDays, intList(LogRetentionDays))
		} else if env.ProdLike() && c.LogRetentionDays < ProdMinFlowLogRetentionDays {
			p.add(key+".logRetentionDays", "%d is weaker than %s allows (audit needs a year); allowed: %d or more", c.LogRetentionDays, env, ProdMinFlowLogRetentionDays)
		}
	}

	for _, name := range sortedKeys(in.Addons) {
		if !slices.Contains(catalog.EKSAddons, name) {
			p.add(key+".addons."+name, "not an add-on this platform manages; allowed: %s", strings.Join(catalog.EKSAddons, ", "))
			continue
		}
		if v := in.Addons[name]; v != "" && !addonVersionPattern.MatchString(v) {
			p.add(key+".addons."+name, "%q is not an add-on version; allowed: a version such as v1.19.5-eksbuild.1, or \"\" for the EKS default", v)
		}
		c.Addons[name] = in.Addons[name]
	}

	for i, arn := range in.AdminRoleARNs {
		if !roleARNPattern.MatchString(arn) {
			p.add(fmt.Sprintf("%s.adminRoleArns[%d]", key, i), "%q is not an IAM role ARN; allowed: arn:<partition>:iam::<account>:role/<name>", arn)
		}
	}
	c.AdminRoleARNs = append([]string(nil), in.AdminRoleARNs...)

	if k := in.Karpenter; k != nil {
		kk := key + ".karpenter"
		if k.Enabled != nil {
			c.Karpenter.Enabled = *k.Enabled
		}
		for _, lim := range []struct {
			name string
			in   *int
			out  *int
		}{
			{"trainingGpuLimit", k.TrainingGPULimit, &c.Karpenter.TrainingGPULimit},
			{"inferenceGpuLimit", k.InferenceGPULimit, &c.Karpenter.InferenceGPULimit},
			{"neuronDeviceLimit", k.NeuronDeviceLimit, &c.Karpenter.NeuronDeviceLimit},
			{"cpuLimit", k.CPULimit, &c.Karpenter.CPULimit},
		} {
			if lim.in == nil {
				continue
			}
			if *lim.in < 0 {
				p.add(kk+"."+lim.name, "%d is negative; allowed: 0 (pool disabled) or more", *lim.in)
			}
			*lim.out = *lim.in
		}
		if k.AMIAlias != nil {
			if !amiAliasPattern.MatchString(*k.AMIAlias) {
				p.add(kk+".amiAlias", "%q is not an AMI alias; allowed: al2023@latest or al2023@vYYYYMMDD", *k.AMIAlias)
			}
			c.Karpenter.AMIAlias = *k.AMIAlias
		}
	}
	return c
}

var (
	addonVersionPattern = regexp.MustCompile(`^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$`)
	roleARNPattern      = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[\w+=,.@/-]+$`)
	amiAliasPattern     = regexp.MustCompile(`^al2023@(latest|v\d{8})$`)
)

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
	if !slices.Contains(roles, g.Role) {
		p.add(key+".role", "%q is not a role; allowed: %s", in.Role, quoteAll(roles))
	}

	if len(g.InstanceTypes) == 0 {
		p.add(key+".instanceTypes", "required: at least one instance type; allowed: %s", strings.Join(catalog.InstanceTypeNames(), ", "))
	}
	var accelerators []catalog.Accelerator
	var types []catalog.InstanceType
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
		types = append(types, t)
	}
	for _, a := range accelerators[min(1, len(accelerators)):] {
		if a != accelerators[0] {
			p.add(key+".instanceTypes", "mixes accelerator kinds (%s and %s); one group, one kind (they need different AMIs and device plugins)", accelerators[0], a)
			break
		}
	}

	if in.AZ != "" {
		if !strings.HasPrefix(in.AZ, region) || !azPattern.MatchString(in.AZ) {
			p.add(key+".availabilityZone", "%q is not an availability zone of %s; allowed: names like %sa", in.AZ, region, region)
		}
		g.AvailabilityZone = in.AZ
	}

	g.RootVolumeGiB = 100
	if len(types) > 0 && types[0].IsAccelerated() {
		g.RootVolumeGiB = 500
	}
	if in.RootVolumeGiB != nil {
		g.RootVolumeGiB = *in.RootVolumeGiB
		if g.RootVolumeGiB < 20 || g.RootVolumeGiB > 16384 {
			p.add(key+".rootVolumeGiB", "%d is outside the allowed 20 to 16384 GiB", g.RootVolumeGiB)
		}
	}

	if in.AMIType != "" {
		g.AMIType = catalog.AMIType(in.AMIType)
		allowed := []catalog.AMIType{catalog.AMIAL2023Standard, catalog.AMIAL2023Nvidia, catalog.AMIAL2023Neuron}
		switch {
		case !slices.Contains(allowed, g.AMIType):
			p.add(key+".amiType", "%q is not an AMI type; allowed: %s", in.AMIType, quoteAll(allowed))
		case len(types) > 0 && g.AMIType != types[0].AMIType:
			p.add(key+".amiType", "%q does not fit %s instances (%s); allowed: %q", in.AMIType, types[0].Accelerator, types[0].Name, types[0].AMIType)
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
