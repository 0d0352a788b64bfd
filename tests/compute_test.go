package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
	"github.com/ml-platform/ml-platform/workloads"
)

const (
	chartType     = "kubernetes:helm.sh/v4:Chart"
	nodePoolType  = "kubernetes:karpenter.sh/v1:NodePool"
	nodeClassType = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
)

func named(res []*mock.Registered, name string) *mock.Registered {
	for _, r := range res {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// TestEveryNodeGroupMatchesItsConfig checks each configured node group of
// both stacks: its launch template, EFA interfaces against the catalog and
// the EC2 layout, placement group, capacity, AMI, labels, taints and IMDS.
func TestEveryNodeGroupMatchesItsConfig(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			groups := byType(res, "aws:eks/nodeGroup:NodeGroup")
			templates := byType(res, "aws:ec2/launchTemplate:LaunchTemplate")
			placements := byType(res, "aws:ec2/placementGroup:PlacementGroup")
			require.Len(t, groups, len(res.Config.Cluster.NodeGroups))
			efaGroups := 0
			for _, g := range res.Config.Cluster.NodeGroups {
				ng := named(groups, "cluster-"+g.Name)
				require.NotNil(t, ng, g.Name)
				lt := named(templates, "cluster-"+g.Name)
				require.NotNil(t, lt, "%s has a launch template", g.Name)
				require.Equal(t, str(lt.Outputs, "id"), str(obj(ng.Inputs, "launchTemplate"), "id"))

				typ, _ := catalog.LookupInstanceType(g.InstanceTypes[0])
				require.Equal(t, string(typ.AMIType), str(ng.Inputs, "amiType"), g.Name)
				require.Equal(t, string(g.CapacityType), str(ng.Inputs, "capacityType"), g.Name)
				labels := obj(ng.Inputs, "labels")
				require.Equal(t, string(g.Role), str(labels, conventions.LabelWorkloadType))
				require.Equal(t, string(typ.Accelerator), str(labels, conventions.LabelAccelerator))
				if typ.Accelerator == catalog.AcceleratorNvidiaGPU {
					require.Equal(t, "true", str(labels, conventions.LabelNvidiaGPUPresent), "%s: the label the NVIDIA device plugin's default affinity needs", g.Name)
				}
				if typ.IsAccelerated() {
					require.Len(t, arr(ng.Inputs, "taints"), 1, "%s keeps general pods off", g.Name)
				}
				meta := obj(lt.Inputs, "metadataOptions")
				require.Equal(t, "required", str(meta, "httpTokens"))
				require.Equal(t, float64(conventions.IMDSHopLimit), meta["httpPutResponseHopLimit"].NumberValue(),
					"%s: pods cannot reach the node role's credentials through IMDS", g.Name)

				nics := arr(lt.Inputs, "networkInterfaces")
				if g.EFA {
					efaGroups++
					require.Equal(t, "true", str(labels, conventions.LabelEFA), "%s: the label the EFA device plugin selects", g.Name)
					require.Len(t, nics, typ.MaxEFAInterfaces, "%s: an EFA primary plus one EFA-only interface per further network card", g.Name)
					cards := map[float64]int{}
					for i, n := range nics {
						m := n.ObjectValue()
						_, public := m["associatePublicIpAddress"]
						require.False(t, public, "%s: EC2 refuses associatePublicIpAddress with several interfaces", g.Name)
						card := m["networkCardIndex"].NumberValue()
						require.Less(t, card, float64(typ.MaxEFAInterfaces), "%s: card %v beyond the type's cards", g.Name, card)
						cards[card]++
						want := "efa-only"
						if i == 0 {
							want = "efa"
						}
						require.Equal(t, want, str(m, "interfaceType"), "%s interface %d", g.Name, i)
					}
					require.Len(t, cards, typ.MaxEFAInterfaces, "%s: every network card carries EFA", g.Name)
					pg := named(placements, "cluster-"+g.Name+"-placement")
					require.NotNil(t, pg)
					require.Equal(t, "cluster", str(pg.Inputs, "strategy"))
					require.Len(t, arr(ng.Inputs, "subnetIds"), 1)
				} else {
					require.Empty(t, nics)
					require.Len(t, arr(ng.Inputs, "subnetIds"), res.Config.Network.AZCount, "%s spans every AZ", g.Name)
				}
			}
			require.Len(t, placements, efaGroups)
		})
	}
}

// TestProdEFAGroupsMatchTheCatalog pins the interface counts by hand: p5
// has 32 network cards, trn1 8 (EC2 user guide, EFA supported instance
// types): the EFA primary on card 0 and an EFA-only interface on each
// other card.
func TestProdEFAGroupsMatchTheCatalog(t *testing.T) {
	res := preview(t, "prod")
	want := map[string]int{"cluster-p5-training": 32, "cluster-trn1-training": 8}
	for name, n := range want {
		lt := named(byType(res, "aws:ec2/launchTemplate:LaunchTemplate"), name)
		require.NotNil(t, lt, name)
		require.Len(t, arr(lt.Inputs, "networkInterfaces"), n, name)
	}
}

// TestDevAndProdDifferAsDesigned checks the README's Environments table on
// the compute layer.
func TestDevAndProdDifferAsDesigned(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	eksOf := func(res *offlineResult) resource.PropertyMap { return byType(res, "eks:index:Cluster")[0].Inputs }

	devEKS, prodEKS := eksOf(dev), eksOf(prod)
	require.True(t, devEKS["endpointPublicAccess"].BoolValue(), "dev: public API for listed CIDRs")
	require.Equal(t, dev.Config.Cluster.PublicAccessCIDRs, strs(devEKS, "publicAccessCidrs"))
	for _, c := range strs(devEKS, "publicAccessCidrs") {
		require.NotEqual(t, "0.0.0.0/0", c)
	}
	require.False(t, prodEKS["endpointPublicAccess"].BoolValue(), "prod: private API only")
	require.True(t, prodEKS["endpointPrivateAccess"].BoolValue())

	for _, res := range []*offlineResult{dev, prod} {
		for _, g := range res.Config.Cluster.NodeGroups {
			ng := named(byType(res, "aws:eks/nodeGroup:NodeGroup"), "cluster-"+g.Name)
			capacity := str(ng.Inputs, "capacityType")
			minSize := obj(ng.Inputs, "scalingConfig")["minSize"].NumberValue()
			switch {
			case g.Role == conventions.RoleTraining:
				require.Equal(t, "SPOT", capacity, "%s/%s: training is spot", res.Stack, g.Name)
			case g.Role == conventions.RoleInference && res.Config.Environment.ProdLike():
				require.Equal(t, "ON_DEMAND", capacity, "prod inference is on-demand")
				require.GreaterOrEqual(t, minSize, 2.0, "prod inference keeps two instances")
				require.Greater(t, len(arr(ng.Inputs, "subnetIds")), 1, "across AZs")
			}
			typ, _ := catalog.LookupInstanceType(g.InstanceTypes[0])
			if typ.IsAccelerated() && g.Role == conventions.RoleTraining {
				require.Equal(t, 0.0, minSize, "%s/%s: training accelerators scale to zero", res.Stack, g.Name)
			}
		}
		logs := named(byType(res, "aws:cloudwatch/logGroup:LogGroup"), "cluster-control-plane-logs")
		require.Equal(t, res.Config.Environment.ProdLike(), logs.Protect, "control-plane logs protected in prod only")
	}

	// Karpenter: prod training pools may fall back to on-demand, dev stays on spot.
	capacityOf := func(res *offlineResult, pool string) string {
		for _, p := range byType(res, nodePoolType) {
			if str(obj(p.Inputs, "metadata"), "name") != pool {
				continue
			}
			for _, r := range arr(obj(obj(obj(p.Inputs, "spec"), "template"), "spec"), "requirements") {
				if str(r.ObjectValue(), "key") == conventions.KarpenterCapacityTypeLabel {
					var vals []string
					for _, v := range arr(r.ObjectValue(), "values") {
						vals = append(vals, v.StringValue())
					}
					return strings.Join(vals, ",")
				}
			}
		}
		return ""
	}
	require.Equal(t, "spot", capacityOf(dev, "gpu-training"))
	require.Equal(t, "spot,on-demand", capacityOf(prod, "gpu-training"))
	require.Equal(t, "on-demand", capacityOf(prod, "gpu-inference"))
}

// TestKarpenter checks the interruption plumbing of Karpenter v1.14.1's
// reference template, the pinned charts and the node class.
func TestKarpenter(t *testing.T) {
	res := preview(t, "prod")
	queue := byType(res, "aws:sqs/queue:Queue")
	require.Len(t, queue, 1)
	var rules []*mock.Registered
	for _, r := range byType(res, "aws:cloudwatch/eventRule:EventRule") {
		if strings.HasPrefix(r.Name, "karpenter") {
			rules = append(rules, r)
		}
	}
	require.Len(t, rules, 5, "the five events of the reference template, capacity-reservation interruptions included")
	targeted := map[string]int{}
	for _, target := range byType(res, "aws:cloudwatch/eventTarget:EventTarget") {
		if !strings.HasPrefix(target.Name, "karpenter") {
			continue
		}
		require.Equal(t, str(queue[0].Outputs, "arn"), str(target.Inputs, "arn"), "%s delivers to the queue", target.Name)
		targeted[str(target.Inputs, "rule")]++
	}
	for _, r := range rules {
		require.Equal(t, 1, targeted[str(r.Outputs, "name")], "rule %s has exactly one target", r.Name)
	}
	require.Equal(t, str(queue[0].Outputs, "name"), res.Outputs["karpenterQueue"])

	charts := map[string]*mock.Registered{}
	k8sProvider := byType(res, "pulumi:providers:kubernetes")
	require.Len(t, k8sProvider, 1)
	for _, r := range res.Registered {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			require.True(t, strings.HasPrefix(r.Provider, k8sProvider[0].URN+"::"), "%s %s uses the cluster's provider", r.Type, r.Name)
		}
		require.NotEqual(t, "kubernetes:helm.sh/v3:Release", r.Type, "helm/v3 drags the whole Kubernetes API into every build")
		if r.Type == chartType {
			require.True(t, r.Remote, "a helm/v4 Chart is a component the provider builds")
			charts[str(r.Inputs, "name")] = r
		}
	}
	for _, key := range []string{"karpenter", "karpenter-crd", "nvidia-device-plugin", "dcgm-exporter", "neuron", "aws-efa-k8s-device-plugin"} {
		c, _ := catalog.LookupChart(key)
		require.Contains(t, charts, c.Name, key)
		require.Equal(t, c.Version, str(charts[c.Name].Inputs, "version"), "%s pinned from the catalog", key)
	}
	crds, controller := charts["karpenter-crd"], charts["karpenter"]
	require.Contains(t, controller.Dependencies, crds.URN, "the CRDs are installed before the controller")
	values := controller.Inputs["values"].ObjectValue()
	require.Equal(t, "ml-platform-prod", str(obj(values, "settings"), "clusterName"))
	require.Equal(t, str(queue[0].Outputs, "name"), str(obj(values, "settings"), "interruptionQueue"))

	classes := byType(res, nodeClassType)
	require.NotEmpty(t, classes)
	for _, c := range classes {
		spec := obj(c.Inputs, "spec")
		require.Equal(t, float64(conventions.IMDSHopLimit), obj(spec, "metadataOptions")["httpPutResponseHopLimit"].NumberValue())
		require.Equal(t, "required", str(obj(spec, "metadataOptions"), "httpTokens"))
		require.Equal(t, "ml-platform-prod-karpenter-node", str(spec, "role"))
		for _, key := range []string{"eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"} {
			_, set := obj(spec, "tags")[resource.PropertyKey(key)]
			require.False(t, set, "EC2NodeClass refuses the tag %s", key)
		}
	}

	quotas := map[string]string{}
	for _, q := range byType(res, "kubernetes:core/v1:ResourceQuota") {
		quotas[q.Name] = str(obj(obj(q.Inputs, "spec"), "hard"), "requests.nvidia.com/gpu")
	}
	// prod: Karpenter's 64 training GPUs plus p5-training's 4 x 8 GPUs.
	require.Equal(t, "96", quotas["namespaces-ml-training-accelerators"])
}

// node is a node a device plugin may have to run on: a managed node group
// or a Karpenter pool, with the labels and taints its nodes carry.
type node struct {
	name        string
	accelerator catalog.Accelerator
	efa         bool
	labels      map[string]string
	taints      []workloads.NodeTaint
}

// nodesOf lists the node groups and pools of a plan as their nodes would be
// labelled and tainted.
func nodesOf(t *testing.T, res *offlineResult) []node {
	t.Helper()
	var out []node
	effect := map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}
	for _, ng := range byType(res, "aws:eks/nodeGroup:NodeGroup") {
		n := node{name: ng.Name, labels: map[string]string{}}
		for k, v := range obj(ng.Inputs, "labels") {
			n.labels[string(k)] = v.StringValue()
		}
		for _, taint := range arr(ng.Inputs, "taints") {
			m := taint.ObjectValue()
			n.taints = append(n.taints, workloads.NodeTaint{Key: str(m, "key"), Value: str(m, "value"), Effect: effect[str(m, "effect")]})
		}
		out = append(out, n)
	}
	for _, p := range byType(res, nodePoolType) {
		tmpl := obj(obj(p.Inputs, "spec"), "template")
		n := node{name: "pool " + str(obj(p.Inputs, "metadata"), "name"), labels: map[string]string{}}
		for k, v := range obj(obj(tmpl, "metadata"), "labels") {
			n.labels[string(k)] = v.StringValue()
		}
		// A requirement with one In value is a label on every node of the pool.
		for _, r := range arr(obj(tmpl, "spec"), "requirements") {
			m := r.ObjectValue()
			if vals := strs(m, "values"); str(m, "operator") == "In" && len(vals) == 1 {
				n.labels[str(m, "key")] = vals[0]
			}
		}
		for _, taint := range arr(obj(tmpl, "spec"), "taints") {
			m := taint.ObjectValue()
			n.taints = append(n.taints, workloads.NodeTaint{Key: str(m, "key"), Value: str(m, "value"), Effect: str(m, "effect")})
		}
		out = append(out, n)
	}
	for i := range out {
		out[i].accelerator = catalog.Accelerator(out[i].labels[conventions.LabelAccelerator])
		out[i].efa = out[i].labels[conventions.LabelEFA] == "true"
	}
	require.NotEmpty(t, out)
	return out
}

// TestDevicePluginsScheduleOnTheirNodes renders each device plugin's
// placement from its chart's recorded defaults and the values the plan
// sets (Helm's merge rules), and checks it against every node group and
// Karpenter pool: the plugin runs on each node with its hardware, and on
// no other. A chart whose pods schedule nowhere passes every other test.
func TestDevicePluginsScheduleOnTheirNodes(t *testing.T) {
	wants := map[string]func(node) bool{
		"nvidia-device-plugin": func(n node) bool { return n.accelerator == catalog.AcceleratorNvidiaGPU },
		"dcgm-exporter":        func(n node) bool { return n.accelerator == catalog.AcceleratorNvidiaGPU },
		"neuron": func(n node) bool {
			return n.accelerator == catalog.AcceleratorTrainium || n.accelerator == catalog.AcceleratorInferentia
		},
		"aws-efa-k8s-device-plugin": func(n node) bool { return n.efa },
	}
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			nodes := nodesOf(t, res)
			installed := 0
			for _, chart := range byType(res, chartType) {
				key := strings.TrimPrefix(chart.Name, "accelerators-")
				want, ok := wants[key]
				if !ok {
					continue
				}
				installed++
				c, _ := catalog.LookupChart(key)
				require.NotNil(t, c.Scheduling, key)
				values := chart.Inputs["values"].Mappable().(map[string]any)
				placement, err := workloads.Render(c.Scheduling, values)
				require.NoError(t, err, key)
				served := 0
				for _, n := range nodes {
					ok, why := placement.Admits(n.labels, n.taints)
					require.Equal(t, want(n), ok, "%s on %s (%v, %v): %s", key, n.name, n.labels, n.taints, why)
					if ok {
						served++
					}
				}
				require.Positive(t, served, "%s is installed but schedules nowhere", key)
			}
			require.Positive(t, installed)
		})
	}
}

// TestClusterAPIReachable: `pulumi up` must reach the Kubernetes API to
// install charts. Dev lists its deployers' public ranges on the public
// endpoint; prod's private endpoint admits its deployer networks on 443.
func TestClusterAPIReachable(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	require.NotEmpty(t, dev.Config.Cluster.PublicAccessCIDRs)

	require.NotEmpty(t, prod.Config.Cluster.DeployerCIDRs)
	controlPlane := named(byType(prod, "aws:ec2/securityGroup:SecurityGroup"), "cluster-control-plane")
	require.NotNil(t, controlPlane)
	admitted := map[string]bool{}
	for _, r := range byType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if str(r.Inputs, "securityGroupId") != str(controlPlane.Outputs, "id") || str(r.Inputs, "cidrIpv4") == "" {
			continue
		}
		require.Equal(t, 443.0, r.Inputs["fromPort"].NumberValue(), r.Name)
		require.Equal(t, 443.0, r.Inputs["toPort"].NumberValue(), r.Name)
		admitted[str(r.Inputs, "cidrIpv4")] = true
	}
	for _, c := range prod.Config.Cluster.DeployerCIDRs {
		require.True(t, admitted[c], "the control plane admits deployer network %s on 443", c)
	}
	sg := byType(prod, "eks:index:Cluster")[0].Inputs["clusterSecurityGroup"]
	require.True(t, sg.IsResourceReference(), "the cluster is given its control-plane security group")
	require.Equal(t, controlPlane.URN, string(sg.ResourceReferenceValue().URN), "the group that admits the deployers is the cluster's")
}

// fullView is the plan as a stack export shows it after `pulumi up`:
// every custom resource with its outputs (inputs plus what the provider
// computed) and ID, and the remote components with their inputs.
func fullView(res *offlineResult) []rules.Resource {
	var out []rules.Resource
	for _, r := range res.Registered {
		if !r.Custom && !r.Remote {
			continue
		}
		props := r.Outputs
		if r.Remote {
			props = r.Inputs
		}
		out = append(out, rules.Resource{
			Type: r.Type, URN: r.URN, Name: r.Name, ID: str(r.Outputs, "id"),
			Properties: resource.FromResourcePropertyMap(props), Parent: r.Parent,
			Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies,
		})
	}
	return out
}

func stackRule(t *testing.T, name string) rules.StackRule {
	t.Helper()
	for _, r := range rules.StackRules() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no stack rule %q", name)
	return rules.StackRule{}
}

// TestEveryReferenceIsADependency: no resource of either plan names
// another (by ARN, ID or name) without depending on it, judged on the
// plan with every ID and ARN known; and the check fires when one
// dependency is dropped, so it is not vacuous.
func TestEveryReferenceIsADependency(t *testing.T) {
	rule := stackRule(t, "resource-dependencies-declared")
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			view := fullView(preview(t, stack))
			findings := rule.Check(rules.StackView(view), rule.Defaults)
			require.Empty(t, findings)

			i := slices.IndexFunc(view, func(r rules.Resource) bool { return r.Type == "aws:eks/nodeGroup:NodeGroup" })
			require.GreaterOrEqual(t, i, 0)
			broken := slices.Clone(view)
			ng := broken[i]
			ng.Dependencies = nil
			ng.PropertyDependencies = map[string][]string{}
			broken[i] = ng
			findings = rule.Check(rules.StackView(broken), rule.Defaults)
			require.NotEmpty(t, findings, "a node group that names its cluster without depending on it")
			require.Equal(t, ng.URN, findings[0].URN)
		})
	}
}

// TestKeysWaitForTheRolesTheyName: KMS refuses a key policy naming a
// principal that does not exist, so the cluster key (which names the Auto
// Scaling and Spot service-linked roles) depends on them.
func TestKeysWaitForTheRolesTheyName(t *testing.T) {
	res := preview(t, "prod")
	slrs := byType(res, "aws:iam/serviceLinkedRole:ServiceLinkedRole")
	require.Len(t, slrs, len(res.Config.Cluster.ServiceLinkedRoles))
	key := named(byType(res, "aws:kms/key:Key"), "keys-"+platform.KeyCluster)
	require.NotNil(t, key)
	policy := str(key.Inputs, "policy")
	for _, slr := range slrs {
		require.Contains(t, key.Dependencies, slr.URN, "the cluster key waits for %s", slr.Name)
		require.Contains(t, policy, str(slr.Outputs, "arn"), "the cluster key grants %s", slr.Name)
	}
}

// TestFirstPreviewJudgesPolicies runs the prod program as the very first
// preview of a new stack, when nothing exists and every computed output is
// unknown: the documents the policy pack judges (IAM and resource
// policies) are still known, built from ARN patterns and fixed names.
func TestFirstPreviewJudgesPolicies(t *testing.T) {
	project, values := shipped(t, "prod")
	rec := mock.NewRecorder(project.Name, "prod", "us-east-1")
	rec.DryRun, rec.FirstPreview = true, true
	rec.StackOutputs = devReference(t)
	require.NoError(t, rec.Run(platform.Run, offline.Merge(project.Defaults, values)))

	documents := map[string]string{
		"aws:iam/rolePolicy:RolePolicy":      "policy",
		"aws:iam/role:Role":                  "assumeRolePolicy",
		"aws:sqs/queuePolicy:QueuePolicy":    "policy",
		"aws:sns/topicPolicy:TopicPolicy":    "policy",
		"aws:kms/key:Key":                    "policy",
		"aws:iam/policy:Policy":              "policy",
		"aws:budgets/budget:Budget":          "limitAmount",
		"aws:ec2/flowLog:FlowLog":            "logFormat",
		"aws:cloudwatch/eventRule:EventRule": "eventPattern",
	}
	// Documents the program always sets: the mock drops inputs that are
	// unknown, so a missing one was unknown.
	required := map[string]bool{"aws:iam/rolePolicy:RolePolicy": true, "aws:iam/role:Role": true, "aws:iam/policy:Policy": true,
		"aws:sqs/queuePolicy:QueuePolicy": true, "aws:sns/topicPolicy:TopicPolicy": true, "aws:kms/key:Key": true}
	// Documents that name what AWS generates an ID for: judged from the
	// second preview on.
	generated := map[string]string{
		"aws:iam/policy:Policy bedrock-access":                       "the guardrail's ARN and version, the bedrock:GuardrailIdentifier condition's value",
		"aws:iam/rolePolicy:RolePolicy observability-scraper-writer": "the Prometheus workspace's ARN (AMP generates its ws- ID)",
	}
	judged := 0
	for typ, key := range documents {
		for _, r := range rec.ByType(typ) {
			v, ok := r.Inputs[resource.PropertyKey(key)]
			if _, skip := generated[typ+" "+r.Name]; skip {
				require.False(t, ok && !v.ContainsUnknowns(), "%s %s is known in a first preview: drop it from generated", typ, r.Name)
				continue
			}
			if !ok {
				require.False(t, required[typ], "%s %s: %s is unknown in a first preview", typ, r.Name, key)
				continue
			}
			require.True(t, v.IsString() && !v.ContainsUnknowns(), "%s %s: %s is unknown in a first preview", typ, r.Name, key)
			if strings.HasPrefix(v.StringValue(), "{") {
				require.True(t, json.Valid([]byte(v.StringValue())), "%s %s: %s", typ, r.Name, key)
			}
			judged++
		}
	}
	for _, name := range []string{"karpenter-controller", "network-flow-logs"} {
		require.NotNil(t, rec.ByName("aws:iam/rolePolicy:RolePolicy", name), name)
	}
	require.Greater(t, judged, 20, fmt.Sprintf("only %d documents judged", judged))
}

// TestPluginsFollowTheHardware: without Karpenter (whose pools include
// Trainium and EFA capacity), dev has only NVIDIA nodes and gets only the
// NVIDIA charts.
func TestPluginsFollowTheHardware(t *testing.T) {
	project, values := shipped(t, "dev")
	var cluster map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:cluster"]), &cluster))
	cluster["karpenter"] = map[string]any{"enabled": false}
	delete(cluster, "queues")             // they queue for Karpenter's pools
	delete(values, "ml-platform:serving") // it serves from them
	raw, err := json.Marshal(cluster)
	require.NoError(t, err)
	values["ml-platform:cluster"] = string(raw)
	var cost map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:cost"]), &cost))
	delete(cost, "budgetAction") // it targets the Karpenter controller
	raw, err = json.Marshal(cost)
	require.NoError(t, err)
	values["ml-platform:cost"] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.NoError(t, err)
	var charts []string
	for _, r := range byType(res, chartType) {
		charts = append(charts, str(r.Inputs, "name"))
	}
	require.ElementsMatch(t, []string{"nvidia-device-plugin", "dcgm-exporter"}, charts)
}

type offlineResult = offline.Result

var (
	obj = mock.Object
	arr = mock.Array
)

// TestEveryNodeTypeHasPodAddresses computes, for every type a node group
// or a Karpenter pool of either stack may launch, the pod interfaces left
// on network card 0 (where the VPC CNI attaches them) and the pods a node
// then holds, from the catalog's per-card limits: none may be zero. The
// layout the guide now recommends (an ENA primary plus an EFA-only
// interface on card 0) leaves p5.48xlarge none under custom networking.
func TestEveryNodeTypeHasPodAddresses(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		res := preview(t, stack)
		custom := res.Config.Network.PodCIDR != ""
		check := func(where, typ string, efa bool) {
			it, known := catalog.LookupInstanceType(typ)
			if !known {
				return
			}
			var layout []cluster.NetworkInterface
			if efa {
				layout = cluster.EFALayout(it.MaxEFAInterfaces)
			}
			pods, maxPods, ok := cluster.PodSlots(typ, layout, custom)
			require.True(t, ok, "%s: the catalog records %s's card-0 limits", where, typ)
			require.Positive(t, pods, "%s %s: no pod interface on card 0", where, typ)
			require.Greater(t, maxPods, 2, "%s %s", where, typ)
		}
		for _, g := range res.Config.Cluster.NodeGroups {
			for _, typ := range g.InstanceTypes {
				check(stack+" node group "+g.Name, typ, g.EFA)
			}
		}
		k := res.Config.Cluster.Karpenter
		for _, pool := range cluster.Pools(res.Config.Environment.ProdLike(), k.TrainingGPULimit, k.InferenceGPULimit, k.NeuronDeviceLimit) {
			for _, it := range catalog.InstanceTypes() {
				if slices.Contains(pool.Families, it.Family()) || slices.Contains(pool.InstanceTypes, it.Name) {
					check(stack+" pool "+pool.Name, it.Name, pool.EFA)
				}
			}
		}
	}
	// The old layout, for the record: p5.48xlarge under custom networking.
	old := []cluster.NetworkInterface{{NetworkCardIndex: 0, DeviceIndex: 0, InterfaceType: "interface"},
		{NetworkCardIndex: 0, DeviceIndex: 1, InterfaceType: "efa-only"}}
	pods, _, _ := cluster.PodSlots("p5.48xlarge", old, true)
	require.Zero(t, pods, "an ENA primary and an EFA-only interface fill p5's two card-0 slots")
}

// TestSecondStackInAnAccount: the account already has the Auto Scaling
// role (made by AWS) and prod's Spot role. Dev creates neither (IAM would
// refuse: the names are taken) and its cluster key still names both.
func TestSecondStackInAnAccount(t *testing.T) {
	asg, _ := catalog.LookupServiceLinkedRole("autoscaling")
	spot, _ := catalog.LookupServiceLinkedRole("spot")
	run := func(roles map[string]mock.AccountRole) *offline.Result {
		project, values := shipped(t, "dev")
		res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values, Dir: root, AccountRoles: roles})
		require.NoError(t, err)
		return res
	}
	res := run(map[string]mock.AccountRole{
		asg.RoleName:  {Path: asg.Path()},
		spot.RoleName: {Path: spot.Path(), Tags: map[string]string{"Stack": "ml-platform-prod"}},
	})
	require.Empty(t, byType(res, "aws:iam/serviceLinkedRole:ServiceLinkedRole"))
	policy := str(named(byType(res, "aws:kms/key:Key"), "keys-"+platform.KeyCluster).Inputs, "policy")
	for _, r := range catalog.ServiceLinkedRoles() {
		require.Contains(t, policy, r.ARN("aws", mock.AccountID))
	}

	// Its own role from an earlier life of the stack is adopted.
	res = run(map[string]mock.AccountRole{spot.RoleName: {Path: spot.Path(), Tags: map[string]string{"Stack": "ml-platform-dev"}}})
	imports := map[string]string{}
	for _, r := range byType(res, "aws:iam/serviceLinkedRole:ServiceLinkedRole") {
		imports[r.Name] = r.ImportID
	}
	require.Equal(t, map[string]string{"account-autoscaling": "", "account-spot": spot.ARN("aws", mock.AccountID)}, imports)

	// The CLI says the same.
	code, out, errOut := cli(t, "preview", "--stack", "dev", "--account-role", "AWSServiceRoleForEC2Spot=ml-platform-dev")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "= aws:iam/serviceLinkedRole:ServiceLinkedRole  account-spot  [import "+spot.ARN("aws", mock.AccountID)+"]")
	code, _, errOut = cli(t, "preview", "--stack", "dev", "--account-role", "no spaces")
	require.NotEqual(t, 0, code)
	require.Contains(t, errOut, `"no spaces" is not an IAM role name`)
}

// TestClusterIsGivenItsNodeRole: pulumi-eks creates a default instance role
// with an EC2_LINUX access entry unless instanceRoles is given
// (catalog.DeployToolsSource); the platform gives it the node groups' role,
// so no unused role can reach the cluster.
func TestClusterIsGivenItsNodeRole(t *testing.T) {
	res := preview(t, "prod")
	cluster := byType(res, "eks:index:Cluster")[0]
	roles := mock.Array(cluster.Inputs, "instanceRoles")
	require.Len(t, roles, 1)
	node := named(byType(res, "aws:iam/role:Role"), "cluster-nodes")
	require.NotNil(t, node)
	require.True(t, roles[0].IsResourceReference(), "%v", roles[0])
	require.Equal(t, node.URN, string(roles[0].ResourceReferenceValue().URN))
	require.Contains(t, cluster.Dependencies, node.URN, "the role exists before the cluster")
}

// TestStackRulesSeeOutputs: the engine gives stack rules each resource's
// outputs (AnalyzeStack), so the offline engine does too, and a rule
// judging references is not fooled by what a provider adds to them: after
// a refresh a role's managedPolicyArns lists the policies attached to it
// by separate attachments, which the role does not (and must not) depend on.
func TestStackRulesSeeOutputs(t *testing.T) {
	res := preview(t, "prod")
	stackView := offline.StackPolicyResources(res.Registered)
	analyzed := offline.PolicyResources(res.Registered)
	key := slices.IndexFunc(stackView, func(r rules.Resource) bool { return r.Type == "aws:kms/key:Key" })
	require.GreaterOrEqual(t, key, 0)
	_, hasARN := stackView[key].Properties.GetOk("arn")
	require.True(t, hasARN, "stack rules see the key's arn output")
	_, inputHasARN := analyzed[key].Properties.GetOk("arn")
	require.False(t, inputHasARN, "resource rules see inputs only")

	rule := stackRule(t, "resource-dependencies-declared")
	require.Empty(t, rule.Check(rules.StackView(stackView), rule.Defaults))

	// Refresh: every role lists the customer-managed policies attached to it.
	attached := map[string][]string{} // role name -> policy ARNs
	for _, a := range byType(res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if arn := str(a.Inputs, "policyArn"); strings.Contains(arn, ":"+mock.AccountID+":policy/") {
			attached[str(a.Inputs, "role")] = append(attached[str(a.Inputs, "role")], arn)
		}
	}
	refreshed := slices.Clone(stackView)
	n := 0
	for i, r := range refreshed {
		name, _ := r.Properties.GetOk("name")
		if r.Type != "aws:iam/role:Role" || !name.IsString() || len(attached[name.AsString()]) == 0 {
			continue
		}
		props := r.Properties.AsMap()
		var arns []property.Value
		for _, a := range attached[name.AsString()] {
			arns = append(arns, property.New(a))
		}
		props["managedPolicyArns"] = property.New(arns)
		refreshed[i].Properties = property.NewMap(props)
		n++
	}
	require.Positive(t, n, "prod has roles with attached customer-managed policies")
	require.Empty(t, rule.Check(rules.StackView(refreshed), rule.Defaults),
		"an output the provider added is not a reference the program made")
}
