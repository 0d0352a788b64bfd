package cluster_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/internal/golden"
	"github.com/ml-platform/ml-platform/internal/mock"
)

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

var zones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

func subnets() map[string]pulumi.StringInput {
	out := map[string]pulumi.StringInput{}
	for _, az := range zones {
		out[az] = pulumi.String("subnet-" + az)
	}
	return out
}

func system() cluster.NodeGroupSpec {
	return cluster.NodeGroupSpec{Name: "system", Role: "system", InstanceTypes: []string{"m6i.xlarge"},
		MinSize: 2, MaxSize: 3, DesiredSize: 2, CapacityType: "ON_DEMAND", RootVolumeGiB: 100}
}

func training(instance string, efa bool) cluster.NodeGroupSpec {
	return cluster.NodeGroupSpec{Name: "train", Role: "training", InstanceTypes: []string{instance},
		MinSize: 0, MaxSize: 4, DesiredSize: 0, CapacityType: "SPOT", EFA: efa, AvailabilityZone: "us-east-1b", RootVolumeGiB: 500}
}

func clusterArgs(groups ...cluster.NodeGroupSpec) *cluster.ClusterArgs {
	return &cluster.ClusterArgs{
		Name: "ml-platform-test", Version: "1.34", VPCID: pulumi.String("vpc-123"),
		AvailabilityZones: zones, PrivateSubnetIDsByAZ: subnets(),
		SecretsKeyARN: pulumi.String(keyARN), LogsKeyARN: pulumi.String(keyARN), VolumeKeyARN: pulumi.String(keyARN),
		LogRetentionDays: 30, NodeGroups: append([]cluster.NodeGroupSpec{system()}, groups...),
		Addons: map[string]string{"vpc-cni": "v1.19.5-eksbuild.1"},
		Region: "us-east-1", Partition: "aws", AccountID: mock.AccountID,
		Tags: map[string]string{"Team": "ml", "Environment": "dev"},
	}
}

func run(t *testing.T, program func(ctx *pulumi.Context) error) (*mock.Recorder, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	return rec, rec.Run(program, nil)
}

func buildCluster(t *testing.T, a *cluster.ClusterArgs) (*mock.Recorder, *cluster.Cluster, error) {
	t.Helper()
	var c *cluster.Cluster
	rec, err := run(t, func(ctx *pulumi.Context) error {
		var err error
		c, err = cluster.NewCluster(ctx, "cluster", a)
		return err
	})
	return rec, c, err
}

func TestShapeOf(t *testing.T) {
	for _, tc := range []struct {
		types      []string
		efa        bool
		ami        catalog.AMIType
		taint      string
		interfaces int
	}{
		{[]string{"p5.48xlarge"}, true, catalog.AMIAL2023Nvidia, cluster.TaintNvidiaGPU, 32},
		{[]string{"p4d.24xlarge"}, true, catalog.AMIAL2023Nvidia, cluster.TaintNvidiaGPU, 4},
		{[]string{"trn1.32xlarge"}, true, catalog.AMIAL2023Neuron, cluster.TaintNeuron, 8},
		{[]string{"trn1n.32xlarge"}, true, catalog.AMIAL2023Neuron, cluster.TaintNeuron, 16},
		{[]string{"p5.48xlarge", "p4d.24xlarge"}, true, catalog.AMIAL2023Nvidia, cluster.TaintNvidiaGPU, 4},
		{[]string{"inf2.xlarge"}, false, catalog.AMIAL2023Neuron, cluster.TaintNeuron, 0},
		{[]string{"g5.xlarge"}, false, catalog.AMIAL2023Nvidia, cluster.TaintNvidiaGPU, 0},
		{[]string{"m6i.xlarge"}, false, catalog.AMIAL2023Standard, "", 0},
	} {
		t.Run(strings.Join(tc.types, "+"), func(t *testing.T) {
			s, err := cluster.ShapeOf(tc.types, "training", "SPOT", tc.efa)
			require.NoError(t, err)
			require.Equal(t, tc.ami, s.AMIType)
			require.Equal(t, tc.interfaces, s.EFAInterfaces)
			require.Equal(t, "spot", s.Labels[cluster.LabelNodeLifecycle])
			require.Equal(t, "training", s.Labels[cluster.LabelWorkloadType])
			if tc.taint == "" {
				require.Empty(t, s.Taints)
			} else {
				require.Equal(t, []cluster.Taint{{Key: tc.taint, Value: "true", Effect: "NO_SCHEDULE"}}, s.Taints)
			}
		})
	}
	_, err := cluster.ShapeOf([]string{"g4dn.xlarge"}, "training", "SPOT", true)
	require.ErrorContains(t, err, `"g4dn.xlarge" does not support EFA`)
	_, err = cluster.ShapeOf([]string{"g5.xlarge", "inf2.xlarge"}, "training", "SPOT", false)
	require.ErrorContains(t, err, "mix")
	_, err = cluster.ShapeOf([]string{"x9.huge"}, "training", "SPOT", false)
	require.ErrorContains(t, err, "not in the catalog")
}

func TestEFAInterfacesMatchTheCatalog(t *testing.T) {
	for _, instance := range []string{"p5.48xlarge", "p4d.24xlarge", "trn1.32xlarge", "trn1n.32xlarge"} {
		t.Run(instance, func(t *testing.T) {
			rec, _, err := buildCluster(t, clusterArgs(training(instance, true)))
			require.NoError(t, err)
			want, _ := catalog.LookupInstanceType(instance)

			lt := rec.ByName("aws:ec2/launchTemplate:LaunchTemplate", "cluster-train")
			require.NotNil(t, lt)
			nics := arr(lt.Inputs, "networkInterfaces")
			require.Len(t, nics, want.MaxEFAInterfaces)
			for i, n := range nics {
				nic := n.ObjectValue()
				require.Equal(t, float64(i), nic["networkCardIndex"].NumberValue(), "one interface per network card")
				if i == 0 {
					require.Equal(t, "efa", str(nic, "interfaceType"))
					require.Equal(t, 0.0, nic["deviceIndex"].NumberValue())
				} else {
					require.Equal(t, "efa-only", str(nic, "interfaceType"))
					require.Equal(t, 1.0, nic["deviceIndex"].NumberValue())
				}
				require.Equal(t, "false", str(nic, "associatePublicIpAddress"))
				require.Len(t, arr(nic, "securityGroups"), 1)
			}
			require.Empty(t, arr(lt.Inputs, "vpcSecurityGroupIds"), "EFA templates put security groups on the interfaces")

			pg := rec.ByName("aws:ec2/placementGroup:PlacementGroup", "cluster-train-placement")
			require.NotNil(t, pg)
			require.Equal(t, "cluster", str(pg.Inputs, "strategy"))
			require.Equal(t, str(pg.Outputs, "name"), str(obj(lt.Inputs, "placement"), "groupName"), "the template launches into the placement group")

			ng := rec.ByName("aws:eks/nodeGroup:NodeGroup", "cluster-train")
			require.Len(t, arr(ng.Inputs, "subnetIds"), 1, "EFA groups live in one AZ")
			require.Equal(t, "subnet-us-east-1b", arr(ng.Inputs, "subnetIds")[0].StringValue())
			require.Equal(t, "true", str(obj(ng.Inputs, "labels"), "vpc.amazonaws.com/efa.present"))
			require.Equal(t, string(want.AMIType), str(ng.Inputs, "amiType"))
		})
	}
}

func TestEFASecurityGroupRules(t *testing.T) {
	rec, c, err := buildCluster(t, clusterArgs(training("p5.48xlarge", true)))
	require.NoError(t, err)
	_ = c
	nodes := rec.ByName("aws:ec2/securityGroup:SecurityGroup", "cluster-nodes")
	nodesID := str(nodes.Outputs, "id")
	selfIn, selfOut := false, false
	for _, r := range rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		require.Empty(t, str(r.Inputs, "cidrIpv4"), "no ingress from CIDR blocks: %s", r.Name)
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
	rec, _, err := buildCluster(t, clusterArgs(training("p5.48xlarge", true),
		cluster.NodeGroupSpec{Name: "serve", Role: "inference", InstanceTypes: []string{"inf2.xlarge"}, MinSize: 2, MaxSize: 4, DesiredSize: 2, CapacityType: "ON_DEMAND", RootVolumeGiB: 200}))
	require.NoError(t, err)
	lts := rec.ByType("aws:ec2/launchTemplate:LaunchTemplate")
	require.Len(t, lts, 3)
	for _, lt := range lts {
		md := obj(lt.Inputs, "metadataOptions")
		require.Equal(t, "required", str(md, "httpTokens"), "%s: IMDSv2 only", lt.Name)
		require.Equal(t, 2.0, md["httpPutResponseHopLimit"].NumberValue(), lt.Name)
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
	require.Equal(t, cluster.TaintNeuron, str(taints[0].ObjectValue(), "key"))
	require.Equal(t, "ON_DEMAND", str(serve.Inputs, "capacityType"))
	require.Len(t, arr(serve.Inputs, "subnetIds"), 3, "groups without EFA span every AZ")
}

func TestControlPlane(t *testing.T) {
	a := clusterArgs()
	a.EndpointPublicAccess = true
	a.PublicAccessCIDRs = []string{"203.0.113.0/24"}
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
	require.Equal(t, "203.0.113.0/24", arr(in, "publicAccessCidrs")[0].StringValue())

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
		require.NotEmpty(t, ad.Dependencies, "add-ons wait for the system nodes")
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
}

func TestClusterValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*cluster.ClusterArgs)
		want   string
	}{
		{"no system group", func(a *cluster.ClusterArgs) { a.NodeGroups = a.NodeGroups[1:] }, "NodeGroups: a system group is required"},
		{"public without CIDRs", func(a *cluster.ClusterArgs) { a.EndpointPublicAccess = true }, "PublicAccessCIDRs: required"},
		{"world CIDR", func(a *cluster.ClusterArgs) { a.PublicAccessCIDRs = []string{"0.0.0.0/0"} }, "0.0.0.0/0 opens the API"},
		{"unknown add-on", func(a *cluster.ClusterArgs) { a.Addons = map[string]string{"istio": ""} }, `Addons: "istio" is not managed`},
		{"one AZ", func(a *cluster.ClusterArgs) { a.AvailabilityZones = zones[:1] }, "at least two AZs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := clusterArgs()
			tc.mutate(a)
			rec, _, err := buildCluster(t, a)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources())
		})
	}
}

func TestNodeGroupValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec cluster.NodeGroupSpec
		want string
	}{
		{"EFA on a type without it", func() cluster.NodeGroupSpec { s := training("g4dn.xlarge", true); return s }(), `"g4dn.xlarge" does not support EFA`},
		{"unknown type", training("x9.huge", false), `"x9.huge" is not in the catalog`},
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
		{"sizes", func() cluster.NodeGroupSpec { s := training("g5.xlarge", false); s.MinSize = 5; return s }(), "need 0 <= min (5)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := run(t, func(ctx *pulumi.Context) error {
				_, err := cluster.NewNodeGroup(ctx, "g", &cluster.NodeGroupArgs{
					Spec: tc.spec, ClusterName: "c", SubnetIDsByAZ: subnets(), AvailabilityZones: zones,
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

func karpenterArgs(prod bool) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		prov, err := kubernetesProvider(ctx)
		if err != nil {
			return err
		}
		_, err = cluster.NewKarpenter(ctx, "karpenter", &cluster.KarpenterArgs{
			ClusterName: "ml-platform-test", Provider: prov, NodeSecurityGroupID: pulumi.String("sg-nodes"),
			SubnetDiscoveryTag: "ml-platform-test", VolumeKMSKeyARN: pulumi.String(keyARN),
			Region: "us-east-1", Partition: "aws", AccountID: mock.AccountID, Prod: prod,
			TrainingGPULimit: 64, InferenceGPULimit: 8, NeuronDeviceLimit: 32, CPULimit: 1000, AMIAlias: "al2023@latest",
			Tags: map[string]string{"Team": "ml"},
		})
		return err
	}
}

func TestKarpenter(t *testing.T) {
	rec, err := run(t, karpenterArgs(false))
	require.NoError(t, err)

	queue := rec.ByType("aws:sqs/queue:Queue")
	require.Len(t, queue, 1)
	queueARN := str(queue[0].Outputs, "arn")
	require.True(t, queue[0].Inputs["sqsManagedSseEnabled"].BoolValue(), "the queue is encrypted")

	patterns := map[string]bool{}
	for _, rule := range rec.ByType("aws:cloudwatch/eventRule:EventRule") {
		var p struct {
			Source     []string `json:"source"`
			DetailType []string `json:"detail-type"`
		}
		require.NoError(t, json.Unmarshal([]byte(str(rule.Inputs, "eventPattern")), &p))
		patterns[p.Source[0]+": "+p.DetailType[0]] = true
	}
	require.Equal(t, map[string]bool{
		"aws.ec2: EC2 Spot Instance Interruption Warning": true,
		"aws.ec2: EC2 Instance Rebalance Recommendation":  true,
		"aws.ec2: EC2 Instance State-change Notification": true,
		"aws.health: AWS Health Event":                    true,
	}, patterns)
	targets := rec.ByType("aws:cloudwatch/eventTarget:EventTarget")
	require.Len(t, targets, 4)
	for _, tg := range targets {
		require.Equal(t, queueARN, str(tg.Inputs, "arn"), "every rule feeds the queue")
	}

	release := rec.ByType("kubernetes:helm.sh/v3:Release")
	require.Len(t, release, 1)
	chart, _ := catalog.LookupChart("karpenter")
	require.Equal(t, chart.Version, str(release[0].Inputs, "version"))
	settings := obj(obj(release[0].Inputs, "values"), "settings")
	require.Equal(t, str(queue[0].Outputs, "name"), str(settings, "interruptionQueue"))
	require.Equal(t, "ml-platform-test", str(settings, "clusterName"))
	require.True(t, strings.HasPrefix(release[0].Provider, "urn:pulumi:test::ml-platform::pulumi:providers:kubernetes::"), "explicit provider")

	assoc := rec.ByType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
	require.Len(t, assoc, 1)
	require.Equal(t, "karpenter", str(assoc[0].Inputs, "serviceAccount"))
	entry := rec.ByName("aws:eks/accessEntry:AccessEntry", "karpenter-nodes")
	require.Equal(t, "EC2_LINUX", str(entry.Inputs, "type"))

	pools := map[string]resource.PropertyMap{}
	for _, p := range rec.ByType("kubernetes:karpenter.sh/v1:NodePool") {
		pools[str(obj(p.Inputs, "metadata"), "name")] = obj(p.Inputs, "spec")
	}
	require.Len(t, pools, 3)
	capacity := func(pool string) []string {
		var out []string
		for _, r := range arr(obj(obj(pools[pool], "template"), "spec"), "requirements") {
			if str(r.ObjectValue(), "key") == "karpenter.sh/capacity-type" {
				for _, v := range arr(r.ObjectValue(), "values") {
					out = append(out, v.StringValue())
				}
			}
		}
		return out
	}
	require.Equal(t, []string{"spot"}, capacity("gpu-training"))
	require.Equal(t, []string{"on-demand"}, capacity("gpu-inference"))
	require.Equal(t, []string{"spot"}, capacity("neuron-training"))
	require.Equal(t, "64", str(obj(pools["gpu-training"], "limits"), "nvidia.com/gpu"))
	require.Equal(t, "32", str(obj(pools["neuron-training"], "limits"), "aws.amazon.com/neuron"))
	for name, spec := range pools {
		d := obj(spec, "disruption")
		require.NotEmpty(t, str(d, "consolidationPolicy"), name)
		require.Len(t, arr(d, "budgets"), 1, name)
		require.Equal(t, "training", str(obj(obj(obj(pools["gpu-training"], "template"), "metadata"), "labels"), "workload-type"))
	}

	nodeClass := rec.ByType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
	require.Len(t, nodeClass, 1)
	ncSpec := obj(nodeClass[0].Inputs, "spec")
	require.Equal(t, "required", str(obj(ncSpec, "metadataOptions"), "httpTokens"))
	ebs := obj(arr(ncSpec, "blockDeviceMappings")[0].ObjectValue(), "ebs")
	require.True(t, ebs["encrypted"].BoolValue())
	require.Equal(t, keyARN, str(ebs, "kmsKeyID"))

	policy := rec.ByName("aws:iam/rolePolicy:RolePolicy", "karpenter-controller")
	golden.AssertJSON(t, "karpenter-controller-policy.json", str(policy.Inputs, "policy"))
	golden.AssertJSON(t, "karpenter-queue-policy.json", str(rec.ByType("aws:sqs/queuePolicy:QueuePolicy")[0].Inputs, "policy"))
}

func TestKarpenterProdFallsBackToOnDemand(t *testing.T) {
	pools := cluster.Pools(true, 8, 8, 0)
	require.Len(t, pools, 2, "a pool with a zero limit is left out")
	require.Equal(t, []string{"spot", "on-demand"}, pools[0].CapacityTypes, "prod training: spot first, on-demand fallback")
	require.Equal(t, []string{"on-demand"}, pools[1].CapacityTypes)
	require.Equal(t, []string{"spot"}, cluster.Pools(false, 8, 0, 0)[0].CapacityTypes)
	require.Equal(t, fmt.Sprint(cluster.InterruptionEventNames()), "[spot-interruption rebalance instance-state-change scheduled-change]")
}

func kubernetesProvider(ctx *pulumi.Context) (*kubernetes.Provider, error) {
	return kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
}

var (
	str = mock.String
	obj = mock.Object
	arr = mock.Array
)
