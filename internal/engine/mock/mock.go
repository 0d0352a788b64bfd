// Package mock is the one recording mock of the Pulumi engine, shared by the
// offline preview, the component tests and the whole-stack tests.
package mock

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// AccountID is the AWS account the offline engine pretends to deploy into
// (the documentation account, so nothing looks real by accident).
const AccountID = "123456789012"

// Registered is one resource the program registered, as the engine saw it.
type Registered struct {
	URN                  string
	Type                 string
	Name                 string
	Parent               string // parent URN; "" for children of the stack
	Custom               bool   // false for component resources
	Remote               bool   // a multi-language component (pulumi-eks): its children are not visible
	Protect              bool
	RetainOnDelete       bool
	Provider             string
	ImportID             string // the pulumi.Import ID, when the program adopts an existing resource
	Dependencies         []string
	PropertyDependencies map[string][]string
	Inputs               resource.PropertyMap
	Outputs              resource.PropertyMap
}

// Recorder is the mock resource monitor shared by the offline preview and
// the tests. It keeps every registration, answers with realistic computed
// outputs (IDs, ARNs with partition, region and account, DNS names) and
// answers the invokes the program makes. The engine calls it concurrently.
type Recorder struct {
	Project, Stack, Region string
	// DryRun runs programs as `pulumi preview` does (ctx.DryRun() true):
	// outputs the mock does not return are unknown, and the program treats
	// the run as a plan. False runs them as `pulumi up` does.
	DryRun bool
	// FirstPreview, with DryRun, models the first preview of a new stack:
	// nothing exists yet, so every output a provider computes (IDs, ARNs,
	// names it generates) is unknown; only the inputs and tagsAll are
	// known. Tests use it to prove that a document is known before
	// anything is created.
	FirstPreview bool

	// SecretKeys are the config keys the engine tells the program are
	// secret (`pulumi config set --secret`).
	SecretKeys []string
	// Organization is the stack's organization ("" for the self-managed
	// backends' "organization").
	Organization string

	// StackOutputs answer stack references: the outputs of each stack by
	// its fully qualified name ("organization/ml-platform/dev"), as
	// `pulumi stack output --json` prints them.
	StackOutputs map[string]map[string]any

	// AccountRoles are the IAM roles the account already has, by role
	// name, with their tags: the answer to the role lookups (getRoles,
	// getRole). Empty models a fresh account.
	AccountRoles map[string]AccountRole

	// ZoneIDs maps the region's zone names to zone IDs, as this account
	// sees them; nil maps <region>a to <short>-az1, b to az2 and so on.
	ZoneIDs map[string]string
	// EndpointServiceZones are the zones each endpoint service (by full
	// service name) is offered in; a service not listed is offered in
	// every zone.
	EndpointServiceZones map[string][]string

	mu         sync.Mutex
	transforms []pulumi.ResourceTransform
	references []string
	resources  []*Registered
	providers  map[string]resource.PropertyMap // provider URN -> default tags
	regions    map[string]string               // provider URN -> region
	invokes    map[string]int
}

var _ pulumi.MockResourceMonitor = (*Recorder)(nil)

// AccountRole is a role the account has before the stack runs.
type AccountRole struct {
	// Path is the role's IAM path ("/" or "/aws-service-role/<service>/").
	Path string
	// Tags are the role's tags.
	Tags map[string]string
}

// NewRecorder returns an empty recorder for one stack in one region.
func NewRecorder(project, stack, region string) *Recorder {
	return &Recorder{Project: project, Stack: stack, Region: region,
		providers: map[string]resource.PropertyMap{}, regions: map[string]string{}, invokes: map[string]int{}}
}

// Resources returns the registrations sorted by URN.
func (r *Recorder) Resources() []*Registered {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]*Registered(nil), r.resources...)
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Invokes returns how often each function token was invoked.
func (r *Recorder) Invokes() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.invokes))
	for k, v := range r.invokes {
		out[k] = v
	}
	return out
}

// URN builds a resource's URN exactly as the engine does: the parent's type
// is part of the qualified type unless the parent is the stack.
func (r *Recorder) URN(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.Stack), tokens.PackageName(r.Project), parentType, tokens.Type(typ), name))
}

// Run runs a Pulumi program against the recorder with the given config
// (full keys to strings, as the engine passes them).
func (r *Recorder) Run(program pulumi.RunFunc, config map[string]string) error {
	withConfig := func(info *pulumi.RunInfo) {
		info.Config, info.DryRun, info.ConfigSecretKeys, info.Organization = config, r.DryRun, r.SecretKeys, r.Organization
	}
	return pulumi.RunErr(program, pulumi.WithMocks(r.Project, r.Stack, r), withConfig)
}

// ByType returns the registrations of one type token, sorted by URN.
func (r *Recorder) ByType(typ string) []*Registered {
	var out []*Registered
	for _, reg := range r.Resources() {
		if reg.Type == typ {
			out = append(out, reg)
		}
	}
	return out
}

// ByName returns the registration of one type and logical name, or nil.
func (r *Recorder) ByName(typ, name string) *Registered {
	for _, reg := range r.ByType(typ) {
		if reg.Name == name {
			return reg
		}
	}
	return nil
}

// ByURN returns the registration with that URN, or nil.
func (r *Recorder) ByURN(urn string) *Registered {
	for _, reg := range r.Resources() {
		if reg.URN == urn {
			return reg
		}
	}
	return nil
}

// StackReferenceType is the type token of pulumi.StackReference, which
// the engine reads rather than creates.
const StackReferenceType = "pulumi:pulumi:StackReference"

// References returns the stacks the program read through stack references.
func (r *Recorder) References() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.references...)
}

// readStackReference answers a stack reference from StackOutputs, as the
// engine answers it from the referenced stack's last update.
func (r *Recorder) readStackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	name := args.ID
	if v, ok := args.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	outputs, ok := r.StackOutputs[name]
	if !ok {
		return "", nil, fmt.Errorf("offline engine: no outputs for the stack reference %q; the offline preview answers it "+
			"from that stack's file (Pulumi.<stack>.yaml) or from --reference %s=<pulumi stack export or output --json file>", name, name)
	}
	r.mu.Lock()
	r.references = append(r.references, name)
	r.mu.Unlock()
	return name, resource.NewPropertyMapFromMap(map[string]any{
		"name": name, "outputs": outputs, "secretOutputNames": []any{},
	}), nil
}

// NewResource records a registration and returns its ID and outputs.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == StackReferenceType {
		return r.readStackReference(args)
	}
	inputs, err := r.transform(args.TypeToken, args.Name, args.Custom, args.Inputs)
	if err != nil {
		return "", nil, err
	}
	reg := &Registered{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: inputs, Provider: args.Provider,
		ImportID: args.ID}
	if rpc := args.RegisterRPC; rpc != nil {
		reg.Parent = rpc.GetParent()
		reg.Remote = rpc.GetRemote()
		reg.Protect = rpc.GetProtect()
		reg.RetainOnDelete = rpc.GetRetainOnDelete()
		reg.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		reg.PropertyDependencies = map[string][]string{}
		for k, deps := range rpc.GetPropertyDependencies() {
			reg.PropertyDependencies[k] = append([]string(nil), deps.GetUrns()...)
		}
	}
	if resource.URN(reg.Parent).QualifiedType() == resource.RootStackType {
		reg.Parent = ""
	}
	reg.URN = r.URN(reg.Parent, reg.Type, reg.Name)

	id, outputs := r.outputs(reg)
	reg.Outputs = outputs

	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.HasPrefix(reg.Type, "pulumi:providers:") {
		if region, ok := args.Inputs["region"]; ok && region.IsString() {
			r.regions[reg.URN] = region.StringValue()
		}
		if dt, ok := args.Inputs["defaultTags"]; ok && dt.IsObject() {
			if t, ok := dt.ObjectValue()["tags"]; ok && t.IsObject() {
				r.providers[reg.URN] = t.ObjectValue()
			}
		}
	}
	r.resources = append(r.resources, reg)
	return id, outputs, nil
}

// Call answers invokes (data sources) deterministically.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	r.invokes[args.Token]++
	r.mu.Unlock()
	partition := Partition(r.Region)
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID,
			"arn":       fmt.Sprintf("arn:%s:iam::%s:user/offline-preview", partition, AccountID),
			"userId":    "AIDAOFFLINEPREVIEW",
			"id":        AccountID,
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"partition": partition, "dnsSuffix": dnsSuffix(partition), "reverseDnsPrefix": "com.amazonaws", "id": partition,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": r.Region, "region": r.Region, "id": r.Region, "endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", r.Region),
			"description": r.Region,
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		var names, ids []any
		for _, name := range r.zoneNames() {
			names = append(names, name)
			ids = append(ids, r.zoneID(name))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": names, "zoneIds": ids, "id": r.Region, "groupNames": []any{r.Region},
		}), nil
	case "aws:ec2/getVpcEndpointService:getVpcEndpointService":
		name := args.Args["serviceName"].StringValue()
		zones, ok := r.EndpointServiceZones[name]
		if !ok {
			zones = r.zoneNames()
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": name, "serviceName": name, "serviceType": "Interface", "availabilityZones": zones,
			"serviceId": "vpce-svc-" + hash(name)[:17], "owner": "amazon", "privateDnsName": "",
		}), nil
	case "aws:iam/getRoles:getRoles":
		return r.getRoles(args.Args, partition)
	case "aws:iam/getRole:getRole":
		name := args.Args["name"].StringValue()
		role, ok := r.AccountRoles[name]
		if !ok {
			// The provider's error for a role that does not exist.
			return nil, fmt.Errorf("reading IAM Role (%s): couldn't find resource", name)
		}
		tags := map[string]any{}
		for k, v := range role.Tags {
			tags[k] = v
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": name, "name": name, "path": role.Path, "tags": tags,
			"arn": fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, AccountID, role.Path, name),
		}), nil
	}
	return nil, fmt.Errorf("offline engine: no answer for invoke %s; add it to internal/engine/mock/mock.go", args.Token)
}

// zoneNames are the region's six zones, <region>a to <region>f.
func (r *Recorder) zoneNames() []string {
	var out []string
	for _, letter := range "abcdef" {
		out = append(out, fmt.Sprintf("%s%c", r.Region, letter))
	}
	return out
}

// zoneID is a zone name's ID in this account.
func (r *Recorder) zoneID(name string) string {
	if id, ok := r.ZoneIDs[name]; ok {
		return id
	}
	return fmt.Sprintf("%s-az%d", regionShort(r.Region), int(name[len(name)-1]-'a')+1)
}

// getRoles answers the role listing from AccountRoles: the roles under
// pathPrefix whose names match nameRegex, sorted by name.
func (r *Recorder) getRoles(in resource.PropertyMap, partition string) (resource.PropertyMap, error) {
	prefix, pattern := "/", ""
	if v, ok := in["pathPrefix"]; ok && v.IsString() {
		prefix = v.StringValue()
	}
	if v, ok := in["nameRegex"]; ok && v.IsString() {
		pattern = v.StringValue()
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("getRoles: nameRegex: %w", err)
	}
	var names []string
	for name, role := range r.AccountRoles {
		if strings.HasPrefix(role.Path, prefix) && re.MatchString(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	arns, list := []any{}, []any{}
	for _, n := range names {
		arns = append(arns, fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, AccountID, r.AccountRoles[n].Path, n))
		list = append(list, n)
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": AccountID, "arns": arns, "names": list, "pathPrefix": prefix, "nameRegex": pattern,
	}), nil
}

// outputs returns the resource's ID and its state: the inputs, tagsAll as
// the provider would compute it, and the computed attributes of its type.
func (r *Recorder) outputs(reg *Registered) (string, resource.PropertyMap) {
	state := reg.Inputs.Copy()
	if reg.Remote && reg.Type == "eks:index:Cluster" {
		return "", r.eksClusterOutputs(reg, state)
	}
	if !reg.Custom {
		return "", state
	}
	if r.FirstPreview && r.DryRun && !strings.HasPrefix(reg.Type, "pulumi:providers:") {
		if all := r.allTags(reg); all != nil {
			state["tagsAll"] = resource.NewObjectProperty(all)
		}
		return "", state
	}
	// A resource is in its provider's region (a replica provider's
	// resources are elsewhere than the stack).
	region := r.regionOf(reg.Provider)
	partition := Partition(region)
	h := hash(stackless(reg.URN))
	module, kind := splitType(reg.Type)
	id := fmt.Sprintf("%s-%s", idPrefix(kind), h[:17])
	set := func(k string, v any) { state[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	arn := func(service, rest string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", partition, service, region, AccountID, rest)
	}
	autoName := func() string {
		if v, ok := reg.Inputs["name"]; ok && v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
		return reg.Name + "-" + h[:7]
	}

	switch reg.Type {
	case "aws:kms/key:Key":
		id = uuidFrom(h)
		set("keyId", id)
		set("arn", arn("kms", "key/"+id))
	case "aws:kms/alias:Alias":
		id = autoName()
		set("arn", arn("kms", id))
		set("targetKeyArn", arn("kms", "key/"+uuidFrom(hash(fmt.Sprint(reg.Inputs["targetKeyId"])))))
	case "aws:cloudwatch/logGroup:LogGroup":
		id = autoName()
		set("name", id)
		set("arn", arn("logs", "log-group:"+id))
	case "aws:iam/role:Role":
		id = autoName()
		set("name", id)
		set("arn", fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, AccountID, id))
		set("uniqueId", "AROA"+strings.ToUpper(h[:17]))
	case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
		service := String(reg.Inputs, "awsServiceName")
		for _, slr := range catalog.ServiceLinkedRoles() {
			if slr.Service == service {
				id = slr.ARN(partition, AccountID)
				set("name", slr.RoleName)
			}
		}
		set("arn", id)
		set("path", "/aws-service-role/"+service+"/")
		set("uniqueId", "AROA"+strings.ToUpper(h[:17]))
	case "aws:iam/policy:Policy":
		id = fmt.Sprintf("arn:%s:iam::%s:policy/%s", partition, AccountID, autoName())
		set("arn", id)
		set("name", autoName())
	case "aws:iam/rolePolicy:RolePolicy":
		id = fmt.Sprintf("%v:%s", reg.Inputs["role"].V, autoName())
		set("name", autoName())
	case "aws:sqs/queue:Queue":
		name := autoName()
		id = fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, AccountID, name)
		set("name", name)
		set("url", id)
		set("arn", arn("sqs", name))
	case "aws:s3/bucketV2:BucketV2":
		id = String(reg.Inputs, "bucket")
		if id == "" {
			id = strings.ToLower(reg.Name) + "-" + h[:12]
		}
		set("bucket", id)
		set("arn", fmt.Sprintf("arn:%s:s3:::%s", partition, id))
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", id, region))
		set("region", region)
	case "aws:fsx/lustreFileSystem:LustreFileSystem":
		id = "fs-" + h[:17]
		set("arn", arn("fsx", "file-system/"+id))
		set("dnsName", fmt.Sprintf("%s.fsx.%s.amazonaws.com", id, region))
		set("mountName", h[20:28])
		set("networkInterfaceIds", []any{"eni-" + h[28:45]})
	case "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation":
		id = "dra-" + h[:17]
		set("associationId", id)
		set("arn", arn("fsx", "association/"+fmt.Sprint(reg.Inputs["fileSystemId"].V)+"/"+id))
	case "aws:sns/topic:Topic":
		name := autoName()
		id = arn("sns", name)
		set("name", name)
		set("arn", id)
		set("owner", AccountID)
	case "aws:sns/topicPolicy:TopicPolicy":
		id = fmt.Sprint(reg.Inputs["arn"].V)
		set("owner", AccountID)
	case "aws:budgets/budget:Budget":
		name := autoName()
		id = AccountID + ":" + name
		set("name", name)
		set("accountId", AccountID)
		set("arn", fmt.Sprintf("arn:%s:budgets::%s:budget/%s", partition, AccountID, name))
	case "aws:budgets/budgetAction:BudgetAction":
		actionID := uuidFrom(h)
		budget := fmt.Sprint(reg.Inputs["budgetName"].V)
		id = AccountID + ":" + actionID + ":" + budget
		set("actionId", actionID)
		set("arn", fmt.Sprintf("arn:%s:budgets::%s:budget/%s/action/%s", partition, AccountID, budget, actionID))
		set("status", "STANDBY")
	case "aws:costexplorer/anomalyMonitor:AnomalyMonitor", "aws:costexplorer/anomalySubscription:AnomalySubscription":
		kind := "anomalymonitor"
		if strings.HasSuffix(reg.Type, "AnomalySubscription") {
			kind = "anomalysubscription"
		}
		id = fmt.Sprintf("arn:%s:ce::%s:%s/%s", partition, AccountID, kind, uuidFrom(h))
		set("arn", id)
	case "aws:costexplorer/costAllocationTag:CostAllocationTag":
		id = String(reg.Inputs, "tagKey")
		set("type", "UserDefined")
	case "aws:cloudwatch/eventRule:EventRule":
		id = autoName()
		set("name", id)
		set("arn", arn("events", "rule/"+id))
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		id = autoName()
		set("arn", arn("cloudwatch", "alarm:"+id))
	case "aws:amp/workspace:Workspace":
		id = "ws-" + uuidFrom(h)
		set("arn", arn("aps", "workspace/"+id))
		set("prometheusEndpoint", fmt.Sprintf("https://aps-workspaces.%s.amazonaws.com/workspaces/%s/", region, id))
	case "aws:scheduler/schedule:Schedule":
		group := String(reg.Inputs, "groupName")
		if group == "" {
			group = "default"
		}
		id = group + "/" + String(reg.Inputs, "name")
		set("arn", arn("scheduler", "schedule/"+id))
	case "aws:grafana/workspace:Workspace":
		id = "g-" + h[:10]
		set("arn", arn("grafana", "/workspaces/"+id))
		set("endpoint", fmt.Sprintf("%s.grafana-workspace.%s.amazonaws.com", id, region))
	case "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount":
		set("serviceAccountId", "1")
		id = String(reg.Inputs, "workspaceId") + ",1"
	case "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken":
		// What Grafana returns: a service account token, secret.
		set("key", "glsa_mock_"+h[:16])
		set("serviceAccountTokenId", "1")
	case "aws:amp/scraper:Scraper":
		id = "s-" + uuidFrom(h)
		set("arn", arn("aps", "scraper/"+id))
		set("roleArn", fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/scraper.aps.amazonaws.com/AWSServiceRoleForAmazonPrometheusScraper_%s",
			partition, AccountID, h[:15]))
	case "aws:cloudwatch/dashboard:Dashboard":
		id = fmt.Sprint(reg.Inputs["dashboardName"].V)
		set("dashboardArn", fmt.Sprintf("arn:%s:cloudwatch::%s:dashboard/%s", partition, AccountID, id))
	case "aws:ec2/placementGroup:PlacementGroup":
		id = autoName()
		set("name", id)
		set("arn", arn("ec2", "placement-group/"+id))
		set("placementGroupId", "pg-"+h[:17])
	case "aws:ec2/launchTemplate:LaunchTemplate":
		set("arn", arn("ec2", "launch-template/"+id))
		set("latestVersion", 1)
		set("defaultVersion", 1)
	case "aws:eks/nodeGroup:NodeGroup":
		name := autoName()
		if v, ok := reg.Inputs["nodeGroupName"]; ok && v.IsString() {
			name = v.StringValue()
		}
		cluster := fmt.Sprint(reg.Inputs["clusterName"].V)
		id = cluster + ":" + name
		set("nodeGroupName", name)
		set("arn", arn("eks", fmt.Sprintf("nodegroup/%s/%s/%s", cluster, name, uuidFrom(h))))
		// EKS names the group's Auto Scaling group eks-<group>-<uuid>.
		state["resources"] = resource.NewArrayProperty([]resource.PropertyValue{resource.NewObjectProperty(resource.PropertyMap{
			"autoscalingGroups": resource.NewArrayProperty([]resource.PropertyValue{resource.NewObjectProperty(resource.PropertyMap{
				"name": resource.NewStringProperty("eks-" + name + "-" + uuidFrom(h)),
			})}),
			"remoteAccessSecurityGroupId": resource.NewStringProperty(""),
		})})
		set("status", "ACTIVE")
	case "aws:eks/addon:Addon", "aws:eks/accessEntry:AccessEntry", "aws:eks/podIdentityAssociation:PodIdentityAssociation":
		set("arn", arn("eks", kind+"/"+fmt.Sprint(reg.Inputs["clusterName"].V)+"/"+h[:17]))
	case "aws:ec2/vpc:Vpc":
		set("arn", arn("ec2", "vpc/"+id))
		set("defaultSecurityGroupId", "sg-"+hash(id + "sg")[:17])
		set("mainRouteTableId", "rtb-"+hash(id + "rtb")[:17])
		set("defaultNetworkAclId", "acl-"+hash(id + "acl")[:17])
		set("ownerId", AccountID)
	case "aws:ec2/eip:Eip":
		set("allocationId", id)
		set("publicIp", fmt.Sprintf("198.51.100.%d", 1+int(h[0])%250))
	case "aws:ec2/natGateway:NatGateway":
		set("publicIp", fmt.Sprintf("198.51.100.%d", 1+int(h[1])%250))
		set("privateIp", fmt.Sprintf("10.255.0.%d", 1+int(h[2])%250))
		set("networkInterfaceId", "eni-"+h[17:34])
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		set("arn", arn("ec2", "vpc-endpoint/"+id))
		service := ""
		if v, ok := reg.Inputs["serviceName"]; ok && v.IsString() {
			service = strings.TrimPrefix(v.StringValue(), fmt.Sprintf("com.amazonaws.%s.", region))
		}
		set("dnsEntries", []any{map[string]any{
			"dnsName":      fmt.Sprintf("%s.%s.%s.vpce.amazonaws.com", id, service, region),
			"hostedZoneId": "Z7HUB22UULQXV",
		}})
		set("state", "available")
		set("ownerId", AccountID)
		if String(reg.Inputs, "vpcEndpointType") == "Gateway" {
			set("prefixListId", "pl-"+h[:8])
		}
	case "aws:sagemaker/domain:Domain":
		id = "d-" + h[:12]
		set("arn", arn("sagemaker", "domain/"+id))
		set("url", fmt.Sprintf("https://%s.studio.%s.sagemaker.aws", id, region))
		set("homeEfsFileSystemId", "fs-"+h[12:29])
		set("securityGroupIdForDomainBoundary", "sg-"+h[17:34])
	case "aws:efs/fileSystem:FileSystem":
		id = "fs-" + h[:17]
		set("arn", arn("elasticfilesystem", "file-system/"+id))
		set("dnsName", fmt.Sprintf("%s.efs.%s.amazonaws.com", id, region))
	case "aws:efs/accessPoint:AccessPoint":
		id = "fsap-" + h[:17]
		set("arn", arn("elasticfilesystem", "access-point/"+id))
	case "aws:efs/mountTarget:MountTarget":
		id = "fsmt-" + h[:17]
	case "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer":
		name := String(reg.Inputs, "trackingServerName")
		id = name
		set("arn", arn("sagemaker", "mlflow-tracking-server/"+name))
		// The UI address: a host under the server's name (the real one is
		// known once the server exists).
		set("trackingServerUrl", fmt.Sprintf("https://t-%s.%s.experiments.sagemaker.aws", h[:12], region))
	case "aws:sagemaker/userProfile:UserProfile":
		name := String(reg.Inputs, "userProfileName")
		set("arn", arn("sagemaker", "user-profile/"+fmt.Sprint(reg.Inputs["domainId"].V)+"/"+name))
		set("homeEfsFileSystemUid", "200001")
	case "aws:sagemaker/model:Model", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws:sagemaker/endpoint:Endpoint":
		id = autoName()
		set("name", id)
		set("arn", arn("sagemaker", map[string]string{"model": "model", "endpointConfiguration": "endpoint-config", "endpoint": "endpoint"}[kind]+"/"+id))
	case "aws:sagemaker/pipeline:Pipeline":
		id = String(reg.Inputs, "pipelineName")
		set("arn", arn("sagemaker", "pipeline/"+id))
	case "aws:sagemaker/modelPackageGroup:ModelPackageGroup":
		id = String(reg.Inputs, "modelPackageGroupName")
		set("arn", arn("sagemaker", "model-package-group/"+id))
	case "aws:sagemaker/featureGroup:FeatureGroup":
		id = String(reg.Inputs, "featureGroupName")
		set("arn", arn("sagemaker", "feature-group/"+id))
	case "aws:bedrock/guardrail:Guardrail":
		gid := h[:12]
		id = gid + ",DRAFT"
		set("guardrailId", gid)
		set("guardrailArn", arn("bedrock", "guardrail/"+gid))
		set("version", "DRAFT")
		set("status", "READY")
	case "aws:bedrock/guardrailVersion:GuardrailVersion":
		// Bedrock numbers versions 1, 2, 3...: a definition (its digest is
		// in the description) maps to a number from 2 to 9 here, so a
		// changed definition shows a new number and a previous one.
		d := hash(String(reg.Inputs, "description"))
		v := fmt.Sprint(2 + strings.IndexByte("0123456789abcdef", d[0])%8)
		set("version", v)
		id = String(reg.Inputs, "guardrailArn") + "," + v
	case "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration":
		id = region
	case "aws:bedrock/inferenceProfile:InferenceProfile":
		id = h[:12]
		set("arn", arn("bedrock", "application-inference-profile/"+id))
		set("status", "ACTIVE")
		set("type", "APPLICATION")
	case "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput":
		set("provisionedModelArn", arn("bedrock", "provisioned-model/"+h[:12]))
		id = arn("bedrock", "provisioned-model/"+h[:12])
	case "aws:opensearch/serverlessCollection:ServerlessCollection":
		id = h[:20]
		set("arn", arn("aoss", "collection/"+id))
		set("collectionEndpoint", fmt.Sprintf("https://%s.%s.aoss.amazonaws.com", id, region))
		set("dashboardEndpoint", fmt.Sprintf("https://%s.%s.aoss.amazonaws.com/_dashboards", id, region))
	case "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint":
		id = "vpce-" + h[:17]
	case "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy", "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy":
		id = String(reg.Inputs, "name")
		set("policyVersion", "MTY"+h[:10])
	case "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase":
		id = strings.ToUpper(h[:10])
		set("arn", arn("bedrock", "knowledge-base/"+id))
	case "aws:bedrock/agentDataSource:AgentDataSource":
		ds := strings.ToUpper(h[10:20])
		set("dataSourceId", ds)
		id = ds + "," + fmt.Sprint(reg.Inputs["knowledgeBaseId"].V)
	case "aws:appautoscaling/target:Target":
		id = String(reg.Inputs, "resourceId")
		set("arn", fmt.Sprintf("arn:%s:application-autoscaling:%s:%s:scalable-target/%s", partition, region, AccountID, h[:20]))
	case "aws:appautoscaling/policy:Policy":
		set("arn", fmt.Sprintf("arn:%s:autoscaling:%s:%s:scalingPolicy:%s:resource/sagemaker/%s:policyName/%s",
			partition, region, AccountID, uuidFrom(h), String(reg.Inputs, "resourceId"), reg.Name))
	default:
		if module != "" {
			set("arn", arn(module, kind+"/"+id))
		}
	}
	if strings.HasPrefix(reg.Type, "pulumi:providers:") {
		id = uuidFrom(h)
	}
	if all := r.allTags(reg); all != nil {
		state["tagsAll"] = resource.NewObjectProperty(all)
	}
	set("id", id)
	return id, state
}

// allTags is tagsAll as the AWS provider computes it: the provider's
// default tags overlaid by the resource's tags; nil for untagged resources.
func (r *Recorder) allTags(reg *Registered) resource.PropertyMap {
	tags, ok := reg.Inputs["tags"]
	// The provider computes tagsAll for a resource whose schema has tags:
	// one that sets tags, or a taggable type (the default tags reach it).
	if !ok && (!r.hasDefaultTags(reg.Provider) || !rules.IsTaggable(reg.Type)) {
		return nil
	}
	all := r.defaultTags(reg.Provider)
	if ok && tags.IsObject() {
		for k, v := range tags.ObjectValue() {
			all[k] = v
		}
	}
	return all
}

// eksClusterOutputs are the outputs of pulumi-eks's remote cluster component
// that the program reads: without them everything downstream (the
// Kubernetes provider) would run on empty values.
func (r *Recorder) eksClusterOutputs(reg *Registered, state resource.PropertyMap) resource.PropertyMap {
	name := reg.Name
	if v, ok := reg.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	h := hash(stackless(reg.URN))
	endpoint := fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(h[:32]), r.Region)
	ca := "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCm9mZmxpbmUtcHJldmlldwotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=="
	kubeconfig := map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": "aws",
		"clusters": []any{map[string]any{"name": "kubernetes", "cluster": map[string]any{"server": endpoint, "certificate-authority-data": ca}}},
		"contexts": []any{map[string]any{"name": "aws", "context": map[string]any{"cluster": "kubernetes", "user": "aws"}}},
		"users": []any{map[string]any{"name": "aws", "user": map[string]any{"exec": map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
			"args": []any{"eks", "get-token", "--cluster-name", name, "--region", r.Region},
		}}}},
	}
	data, _ := json.Marshal(kubeconfig)
	state["kubeconfig"] = resource.NewPropertyValue(kubeconfig)
	state["kubeconfigJson"] = resource.NewStringProperty(string(data))
	return state
}

// regionOf is the region of the provider a resource uses: its region
// input, or the stack's.
func (r *Recorder) regionOf(providerRef string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for provURN, region := range r.regions {
		if strings.HasPrefix(providerRef, provURN+"::") {
			return region
		}
	}
	return r.Region
}

func (r *Recorder) hasDefaultTags(providerRef string) bool {
	return len(r.defaultTags(providerRef)) > 0
}

// defaultTags returns a copy of the default tags of the provider a resource uses.
func (r *Recorder) defaultTags(providerRef string) resource.PropertyMap {
	r.mu.Lock()
	defer r.mu.Unlock()
	for provURN, tags := range r.providers {
		// A provider reference is "<provider URN>::<provider ID>".
		if strings.HasPrefix(providerRef, provURN+"::") {
			return tags.Copy()
		}
	}
	return resource.PropertyMap{}
}

// Partition returns the AWS partition of a region.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func dnsSuffix(partition string) string {
	if partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// regionShort turns us-east-1 into use1, as AWS zone IDs spell it.
func regionShort(region string) string {
	// Zone IDs abbreviate the region as AWS does: us-east-1 -> use1,
	// ap-northeast-1 -> apne1, eu-central-1 -> euc1, ca-central-1 -> cac1.
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return strings.ReplaceAll(region, "-", "")
	}
	dir := parts[1]
	for _, w := range []struct{ long, short string }{{"north", "n"}, {"south", "s"}, {"east", "e"}, {"west", "w"}, {"central", "c"}} {
		dir = strings.ReplaceAll(dir, w.long, w.short)
	}
	return parts[0] + dir + parts[len(parts)-1]
}

// splitType turns aws:ec2/vpc:Vpc into ("ec2", "vpc").
func splitType(typ string) (module, kind string) {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 {
		return "", typ
	}
	module, kind, _ = strings.Cut(parts[1], "/")
	if kind == "" {
		kind = strings.ToLower(parts[2])
	}
	return module, kind
}

// idPrefix gives AWS-looking ID prefixes for the kinds of resource that have one.
func idPrefix(kind string) string {
	switch kind {
	case "vpc":
		return "vpc"
	case "subnet":
		return "subnet"
	case "internetGateway":
		return "igw"
	case "natGateway":
		return "nat"
	case "eip":
		return "eipalloc"
	case "routeTable":
		return "rtb"
	case "routeTableAssociation":
		return "rtbassoc"
	case "vpcEndpoint":
		return "vpce"
	case "securityGroup", "defaultSecurityGroup":
		return "sg"
	case "securityGroupIngressRule", "securityGroupEgressRule", "securityGroupRule":
		return "sgr"
	case "flowLog":
		return "fl"
	case "vpcIpv4CidrBlockAssociation":
		return "vpc-cidr-assoc"
	case "launchTemplate":
		return "lt"
	case "placementGroup":
		return "pg"
	}
	return kind
}

// stackless is a URN without its stack: the mock derives IDs from it, so
// one logical resource gets the same IDs in every stack and a diff between
// two stacks shows only what their programs change.
func stackless(urn string) string {
	if _, rest, ok := strings.Cut(urn, "::"); ok {
		return rest
	}
	return urn
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func uuidFrom(h string) string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}
