package cluster_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/testkit"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
	"github.com/ml-platform/ml-platform/spec"
)

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

var zones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

func subnets(prefix string) map[string]pulumi.StringInput {
	out := map[string]pulumi.StringInput{}
	for _, az := range zones {
		out[az] = pulumi.String(prefix + az)
	}
	return out
}

func system() cluster.NodeGroupSpec {
	return cluster.NodeGroupSpec{Name: "system", Role: conventions.RoleSystem, InstanceTypes: []string{"m6i.xlarge"},
		MinSize: 2, MaxSize: 3, DesiredSize: 2, CapacityType: conventions.OnDemand, RootVolumeGiB: 100}
}

func training(instance string, efa bool) cluster.NodeGroupSpec {
	return cluster.NodeGroupSpec{Name: "train", Role: conventions.RoleTraining, InstanceTypes: []string{instance},
		MinSize: 0, MaxSize: 4, DesiredSize: 0, CapacityType: conventions.Spot, EFA: efa, AvailabilityZone: "us-east-1b", RootVolumeGiB: 500}
}

func clusterArgs(groups ...cluster.NodeGroupSpec) *cluster.ClusterArgs {
	return &cluster.ClusterArgs{
		Name: "ml-platform-test", VPCID: pulumi.String("vpc-123"),
		ControlPlane: spec.ControlPlane{Version: "1.34", DeployerCIDRs: []string{"10.255.0.0/16"}, LogRetentionDays: 30,
			Addons: map[string]string{"vpc-cni": "v1.19.5-eksbuild.1"}},
		AvailabilityZones: zones, PrivateSubnetIDsByAZ: subnets("subnet-"),
		SecretsKeyARN: pulumi.String(keyARN), LogsKeyARN: pulumi.String(keyARN), VolumeKeyARN: pulumi.String(keyARN),
		NodeGroups: append([]cluster.NodeGroupSpec{system()}, groups...),
		Account:    awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
		Tags:       map[string]string{"Team": "ml", "Environment": "dev"},
	}
}

func buildCluster(t *testing.T, a *cluster.ClusterArgs) (*mock.Recorder, *cluster.Cluster, error) {
	t.Helper()
	var c *cluster.Cluster
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		var err error
		c, err = cluster.NewCluster(ctx, "cluster", a)
		return err
	})
	return rec, c, err
}

func TestShapeOf(t *testing.T) {
	for _, tc := range []struct {
		types   []string
		efa     bool
		ami     catalog.AMIType
		taint   string
		devices int
		gpu     bool
	}{
		{[]string{"p5.48xlarge"}, true, catalog.AMIAL2023Nvidia, conventions.TaintNvidiaGPU, 32, true},
		{[]string{"p5en.48xlarge"}, true, catalog.AMIAL2023Nvidia, conventions.TaintNvidiaGPU, 16, true},
		{[]string{"p4d.24xlarge"}, true, catalog.AMIAL2023Nvidia, conventions.TaintNvidiaGPU, 4, true},
		{[]string{"trn1.32xlarge"}, true, catalog.AMIAL2023Neuron, conventions.TaintNeuron, 8, false},
		{[]string{"trn1n.32xlarge"}, true, catalog.AMIAL2023Neuron, conventions.TaintNeuron, 16, false},
		{[]string{"p5.48xlarge", "p4d.24xlarge"}, true, catalog.AMIAL2023Nvidia, conventions.TaintNvidiaGPU, 4, true},
		{[]string{"inf2.xlarge"}, false, catalog.AMIAL2023Neuron, conventions.TaintNeuron, 0, false},
		{[]string{"g5.xlarge"}, false, catalog.AMIAL2023Nvidia, conventions.TaintNvidiaGPU, 0, true},
		{[]string{"m6i.xlarge"}, false, catalog.AMIAL2023Standard, "", 0, false},
	} {
		t.Run(strings.Join(tc.types, "+"), func(t *testing.T) {
			s, err := cluster.ShapeOf(tc.types, conventions.RoleTraining, conventions.Spot, tc.efa)
			require.NoError(t, err)
			require.Equal(t, tc.ami, s.AMIType)
			require.Equal(t, tc.devices, s.EFADevices)
			require.Equal(t, "spot", s.Labels[conventions.LabelNodeLifecycle])
			require.Equal(t, "training", s.Labels[conventions.LabelWorkloadType])
			if tc.gpu {
				require.Equal(t, "true", s.Labels[conventions.LabelNvidiaGPUPresent], "the NVIDIA device plugin's affinity needs it")
			} else {
				require.NotContains(t, s.Labels, conventions.LabelNvidiaGPUPresent)
			}
			if tc.efa {
				require.Equal(t, "true", s.Labels[conventions.LabelEFA])
			} else {
				require.NotContains(t, s.Labels, conventions.LabelEFA)
			}
			if tc.taint == "" {
				require.Empty(t, s.Taints)
			} else {
				require.Equal(t, []cluster.Taint{{Key: tc.taint, Value: "true", Effect: "NO_SCHEDULE"}}, s.Taints)
			}
		})
	}
	_, err := cluster.ShapeOf([]string{"g4dn.xlarge"}, conventions.RoleTraining, conventions.Spot, true)
	require.ErrorContains(t, err, `"g4dn.xlarge" does not support EFA`)
	_, err = cluster.ShapeOf([]string{"g5.xlarge", "inf2.xlarge"}, conventions.RoleTraining, conventions.Spot, false)
	require.ErrorContains(t, err, "mix")
	_, err = cluster.ShapeOf([]string{"x9.huge"}, conventions.RoleTraining, conventions.Spot, false)
	require.ErrorContains(t, err, "not an EC2 instance type")

	// A real type the catalog lacks takes its family's accelerator, AMI,
	// labels and taint; without a recorded EFA count it takes no EFA.
	s, err := cluster.ShapeOf([]string{"g4dn.8xlarge"}, conventions.RoleTraining, conventions.Spot, false)
	require.NoError(t, err)
	require.Equal(t, catalog.AcceleratorNvidiaGPU, s.Accelerator)
	require.Equal(t, catalog.AMIAL2023Nvidia, s.AMIType)
	require.Len(t, s.Taints, 1)
	s, err = cluster.ShapeOf([]string{"inf1.6xlarge"}, conventions.RoleTraining, conventions.Spot, false)
	require.NoError(t, err)
	require.Equal(t, catalog.AMIAL2023Neuron, s.AMIType)
	_, err = cluster.ShapeOf([]string{"g4dn.8xlarge"}, conventions.RoleTraining, conventions.Spot, true)
	require.ErrorContains(t, err, "EFA needs its interface count")
}

// TestEFALaunchTemplatesFollowTheEFAGuide checks the whole interface
// layout against the EC2 guide (catalog.EFALayoutSource) for every EFA
// type the issue names: an ENA primary, an EFA-only interface at card 0
// device 1, one EFA-only interface at device 0 on every other card, and no
// AssociatePublicIpAddress anywhere (EC2 refuses it with several
// interfaces, even false).
func TestEFALaunchTemplatesFollowTheEFAGuide(t *testing.T) {
	for _, instance := range []string{"p5.48xlarge", "p5en.48xlarge", "p4d.24xlarge", "trn1.32xlarge", "trn1n.32xlarge"} {
		t.Run(instance, func(t *testing.T) {
			rec, _, err := buildCluster(t, clusterArgs(training(instance, true)))
			require.NoError(t, err)
			want, _ := catalog.LookupInstanceType(instance)

			lt := rec.ByName("aws:ec2/launchTemplate:LaunchTemplate", "cluster-train")
			require.NotNil(t, lt)
			nics := arr(lt.Inputs, "networkInterfaces")
			require.Len(t, nics, want.NetworkCards, "an EFA primary plus one EFA-only interface per further network card")
			cards := map[float64]int{}
			for i, n := range nics {
				nic := n.ObjectValue()
				card, device := nic["networkCardIndex"].NumberValue(), nic["deviceIndex"].NumberValue()
				cards[card]++
				require.Equal(t, 0.0, device)
				if i == 0 {
					require.Equal(t, 0.0, card)
					require.Equal(t, "efa", str(nic, "interfaceType"), "the primary is EFA with ENA: an EFA-only interface cannot be primary")
				} else {
					require.Equal(t, "efa-only", str(nic, "interfaceType"))
				}
				require.NotContains(t, nic, resource.PropertyKey("associatePublicIpAddress"),
					"EC2 refuses associatePublicIpAddress on a launch with several interfaces, even false")
				require.Len(t, arr(nic, "securityGroups"), 1)
			}
			require.Len(t, cards, want.NetworkCards, "every network card gets an EFA device")
			require.Equal(t, 1, cards[0], "card 0 keeps its other interfaces for pods")
			// With custom networking (the test cluster has pod subnets), the
			// pods of this type still get an interface on card 0.
			pods, maxPods, known := cluster.PodSlots(instance, cluster.EFALayout(want.MaxEFAInterfaces), true)
			require.True(t, known)
			require.Positive(t, pods, "%s: a pod interface on card 0", instance)
			require.Greater(t, maxPods, 2)
			require.LessOrEqual(t, want.MaxEFAInterfaces, want.NetworkCards)
			require.Empty(t, arr(lt.Inputs, "vpcSecurityGroupIds"), "EFA templates put security groups on the interfaces")

			pg := rec.ByName("aws:ec2/placementGroup:PlacementGroup", "cluster-train-placement")
			require.NotNil(t, pg)
			require.Equal(t, "cluster", str(pg.Inputs, "strategy"))
			require.Equal(t, str(pg.Outputs, "name"), str(obj(lt.Inputs, "placement"), "groupName"), "the template launches into the placement group")

			ng := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-train")
			require.Len(t, arr(ng.Inputs, "subnetIds"), 1, "EFA groups live in one AZ")
			require.Equal(t, "subnet-us-east-1b", arr(ng.Inputs, "subnetIds")[0].StringValue())
			require.Equal(t, "true", str(obj(ng.Inputs, "labels"), conventions.LabelEFA))
			require.Equal(t, string(want.AMIType), str(ng.Inputs, "amiType"))
		})
	}
}

func TestEFASecurityGroupRules(t *testing.T) {
	rec, _, err := buildCluster(t, clusterArgs(training("p5.48xlarge", true)))
	require.NoError(t, err)
	nodes := rec.ByName("aws:ec2/securityGroup:SecurityGroup", "cluster-nodes")
	nodesID := str(nodes.Outputs, "id")
	selfIn, selfOut := false, false
	for _, r := range rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if str(r.Inputs, "securityGroupId") == nodesID {
			require.Empty(t, str(r.Inputs, "cidrIpv4"), "no node ingress from CIDR blocks: %s", r.Name)
		}
		if str(r.Inputs, "securityGroupId") == nodesID && str(r.Inputs, "referencedSecurityGroupId") == nodesID && str(r.Inputs, "ipProtocol") == "-1" {
			selfIn = true
		}
	}
	for _, r := range rec.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		if str(r.Inputs, "securityGroupId") == nodesID && str(r.Inputs, "referencedSecurityGroupId") == nodesID && str(r.Inputs, "ipProtocol") == "-1" {
			selfOut = true
		}
	}
	require.True(t, selfIn, "EFA needs all traffic in from the node group itself")
	require.True(t, selfOut, "EFA needs all traffic out to the node group itself")
}

func TestLaunchTemplatesAreSafe(t *testing.T) {
	legacy := cluster.NodeGroupSpec{Name: "legacy", Role: conventions.RoleInference, InstanceTypes: []string{"g5.xlarge"},
		MinSize: 0, MaxSize: 2, DesiredSize: 0, CapacityType: conventions.OnDemand, RootVolumeGiB: 100, AllowPodIMDS: true}
	rec, _, err := buildCluster(t, clusterArgs(training("p5.48xlarge", true),
		cluster.NodeGroupSpec{Name: "serve", Role: conventions.RoleInference, InstanceTypes: []string{"inf2.xlarge"}, MinSize: 2, MaxSize: 4, DesiredSize: 2,
			CapacityType: conventions.OnDemand, RootVolumeGiB: 200}, legacy))
	require.NoError(t, err)
	lts := rec.ByType("aws:ec2/launchTemplate:LaunchTemplate")
	require.Len(t, lts, 4, "one per node group")
	for _, lt := range lts {
		md := obj(lt.Inputs, "metadataOptions")
		require.Equal(t, "required", str(md, "httpTokens"), "%s: IMDSv2 only", lt.Name)
		wantHops := 1.0
		if lt.Name == "cluster-legacy" {
			wantHops = 2 // the named opt-in
		}
		require.Equal(t, wantHops, md["httpPutResponseHopLimit"].NumberValue(), "%s: pods use Pod Identity, not the node role", lt.Name)
		bdm := arr(lt.Inputs, "blockDeviceMappings")
		require.Len(t, bdm, 1)
		ebs := obj(bdm[0].ObjectValue(), "ebs")
		require.Equal(t, "true", str(ebs, "encrypted"), "%s: encrypted root volume", lt.Name)
		require.Equal(t, keyARN, str(ebs, "kmsKeyId"))
		require.Equal(t, "gp3", str(ebs, "volumeType"))
		kinds := []string{}
		for _, ts := range arr(lt.Inputs, "tagSpecifications") {
			kinds = append(kinds, str(ts.ObjectValue(), "resourceType"))
			require.Equal(t, "ml", str(obj(ts.ObjectValue(), "tags"), "Team"))
		}
		sort.Strings(kinds)
		require.Equal(t, []string{"instance", "network-interface", "volume"}, kinds)
	}
	serve := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-serve")
	require.Equal(t, string(catalog.AMIAL2023Neuron), str(serve.Inputs, "amiType"))
	taints := arr(serve.Inputs, "taints")
	require.Len(t, taints, 1)
	require.Equal(t, conventions.TaintNeuron, str(taints[0].ObjectValue(), "key"))
	require.Equal(t, "ON_DEMAND", str(serve.Inputs, "capacityType"))
	require.Len(t, arr(serve.Inputs, "subnetIds"), 3, "groups without EFA span every AZ")
}

func TestControlPlane(t *testing.T) {
	a := clusterArgs()
	a.EndpointPublicAccess = true
	a.PublicAccessCIDRs = []string{"198.51.100.0/24"}
	a.DeployerCIDRs = []string{"10.255.0.0/16", "172.31.0.0/16"}
	a.AdminRoleARNs = []string{"arn:aws:iam::123456789012:role/platform-admin"}
	rec, c, err := buildCluster(t, a)
	require.NoError(t, err)

	eks := rec.ByType("eks:index:Cluster")
	require.Len(t, eks, 1)
	in := eks[0].Inputs
	require.True(t, eks[0].Remote)
	require.Equal(t, "ml-platform-test", str(in, "name"))
	require.Equal(t, "API", str(in, "authenticationMode"))
	require.Equal(t, keyARN, str(in, "encryptionConfigKeyArn"))
	require.True(t, in["skipDefaultNodeGroup"].BoolValue())
	require.True(t, in["createOidcProvider"].BoolValue())
	require.True(t, in["endpointPrivateAccess"].BoolValue())
	require.Len(t, arr(in, "enabledClusterLogTypes"), 5)
	require.Equal(t, "198.51.100.0/24", arr(in, "publicAccessCidrs")[0].StringValue())

	// The deployer networks reach the private endpoint on 443 through the
	// control-plane security group; nothing else is admitted from a CIDR.
	cp := rec.ByName("aws:ec2/securityGroup:SecurityGroup", "cluster-control-plane")
	var deployers []string
	for _, r := range rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if block := str(r.Inputs, "cidrIpv4"); block != "" {
			require.Equal(t, str(cp.Outputs, "id"), str(r.Inputs, "securityGroupId"), "%s: only the control plane admits CIDRs", r.Name)
			require.Equal(t, 443.0, r.Inputs["fromPort"].NumberValue())
			require.Equal(t, 443.0, r.Inputs["toPort"].NumberValue())
			deployers = append(deployers, block)
		}
	}
	sort.Strings(deployers)
	require.Equal(t, []string{"10.255.0.0/16", "172.31.0.0/16"}, deployers)

	logs := rec.ByName("aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs")
	require.Equal(t, "/aws/eks/ml-platform-test/cluster", str(logs.Inputs, "name"))
	require.Equal(t, keyARN, str(logs.Inputs, "kmsKeyId"))

	// The Kubernetes provider gets the mock's realistic kubeconfig and a
	// stable identity, so it is not replaced when the kubeconfig text changes.
	prov := rec.ByType("pulumi:providers:kubernetes")
	require.Len(t, prov, 1)
	require.Equal(t, "ml-platform-test", str(prov[0].Inputs, "clusterIdentifier"))
	var kubeconfig struct {
		Clusters []struct{ Cluster struct{ Server string } }
		Users    []struct {
			User struct{ Exec struct{ Args []string } }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(str(prov[0].Inputs, "kubeconfig")), &kubeconfig))
	require.True(t, strings.HasPrefix(kubeconfig.Clusters[0].Cluster.Server, "https://"), "a real endpoint, not an empty value")
	require.Contains(t, kubeconfig.Users[0].User.Exec.Args, "ml-platform-test")
	require.Equal(t, "ml-platform-test", c.Name)

	addons := map[string]string{}
	for _, ad := range rec.ByType("aws:eks/addon:Addon") {
		addons[str(ad.Inputs, "addonName")] = str(ad.Inputs, "addonVersion")
	}
	require.Len(t, addons, len(catalog.EKSAddons))
	require.Equal(t, "v1.19.5-eksbuild.1", addons["vpc-cni"], "pinned by config")
	require.Equal(t, "", addons["coredns"], "unpinned: the EKS default")

	entries := map[string]string{}
	for _, e := range rec.ByType("aws:eks/accessEntry:AccessEntry") {
		entries[e.Name] = str(e.Inputs, "type")
	}
	require.Equal(t, map[string]string{"cluster-nodes": "EC2_LINUX", "cluster-admin-0": "STANDARD"}, entries)
	assoc := rec.ByType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
	require.Len(t, assoc, 1)
	require.Contains(t, str(assoc[0].Inputs, "policyArn"), "AmazonEKSClusterAdminPolicy")
	require.Contains(t, assoc[0].PropertyDependencies["principalArn"], rec.ByName("aws:eks/accessEntry:AccessEntry", "cluster-admin-0").URN,
		"the association waits for its access entry")
}

// TestEverythingNamingTheClusterDependsOnIt: resources that take the
// cluster's name must be created after it; a plain string would race the
// cluster on a first `pulumi up`.
func TestEverythingNamingTheClusterDependsOnIt(t *testing.T) {
	a := clusterArgs(training("p4d.24xlarge", true))
	a.AdminRoleARNs = []string{"arn:aws:iam::123456789012:role/platform-admin"}
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		c, err := cluster.NewCluster(ctx, "cluster", a)
		if err != nil {
			return err
		}
		_, err = cluster.NewKarpenter(ctx, "karpenter", karpenterArgs(c, false))
		return err
	})
	require.NoError(t, err)
	eksURN := rec.ByType("eks:index:Cluster")[0].URN
	named := 0
	for _, r := range rec.Resources() {
		if mock.String(r.Inputs, "clusterName") != "ml-platform-test" {
			continue
		}
		named++
		require.Contains(t, r.PropertyDependencies["clusterName"], eksURN, "%s %s names the cluster without depending on it", r.Type, r.Name)
	}
	// 7 add-ons, 2 node access entries, 1 admin entry and its association,
	// 2 node groups, the Pod Identity association.
	require.Equal(t, 14, named, "every resource that names the cluster was checked")
}

// TestNodeAgentsBeforeNodesAndTheRestAfter checks the managed node groups
// themselves (a component's DependsOn does not reach its children).
func TestNodeAgentsBeforeNodesAndTheRestAfter(t *testing.T) {
	rec, _, err := buildCluster(t, clusterArgs(training("g5.xlarge", false)))
	require.NoError(t, err)
	groups := rec.ByType("aws:eks/nodeGroup:NodeGroup")
	require.Len(t, groups, 2)
	system := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-system")
	for _, ad := range rec.ByType("aws:eks/addon:Addon") {
		name := str(ad.Inputs, "addonName")
		dependsOnSystem := slices.Contains(ad.Dependencies, system.URN)
		if slices.Contains(catalog.NodeAgentAddons, name) {
			require.False(t, dependsOnSystem, "%s runs only node agents: it comes before the nodes", name)
			for _, ng := range groups {
				require.Contains(t, ng.Dependencies, ad.URN, "node group %s waits for %s", ng.Name, name)
			}
		} else {
			require.True(t, dependsOnSystem, "%s needs the system nodes to become healthy", name)
		}
	}
	entry := rec.ByName("aws:eks/accessEntry:AccessEntry", "cluster-nodes")
	for _, ng := range groups {
		require.Contains(t, ng.Dependencies, entry.URN, "%s joins with its access entry in place", ng.Name)
		for _, a := range rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			if strings.HasPrefix(a.Name, "cluster-nodes-") {
				require.Contains(t, ng.Dependencies, a.URN, "%s joins with %s attached", ng.Name, a.Name)
			}
		}
	}
}

func TestCustomNetworking(t *testing.T) {
	a := clusterArgs(training("g5.xlarge", false))
	a.PodSubnetIDsByAZ = subnets("subnet-pods-")
	rec, c, err := buildCluster(t, a)
	require.NoError(t, err)
	require.True(t, c.CustomNetworking)

	nodeSG := str(rec.ByName("aws:ec2/securityGroup:SecurityGroup", "cluster-nodes").Outputs, "id")
	configs := rec.ByType("kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig")
	require.Len(t, configs, len(zones), "one ENIConfig per AZ")
	vpcCNI := rec.ByName("aws:eks/addon:Addon", "cluster-vpc-cni")
	for _, cfg := range configs {
		az := str(obj(cfg.Inputs, "metadata"), "name")
		require.Contains(t, zones, az, "named after its zone (ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone)")
		spec := obj(cfg.Inputs, "spec")
		require.Equal(t, "subnet-pods-"+az, str(spec, "subnet"))
		require.Equal(t, nodeSG, arr(spec, "securityGroups")[0].StringValue())
		require.Contains(t, cfg.Dependencies, vpcCNI.URN, "the vpc-cni add-on installs the ENIConfig CRD")
		for _, g := range rec.ByType("aws:eks/nodeGroup:NodeGroup") {
			require.Contains(t, g.Dependencies, cfg.URN, "%s joins after custom networking is set up", g.Name)
		}
	}
	var values struct {
		Env map[string]string `json:"env"`
	}
	require.NoError(t, json.Unmarshal([]byte(str(vpcCNI.Inputs, "configurationValues")), &values))
	require.Equal(t, map[string]string{
		"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true",
		"ENI_CONFIG_LABEL_DEF":               "topology.kubernetes.io/zone",
	}, values.Env)

	// Without pod subnets, pods share the node subnets: no ENIConfig.
	rec, plain, err := buildCluster(t, clusterArgs())
	require.NoError(t, err)
	require.False(t, plain.CustomNetworking)
	require.Empty(t, rec.ByType("kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig"))
	require.Empty(t, str(rec.ByName("aws:eks/addon:Addon", "cluster-vpc-cni").Inputs, "configurationValues"))
}

func TestNodeRoleTrustHasNoSourceAccount(t *testing.T) {
	var doc struct {
		Statement []struct {
			Principal map[string][]string
			Condition map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(cluster.EC2TrustPolicy().JSON()), &doc))
	require.Len(t, doc.Statement, 1)
	require.Equal(t, []string{"ec2.amazonaws.com"}, doc.Statement[0].Principal["Service"])
	require.Empty(t, doc.Statement[0].Condition, "EC2 does not document supplying aws:SourceAccount when it assumes a node role")
	require.Contains(t, cluster.NodePolicies, "AmazonEC2ContainerRegistryPullOnly")
	require.NotContains(t, cluster.NodePolicies, "AmazonEC2ContainerRegistryReadOnly")
}

// TestClusterValidatesItsWholeSubtree: node group specs are judged with the
// cluster's own arguments, every problem reported together, before
// anything is registered.
func TestClusterValidatesItsWholeSubtree(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*cluster.ClusterArgs)
		want   []string
	}{
		{"no system group", func(a *cluster.ClusterArgs) { a.NodeGroups = a.NodeGroups[1:] }, []string{"NodeGroups: a system group is required"}},
		{"unknown add-on", func(a *cluster.ClusterArgs) { a.Addons = map[string]string{"istio": ""} }, []string{`Addons: "istio" is not managed`}},
		{"one AZ", func(a *cluster.ClusterArgs) { a.AvailabilityZones = zones[:1] }, []string{"at least two AZs"}},
		{"pod subnets missing an AZ", func(a *cluster.ClusterArgs) {
			a.PodSubnetIDsByAZ = map[string]pulumi.StringInput{"us-east-1a": pulumi.String("subnet-pods")}
		}, []string{"PodSubnetIDsByAZ: no pod subnet for us-east-1b"}},
		{"node group errors with cluster errors", func(a *cluster.ClusterArgs) {
			bad := training("g4dn.xlarge", true)
			other := training("x9.huge", false)
			other.Name = "other"
			a.NodeGroups = append(a.NodeGroups, bad, other)
			a.Name = "-bad"
		}, []string{`Name: "-bad" must be`, `Spec.InstanceTypes: instance type "g4dn.xlarge" does not support EFA`,
			`NodeGroups[2] (other): Spec.InstanceTypes: instance type "x9.huge" is not an EC2 instance type`}},
		{"duplicate groups", func(a *cluster.ClusterArgs) { a.NodeGroups = append(a.NodeGroups, system()) }, []string{`NodeGroups[1].Name: "system" is used twice`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := clusterArgs()
			tc.mutate(a)
			rec, _, err := buildCluster(t, a)
			for _, want := range tc.want {
				require.ErrorContains(t, err, want)
			}
			require.Empty(t, rec.Resources(), "nothing is registered for invalid args")
		})
	}
}

func TestNodeGroupValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec cluster.NodeGroupSpec
		want string
	}{
		{"EFA on a type without it", training("g4dn.xlarge", true), `"g4dn.xlarge" does not support EFA`},
		{"unknown type", training("x9.huge", false), `"x9.huge" is not an EC2 instance type`},
		{"EFA on an uncatalogued type", training("g4dn.8xlarge", true), "EFA needs its interface count, which the catalog does not record"},
		{"Neuron type with a GPU AMI", func() cluster.NodeGroupSpec {
			s := training("trn1.32xlarge", false)
			s.AMIType = catalog.AMIAL2023Nvidia
			return s
		}(), `Spec.AMIType: "AL2023_x86_64_NVIDIA" does not fit aws-trainium instances; allowed: "AL2023_x86_64_NEURON"`},
		{"EFA without an AZ", func() cluster.NodeGroupSpec { s := training("p5.48xlarge", true); s.AvailabilityZone = ""; return s }(), "Spec.AvailabilityZone: required with EFA"},
		{"AZ without a subnet", func() cluster.NodeGroupSpec {
			s := training("p5.48xlarge", true)
			s.AvailabilityZone = "us-east-1f"
			return s
		}(), `"us-east-1f" has no private subnet`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
				_, err := cluster.NewNodeGroup(ctx, "g", &cluster.NodeGroupArgs{
					Spec: tc.spec, ClusterName: pulumi.String("c"), ClusterTagName: "c", SubnetIDsByAZ: subnets("subnet-"), AvailabilityZones: zones,
					NodeRoleARN: pulumi.String("arn:aws:iam::123456789012:role/n"), NodeSecurityGroupID: pulumi.String("sg-1"),
					VolumeKMSKeyARN: pulumi.String(keyARN), Tags: map[string]string{},
				})
				return err
			})
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources())
		})
	}
}

func karpenterArgs(c *cluster.Cluster, prod bool) *cluster.KarpenterArgs {
	return &cluster.KarpenterArgs{
		Cluster: c, SubnetDiscoveryTag: "ml-platform-test", VolumeKMSKeyARN: pulumi.String(keyARN), VolumeKeyAlias: "alias/ml-platform-test-cluster",
		Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, Prod: prod,
		Karpenter: spec.Karpenter{TrainingGPULimit: 64, InferenceGPULimit: 8, NeuronDeviceLimit: 32, CPULimit: 1000, AMIAlias: "al2023@latest"},
		Tags:      map[string]string{"Team": "ml"},
	}
}

// buildKarpenter builds a cluster and Karpenter on it; mutate adjusts
// Karpenter's arguments.
func buildKarpenter(t *testing.T, prod bool, mutate func(*cluster.KarpenterArgs), clusterMutate ...func(*cluster.ClusterArgs)) (*mock.Recorder, error) {
	t.Helper()
	a := clusterArgs()
	for _, m := range clusterMutate {
		m(a)
	}
	return testkit.Run(t, func(ctx *pulumi.Context) error {
		c, err := cluster.NewCluster(ctx, "cluster", a)
		if err != nil {
			return err
		}
		ka := karpenterArgs(c, prod)
		if mutate != nil {
			mutate(ka)
		}
		_, err = cluster.NewKarpenter(ctx, "karpenter", ka)
		return err
	})
}

func TestKarpenter(t *testing.T) {
	rec, err := buildKarpenter(t, false, nil)
	require.NoError(t, err)

	queue := rec.ByType("aws:sqs/queue:Queue")
	require.Len(t, queue, 1)
	queueARN := str(queue[0].Outputs, "arn")
	require.Equal(t, "ml-platform-test-karpenter", str(queue[0].Inputs, "name"), "a fixed name the controller policy names")
	require.True(t, queue[0].Inputs["sqsManagedSseEnabled"].BoolValue(), "the queue is encrypted")

	patterns := map[string]string{}
	for _, rule := range rec.ByType("aws:cloudwatch/eventRule:EventRule") {
		var p struct {
			Source     []string `json:"source"`
			DetailType []string `json:"detail-type"`
		}
		require.NoError(t, json.Unmarshal([]byte(str(rule.Inputs, "eventPattern")), &p))
		patterns[p.Source[0]+": "+p.DetailType[0]] = str(rule.Outputs, "name")
	}
	require.ElementsMatch(t, []string{
		"aws.health: AWS Health Event",
		"aws.ec2: EC2 Spot Instance Interruption Warning",
		"aws.ec2: EC2 Instance Rebalance Recommendation",
		"aws.ec2: EC2 Instance State-change Notification",
		"aws.ec2: EC2 Capacity Reservation Instance Interruption Warning",
	}, keys(patterns), "the five rules of Karpenter v1.14.1's reference template")
	targets := rec.ByType("aws:cloudwatch/eventTarget:EventTarget")
	require.Len(t, targets, len(patterns), "one target per rule")
	targeted := map[string]bool{}
	for _, tg := range targets {
		require.Equal(t, queueARN, str(tg.Inputs, "arn"), "every rule feeds the queue")
		targeted[str(tg.Inputs, "rule")] = true
	}
	for _, ruleName := range patterns {
		require.True(t, targeted[ruleName], "rule %s has a target", ruleName)
	}

	charts := map[string]*mock.Registered{}
	for _, c := range rec.ByType("kubernetes:helm.sh/v4:Chart") {
		charts[str(c.Inputs, "name")] = c
	}
	require.Len(t, charts, 2, "the CRDs and the controller")
	for _, key := range []string{"karpenter", "karpenter-crd"} {
		want, _ := catalog.LookupChart(key)
		require.Equal(t, want.Version, str(charts[key].Inputs, "version"))
		require.True(t, strings.HasPrefix(want.Version, "1.14."), "Karpenter 1.14.x")
		require.True(t, charts[key].Remote)
	}
	controller := charts["karpenter"]
	require.True(t, controller.Inputs["skipCrds"].BoolValue(), "karpenter-crd manages the CRDs")
	require.Contains(t, controller.Dependencies, charts["karpenter-crd"].URN)
	values := obj(controller.Inputs, "values")
	settings := obj(values, "settings")
	require.Equal(t, "ml-platform-test-karpenter", str(settings, "interruptionQueue"))
	require.Equal(t, "ml-platform-test", str(settings, "clusterName"))
	require.Empty(t, str(settings, "reservedENIs"), "no custom networking")
	env := arr(obj(values, "controller"), "env")
	require.Len(t, env, 1)
	require.Equal(t, "AWS_REGION", str(env[0].ObjectValue(), "name"), "hop limit 1 hides the region from IMDS")
	require.Equal(t, "us-east-1", str(env[0].ObjectValue(), "value"))
	require.True(t, strings.HasPrefix(controller.Provider, "urn:pulumi:test::ml-platform::ml-platform:cluster:Cluster$pulumi:providers:kubernetes::"), "the cluster's provider")

	assoc := rec.ByType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
	require.Len(t, assoc, 1)
	require.Equal(t, "karpenter", str(assoc[0].Inputs, "serviceAccount"))
	require.Contains(t, controller.Dependencies, assoc[0].URN, "the controller starts with its credentials")
	entry := rec.ByName("aws:eks/accessEntry:AccessEntry", "karpenter-nodes")
	require.Equal(t, "EC2_LINUX", str(entry.Inputs, "type"))
	nodeRole := rec.ByName("aws:iam/role:Role", "karpenter-nodes")
	require.Equal(t, "ml-platform-test-karpenter-node", str(nodeRole.Inputs, "name"))

	pools := map[string]resource.PropertyMap{}
	for _, p := range rec.ByType("kubernetes:karpenter.sh/v1:NodePool") {
		pools[str(obj(p.Inputs, "metadata"), "name")] = obj(p.Inputs, "spec")
	}
	plan := cluster.Pools(false, 64, 8, 32)
	require.Len(t, pools, len(plan))
	for _, p := range plan {
		spec, ok := pools[p.Name]
		require.True(t, ok, p.Name)
		tmpl := obj(spec, "template")
		labels := map[string]string{}
		for k, v := range obj(obj(tmpl, "metadata"), "labels") {
			labels[string(k)] = v.StringValue()
		}
		require.Equal(t, p.Labels(), labels, "%s carries its plan's labels", p.Name)
		require.Equal(t, string(p.Role), labels[conventions.LabelWorkloadType], p.Name)
		require.Equal(t, fmt.Sprint(p.Limit), str(obj(spec, "limits"), p.Resource), p.Name)
		d := obj(spec, "disruption")
		require.Equal(t, p.Consolidation, str(d, "consolidationPolicy"), p.Name)
		require.Len(t, arr(d, "budgets"), 1, p.Name)
		taints := arr(obj(tmpl, "spec"), "taints")
		require.Len(t, taints, 1, "%s: accelerator nodes are tainted", p.Name)
		require.Equal(t, conventions.EffectNoSchedule, str(taints[0].ObjectValue(), "effect"))
	}
	require.Equal(t, []string{"spot"}, capacity(pools["gpu-training"]))
	require.Equal(t, []string{"on-demand"}, capacity(pools["gpu-inference"]))
	require.Equal(t, []string{"spot"}, capacity(pools["neuron-training"]))

	nodeClass := rec.ByType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
	require.Len(t, nodeClass, 1)
	ncSpec := obj(nodeClass[0].Inputs, "spec")
	md := obj(ncSpec, "metadataOptions")
	require.Equal(t, "required", str(md, "httpTokens"))
	require.Equal(t, 1.0, md["httpPutResponseHopLimit"].NumberValue(), "Karpenter's nodes answer one hop too")
	ebs := obj(arr(ncSpec, "blockDeviceMappings")[0].ObjectValue(), "ebs")
	require.True(t, ebs["encrypted"].BoolValue())
	require.Equal(t, keyARN, str(ebs, "kmsKeyID"))

	policy := rec.ByName("aws:iam/rolePolicy:RolePolicy", "karpenter-controller")
	golden.AssertJSON(t, "karpenter-controller-policy.json", str(policy.Inputs, "policy"))
	golden.AssertJSON(t, "karpenter-queue-policy.json", str(rec.ByType("aws:sqs/queuePolicy:QueuePolicy")[0].Inputs, "policy"))
}

func capacity(spec resource.PropertyMap) []string {
	var out []string
	for _, r := range arr(obj(obj(spec, "template"), "spec"), "requirements") {
		if str(r.ObjectValue(), "key") == conventions.KarpenterCapacityTypeLabel {
			for _, v := range arr(r.ObjectValue(), "values") {
				out = append(out, v.StringValue())
			}
		}
	}
	return out
}

// TestKarpenterPolicyMatchesTheReference checks the controller policy
// against Karpenter v1.14.1's reference policy, statement by statement, on
// the points a deploy depends on (the golden file pins the rest).
func TestKarpenterPolicyMatchesTheReference(t *testing.T) {
	doc := cluster.KarpenterControllerPolicy(cluster.KarpenterScope{
		Partition: "aws", Region: "us-west-2", Account: mock.AccountID, ClusterName: "c1",
		NodeRoleName: "c1-karpenter-node", QueueName: "c1-karpenter", VolumeKeyAlias: "alias/c1-cluster",
	})
	var sids []string
	bySid := map[string]int{}
	for i, st := range doc.Statement {
		sids = append(sids, st.Sid)
		bySid[st.Sid] = i
	}
	reference := []string{
		"AllowScopedEC2InstanceAccessActions", "AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedEC2InstanceActionsWithTags",
		"AllowScopedResourceCreationTagging", "AllowScopedResourceTagging", "AllowScopedDeletion",
		"AllowPassingInstanceRole", "AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions",
		"AllowScopedInstanceProfileActions", "AllowAPIServerEndpointDiscovery", "AllowInterruptionQueueActions",
		"AllowRegionalReadActions", "AllowSSMReadActions", "AllowPricingReadActions", "AllowUnscopedInstanceProfileListAction",
		"AllowInstanceProfileReadActions",
	}
	require.Equal(t, append(slices.Clone(reference), "UseVolumeKeyThroughEC2", "GrantVolumeKeyToEC2"), sids,
		"the reference statements, then the documented additions")

	st := doc.Statement[bySid["AllowScopedInstanceProfileCreationActions"]]
	require.Equal(t, []string{"iam:CreateInstanceProfile"}, st.Action)
	require.Equal(t, map[string][]string{
		"aws:RequestTag/kubernetes.io/cluster/c1":      {"owned"},
		"aws:RequestTag/eks:eks-cluster-name":          {"c1"},
		"aws:RequestTag/topology.kubernetes.io/region": {"us-west-2"},
	}, st.Condition["StringEquals"], "instance profiles are created only with the cluster's request tags")

	st = doc.Statement[bySid["AllowScopedEC2LaunchTemplateAccessActions"]]
	require.Equal(t, []string{"owned"}, st.Condition["StringEquals"]["aws:ResourceTag/kubernetes.io/cluster/c1"], "launch templates by resource tag")

	st = doc.Statement[bySid["AllowScopedResourceTagging"]]
	require.Equal(t, []string{"ec2:CreateTags"}, st.Action)
	require.Equal(t, []string{"eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"}, st.Condition["ForAllValues:StringEquals"]["aws:TagKeys"],
		"running instances are tagged with their node and claim")

	st = doc.Statement[bySid["AllowUnscopedInstanceProfileListAction"]]
	require.Equal(t, []string{"iam:ListInstanceProfiles"}, st.Action)

	st = doc.Statement[bySid["AllowRegionalReadActions"]]
	require.Equal(t, []string{"ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances",
		"ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes",
		"ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups",
		"ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"}, st.Action)
	require.Equal(t, []string{"us-west-2"}, st.Condition["StringEquals"]["aws:RequestedRegion"])

	require.Equal(t, []string{"arn:aws:iam::123456789012:role/c1-karpenter-node"}, doc.Statement[bySid["AllowPassingInstanceRole"]].Resource)
	require.Equal(t, []string{"arn:aws:sqs:us-west-2:123456789012:c1-karpenter"}, doc.Statement[bySid["AllowInterruptionQueueActions"]].Resource)

	st = doc.Statement[bySid["UseVolumeKeyThroughEC2"]]
	require.Equal(t, []string{"ec2.us-west-2.amazonaws.com"}, st.Condition["StringEquals"]["kms:ViaService"])
	require.Equal(t, []string{"alias/c1-cluster"}, st.Condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"])
}

func TestKarpenterWithCustomNetworkingAndQueueKey(t *testing.T) {
	rec, err := buildKarpenter(t, true, func(a *cluster.KarpenterArgs) {
		a.QueueKMSKeyARN, a.QueueKeyAlias = pulumi.String(keyARN), "alias/ml-platform-test-cluster"
	}, func(a *cluster.ClusterArgs) { a.PodSubnetIDsByAZ = subnets("subnet-pods-") })
	require.NoError(t, err)
	queue := rec.ByType("aws:sqs/queue:Queue")[0]
	require.Equal(t, keyARN, str(queue.Inputs, "kmsMasterKeyId"))
	require.NotContains(t, queue.Inputs, resource.PropertyKey("sqsManagedSseEnabled"))
	var doc struct {
		Statement []struct {
			Sid       string
			Condition map[string]map[string][]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(str(rec.ByName("aws:iam/rolePolicy:RolePolicy", "karpenter-controller").Inputs, "policy")), &doc))
	last := doc.Statement[len(doc.Statement)-1]
	require.Equal(t, "DecryptInterruptionQueue", last.Sid)
	require.Equal(t, []string{"sqs.us-east-1.amazonaws.com"}, last.Condition["StringEquals"]["kms:ViaService"])

	var controller *mock.Registered
	for _, c := range rec.ByType("kubernetes:helm.sh/v4:Chart") {
		if str(c.Inputs, "name") == "karpenter" {
			controller = c
		}
	}
	values := obj(controller.Inputs, "values")
	require.Equal(t, "1", str(obj(values, "settings"), "reservedENIs"), "custom networking: the primary interface is not for pods")
	require.Equal(t, 2.0, values["replicas"].NumberValue(), "prod runs two controllers")
	gpu := cluster.Pools(true, 8, 0, 0)[0]
	require.Equal(t, []string{"spot", "on-demand"}, gpu.CapacityTypes, "prod training: spot first, on-demand fallback")
}

func TestKarpenterValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*cluster.KarpenterArgs)
		want   string
	}{
		{"restricted tag", func(a *cluster.KarpenterArgs) { a.Tags = map[string]string{"karpenter.sh/nodepool": "x"} }, `Tags: "karpenter.sh/nodepool" is set by Karpenter`},
		{"cluster tag", func(a *cluster.KarpenterArgs) { a.Tags = map[string]string{"kubernetes.io/cluster/x": "owned"} }, `"kubernetes.io/cluster/x" is set by Karpenter`},
		{"half a queue key", func(a *cluster.KarpenterArgs) { a.QueueKeyAlias = "alias/x" }, "QueueKMSKeyARN and QueueKeyAlias: set both or neither"},
		{"bad alias", func(a *cluster.KarpenterArgs) { a.VolumeKeyAlias = "cluster" }, `VolumeKeyAlias: "cluster" must start with alias/`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := buildKarpenter(t, false, tc.mutate)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.ByType("ml-platform:cluster:Karpenter"), "Karpenter registers nothing for invalid args")
		})
	}
}

func TestPoolsAreWhatTheirLabelsSay(t *testing.T) {
	pools := cluster.Pools(false, 8, 8, 8)
	require.Len(t, pools, 3)
	require.Len(t, cluster.Pools(true, 8, 0, 8), 2, "a pool with a zero limit is left out")
	for _, p := range pools {
		if !p.EFA {
			continue
		}
		// The EFA label is true only if every type the pool may launch supports EFA.
		var types []string
		for _, name := range catalog.InstanceTypeNames() {
			it, _ := catalog.LookupInstanceType(name)
			if slices.Contains(p.Families, strings.Split(name, ".")[0]) || slices.Contains(p.InstanceTypes, name) {
				types = append(types, name)
				require.True(t, it.SupportsEFA(), "pool %s is labelled EFA but may launch %s", p.Name, name)
				require.Equal(t, p.Accelerator, it.Accelerator, "pool %s launches %s", p.Name, name)
			}
		}
		require.NotEmpty(t, types, "pool %s launches catalog types", p.Name)
	}
	require.Equal(t, "[scheduled-change spot-interruption rebalance instance-state-change capacity-reservation-interruption]",
		fmt.Sprint(cluster.InterruptionEventNames()))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

var (
	str = mock.String
	obj = mock.Object
	arr = mock.Array
)

// TestNodeSetupAndOptionalAddons: setup commands reach every launch
// template (as MIME user data EKS merges) and Karpenter's node class;
// optional add-ons install after the system nodes; unknown ones are refused.
func TestNodeSetupAndOptionalAddons(t *testing.T) {
	a := clusterArgs(training("g5.xlarge", false))
	a.NodeSetupCommands = []string{catalog.LustreClientInstall}
	a.OptionalAddons = []string{catalog.FSxCSIAddon}
	rec, c, err := buildCluster(t, a)
	require.NoError(t, err)
	for _, lt := range rec.ByType("aws:ec2/launchTemplate:LaunchTemplate") {
		data, err := base64.StdEncoding.DecodeString(str(lt.Inputs, "userData"))
		require.NoError(t, err)
		require.Contains(t, string(data), "Content-Type: multipart/mixed", "EKS merges only MIME user data")
		require.Contains(t, string(data), "text/x-shellscript")
		require.Contains(t, string(data), catalog.LustreClientInstall, lt.Name)
	}
	require.Equal(t, []string{catalog.LustreClientInstall}, c.NodeSetupCommands, "for Karpenter's node class")
	addon := c.Addons[catalog.FSxCSIAddon]
	require.NotNil(t, addon)
	fsx := rec.ByName("aws:eks/addon:Addon", "cluster-"+catalog.FSxCSIAddon)
	require.Contains(t, fsx.Dependencies, rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-system").URN)
	_, hasRole := fsx.Inputs["podIdentityAssociations"]
	require.False(t, hasRole, "static Lustre volumes need no IAM")

	a = clusterArgs()
	a.OptionalAddons = []string{"aws-mountpoint-s3-csi-driver"}
	rec, _, err = buildCluster(t, a)
	require.ErrorContains(t, err, `OptionalAddons[0]: "aws-mountpoint-s3-csi-driver" is not an optional add-on`)
	require.Empty(t, rec.Resources())
}

// TestNodeGroupsFollowTheControlPlane: every group names the cluster's
// Kubernetes version and waits for the cluster, so raising the version
// upgrades the control plane and then rolls the nodes.
func TestNodeGroupsFollowTheControlPlane(t *testing.T) {
	a := clusterArgs(training("g5.xlarge", false))
	a.Version = "1.33"
	rec, _, err := buildCluster(t, a)
	require.NoError(t, err)
	cluster := rec.ByType("eks:index:Cluster")[0]
	require.Equal(t, "1.33", str(cluster.Inputs, "version"))
	groups := rec.ByType("aws:eks/nodeGroup:NodeGroup")
	require.Len(t, groups, 2)
	for _, ng := range groups {
		require.Equal(t, "1.33", str(ng.Inputs, "version"), ng.Name)
		require.Contains(t, ng.Dependencies, cluster.URN, "%s is updated after the control plane", ng.Name)
		require.EqualValues(t, 1, obj(ng.Inputs, "updateConfig")["maxUnavailable"].NumberValue(), "one node at a time")
	}
}

// TestRequiredSetupFailsClosed: a required command that fails powers the
// node off before it joins; ordinary setup runs first and unchecked.
func TestRequiredSetupFailsClosed(t *testing.T) {
	ud := cluster.NodeUserData([]string{"echo setup"}, "dnf install -y lustre-client", "modprobe lustre")
	require.Less(t, strings.Index(ud, "echo setup"), strings.Index(ud, "if ! ( dnf install -y lustre-client ); then"))
	require.Contains(t, ud, "if ! ( modprobe lustre ); then\n  logger -t ml-platform 'required node setup failed, powering off instead of joining: modprobe lustre'\n  shutdown -h now\n  exit 1\nfi\n")
	require.NotContains(t, cluster.NodeUserData([]string{"echo setup"}), "shutdown", "nothing required, nothing checked")
	quoted := cluster.NodeUserData(nil, "test -e '/x'")
	require.Contains(t, quoted, `joining: test -e '\''/x'\'''`, "the command is quoted inside the log message")
}

// TestNodeRepair: with NodeRepair, EKS replaces accelerated nodes the node
// monitoring agent reports unhealthy (the agent runs on every node, before
// nodes join); CPU groups keep the default. Without it nothing repairs.
func TestNodeRepair(t *testing.T) {
	for _, on := range []bool{true, false} {
		a := clusterArgs(training("p4d.24xlarge", true))
		a.NodeRepair = on
		rec, _, err := buildCluster(t, a)
		require.NoError(t, err)
		repair := map[string]bool{}
		for _, g := range rec.ByType("aws:eks/nodeGroup:NodeGroup") {
			cfg, set := g.Inputs["nodeRepairConfig"]
			repair[g.Name] = set && cfg.ObjectValue()["enabled"].BoolValue()
		}
		require.Equal(t, map[string]bool{"cluster-system": false, "cluster-train": on}, repair, "repair %v", on)
		agent := rec.ByName("aws:eks/addon:Addon", "cluster-eks-node-monitoring-agent")
		require.NotNil(t, agent, "the agent runs either way")
		train := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-train")
		require.Contains(t, train.Dependencies, agent.URN, "nodes join with the agent in place")
	}
}

func TestKarpenterNodeRepair(t *testing.T) {
	for _, on := range []bool{true, false} {
		a := karpenterArgs(nil, false)
		a.Cluster = &cluster.Cluster{Name: "ml-platform-test"}
		a.NodeRepair = on
		settings := cluster.KarpenterValues(a)["settings"].(map[string]any)
		if on {
			require.Equal(t, map[string]any{"nodeRepair": true}, settings["featureGates"])
		} else {
			require.NotContains(t, settings, "featureGates", "alpha: off unless asked")
		}
	}
}

// TestGroupMetricsForEveryNodeGroup: EKS creates node groups' Auto Scaling
// groups without metrics collection; the function turns it on for each
// group's (and only this cluster's), invoked once per group with its name.
func TestGroupMetricsForEveryNodeGroup(t *testing.T) {
	rec, c, err := buildCluster(t, clusterArgs(training("p4d.24xlarge", true)))
	require.NoError(t, err)
	fn := rec.ByName("aws:lambda/function:Function", "cluster-group-metrics")
	require.NotNil(t, fn)
	require.Equal(t, catalog.GroupMetricsFunctionRuntime, mock.String(fn.Inputs, "runtime"))
	require.GreaterOrEqual(t, fn.Inputs["timeout"].NumberValue(), 60.0, "outlasts a minute of IAM propagation retries")
	require.Equal(t, "/aws/lambda/ml-platform-test-group-metrics", mock.String(mock.Object(fn.Inputs, "loggingConfig"), "logGroup"))
	invocations := map[string]string{}
	for _, inv := range rec.ByType("aws:lambda/invocation:Invocation") {
		invocations[inv.Name] = mock.String(inv.Inputs, "input")
		require.Equal(t, "ml-platform-test-group-metrics", mock.String(inv.Inputs, "functionName"))
	}
	require.Len(t, invocations, 2)
	for _, g := range []string{"system", "train"} {
		ng := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-"+g)
		asg := mock.Array(mock.Array(ng.Outputs, "resources")[0].ObjectValue(), "autoscalingGroups")[0].ObjectValue()["name"].StringValue()
		require.JSONEq(t, `{"autoScalingGroupName":"`+asg+`"}`, invocations["cluster-"+g+"-group-metrics"], g)
	}
	require.Len(t, c.GroupMetrics.Invocations, 2)

	doc := cluster.GroupMetricsPolicy(awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, "ml-platform-test")
	enable := doc.Statement[0]
	require.Equal(t, []string{"autoscaling:EnableMetricsCollection"}, enable.Action)
	require.Equal(t, []string{"ml-platform-test"}, enable.Condition["StringEquals"]["aws:ResourceTag/eks:cluster-name"],
		"only this cluster's node groups")
	policy := rec.ByName("aws:iam/rolePolicy:RolePolicy", "cluster-group-metrics")
	require.JSONEq(t, doc.JSON(), mock.String(policy.Inputs, "policy"))
	require.Contains(t, fn.Dependencies, policy.URN, "the function can act when first invoked")
}

// TestCapacityReservationNodeGroup: a group in a Capacity Block launches
// into the block (capacity-block market, CAPACITY_BLOCK capacity type) with
// no placement group of its own, which would keep the launches out of the
// reservation; an On-Demand Capacity Reservation by resource group is
// targeted the same way at the on-demand market.
func TestCapacityReservationNodeGroup(t *testing.T) {
	block := training("p5.48xlarge", true)
	block.CapacityType = conventions.OnDemand
	block.CapacityReservation = &cluster.CapacityReservation{ID: "cr-0123456789abcdef0", CapacityBlock: true}
	rec, _, err := buildCluster(t, clusterArgs(block))
	require.NoError(t, err)
	ng := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-train")
	require.Equal(t, "CAPACITY_BLOCK", mock.String(ng.Inputs, "capacityType"))
	lt := rec.ByName("aws:ec2/launchTemplate:LaunchTemplate", "cluster-train")
	target := mock.Object(mock.Object(lt.Inputs, "capacityReservationSpecification"), "capacityReservationTarget")
	require.Equal(t, "cr-0123456789abcdef0", mock.String(target, "capacityReservationId"))
	require.Equal(t, "capacity-block", mock.String(mock.Object(lt.Inputs, "instanceMarketOptions"), "marketType"))
	require.Empty(t, rec.ByType("aws:ec2/placementGroup:PlacementGroup"), "the reservation decides placement")
	require.Empty(t, mock.Object(lt.Inputs, "placement"))
	require.Len(t, mock.Array(lt.Inputs, "networkInterfaces"), 32, "EFA interfaces as without a reservation")

	odcr := training("p4d.24xlarge", false)
	odcr.CapacityType = conventions.OnDemand
	odcr.CapacityReservation = &cluster.CapacityReservation{ResourceGroupARN: "arn:aws:resource-groups:us-east-1:123456789012:group/p4d"}
	rec, _, err = buildCluster(t, clusterArgs(odcr))
	require.NoError(t, err)
	require.Equal(t, "ON_DEMAND", mock.String(rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-train").Inputs, "capacityType"))
	lt = rec.ByName("aws:ec2/launchTemplate:LaunchTemplate", "cluster-train")
	target = mock.Object(mock.Object(lt.Inputs, "capacityReservationSpecification"), "capacityReservationTarget")
	require.Equal(t, odcr.CapacityReservation.ResourceGroupARN, mock.String(target, "capacityReservationResourceGroupArn"))
	require.Empty(t, mock.Object(lt.Inputs, "instanceMarketOptions"))
}

// TestKarpenterReservedCapacity: with reservations the node classes select
// them and every pool allows reserved capacity first.
func TestKarpenterReservedCapacity(t *testing.T) {
	rec, err := buildKarpenter(t, true, func(a *cluster.KarpenterArgs) {
		a.CapacityReservationIDs = []string{"cr-0123456789abcdef0", "cr-0123456789abcdef1"}
	})
	require.NoError(t, err)
	class := rec.ByName("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-accelerated")
	terms := mock.Array(mock.Object(class.Inputs, "spec"), "capacityReservationSelectorTerms")
	require.Len(t, terms, 2)
	require.Equal(t, "cr-0123456789abcdef0", terms[0].ObjectValue()["id"].StringValue())
	pools := rec.ByType("kubernetes:karpenter.sh/v1:NodePool")
	require.NotEmpty(t, pools)
	for _, p := range pools {
		reqs := mock.Array(mock.Object(mock.Object(mock.Object(p.Inputs, "spec"), "template"), "spec"), "requirements")
		capacity := reqs[0].ObjectValue()
		require.Equal(t, "karpenter.sh/capacity-type", capacity["key"].StringValue())
		require.Equal(t, "reserved", mock.Array(capacity, "values")[0].StringValue(), "%s: reserved first", p.Name)
	}

	rec, err = buildKarpenter(t, true, nil)
	require.NoError(t, err)
	class = rec.ByName("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-accelerated")
	require.NotContains(t, mock.Object(class.Inputs, "spec"), "capacityReservationSelectorTerms")
}

// TestCIRolesReachTheCluster: pulumi-eks grants the cluster's creator
// alone; the CI roles get access entries: view for the preview role, admin
// for the deploy role, each associated with its cluster-scoped policy.
func TestCIRolesReachTheCluster(t *testing.T) {
	a := clusterArgs()
	a.AdminRoleARNs = []string{"arn:aws:iam::123456789012:role/ci-deploy"}
	a.ViewerRoleARNs = []string{"arn:aws:iam::123456789012:role/ci-preview"}
	rec, _, err := buildCluster(t, a)
	require.NoError(t, err)
	policies := map[string]string{} // principal -> policy
	for _, assoc := range rec.ByType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") {
		entry := rec.ByURN(assoc.PropertyDependencies["principalArn"][0])
		require.NotNil(t, entry, "%s waits for its access entry", assoc.Name)
		require.Equal(t, "STANDARD", str(entry.Inputs, "type"))
		policy := str(assoc.Inputs, "policyArn")
		policies[str(entry.Inputs, "principalArn")] = policy[strings.LastIndex(policy, "/")+1:]
		require.Equal(t, "cluster", str(assoc.Inputs["accessScope"].ObjectValue(), "type"))
	}
	require.Equal(t, map[string]string{
		"arn:aws:iam::123456789012:role/ci-deploy":  "AmazonEKSClusterAdminPolicy",
		"arn:aws:iam::123456789012:role/ci-preview": "AmazonEKSViewPolicy",
	}, policies)
}

// TestVPCCNIConfig: custom networking and NetworkPolicy enforcement
// combine into one valid add-on configuration.
func TestVPCCNIConfig(t *testing.T) {
	require.Empty(t, cluster.VPCCNIConfig(false, false))
	for _, c := range []struct{ custom, policy bool }{{true, false}, {false, true}, {true, true}} {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(cluster.VPCCNIConfig(c.custom, c.policy)), &v), "%+v", c)
		_, hasPolicy := v["enableNetworkPolicy"]
		require.Equal(t, c.policy, hasPolicy, "%+v", c)
		if c.policy {
			require.Equal(t, "true", v["enableNetworkPolicy"])
		}
		_, hasEnv := v["env"]
		require.Equal(t, c.custom, hasEnv, "%+v", c)
	}
}
