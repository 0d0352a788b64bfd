package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/cidr"
)

// Cluster is the validated EKS configuration.
type Cluster struct {
	// Version is the Kubernetes version, "1.MINOR".
	Version string
	// EndpointPublicAccess opens the API endpoint to PublicAccessCIDRs; never in prod.
	// Defaults to true only outside prod when PublicAccessCIDRs is set.
	EndpointPublicAccess bool
	// PublicAccessCIDRs may reach the public API endpoint.
	PublicAccessCIDRs []string
	// DeployerCIDRs are the networks `pulumi up` runs from (a VPN, an office
	// network, a CI runner inside or peered with the VPC): the control-plane
	// security group admits them to the private API endpoint on 443. Every
	// Helm release and Kubernetes object is created through that endpoint.
	// Defaults to none; required unless a non-prod stack opens the public
	// endpoint to PublicAccessCIDRs.
	DeployerCIDRs []string
	// NodeGroups are the managed node groups, in the order given.
	// Defaults to one system group.
	NodeGroups []NodeGroup
	// Addons pins EKS add-on versions by name; "" lets EKS pick its default
	// for the Kubernetes version. Every add-on in catalog.EKSAddons is installed.
	Addons map[string]string
	// AdminRoleARNs get cluster-admin access entries (the CI deploy roles,
	// platform admins). Defaults to none.
	AdminRoleARNs []string
	// ViewerRoleARNs get view access entries (AmazonEKSViewPolicy): the CI
	// preview role, whose `pulumi preview` reads the cluster. Defaults to
	// none.
	ViewerRoleARNs []string
	// Karpenter configures just-in-time capacity.
	Karpenter Karpenter
	// LogRetentionDays keeps control-plane logs. Defaults to 30 (dev), 365 (prod).
	LogRetentionDays int
	// ServiceLinkedRoles are the keys (catalog.ServiceLinkedRoles) of the
	// service-linked roles this stack needs before its keys. Defaults to
	// all of them; the program looks each up and creates only those the
	// account lacks (components/account). [] skips the lookup.
	ServiceLinkedRoles []string
	// NodeRepair replaces accelerated nodes the EKS node monitoring agent
	// reports unhealthy: managed node group auto repair on accelerated
	// groups and Karpenter's NodeRepair feature gate. Defaults to true; the
	// agent itself always runs (its conditions are worth seeing).
	NodeRepair bool
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
	// CapacityReservationIDs are reservations and Capacity Blocks the pools
	// may launch into (reserved capacity first). Defaults to none.
	CapacityReservationIDs []string
}

// CapacityReservation is a node group's reserved capacity: an On-Demand
// Capacity Reservation by ID or resource group, or a Capacity Block for ML
// by ID (catalog.CapacityReservationSource).
type CapacityReservation struct {
	ID, ResourceGroupARN string
	// AvailabilityZone is the reservation's zone (required with ID): it
	// pins the group, since reserved capacity exists in one zone.
	AvailabilityZone string
	// CapacityBlock marks a Capacity Block for ML.
	CapacityBlock bool
	// Instances is how many instances the reservation holds: the estimate
	// prices them whether they run or not. Defaults to the group's maxSize.
	Instances int
	// USDPerHour is what a Capacity Block cost per instance-hour at
	// purchase (its offering's price). Defaults to the catalog's On-Demand
	// price, an upper bound.
	USDPerHour float64
}

// NodeGroup is one validated managed node group.
type NodeGroup struct {
	Name          string
	Role          conventions.NodeRole
	InstanceTypes []string
	MinSize       int
	MaxSize       int
	DesiredSize   int
	CapacityType  conventions.CapacityType
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
	// AllowPodIMDS raises the instance metadata hop limit from 1 to 2 so
	// that pods reach the node's metadata and credentials. An explicit,
	// named opt-in for software that cannot use Pod Identity; the
	// imds-hop-limit policy flags it. Defaults to false.
	AllowPodIMDS bool
	// ModelSizeGB, when set, is the GB of 16-bit weights the group's
	// workload holds: a model its nodes cannot hold is an advisory.
	ModelSizeGB float64
	// CapacityReservation launches the group into reserved capacity; nil
	// for none.
	CapacityReservation *CapacityReservation
}

type clusterInput struct {
	Version              *string           `json:"version"`
	EndpointPublicAccess *bool             `json:"endpointPublicAccess"`
	PublicAccessCIDRs    []string          `json:"publicAccessCidrs"`
	DeployerCIDRs        []string          `json:"deployerCidrs"`
	ServiceLinkedRoles   []string          `json:"serviceLinkedRoles"`
	NodeRepair           *bool             `json:"nodeRepair"`
	NodeGroups           []nodeGroupInput  `json:"nodeGroups"`
	Addons               map[string]string `json:"addons"`
	AdminRoleARNs        []string          `json:"adminRoleArns"`
	ViewerRoleARNs       []string          `json:"viewerRoleArns"`
	Karpenter            *karpenterInput   `json:"karpenter"`
	LogRetentionDays     *int              `json:"logRetentionDays"`
}

type karpenterInput struct {
	Enabled           *bool    `json:"enabled"`
	TrainingGPULimit  *int     `json:"trainingGpuLimit"`
	InferenceGPULimit *int     `json:"inferenceGpuLimit"`
	NeuronDeviceLimit *int     `json:"neuronDeviceLimit"`
	CPULimit          *int     `json:"cpuLimit"`
	AMIAlias          *string  `json:"amiAlias"`
	ReservationIDs    []string `json:"capacityReservationIds"`
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
	AllowPodIMDS  bool     `json:"allowPodIMDS"`
	ModelSizeGB   *float64 `json:"modelSizeGb"`
	Reservation   *struct {
		ID               string   `json:"id"`
		ResourceGroupARN string   `json:"resourceGroupArn"`
		AZ               string   `json:"availabilityZone"`
		CapacityBlock    bool     `json:"capacityBlock"`
		Instances        *int     `json:"instances"`
		USDPerHour       *float64 `json:"usdPerHour"`
	} `json:"capacityReservation"`
}

// ClusterDefaults returns the defaults an environment starts from. The API
// endpoint is private everywhere unless a non-prod stack lists
// publicAccessCidrs (then it is public for those ranges only).
func ClusterDefaults(env conventions.Environment) Cluster {
	system := NodeGroup{
		Name: "system", Role: conventions.RoleSystem, InstanceTypes: []string{"m6i.xlarge"},
		MinSize: 2, MaxSize: 4, DesiredSize: 2, CapacityType: conventions.OnDemand, RootVolumeGiB: 100,
	}
	if env.ProdLike() {
		system.MinSize, system.DesiredSize, system.MaxSize = 3, 3, 6
	}
	retention := conventions.DevLogRetentionDays
	if env.ProdLike() {
		retention = conventions.ProdMinLogRetentionDays
	}
	var slrs []string
	for _, r := range catalog.ServiceLinkedRoles() {
		slrs = append(slrs, r.Key)
	}
	return Cluster{
		LogRetentionDays:   retention,
		Version:            conventions.DefaultKubernetesVersion,
		NodeGroups:         []NodeGroup{system},
		Addons:             map[string]string{},
		ServiceLinkedRoles: slrs,
		NodeRepair:         true,
		Karpenter: Karpenter{
			Enabled: true, TrainingGPULimit: 64, InferenceGPULimit: 16, NeuronDeviceLimit: 64, CPULimit: 4000,
			AMIAlias: "al2023@latest",
		},
	}
}

var versionPattern = regexp.MustCompile(`^1\.(\d+)$`)

func parseCluster(env conventions.Environment, region string, in clusterInput, p *problems, placeholders *[]*FieldError) Cluster {
	const key = KeyCluster
	c := ClusterDefaults(env)

	set(&c.Version, in.Version)
	if m := versionPattern.FindStringSubmatch(c.Version); m == nil {
		p.add(key+".version", "%q is not a Kubernetes version; allowed: %q or later, as \"1.MINOR\"", c.Version, conventions.MinKubernetesVersion)
	} else if minor, _ := strconv.Atoi(m[1]); minor < conventions.MinKubernetesMinor {
		p.add(key+".version", "%q is below the minimum; allowed: %q or later", c.Version, conventions.MinKubernetesVersion)
	}

	c.EndpointPublicAccess = !env.ProdLike() && len(in.PublicAccessCIDRs) > 0
	set(&c.EndpointPublicAccess, in.EndpointPublicAccess)
	if env.ProdLike() && c.EndpointPublicAccess {
		p.add(key+".endpointPublicAccess", "true is weaker than %s allows (the API must be private); allowed: false", env)
	}
	c.PublicAccessCIDRs = checkAPICIDRs(key+".publicAccessCidrs", in.PublicAccessCIDRs,
		"public ranges such as your office or VPN egress", p, placeholders)
	if c.EndpointPublicAccess && len(c.PublicAccessCIDRs) == 0 {
		p.add(key+".publicAccessCidrs", "required when endpointPublicAccess is true: the ranges that may reach the API (an empty list would mean 0.0.0.0/0)")
	}
	c.DeployerCIDRs = checkAPICIDRs(key+".deployerCidrs", in.DeployerCIDRs,
		"the networks `pulumi up` runs from, such as a VPN range or a CI runner's subnet", p, placeholders)
	if !c.EndpointPublicAccess && len(c.DeployerCIDRs) == 0 {
		alternative := ""
		if !env.ProdLike() {
			alternative = "; outside prod you may instead open the public endpoint with publicAccessCidrs"
		}
		p.add(key+".deployerCidrs", "required: the API endpoint is private, so `pulumi up` can create Kubernetes objects only "+
			"from networks the control-plane security group admits; allowed: the CIDR blocks of your VPN, office or CI runner (see docs/deploying.md, Reaching the cluster API)%s", alternative)
	}

	if in.NodeGroups != nil {
		c.NodeGroups = nil
		seen := map[string]bool{}
		hasSystem := false
		for i, g := range in.NodeGroups {
			group := parseNodeGroup(env, region, fmt.Sprintf("%s.nodeGroups[%d]", key, i), g, seen, p)
			hasSystem = hasSystem || group.Role == conventions.RoleSystem
			c.NodeGroups = append(c.NodeGroups, group)
		}
		if !hasSystem {
			p.add(key+".nodeGroups", "needs a group with role \"system\" (cluster add-ons and Karpenter run there); allowed roles: %s",
				quoteAll(conventions.NodeRoles))
		}
	}

	set(&c.NodeRepair, in.NodeRepair)
	if in.LogRetentionDays != nil {
		c.LogRetentionDays = *in.LogRetentionDays
		checkRetention(env, key+".logRetentionDays", c.LogRetentionDays, p)
	}

	if in.ServiceLinkedRoles != nil {
		c.ServiceLinkedRoles = nil
		var known []string
		for _, r := range catalog.ServiceLinkedRoles() {
			known = append(known, r.Key)
		}
		for i, k := range in.ServiceLinkedRoles {
			if _, ok := catalog.LookupServiceLinkedRole(k); !ok {
				p.add(fmt.Sprintf("%s.serviceLinkedRoles[%d]", key, i), "%q is not a service-linked role this platform creates; allowed: %s", k, strings.Join(known, ", "))
				continue
			}
			if !slices.Contains(c.ServiceLinkedRoles, k) {
				c.ServiceLinkedRoles = append(c.ServiceLinkedRoles, k)
			}
		}
		slices.Sort(c.ServiceLinkedRoles)
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
	for i, arn := range in.ViewerRoleARNs {
		switch {
		case !roleARNPattern.MatchString(arn):
			p.add(fmt.Sprintf("%s.viewerRoleArns[%d]", key, i), "%q is not an IAM role ARN; allowed: arn:<partition>:iam::<account>:role/<name>", arn)
		case slices.Contains(in.AdminRoleARNs, arn):
			p.add(fmt.Sprintf("%s.viewerRoleArns[%d]", key, i), "%q is in adminRoleArns too; EKS allows one access entry per principal: list it once", arn)
		}
	}
	c.ViewerRoleARNs = append([]string(nil), in.ViewerRoleARNs...)

	if k := in.Karpenter; k != nil {
		kk := key + ".karpenter"
		set(&c.Karpenter.Enabled, k.Enabled)
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
		seen := map[string]bool{}
		for i, id := range k.ReservationIDs {
			switch {
			case !reservationIDPattern.MatchString(id):
				p.add(fmt.Sprintf("%s.capacityReservationIds[%d]", kk, i), "%q is not a capacity reservation ID; allowed: cr- and 17 hex digits", id)
			case seen[id]:
				p.add(fmt.Sprintf("%s.capacityReservationIds[%d]", kk, i), "%q is listed twice", id)
			}
			seen[id] = true
		}
		c.Karpenter.CapacityReservationIDs = append([]string(nil), k.ReservationIDs...)
	}
	return c
}

var (
	addonVersionPattern  = regexp.MustCompile(`^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$`)
	roleARNPattern       = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[\w+=,.@/-]+$`)
	amiAliasPattern      = regexp.MustCompile(`^al2023@(latest|v\d{8})$`)
	reservationIDPattern = regexp.MustCompile(`^cr-[0-9a-f]{17}$`)
	resourceGroupPattern = regexp.MustCompile(`^arn:aws[a-z-]*:resource-groups:[a-z0-9-]+:\d{12}:group/[A-Za-z0-9_.-]+$`)
)

func parseNodeGroup(env conventions.Environment, region, key string, in nodeGroupInput, seen map[string]bool, p *problems) NodeGroup {
	g := NodeGroup{
		Name:          in.Name,
		Role:          conventions.NodeRole(in.Role),
		InstanceTypes: append([]string(nil), in.InstanceTypes...),
		EFA:           in.EFA,
		AllowPodIMDS:  in.AllowPodIMDS,
		ModelSizeGB:   floatOr(in.ModelSizeGB, 0),
	}
	switch {
	case !conventions.NodeGroupName.MatchString(g.Name):
		p.add(key+".name", "%q is not a valid name; allowed: 2-39 lowercase letters, digits and dashes, starting with a letter", g.Name)
	case seen[g.Name]:
		p.add(key+".name", "%q is used by another node group; names must be unique", g.Name)
	}
	seen[g.Name] = true

	if !slices.Contains(conventions.NodeRoles, g.Role) {
		p.add(key+".role", "%q is not a role; allowed: %s", in.Role, quoteAll(conventions.NodeRoles))
	}

	if len(g.InstanceTypes) == 0 {
		p.add(key+".instanceTypes", "required: at least one instance type; allowed: %s", strings.Join(catalog.InstanceTypeNames(), ", "))
	}
	var accelerators []catalog.Accelerator
	var types []catalog.InstanceType
	for i, name := range g.InstanceTypes {
		k := fmt.Sprintf("%s.instanceTypes[%d]", key, i)
		// A real type the catalog lacks is accepted (its family says its
		// accelerator; the ec2-instance-type-catalogued policy says what
		// is missing); a region the catalog has not recorded for a type is
		// the ec2-instance-type-offered-in-region policy's advisory.
		t, known := catalog.ResolveInstanceType(name)
		family, _, _ := strings.Cut(name, ".")
		switch {
		case known == catalog.NotEC2:
			p.add(k, "%q is not an EC2 instance type; closest: %s", name, strings.Join(catalog.ClosestInstanceTypes(name, 3), ", "))
			continue
		case catalog.IsArm(family):
			p.add(k, "%q is an Arm (Graviton) type; the platform's AMIs, pools and images are x86_64: use an x86_64 type such as %s",
				name, strings.Join(catalog.Closest(name, catalog.InstanceTypeNames(), 2), ", "))
			continue
		case g.EFA && known == catalog.Inferred:
			p.add(k, "%q is not in the catalog, which records each EFA type's interface count (the launch template's fan-out); "+
				"set efa: false, use a catalogued EFA type (%s) or add it to catalog/instances.go", name, strings.Join(efaTypes(), ", "))
		case g.EFA && !t.SupportsEFA():
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
		if g.RootVolumeGiB < catalog.RootVolumeMinGiB || g.RootVolumeGiB > catalog.RootVolumeMaxGiB {
			p.add(key+".rootVolumeGiB", "%d is outside the allowed %d to %d GiB", g.RootVolumeGiB, catalog.RootVolumeMinGiB, catalog.RootVolumeMaxGiB)
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

	defaultCapacity := conventions.OnDemand
	if g.Role == conventions.RoleTraining || (g.Role == conventions.RoleInference && !env.ProdLike()) {
		defaultCapacity = conventions.Spot
	}
	if r := in.Reservation; r != nil {
		rk := key + ".capacityReservation"
		g.CapacityReservation = &CapacityReservation{ID: r.ID, ResourceGroupARN: r.ResourceGroupARN, AvailabilityZone: r.AZ, CapacityBlock: r.CapacityBlock}
		defaultCapacity = conventions.OnDemand // reserved capacity is On-Demand
		switch {
		case (r.ID == "") == (r.ResourceGroupARN == ""):
			p.add(rk, "set exactly one of id (a reservation or Capacity Block, cr-...) and resourceGroupArn (a group of reservations)")
		case r.ID != "" && !reservationIDPattern.MatchString(r.ID):
			p.add(rk+".id", "%q is not a capacity reservation ID; allowed: cr- and 17 hex digits", r.ID)
		case r.ResourceGroupARN != "" && !resourceGroupPattern.MatchString(r.ResourceGroupARN):
			p.add(rk+".resourceGroupArn", "%q is not a resource group ARN; allowed: arn:aws:resource-groups:<region>:<account>:group/<name>", r.ResourceGroupARN)
		case r.CapacityBlock && r.ID == "":
			p.add(rk+".capacityBlock", "needs id: a Capacity Block is one reservation")
		}
		switch {
		case r.ID != "" && r.AZ == "":
			p.add(rk+".availabilityZone", "required with id: the reservation's zone (aws ec2 describe-capacity-reservations), which the group must use")
		case r.AZ != "" && (!strings.HasPrefix(r.AZ, region) || !azPattern.MatchString(r.AZ)):
			p.add(rk+".availabilityZone", "%q is not an availability zone of %s; allowed: names like %sa", r.AZ, region, region)
		case r.AZ != "" && g.AvailabilityZone != "" && g.AvailabilityZone != r.AZ:
			p.add(key+".availabilityZone", "%q, but the capacity reservation is in %s; the reservation's zone decides; allowed: %q or unset", g.AvailabilityZone, r.AZ, r.AZ)
		}
		if r.AZ != "" {
			g.AvailabilityZone = r.AZ
		}
		if len(g.InstanceTypes) != 1 {
			p.add(key+".instanceTypes", "lists %d types; a capacity reservation is for one instance type: list the reservation's", len(g.InstanceTypes))
		}
		if in.CapacityType != nil && *in.CapacityType != string(conventions.OnDemand) {
			p.add(key+".capacityType", "%q with a capacity reservation; allowed: %q (reserved capacity is On-Demand)", *in.CapacityType, conventions.OnDemand)
		}
	}
	g.CapacityType = defaultCapacity
	if in.CapacityType != nil {
		g.CapacityType = conventions.CapacityType(*in.CapacityType)
	}
	if !slices.Contains(conventions.CapacityTypes, g.CapacityType) {
		p.add(key+".capacityType", "%q is not a capacity type; allowed: %s", g.CapacityType, quoteAll(conventions.CapacityTypes))
	} else if env.ProdLike() && g.Role == conventions.RoleInference && g.CapacityType == conventions.Spot {
		p.add(key+".capacityType", "SPOT is weaker than %s allows for inference (interruptions drop requests); allowed: \"ON_DEMAND\"", env)
	}

	g.MinSize, g.MaxSize = 0, 2
	if g.Role == conventions.RoleSystem || (g.Role == conventions.RoleInference && env.ProdLike()) {
		g.MinSize = 2
	}
	set(&g.MinSize, in.MinSize)
	if in.MaxSize != nil {
		g.MaxSize = *in.MaxSize
	} else if g.MaxSize < g.MinSize {
		g.MaxSize = g.MinSize
	}
	g.DesiredSize = g.MinSize
	set(&g.DesiredSize, in.DesiredSize)
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
	if env.ProdLike() && g.Role == conventions.RoleInference && g.MinSize < 2 {
		p.add(key+".minSize", "%d is weaker than %s allows for inference (one instance is one AZ); allowed: 2 or more", g.MinSize, env)
	}
	if r := in.Reservation; r != nil && g.CapacityReservation != nil {
		rk := key + ".capacityReservation"
		g.CapacityReservation.Instances = g.MaxSize
		if r.Instances != nil {
			g.CapacityReservation.Instances = *r.Instances
			if *r.Instances < 1 {
				p.add(rk+".instances", "%d; allowed: 1 or more (the instances the reservation holds)", *r.Instances)
			} else if g.MaxSize > *r.Instances {
				p.add(key+".maxSize", "%d is more than the reservation's %d instances; launches beyond it fail (the template targets the reservation); allowed: at most %d",
					g.MaxSize, *r.Instances, *r.Instances)
			}
		}
		if r.USDPerHour != nil {
			g.CapacityReservation.USDPerHour = *r.USDPerHour
			switch {
			case !r.CapacityBlock:
				p.add(rk+".usdPerHour", "applies to Capacity Blocks only (an On-Demand Capacity Reservation bills at the On-Demand rate)")
			case *r.USDPerHour <= 0:
				p.add(rk+".usdPerHour", "%g; allowed: the positive price per instance-hour the block was bought at", *r.USDPerHour)
			}
		}
	}
	return g
}

// checkAPICIDRs validates CIDR blocks that may reach the cluster API: each
// a valid IPv4 block, none the whole internet. Blocks inside documentation
// ranges (RFC 5737, as the shipped stack files use) are placeholders: they
// validate, and Load refuses them at `pulumi up`.
func checkAPICIDRs(key string, blocks []string, what string, p *problems, placeholders *[]*FieldError) []string {
	for i, block := range blocks {
		k := fmt.Sprintf("%s[%d]", key, i)
		b, err := cidr.Parse(block)
		switch {
		case err != nil:
			p.add(k, "%v", err)
		case b.Bits() == 0:
			p.add(k, "%s opens the API to the internet; allowed: %s", block, what)
		case cidr.IsDocumentation(b):
			*placeholders = append(*placeholders, &FieldError{Key: k, Message: fmt.Sprintf(
				"%s is a documentation range (RFC 5737), a placeholder: set %s", block, what)})
		}
	}
	return append([]string(nil), blocks...)
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

func floatOr(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}
