// Package tests runs the whole program for each stack under the shared
// recording mock, the same engine `go run ./cmd/offline` uses, and checks
// the plan: network shape, tags, encryption, policies, prod versus dev, and
// a golden plan per stack (refresh with `go test ./tests -update`).
package tests

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// root is the repository root, where Pulumi.yaml and the stack files live.
const root = ".."

var (
	cacheMu sync.Mutex
	cache   = map[string]*offline.Result{}
)

// preview runs the real program for a checked-in stack file (once per test binary).
func preview(t *testing.T, stack string) *offline.Result {
	t.Helper()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if res, ok := cache[stack]; ok {
		return res
	}
	project, values := shipped(t, stack)
	res, err := offline.Preview(offline.Options{Project: project, Stack: stack, Values: values, Dir: root})
	require.NoError(t, err)
	cache[stack] = res
	return res
}

// devReference answers prod's stack reference to dev with the outputs of
// dev's offline preview, as the offline engine does.
func devReference(t *testing.T) map[string]map[string]any {
	t.Helper()
	return map[string]map[string]any{"organization/ml-platform/dev": preview(t, "dev").Outputs}
}

// shipped reads the project file and a checked-in stack file.
func shipped(t *testing.T, stack string) (*offline.Project, config.Values) {
	t.Helper()
	project, err := offline.LoadProject(root)
	require.NoError(t, err)
	values, err := offline.LoadStackConfig(filepath.Join(root, "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	return project, values
}

func byType(res *offline.Result, typ string) []*mock.Registered {
	var out []*mock.Registered
	for _, r := range res.Registered {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func tagsOf(r *mock.Registered) map[string]string {
	out := map[string]string{}
	if v, ok := r.Inputs["tags"]; ok && v.IsObject() {
		for k, x := range v.ObjectValue() {
			if x.IsString() {
				out[string(k)] = x.StringValue()
			}
		}
	}
	return out
}

var stacks = []string{"dev", "prod"}

func TestNetworkShape(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			cfg := res.Config
			azs := cfg.Network.AZCount

			vpcs := byType(res, "aws:ec2/vpc:Vpc")
			require.Len(t, vpcs, 1)
			vpc := vpcs[0]
			require.Equal(t, cfg.Network.CIDR, str(vpc.Inputs, "cidrBlock"))
			require.True(t, vpc.Inputs["enableDnsHostnames"].BoolValue(), "private DNS needs DNS hostnames")
			vpcID := str(vpc.Outputs, "id")
			require.True(t, strings.HasPrefix(vpcID, "vpc-"), "the mock returns realistic IDs, got %q", vpcID)

			tiers := map[string][]string{}
			for _, s := range byType(res, "aws:ec2/subnet:Subnet") {
				require.Equal(t, vpcID, str(s.Inputs, "vpcId"))
				tiers[tagsOf(s)["Tier"]] = append(tiers[tagsOf(s)["Tier"]], str(s.Inputs, "availabilityZone"))
			}
			wantAZs := res.Outputs["availabilityZones"]
			require.Len(t, wantAZs, azs)
			for _, tier := range []string{"public", "private", "pods"} {
				sort.Strings(tiers[tier])
				require.Len(t, tiers[tier], azs, "one %s subnet per AZ", tier)
				require.Equal(t, fmt.Sprint(wantAZs), fmt.Sprint(tiers[tier]), "%s subnets cover every AZ once", tier)
			}

			nats := byType(res, "aws:ec2/natGateway:NatGateway")
			if cfg.Environment.ProdLike() {
				require.Len(t, nats, azs, "prod: one NAT gateway per AZ")
			} else {
				require.Len(t, nats, 1, "dev: one NAT gateway")
			}

			interfaces := map[string]*mock.Registered{}
			gateways := 0
			for _, ep := range byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint") {
				require.Equal(t, vpcID, str(ep.Inputs, "vpcId"))
				switch str(ep.Inputs, "vpcEndpointType") {
				case "Gateway":
					gateways++
					require.Equal(t, "com.amazonaws."+cfg.Region+".s3", str(ep.Inputs, "serviceName"))
				case "Interface":
					svc := strings.TrimPrefix(str(ep.Inputs, "serviceName"), "com.amazonaws."+cfg.Region+".")
					interfaces[svc] = ep
					require.True(t, ep.Inputs["privateDnsEnabled"].BoolValue(), "%s has private DNS", svc)
					require.Len(t, strs(ep.Inputs, "subnetIds"), azs, "%s in every AZ", svc)
					require.Len(t, strs(ep.Inputs, "securityGroupIds"), 1)
				default:
					t.Fatalf("endpoint %s has no type", ep.Name)
				}
			}
			require.Equal(t, 1, gateways, "one S3 gateway endpoint")
			for _, svc := range []string{"sagemaker.api", "sagemaker.runtime", "bedrock", "bedrock-runtime", "ecr.api", "ecr.dkr",
				"sts", "logs", "monitoring", "ec2", "eks", "eks-auth", "ssm", "kms", "elasticloadbalancing", "autoscaling"} {
				require.Contains(t, interfaces, svc)
			}

			flowLogs := byType(res, "aws:ec2/flowLog:FlowLog")
			require.Len(t, flowLogs, 1)
			require.Equal(t, vpcID, str(flowLogs[0].Inputs, "vpcId"))
			require.Equal(t, "ALL", str(flowLogs[0].Inputs, "trafficType"))
			var groups []*mock.Registered
			for _, g := range byType(res, "aws:cloudwatch/logGroup:LogGroup") {
				if g.Name == "network-flow-logs" {
					groups = append(groups, g)
				}
			}
			require.Len(t, groups, 1)
			require.Equal(t, str(groups[0].Outputs, "arn"), str(flowLogs[0].Inputs, "logDestination"))
			require.Equal(t, float64(cfg.Network.FlowLogRetentionDays), groups[0].Inputs["retentionInDays"].NumberValue())
			logsKey := res.Outputs["kmsKeyArns"].(map[string]any)[platform.KeyLogs]
			require.Equal(t, logsKey, str(groups[0].Inputs, "kmsKeyId"), "flow logs encrypted with the logs key")
		})
	}
}

func TestKMSKeys(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			keys := byType(res, "aws:kms/key:Key")
			names := []string{}
			for _, k := range keys {
				names = append(names, k.Name)
				require.True(t, k.Inputs["enableKeyRotation"].BoolValue(), k.Name)
				require.Equal(t, 30.0, k.Inputs["deletionWindowInDays"].NumberValue(), k.Name)
				arn := str(k.Outputs, "arn")
				region := "us-east-1"
				if strings.HasPrefix(k.Name, "replica-") {
					region = res.Config.Storage.Replication.Region // the disaster recovery copy's key is there
				}
				require.True(t, strings.HasPrefix(arn, "arn:aws:kms:"+region+":"+mock.AccountID+":key/"), arn)
				var policy struct {
					Statement []struct {
						Principal map[string][]string
						Condition map[string]map[string][]string
					}
				}
				require.NoError(t, json.Unmarshal([]byte(str(k.Inputs, "policy")), &policy), "key policy is JSON")
				require.NotEmpty(t, policy.Statement)
				for _, st := range policy.Statement {
					for _, p := range st.Principal["AWS"] {
						if p == "*" {
							// Every principal, but only of this account and only
							// through a named AWS service.
							require.Equal(t, []string{mock.AccountID}, st.Condition["StringEquals"]["kms:CallerAccount"], k.Name)
							require.NotEmpty(t, st.Condition["StringEquals"]["kms:ViaService"], k.Name)
							continue
						}
						require.True(t, p == "arn:aws:iam::"+mock.AccountID+":root" ||
							strings.HasPrefix(p, "arn:aws:iam::"+mock.AccountID+":role/aws-service-role/"),
							"%s: only this account's IAM and its service-linked roles, got %s", k.Name, p)
					}
					for _, p := range st.Principal["Service"] {
						require.True(t, strings.HasSuffix(p, ".amazonaws.com"), p)
					}
					require.NotContains(t, st.Principal, "*")
				}
			}
			want := []string{"keys-alerts", "keys-cluster", "keys-data", "keys-logs"}
			if res.Config.Storage.Replication != nil {
				want = append(want, "replica-keys-data")
			}
			require.ElementsMatch(t, want, names)
		})
	}
}

func TestTagsOnEveryTaggableResource(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			want := res.Config.Tags()
			// Types AWS cannot tag; anything else must carry the tags.
			untaggable := map[string]bool{
				"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
				"aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation":                            true,
				"aws:iam/rolePolicy:RolePolicy":                                                              true,
				"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          true,
				"aws:kms/alias:Alias":                                                                        true,
				"aws:cloudwatch/eventTarget:EventTarget":                                                     true,
				"aws:sqs/queuePolicy:QueuePolicy":                                                            true,
				"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":                                    true,
				"aws:sns/topicPolicy:TopicPolicy":                                                            true,
				"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
				"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               true,
				"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
				"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
				"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
				"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     true,
				"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       true,
				"aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration":         true,
				"aws:costexplorer/costAllocationTag:CostAllocationTag":                                       true,
				"aws:appautoscaling/policy:Policy":                                                           true,
				"aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy":                              true,
				"aws:bedrock/guardrailVersion:GuardrailVersion":                                              true,
				"aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration":             true,
				"aws:bedrock/agentDataSource:AgentDataSource":                                                true,
				"aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy":                           true,
				"aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy":                               true,
				"aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint":                                 true,
				"pulumi:providers:aws":                                                                       true,
				"aws:cloudwatch/dashboard:Dashboard":                                                         true,
				"aws:s3/bucketReplicationConfig:BucketReplicationConfig":                                     true,
				"aws:lambda/invocation:Invocation":                                                           true,
				"aws:efs/backupPolicy:BackupPolicy":                                                          true,
				"aws:efs/fileSystemPolicy:FileSystemPolicy":                                                  true,
				"aws:efs/mountTarget:MountTarget":                                                            true,
				// EventBridge Scheduler tags schedule groups, not schedules.
				"aws:scheduler/schedule:Schedule": true,
			}
			for _, r := range res.Registered {
				// AWS resources and pulumi-eks's remote cluster carry tags;
				// Kubernetes objects and providers do not.
				isAWS := r.Custom && strings.HasPrefix(r.Type, "aws:")
				if !(isAWS || r.Type == "eks:index:Cluster") || untaggable[r.Type] {
					continue
				}
				if !r.Remote {
					require.True(t, rules.IsTaggable(r.Type), "the resource-tags-required policy knows %s is taggable", r.Type)
				}
				tags := tagsOf(r)
				for _, key := range conventions.PlatformTagKeys {
					require.Equal(t, want[key], tags[key], "%s %s: explicit tag %s", r.Type, r.Name, key)
				}
			}
			// The provider's default tags back the explicit ones up, and every
			// AWS resource uses that explicit provider (none falls back to an
			// ambient default provider).
			providers := byType(res, "pulumi:providers:aws")
			main := named(providers, "aws")
			wantProviders := 1
			if res.Config.Storage.Replication != nil {
				wantProviders = 2 // and the disaster recovery region's
			}
			require.Len(t, providers, wantProviders)
			for _, r := range res.Registered {
				if r.Custom && strings.HasPrefix(r.Type, "aws:") {
					p := main
					if strings.Contains(r.URN, "::replica-") {
						p = named(providers, "aws-replica")
					}
					require.True(t, strings.HasPrefix(r.Provider, p.URN+"::"), "%s %s uses provider %q", r.Type, r.Name, r.Provider)
				}
			}
			def := providers[0].Inputs["defaultTags"].ObjectValue()["tags"].ObjectValue()
			for _, key := range conventions.PlatformTagKeys {
				require.Equal(t, want[key], def[resource.PropertyKey(key)].StringValue())
			}
		})
	}
}

func TestNoMandatoryViolations(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			for _, v := range res.Violations {
				require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s (%s)", v.Policy, v.Message, v.URN)
			}
		})
	}
}

// TestProdNeverWeakerThanDev compares the two plans on encryption,
// isolation and availability: whatever dev has, prod has at least as much.
func TestProdNeverWeakerThanDev(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	count := func(res *offline.Result, typ string) int { return len(byType(res, typ)) }

	// Availability.
	require.GreaterOrEqual(t, prod.Config.Network.AZCount, dev.Config.Network.AZCount)
	require.GreaterOrEqual(t, count(prod, "aws:ec2/natGateway:NatGateway"), prod.Config.Network.AZCount)
	require.Equal(t, prod.Config.Network.AZCount, len(prod.Outputs["privateSubnetIds"].([]any)))
	minInference := func(res *offline.Result) float64 {
		least := -1.0
		for _, ng := range byType(res, "aws:eks/nodeGroup:NodeGroup") {
			if str(obj(ng.Inputs, "labels"), conventions.LabelWorkloadType) != string(conventions.RoleInference) {
				continue
			}
			if m := obj(ng.Inputs, "scalingConfig")["minSize"].NumberValue(); least < 0 || m < least {
				least = m
			}
		}
		return least
	}
	require.GreaterOrEqual(t, minInference(prod), minInference(dev), "prod inference keeps at least dev's floor")
	require.GreaterOrEqual(t, minInference(prod), 2.0)

	// Isolation.
	require.Subset(t, prod.Config.Network.InterfaceEndpoints, dev.Config.Network.InterfaceEndpoints)
	require.False(t, prod.Config.Cluster.EndpointPublicAccess)
	require.Empty(t, prod.Config.Cluster.PublicAccessCIDRs)
	hop := func(res *offline.Result) float64 {
		most := 0.0
		for _, lt := range byType(res, "aws:ec2/launchTemplate:LaunchTemplate") {
			most = max(most, obj(lt.Inputs, "metadataOptions")["httpPutResponseHopLimit"].NumberValue())
		}
		return most
	}
	require.LessOrEqual(t, hop(prod), hop(dev), "prod pods reach IMDS no more than dev's")

	// Encryption: every kind of resource dev encrypts with a key, prod
	// encrypts too, and prod has every key dev has.
	require.Subset(t, keyNames(prod), keyNames(dev))
	encrypted := func(res *offline.Result) map[string]bool {
		out := map[string]bool{}
		for _, r := range res.Registered {
			for _, k := range []string{"kmsKeyId", "kmsMasterKeyId", "kmsKeyArn"} {
				if str(r.Inputs, k) != "" {
					out[r.Type] = true
				}
			}
		}
		return out
	}
	for typ := range encrypted(dev) {
		require.True(t, encrypted(prod)[typ], "dev encrypts %s with a key, prod must too", typ)
	}
	for _, res := range []*offline.Result{dev, prod} {
		for _, g := range byType(res, "aws:cloudwatch/logGroup:LogGroup") {
			require.NotEmpty(t, str(g.Inputs, "kmsKeyId"), "%s %s", res.Stack, g.Name)
		}
	}
	require.GreaterOrEqual(t, prod.Config.Network.FlowLogRetentionDays, dev.Config.Network.FlowLogRetentionDays)
	require.GreaterOrEqual(t, prod.Config.Cluster.LogRetentionDays, dev.Config.Cluster.LogRetentionDays)
	clusterLogs := func(res *offline.Result) []string {
		return strs(byType(res, "eks:index:Cluster")[0].Inputs, "enabledClusterLogTypes")
	}
	require.Subset(t, clusterLogs(prod), clusterLogs(dev))

	// Protection: prod keeps its keys and logs.
	for _, typ := range []string{"aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"} {
		for _, r := range byType(prod, typ) {
			require.True(t, r.Protect && r.RetainOnDelete, "prod %s %s is protected and retained", typ, r.Name)
		}
		for _, r := range byType(dev, typ) {
			require.False(t, r.Protect, "dev %s %s stays deletable", typ, r.Name)
		}
	}

	// Cost governance: both have a budget; prod watches for anomalies
	// (dev leaves the account's one services monitor to prod); only a
	// non-prod stack may deny itself compute.
	for _, res := range []*offline.Result{dev, prod} {
		require.NotEmpty(t, byType(res, "aws:budgets/budget:Budget"), res.Stack)
	}
	require.NotEmpty(t, byType(prod, "aws:costexplorer/anomalySubscription:AnomalySubscription"))
	require.GreaterOrEqual(t, len(byType(prod, "aws:costexplorer/anomalySubscription:AnomalySubscription")),
		len(byType(dev, "aws:costexplorer/anomalySubscription:AnomalySubscription")))
	require.Empty(t, byType(prod, "aws:budgets/budgetAction:BudgetAction"))
}

func keyNames(res *offline.Result) []string {
	var out []string
	for _, k := range byType(res, "aws:kms/key:Key") {
		out = append(out, k.Name)
	}
	return out
}

func TestInvokesAnsweredAndOutputs(t *testing.T) {
	res := preview(t, "dev")
	require.Equal(t, "dev", res.Outputs["environment"])
	require.Equal(t, "us-east-1", res.Outputs["region"])
	require.True(t, strings.HasPrefix(res.Outputs["vpcId"].(string), "vpc-"))
	require.Len(t, res.Outputs["privateSubnetIds"], 2)
	// The 18 defaults, plus SQS for Karpenter's queue and the Studio,
	// Feature Store runtime and MLflow endpoints the dev stack's domain,
	// feature group and tracking server need.
	require.Len(t, res.Outputs["interfaceEndpoints"], 22)
	for _, svc := range []string{"sagemaker.api", "sagemaker.runtime", "sagemaker.studio", "sagemaker.featurestore-runtime", "sagemaker.experiments"} {
		require.Contains(t, res.Outputs["interfaceEndpoints"], svc)
	}
	keys := res.Outputs["kmsKeyArns"].(map[string]any)
	require.ElementsMatch(t, []string{platform.KeyAlerts, platform.KeyCluster, platform.KeyData, platform.KeyLogs}, slices.Collect(maps.Keys(keys)))
	for _, k := range byType(res, "aws:kms/key:Key") {
		require.Contains(t, slices.Collect(maps.Values(keys)), str(k.Outputs, "arn"), "every key is exported")
	}
	require.Equal(t, "ml-platform-dev-monthly", res.Outputs["budgetName"])
	require.Equal(t, str(byType(res, "aws:sns/topic:Topic")[0].Outputs, "arn"), res.Outputs["costAlertTopicArn"])
}

func TestCostEstimate(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	p := catalog.Prices
	natMonth := p.NATGatewayUSDPerHour * catalog.HoursPerMonth
	found := false
	sum := 0.0
	for _, item := range dev.Cost.Items {
		sum += item.MonthlyUSD
		if item.Type == "aws:ec2/natGateway:NatGateway" {
			found = true
			require.InDelta(t, natMonth, item.MonthlyUSD, 0.01)
		}
	}
	require.True(t, found, "the NAT gateway is priced")
	require.InDelta(t, sum, dev.Cost.MonthlyUSD, 0.01, "the total is the sum of the items")
	require.Greater(t, prod.Cost.MonthlyUSD, dev.Cost.MonthlyUSD, "prod's extra AZ and NAT gateways cost more")

	// Spot: dev's system nodes run on spot, so --on-demand costs more by
	// exactly what spot saves; prod's steady capacity is on-demand.
	project, values := shipped(t, "dev")
	od, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values, OnDemand: true})
	require.NoError(t, err)
	require.Greater(t, dev.Cost.SpotSavingsUSD, 0.0)
	require.Less(t, dev.Cost.MonthlyUSD, od.Cost.MonthlyUSD, "the dev total is lower than with --on-demand")
	require.InDelta(t, od.Cost.MonthlyUSD, dev.Cost.MonthlyUSD+dev.Cost.SpotSavingsUSD, 0.02)
	require.Greater(t, prod.Cost.SteadyEC2USD, 0.0, "Savings Plans have something to cover in prod")
	require.Greater(t, prod.Cost.WorstCaseUSD, 0.0, "Karpenter's limits are priced as a worst case")

	// Expected usage from the stack file is priced.
	var usage float64
	for _, item := range prod.Cost.Items {
		if strings.HasPrefix(item.Type, "ml-platform:usage:") {
			usage += item.MonthlyUSD
		}
	}
	u := prod.Config.Cost.ExpectedUsage
	want := u.LogsGBPerMonth * (p.CloudWatchLogsIngestUSDPerGB + p.CloudWatchLogsStorageUSDPerGBMonth)
	for class, gb := range u.S3GB {
		price, _ := catalog.S3StoragePrice(class)
		want += gb * price
	}
	require.InDelta(t, want, usage, 0.02)

	// The stack budgets cover the estimates (the budget policy agrees).
	require.GreaterOrEqual(t, dev.Config.Cost.MonthlyBudgetUSD, dev.Cost.MonthlyUSD)
	require.GreaterOrEqual(t, prod.Config.Cost.MonthlyBudgetUSD, prod.Cost.MonthlyUSD)
}

// TestGoldenPlan pins each stack's plan in three golden files:
//   - plan-<stack>.digest: every resource, one line each (type, URN and a
//     hash of its inputs, parent, protection, import and dependencies), so a
//     change to any resource shows as a changed line naming it;
//   - plan-<stack>-documents.json: the documents people review, readable
//     (IAM, key, bucket, topic and queue policies, dashboards, pipeline
//     definitions), by URN and property;
//   - plan-<stack>-summary.json: the cost, the policy findings and the
//     outputs.
//
// Refresh with -update and review the diff.
func TestGoldenPlan(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			var digest bytes.Buffer
			documents := map[string]map[string]any{}
			for _, r := range res.Resources {
				canon, err := json.Marshal(map[string]any{"inputs": r.Inputs, "parent": r.Parent, "protect": r.Protect,
					"remote": r.Remote, "import": r.Import, "dependencies": r.Dependencies, "propertyDependencies": r.PropertyDependencies})
				require.NoError(t, err)
				sum := sha256.Sum256(canon)
				fmt.Fprintf(&digest, "%s %s %x\n", r.Type, r.URN, sum[:8])
				for k, v := range r.Inputs {
					if doc, ok := reviewedDocument(k, v); ok {
						if documents[r.URN] == nil {
							documents[r.URN] = map[string]any{}
						}
						documents[r.URN][k] = doc
					}
				}
			}
			golden.Assert(t, "plan-"+stack+".digest", digest.Bytes())
			golden.Assert(t, "plan-"+stack+"-documents.json", indentJSON(t, documents))
			golden.Assert(t, "plan-"+stack+"-summary.json", indentJSON(t, map[string]any{
				"cost": res.Cost, "violations": res.Violations, "outputs": res.Outputs,
			}))
		})
	}
}

// reviewedDocument is a property people review as a document: a policy
// (a JSON object with Statement), a dashboard body or a pipeline
// definition, parsed so the golden file shows it indented.
func reviewedDocument(key string, v any) (any, bool) {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return nil, false
	}
	var doc map[string]any
	if json.Unmarshal([]byte(s), &doc) != nil {
		return nil, false
	}
	_, policy := doc["Statement"]
	if policy || key == "dashboardBody" || key == "pipelineDefinition" {
		return doc, true
	}
	return nil, false
}

func indentJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	return buf.Bytes()
}

// TestInvalidConfigRegistersNothing runs the program itself (not the CLI's
// pre-check) with bad configuration: it fails before any registration.
func TestInvalidConfigRegistersNothing(t *testing.T) {
	rec := mock.NewRecorder("ml-platform", "prod", "us-east-1")
	err := rec.Run(platform.Run, map[string]string{
		config.KeyRegion: "us-east-1", config.KeyTeam: "ml", config.KeyCostCenter: "cc",
		config.KeyNetwork: `{"natGateways":"single"}`,
	})
	require.ErrorContains(t, err, `ml-platform:network.natGateways: "single" is weaker than prod allows`)
	require.Empty(t, rec.Resources())
}

// TestProgramAnswersItsInvokes runs the program itself (platform.Run) on
// the dev stack file: every invoke it makes is answered, each once.
func TestProgramAnswersItsInvokes(t *testing.T) {
	project, values := shipped(t, "dev")
	rec := mock.NewRecorder(project.Name, "dev", "us-east-1")
	rec.DryRun = true // a preview: the shipped file's placeholders are warnings
	require.NoError(t, rec.Run(platform.Run, offline.Merge(project.Defaults, values)))
	// Each interface endpoint's service is looked up once, for the zones
	// it is offered in.
	endpoints := len(preview(t, "dev").Config.Network.InterfaceEndpoints)
	require.Equal(t, map[string]int{
		"aws:ec2/getVpcEndpointService:getVpcEndpointService": endpoints,
		"aws:iam/getRoles:getRoles":                           1,
		"aws:index/getAvailabilityZones:getAvailabilityZones": 1,
		"aws:index/getCallerIdentity:getCallerIdentity":       1,
		"aws:index/getPartition:getPartition":                 1,
	}, rec.Invokes())
	require.NotEmpty(t, rec.ByType("aws:ec2/vpc:Vpc"))
}

func TestPinnedAZMustBeOffered(t *testing.T) {
	// The mock region offers six zones; pinning one it does not offer fails
	// with the key named, before the network is registered.
	rec := mock.NewRecorder("ml-platform", "dev", "us-east-1")
	err := rec.Run(platform.Run, map[string]string{
		config.KeyRegion: "us-east-1", config.KeyTeam: "ml", config.KeyCostCenter: "cc",
		config.KeyNetwork: `{"availabilityZones":["us-east-1a","us-east-1z"]}`,
		config.KeyCluster: `{"deployerCidrs":["10.255.0.0/16"]}`,
		config.KeyCost:    `{"monthlyBudgetUsd":100,"alertEmails":["finops@corp.internal"]}`,
	})
	require.ErrorContains(t, err, `ml-platform:network.availabilityZones[1]: "us-east-1z" is not available`)
	require.Empty(t, byType(&offline.Result{Registered: rec.Resources()}, "aws:ec2/vpc:Vpc"))
}

// TestUpRefusesPlaceholders: the shipped stack files hold placeholders
// (documentation address ranges, example.com addresses). A preview warns
// and plans; `pulumi up` (not a dry run) stops before registering anything,
// naming every key to set.
func TestUpRefusesPlaceholders(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			require.NotEmpty(t, res.Warnings, "the shipped file holds placeholders")
			project, values := shipped(t, stack)
			rec := mock.NewRecorder(project.Name, stack, "us-east-1")
			rec.DryRun = false
			err := rec.Run(platform.Run, offline.Merge(project.Defaults, values))
			require.ErrorContains(t, err, "still holds placeholders; set them before `pulumi up`")
			for _, w := range res.Warnings {
				key, _, _ := strings.Cut(w, ":")
				key += ":" + strings.SplitN(w, ":", 3)[1]
				require.ErrorContains(t, err, key, "up names %s", key)
			}
			require.Empty(t, rec.Resources())
		})
	}
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(filepath.Join(root, "Pulumi.yaml")); err != nil {
		fmt.Fprintln(os.Stderr, "tests must run from the tests/ directory (go test ./tests)")
		os.Exit(2)
	}
	// The EKS calendar is judged as of the day these tests were written;
	// `offline preview` judges today.
	rules.Now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	os.Exit(m.Run())
}

// Property readers shared with every test through the mock package.
var (
	str  = mock.String
	strs = mock.Strings
)

// TestProdReachesEveryServiceThroughAnEndpoint: in prod no AWS API call
// leaves through the NAT gateways: every service a component calls has an
// interface endpoint in the plan (S3 has the gateway endpoint).
func TestProdReachesEveryServiceThroughAnEndpoint(t *testing.T) {
	res := preview(t, "prod")
	cfg := res.Config
	calls := map[string][]string{
		"nodes and the cluster": {"ec2", "ecr.api", "ecr.dkr", "eks", "eks-auth", "sts", "logs", "monitoring", "kms", "autoscaling", "elasticloadbalancing"},
		"Session Manager":       {"ssm", "ssmmessages", "ec2messages"},
	}
	if cfg.Cluster.Karpenter.Enabled {
		calls["Karpenter's interruption queue"] = []string{"sqs"}
	}
	if cfg.SageMaker.Domain != nil {
		calls["SageMaker Studio"] = []string{"sagemaker.api", "sagemaker.runtime", "sagemaker.studio"}
	}
	if cfg.Bedrock.Enabled {
		calls["Bedrock"] = []string{"bedrock", "bedrock-runtime"}
	}
	if cfg.Observability.Prometheus != nil {
		calls["managed Prometheus"] = []string{"aps-workspaces"}
	}
	have := map[string]bool{}
	for _, ep := range byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint") {
		name := str(ep.Inputs, "serviceName")
		if name == "aws.sagemaker."+cfg.Region+".studio" { // the one name outside com.amazonaws
			name = "com.amazonaws." + cfg.Region + ".sagemaker.studio"
		}
		have[strings.TrimPrefix(name, "com.amazonaws."+cfg.Region+".")] = true
	}
	for who, services := range calls {
		for _, svc := range services {
			require.True(t, have[svc], "%s call %s: no interface endpoint in prod", who, svc)
		}
	}
}
