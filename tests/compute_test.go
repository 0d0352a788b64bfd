package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/mock"
	"github.com/ml-platform/ml-platform/internal/offline"
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
// both stacks: its launch template, EFA interfaces against the catalog,
// placement group, capacity, AMI and taints.
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
				require.Equal(t, string(g.Role), str(labels, "workload-type"))
				require.Equal(t, string(typ.Accelerator), str(labels, "accelerator"))
				if typ.IsAccelerated() {
					require.Len(t, arr(ng.Inputs, "taints"), 1, "%s keeps general pods off", g.Name)
				}
				require.Equal(t, "required", str(obj(lt.Inputs, "metadataOptions"), "httpTokens"))

				nics := arr(lt.Inputs, "networkInterfaces")
				if g.EFA {
					efaGroups++
					require.Len(t, nics, typ.MaxEFAInterfaces, "%s: one EFA interface per network card", g.Name)
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

func TestProdEFAGroupsMatchTheCatalog(t *testing.T) {
	res := preview(t, "prod")
	want := map[string]int{"cluster-p5-training": 32, "cluster-trn1-training": 8}
	for name, n := range want {
		lt := named(byType(res, "aws:ec2/launchTemplate:LaunchTemplate"), name)
		require.NotNil(t, lt, name)
		require.Len(t, arr(lt.Inputs, "networkInterfaces"), n, name)
	}
}

// TestDevAndProdDifferAsDesigned checks DESIGN.md's environment table on
// the compute layer.
func TestDevAndProdDifferAsDesigned(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	eksOf := func(res *offlineResult) resource.PropertyMap { return byType(res, "eks:index:Cluster")[0].Inputs }

	devEKS, prodEKS := eksOf(dev), eksOf(prod)
	require.True(t, devEKS["endpointPublicAccess"].BoolValue(), "dev: public API for listed CIDRs")
	require.NotEmpty(t, arr(devEKS, "publicAccessCidrs"))
	for _, c := range arr(devEKS, "publicAccessCidrs") {
		require.NotEqual(t, "0.0.0.0/0", c.StringValue())
	}
	require.False(t, prodEKS["endpointPublicAccess"].BoolValue(), "prod: private API only")
	require.True(t, prodEKS["endpointPrivateAccess"].BoolValue())

	for _, res := range []*offlineResult{dev, prod} {
		for _, g := range res.Config.Cluster.NodeGroups {
			ng := named(byType(res, "aws:eks/nodeGroup:NodeGroup"), "cluster-"+g.Name)
			capacity := str(ng.Inputs, "capacityType")
			min := obj(ng.Inputs, "scalingConfig")["minSize"].NumberValue()
			switch {
			case g.Role == config.RoleTraining:
				require.Equal(t, "SPOT", capacity, "%s/%s: training is spot", res.Stack, g.Name)
			case g.Role == config.RoleInference && res.Config.Environment == config.Prod:
				require.Equal(t, "ON_DEMAND", capacity, "prod inference is on-demand")
				require.GreaterOrEqual(t, min, 2.0, "prod inference keeps two instances")
				require.Greater(t, len(arr(ng.Inputs, "subnetIds")), 1, "across AZs")
			}
			typ, _ := catalog.LookupInstanceType(g.InstanceTypes[0])
			if typ.IsAccelerated() && res.Config.Environment != config.Prod && g.Role == config.RoleTraining {
				require.Equal(t, 0.0, min, "dev accelerators scale to zero")
			}
		}
		logs := named(byType(res, "aws:cloudwatch/logGroup:LogGroup"), "cluster-control-plane-logs")
		require.Equal(t, res.Config.Environment == config.Prod, logs.Protect, "control-plane logs protected in prod only")
	}

	// Karpenter: prod training pools may fall back to on-demand, dev stays on spot.
	capacityOf := func(res *offlineResult, pool string) string {
		for _, p := range byType(res, "kubernetes:karpenter.sh/v1:NodePool") {
			if str(obj(p.Inputs, "metadata"), "name") != pool {
				continue
			}
			for _, r := range arr(obj(obj(obj(p.Inputs, "spec"), "template"), "spec"), "requirements") {
				if str(r.ObjectValue(), "key") == "karpenter.sh/capacity-type" {
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

func TestKarpenterAndDevicePlugins(t *testing.T) {
	res := preview(t, "prod")
	queue := byType(res, "aws:sqs/queue:Queue")
	require.Len(t, queue, 1)
	require.Len(t, byType(res, "aws:cloudwatch/eventRule:EventRule"), 4)
	for _, target := range byType(res, "aws:cloudwatch/eventTarget:EventTarget") {
		require.Equal(t, str(queue[0].Outputs, "arn"), str(target.Inputs, "arn"))
	}
	require.Equal(t, str(queue[0].Outputs, "name"), res.Outputs["karpenterQueue"])

	charts := map[string]string{}
	k8sProvider := byType(res, "pulumi:providers:kubernetes")
	require.Len(t, k8sProvider, 1)
	for _, r := range res.Registered {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			require.True(t, strings.HasPrefix(r.Provider, k8sProvider[0].URN+"::"), "%s %s uses the cluster's provider", r.Type, r.Name)
		}
		if r.Type == "kubernetes:helm.sh/v3:Release" {
			charts[str(r.Inputs, "name")] = str(r.Inputs, "version")
		}
	}
	for _, key := range []string{"karpenter", "nvidia-device-plugin", "dcgm-exporter", "neuron", "aws-efa-k8s-device-plugin"} {
		c, _ := catalog.LookupChart(key)
		require.Equal(t, c.Version, charts[c.Name], "%s pinned from the catalog", key)
	}

	quotas := map[string]string{}
	for _, q := range byType(res, "kubernetes:core/v1:ResourceQuota") {
		quotas[q.Name] = str(obj(obj(q.Inputs, "spec"), "hard"), "requests.nvidia.com/gpu")
	}
	// prod: Karpenter's 64 training GPUs plus p5-training's 4 x 8 GPUs.
	require.Equal(t, "96", quotas["namespaces-ml-training-accelerators"])
}

func TestDevNeedsNoNeuronOrEFAPlugins(t *testing.T) {
	res := preview(t, "dev")
	charts := map[string]bool{}
	for _, r := range byType(res, "kubernetes:helm.sh/v3:Release") {
		charts[str(r.Inputs, "name")] = true
	}
	require.False(t, charts["aws-efa-k8s-device-plugin"], "no EFA group in dev")
	require.True(t, charts["nvidia-device-plugin"])
}

type offlineResult = offline.Result

var (
	obj = mock.Object
	arr = mock.Array
)
