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
	"github.com/ml-platform/ml-platform/spec"
)

// Cluster is the validated EKS configuration: the control plane and
// Karpenter as their components take them, the node groups, and the
// account's service-linked roles.
type Cluster struct {
	spec.ControlPlane
	// NodeGroups are the managed node groups, in the order given.
	NodeGroups []NodeGroup
	// Karpenter configures just-in-time capacity.
	Karpenter Karpenter
	// Queues admits batch work to Karpenter's pools through Kueue; nil
	// when off.
	Queues *Queues
	// ServiceLinkedRoles are the keys (catalog.ServiceLinkedRoles) of the
	// service-linked roles this stack needs before its keys. The program
	// looks each up and creates only those the account lacks
	// (components/account). [] skips the lookup.
	ServiceLinkedRoles []string
}

// Karpenter is the validated Karpenter configuration.
type Karpenter = spec.Karpenter

// Queues is the validated Kueue configuration.
type Queues = spec.Queues

// QueuePreemptions are the ClusterQueue preemption.withinClusterQueue
// policies (catalog.KueueSource).
var QueuePreemptions = []string{"LowerPriority", "LowerOrNewerEqualPriority", "Never"}

// NodeGroup is one validated managed node group, as the cluster component
// takes it; CapacityReservation its reserved capacity.
type (
	NodeGroup           = spec.NodeGroup
	CapacityReservation = spec.CapacityReservation
)

var versionPattern = regexp.MustCompile(`^1\.(\d+)$`)

// ClusterKeys declare ml-platform:cluster. The API endpoint is private
// everywhere unless a non-prod stack lists publicAccessCidrs (then it is
// public for those ranges only); prod-like stacks get a larger system
// group and control-plane logs kept a year.
var ClusterKeys = []Key{
	{Name: "version", Default: Always(conventions.DefaultKubernetesVersion), Check: Rule(fmt.Sprintf("%q or later, as \"1.MINOR\"", conventions.MinKubernetesVersion),
		func(_ Context, v string) string {
			if m := versionPattern.FindStringSubmatch(v); m == nil {
				return fmt.Sprintf("%q is not a Kubernetes version; allowed: %q or later, as \"1.MINOR\"", v, conventions.MinKubernetesVersion)
			} else if minor, _ := strconv.Atoi(m[1]); minor < conventions.MinKubernetesMinor {
				return fmt.Sprintf("%q is below the minimum; allowed: %q or later", v, conventions.MinKubernetesVersion)
			}
			return ""
		}), Doc: "the Kubernetes version"},
	{Name: "endpointPublicAccess", Derived: "true outside prod with publicAccessCidrs, else false", Check: Check{Allowed: "true, false; prod-like stacks false"},
		Doc: "open the API endpoint to publicAccessCidrs (true by default outside prod when they are listed)"},
	{Name: "publicAccessCidrs", Field: "PublicAccessCIDRs", Check: Check{Allowed: "IPv4 blocks, not 0.0.0.0/0"},
		Doc: "the ranges that may reach the public API endpoint"},
	{Name: "deployerCidrs", Field: "DeployerCIDRs", Check: Check{Allowed: "IPv4 blocks, not 0.0.0.0/0 (required with a private endpoint)"},
		Doc: "the networks `pulumi up` runs from: the control-plane security group admits them to the private endpoint"},
	{Name: "serviceLinkedRoles", Default: func(Context) any { return serviceLinkedRoleKeys() }, Check: Rule(strings.Join(serviceLinkedRoleKeys(), ", "),
		func(_ Context, k string) string {
			if _, ok := catalog.LookupServiceLinkedRole(k); !ok {
				return fmt.Sprintf("%q is not a service-linked role this platform creates; allowed: %s", k, strings.Join(serviceLinkedRoleKeys(), ", "))
			}
			return ""
		}), Doc: "the service-linked roles the stack looks up and creates when the account lacks them; [] skips the lookup"},
	{Name: "nodeRepair", Default: Always(true), Doc: "replace accelerated nodes the node monitoring agent reports unhealthy"},
	{Name: "nodeGroups", Default: func(c Context) any { return []NodeGroup{systemGroup(c.Env)} }, Keys: NodeGroupKeys,
		Doc: "the managed node groups (one system group by default: m6i.xlarge, 2 to 4 nodes, 3 to 6 in prod-like stacks)"},
	{Name: "addons", Default: func(Context) any { return map[string]string{} }, Check: Check{
		Allowed: "versions such as v1.19.5-eksbuild.1, or \"\" for the EKS default, by " + strings.Join(catalog.EKSAddons, ", "),
		Name: func(name string) string {
			if !slices.Contains(catalog.EKSAddons, name) {
				return "not an add-on this platform manages; allowed: " + strings.Join(catalog.EKSAddons, ", ")
			}
			return ""
		}, Fn: func(_ Context, v any) string {
			if v := v.(string); v != "" && !addonVersionPattern.MatchString(v) {
				return fmt.Sprintf("%q is not an add-on version; allowed: a version such as v1.19.5-eksbuild.1, or \"\" for the EKS default", v)
			}
			return ""
		}}, Doc: "pin EKS add-on versions by name (every add-on is installed)"},
	{Name: "adminRoleArns", Field: "AdminRoleARNs", Check: roleARN, Doc: "roles that get cluster-admin access entries (not the cluster's creator)"},
	{Name: "viewerRoleArns", Field: "ViewerRoleARNs", Check: roleARN, Doc: "roles that get view access entries (the CI preview role)"},
	{Name: "karpenter", Doc: "just-in-time capacity", Keys: []Key{
		{Name: "enabled", Default: Always(true), Doc: "install Karpenter and its NodePools"},
		{Name: "trainingGpuLimit", Field: "TrainingGPULimit", Default: Always(64), Check: poolLimit, Doc: "nvidia.com/gpu the gpu-training pool may launch"},
		{Name: "inferenceGpuLimit", Field: "InferenceGPULimit", Default: Always(16), Check: poolLimit, Doc: "nvidia.com/gpu the gpu-inference pool may launch"},
		{Name: "neuronDeviceLimit", Default: Always(64), Check: poolLimit, Doc: "aws.amazon.com/neuron the Neuron pool may launch"},
		{Name: "cpuLimit", Field: "CPULimit", Default: Always(4000), Check: AtLeast(1, "vCPUs"),
			Doc: "vCPUs per pool (every pool needs some: the GPU limits switch pools off)"},
		{Name: "amiAlias", Field: "AMIAlias", Default: Always("al2023@latest"), Check: Matching("an AMI alias", "al2023@latest or al2023@vYYYYMMDD",
			amiAliasPattern.MatchString), Doc: "the node AMI family and version; pin a version for reproducible nodes"},
		{Name: "capacityReservationIds", Field: "CapacityReservationIDs", Check: Matching("a capacity reservation ID", "cr- and 17 hex digits",
			reservationIDPattern.MatchString), Doc: "reservations and Capacity Blocks the pools may launch into (reserved capacity first)"},
	}},
	{Name: "queues", Enabled: "enabled", Doc: "Kueue GPU queues: a ClusterQueue per Karpenter pool with the pool's limits as quota, " +
		"LocalQueues in ml-training and per team, priorities that preempt (needs karpenter)", Keys: []Key{
		{Name: "teams", Check: Matching("a team name", "lowercase letters, digits and dashes, at most 58", teamName.MatchString),
			Doc: "teams that get a namespace team-<team> with the training quota and a LocalQueue per pool"},
		{Name: "preemption", Default: Always("LowerPriority"), Check: OneOf("a preemption policy", QueuePreemptions...),
			Doc: "what an admitted job may evict inside its queue: LowerPriority, LowerOrNewerEqualPriority or Never"},
	}},
	{Name: "logRetentionDays", Default: ByEnv(conventions.DevLogRetentionDays, conventions.ProdMinLogRetentionDays),
		Check: Rule("a CloudWatch Logs retention; prod-like stacks 365 or more", retention), Doc: "how long control-plane logs are kept"},
}

// NodeGroupKeys declare one of ml-platform:cluster.nodeGroups. Sizes,
// capacity type and root volume default by role, environment and
// instance type (checkNodeGroup).
var NodeGroupKeys = []Key{
	{Name: "name", Check: Matching("a valid name", "2-39 lowercase letters, digits and dashes, starting with a letter",
		conventions.NodeGroupName.MatchString), Doc: "the group's name (unique)"},
	{Name: "role", Check: OneOf("a role", conventions.NodeRoles...), Doc: "what the group runs"},
	{Name: "instanceTypes", Check: Check{Allowed: "x86_64 EC2 types, one accelerator kind"}, Doc: "the group's instance types (at least one)"},
	{Name: "minSize", Derived: "2 for system and prod inference, else 0", Check: Check{Allowed: "0 to maxSize; 2 or more for system and prod inference"}, Doc: "the fewest nodes (2 for system and prod inference groups, else 0)"},
	{Name: "maxSize", Derived: "2, or minSize when larger", Check: Check{Allowed: "1 or more"}, Doc: "the most nodes (2, or minSize when larger)"},
	{Name: "desiredSize", Derived: "minSize", Check: Check{Allowed: "minSize to maxSize"}, Doc: "the nodes to start with (minSize)"},
	{Name: "capacityType", Derived: "SPOT for training and non-prod inference, else ON_DEMAND", Check: Check{Allowed: quoteAll(conventions.CapacityTypes) + "; prod inference ON_DEMAND"},
		Doc: "SPOT for training (and inference outside prod), else ON_DEMAND; ON_DEMAND with a reservation"},
	{Name: "efa", Field: "EFA", Doc: "EFA interfaces, a cluster placement group and the security rules (EFA types only)"},
	{Name: "availabilityZone", Check: Rule("a zone of the stack's region", func(c Context, az string) string {
		if az != "" && (!strings.HasPrefix(az, c.Region) || !azPattern.MatchString(az)) {
			return fmt.Sprintf("%q is not an availability zone of %s; allowed: names like %sa", az, c.Region, c.Region)
		}
		return ""
	}), Doc: "pin the group to one zone (EFA groups: the stack's first zone by default)"},
	{Name: "amiType", Field: "AMIType", Check: Check{Allowed: "the type the instances need"}, Doc: "override the EKS AMI type the catalog derives"},
	{Name: "rootVolumeGiB", Derived: "100, 500 for accelerated types", Check: Check{Allowed: fmt.Sprintf("%d to %d", catalog.RootVolumeMinGiB, catalog.RootVolumeMaxGiB)},
		Doc: "the encrypted gp3 root volume (100 GiB, 500 for accelerated types)"},
	{Name: "allowPodIMDS", Field: "AllowPodIMDS", Doc: "let pods reach the node's instance metadata (hop limit 2; flagged by imds-hop-limit)"},
	{Name: "modelSizeGb", Field: "ModelSizeGB", Check: Check{Allowed: "GB of 16-bit weights"}, Doc: "the model the group's workload holds: too large for its nodes is an advisory"},
	{Name: "capacityReservation", Doc: "launch into reserved capacity: id (with availabilityZone) or resourceGroupArn", Keys: []Key{
		{Name: "id", Field: "ID", Check: Optional("a capacity reservation ID", "cr- and 17 hex digits", reservationIDPattern.MatchString), Doc: "an On-Demand Capacity Reservation or a Capacity Block"},
		{Name: "resourceGroupArn", Field: "ResourceGroupARN", Check: Optional("a resource group ARN",
			"arn:aws:resource-groups:<region>:<account>:group/<name>", resourceGroupPattern.MatchString), Doc: "a group of reservations"},
		{Name: "availabilityZone", Check: Rule("a zone of the stack's region (required with id)", func(c Context, az string) string {
			if az != "" && (!strings.HasPrefix(az, c.Region) || !azPattern.MatchString(az)) {
				return fmt.Sprintf("%q is not an availability zone of %s; allowed: names like %sa", az, c.Region, c.Region)
			}
			return ""
		}), Doc: "the reservation's zone, which the group uses"},
		{Name: "capacityBlock", Doc: "the id is a Capacity Block for ML"},
		{Name: "instances", Derived: "the group's maxSize", Check: Check{Allowed: "1 or more"}, Doc: "the instances the reservation holds, priced running or not (maxSize by default)"},
		{Name: "usdPerHour", Field: "USDPerHour", Derived: "the catalog's On-Demand price", Check: Check{Allowed: "a positive price, Capacity Blocks only"},
			Doc: "a Capacity Block's price per instance-hour (the catalog's On-Demand price by default)"},
	}},
}

var (
	roleARN   = Matching("an IAM role ARN", "arn:<partition>:iam::<account>:role/<name>", roleARNPattern.MatchString)
	poolLimit = Rule("0 (pool disabled) or more", func(_ Context, n int) string {
		if n < 0 {
			return fmt.Sprintf("%d is negative; allowed: 0 (pool disabled) or more", n)
		}
		return ""
	})
)

// systemGroup is the node group a stack gets without nodeGroups.
func systemGroup(env conventions.Environment) NodeGroup {
	g := NodeGroup{Name: "system", Role: conventions.RoleSystem, InstanceTypes: []string{"m6i.xlarge"},
		MinSize: 2, MaxSize: 4, DesiredSize: 2, CapacityType: conventions.OnDemand, RootVolumeGiB: 100}
	if env.ProdLike() {
		g.MinSize, g.DesiredSize, g.MaxSize = 3, 3, 6
	}
	return g
}

func serviceLinkedRoleKeys() []string {
	var keys []string
	for _, r := range catalog.ServiceLinkedRoles() {
		keys = append(keys, r.Key)
	}
	return keys
}

// checkCluster holds the rules that span several cluster keys, and the
// defaults that depend on other keys.
func checkCluster(c Context, cl *Cluster, set Set, p *problems, placeholders *[]*FieldError) {
	const key = KeyCluster
	env := c.Env
	if !set[key+".endpointPublicAccess"] {
		cl.EndpointPublicAccess = !env.ProdLike() && len(cl.PublicAccessCIDRs) > 0
	}
	if env.ProdLike() && cl.EndpointPublicAccess {
		p.add(key+".endpointPublicAccess", "true is weaker than %s allows (the API must be private); allowed: false", env)
	}
	checkAPICIDRs(key+".publicAccessCidrs", cl.PublicAccessCIDRs, "public ranges such as your office or VPN egress", p, placeholders)
	if cl.EndpointPublicAccess && len(cl.PublicAccessCIDRs) == 0 {
		p.add(key+".publicAccessCidrs", "required when endpointPublicAccess is true: the ranges that may reach the API (an empty list would mean 0.0.0.0/0)")
	}
	checkAPICIDRs(key+".deployerCidrs", cl.DeployerCIDRs, "the networks `pulumi up` runs from, such as a VPN range or a CI runner's subnet", p, placeholders)
	if !cl.EndpointPublicAccess && len(cl.DeployerCIDRs) == 0 {
		alternative := ""
		if !env.ProdLike() {
			alternative = "; outside prod you may instead open the public endpoint with publicAccessCidrs"
		}
		p.add(key+".deployerCidrs", "required: the API endpoint is private, so `pulumi up` can create Kubernetes objects only "+
			"from networks the control-plane security group admits; allowed: the CIDR blocks of your VPN, office or CI runner (see docs/deploying.md, Reaching the cluster API)%s", alternative)
	}
	if set[key+".nodeGroups"] {
		seen := map[string]bool{}
		hasSystem := false
		for i := range cl.NodeGroups {
			g := &cl.NodeGroups[i]
			gk := fmt.Sprintf("%s.nodeGroups[%d]", key, i)
			if seen[g.Name] {
				p.add(gk+".name", "%q is used by another node group; names must be unique", g.Name)
			}
			seen[g.Name] = true
			checkNodeGroup(c, gk, g, set, p)
			hasSystem = hasSystem || g.Role == conventions.RoleSystem
		}
		if !hasSystem {
			p.add(key+".nodeGroups", "needs a group with role \"system\" (cluster add-ons and Karpenter run there); allowed roles: %s",
				quoteAll(conventions.NodeRoles))
		}
	}
	slices.Sort(cl.ServiceLinkedRoles)
	cl.ServiceLinkedRoles = slices.Compact(cl.ServiceLinkedRoles)
	for i, arn := range cl.ViewerRoleARNs {
		if slices.Contains(cl.AdminRoleARNs, arn) {
			p.add(fmt.Sprintf("%s.viewerRoleArns[%d]", key, i), "%q is in adminRoleArns too; EKS allows one access entry per principal: list it once", arn)
		}
	}
	if q := cl.Queues; q != nil {
		if !cl.Karpenter.Enabled {
			p.add(key+".queues", "admits work to Karpenter's pools: enable %s.karpenter, or turn queues off", key)
		}
		for i, team := range q.Teams {
			if slices.Index(q.Teams, team) != i {
				p.add(fmt.Sprintf("%s.queues.teams[%d]", key, i), "%q is listed twice", team)
			}
		}
	}
	seen := map[string]bool{}
	for i, id := range cl.Karpenter.CapacityReservationIDs {
		if seen[id] {
			p.add(fmt.Sprintf("%s.karpenter.capacityReservationIds[%d]", key, i), "%q is listed twice", id)
		}
		seen[id] = true
	}
}

var (
	addonVersionPattern  = regexp.MustCompile(`^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$`)
	roleARNPattern       = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[\w+=,.@/-]+$`)
	amiAliasPattern      = regexp.MustCompile(`^al2023@(latest|v\d{8})$`)
	reservationIDPattern = regexp.MustCompile(`^cr-[0-9a-f]{17}$`)
	// teamName leaves room for the team- prefix in a 63-character
	// namespace name.
	teamName             = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,56}[a-z0-9])?$`)
	resourceGroupPattern = regexp.MustCompile(`^arn:aws[a-z-]*:resource-groups:[a-z0-9-]+:\d{12}:group/[A-Za-z0-9_.-]+$`)
)

// checkNodeGroup holds a node group's rules that span its keys, and the
// defaults that depend on its role, the environment and its types.
func checkNodeGroup(c Context, key string, g *NodeGroup, set Set, p *problems) {
	env := c.Env
	given := func(name string) bool { return set[key+"."+name] }
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

	if !given("rootVolumeGiB") {
		g.RootVolumeGiB = 100
		if len(types) > 0 && types[0].IsAccelerated() {
			g.RootVolumeGiB = 500
		}
	} else if g.RootVolumeGiB < catalog.RootVolumeMinGiB || g.RootVolumeGiB > catalog.RootVolumeMaxGiB {
		p.add(key+".rootVolumeGiB", "%d is outside the allowed %d to %d GiB", g.RootVolumeGiB, catalog.RootVolumeMinGiB, catalog.RootVolumeMaxGiB)
	}

	if g.AMIType != "" {
		allowed := []catalog.AMIType{catalog.AMIAL2023Standard, catalog.AMIAL2023Nvidia, catalog.AMIAL2023Neuron}
		switch {
		case !slices.Contains(allowed, g.AMIType):
			p.add(key+".amiType", "%q is not an AMI type; allowed: %s", g.AMIType, quoteAll(allowed))
		case len(types) > 0 && g.AMIType != types[0].AMIType:
			p.add(key+".amiType", "%q does not fit %s instances (%s); allowed: %q", g.AMIType, types[0].Accelerator, types[0].Name, types[0].AMIType)
		}
	}

	defaultCapacity := conventions.OnDemand
	if g.Role == conventions.RoleTraining || (g.Role == conventions.RoleInference && !env.ProdLike()) {
		defaultCapacity = conventions.Spot
	}
	r := g.CapacityReservation
	if r != nil {
		rk := key + ".capacityReservation"
		defaultCapacity = conventions.OnDemand // reserved capacity is On-Demand
		switch {
		case (r.ID == "") == (r.ResourceGroupARN == ""):
			p.add(rk, "set exactly one of id (a reservation or Capacity Block, cr-...) and resourceGroupArn (a group of reservations)")
		case r.CapacityBlock && r.ID == "":
			p.add(rk+".capacityBlock", "needs id: a Capacity Block is one reservation")
		}
		switch {
		case r.ID != "" && r.AvailabilityZone == "":
			p.add(rk+".availabilityZone", "required with id: the reservation's zone (aws ec2 describe-capacity-reservations), which the group must use")
		case r.AvailabilityZone != "" && g.AvailabilityZone != "" && g.AvailabilityZone != r.AvailabilityZone:
			p.add(key+".availabilityZone", "%q, but the capacity reservation is in %s; the reservation's zone decides; allowed: %q or unset",
				g.AvailabilityZone, r.AvailabilityZone, r.AvailabilityZone)
		}
		if r.AvailabilityZone != "" {
			g.AvailabilityZone = r.AvailabilityZone
		}
		if len(g.InstanceTypes) != 1 {
			p.add(key+".instanceTypes", "lists %d types; a capacity reservation is for one instance type: list the reservation's", len(g.InstanceTypes))
		}
		if given("capacityType") && g.CapacityType != conventions.OnDemand {
			p.add(key+".capacityType", "%q with a capacity reservation; allowed: %q (reserved capacity is On-Demand)", g.CapacityType, conventions.OnDemand)
		}
	}
	if !given("capacityType") {
		g.CapacityType = defaultCapacity
	}
	if !slices.Contains(conventions.CapacityTypes, g.CapacityType) {
		p.add(key+".capacityType", "%q is not a capacity type; allowed: %s", g.CapacityType, quoteAll(conventions.CapacityTypes))
	} else if env.ProdLike() && g.Role == conventions.RoleInference && g.CapacityType == conventions.Spot {
		p.add(key+".capacityType", "SPOT is weaker than %s allows for inference (interruptions drop requests); allowed: \"ON_DEMAND\"", env)
	}

	if !given("minSize") {
		g.MinSize = 0
		if g.Role == conventions.RoleSystem || (g.Role == conventions.RoleInference && env.ProdLike()) {
			g.MinSize = 2
		}
	}
	if !given("maxSize") {
		g.MaxSize = max(2, g.MinSize)
	}
	if !given("desiredSize") {
		g.DesiredSize = g.MinSize
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
	if env.ProdLike() && g.Role == conventions.RoleInference && g.MinSize < 2 {
		p.add(key+".minSize", "%d is weaker than %s allows for inference (one instance is one AZ); allowed: 2 or more", g.MinSize, env)
	}
	if r != nil {
		rk := key + ".capacityReservation"
		if !given("capacityReservation.instances") {
			r.Instances = g.MaxSize
		} else if r.Instances < 1 {
			p.add(rk+".instances", "%d; allowed: 1 or more (the instances the reservation holds)", r.Instances)
		} else if g.MaxSize > r.Instances {
			p.add(key+".maxSize", "%d is more than the reservation's %d instances; launches beyond it fail (the template targets the reservation); allowed: at most %d",
				g.MaxSize, r.Instances, r.Instances)
		}
		if given("capacityReservation.usdPerHour") {
			switch {
			case !r.CapacityBlock:
				p.add(rk+".usdPerHour", "applies to Capacity Blocks only (an On-Demand Capacity Reservation bills at the On-Demand rate)")
			case r.USDPerHour <= 0:
				p.add(rk+".usdPerHour", "%g; allowed: the positive price per instance-hour the block was bought at", r.USDPerHour)
			}
		}
	}
}

// checkAPICIDRs validates CIDR blocks that may reach the cluster API: each
// a valid IPv4 block, none the whole internet. Blocks inside documentation
// ranges (RFC 5737, as the shipped stack files use) are placeholders: they
// validate, and Load refuses them at `pulumi up`.
func checkAPICIDRs(key string, blocks []string, what string, p *problems, placeholders *[]*FieldError) {
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
