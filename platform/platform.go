package platform

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/account"
	brc "github.com/ml-platform/ml-platform/components/bedrock"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/cost"
	"github.com/ml-platform/ml-platform/components/keys"
	"github.com/ml-platform/ml-platform/components/network"
	"github.com/ml-platform/ml-platform/components/observability"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/workloads"
)

// Key domains: one customer-managed key each. The cluster key encrypts
// Kubernetes secrets and node volumes (and, under a compliance profile, the
// Karpenter interruption queue); the alerts key encrypts the cost alert
// topic, which AWS Budgets and Cost Anomaly Detection publish to.
const (
	KeyData    = "data"
	KeyLogs    = "logs"
	KeyCluster = "cluster"
	KeyAlerts  = "alerts"
)

// Platform is everything one stack builds.
type Platform struct {
	Config *config.Stack
	AWS    *aws.Provider
	// ServiceLinkedRoles is nil when the stack creates none.
	ServiceLinkedRoles *account.ServiceLinkedRoles
	Keys               *keys.Keys
	Network            *network.Network
	Cluster            *cluster.Cluster
	// Karpenter is nil when disabled.
	Karpenter    *cluster.Karpenter
	Accelerators *workloads.Accelerators
	Namespaces   *workloads.Namespaces
	// Queues are Kueue's GPU queues; nil when off.
	Queues *workloads.Queues
	// Serving is the in-cluster LLM servers; nil without any.
	Serving *Serving
	// Dashboards provision the Managed Grafana workspace; nil without one.
	Dashboards *workloads.Dashboards
	Buckets    *storage.Buckets
	// Lustre, LustreVolume and TrainingJob are nil when off.
	Lustre       *storage.Lustre
	LustreVolume *workloads.LustreVolume
	TrainingJob  *workloads.TrainingJob
	SageMaker    *SageMaker
	// MLflow is the tracking server; nil when off.
	MLflow *MLflow
	// SharedFiles and SharedVolume are the EFS file system and its
	// Kubernetes objects; nil when off.
	SharedFiles  *storage.SharedFiles
	SharedVolume *workloads.SharedFiles
	// Bedrock is nil without ml-platform:bedrock.
	Bedrock *Bedrock
	Cost    *cost.Governance
	// Replica is the disaster recovery copy of the models bucket; nil
	// without storage.replication.
	Replica *Replica
	// Observability is the dashboard, alarms and event rules.
	Observability *observability.Observability
	// Promoted is the promotion output of the source stack; nil without
	// ml-platform:promotion.
	Promoted *Promotion
	// AccountID and Partition are where the stack deploys.
	AccountID, Partition string
	// lustreAZ is the Lustre file system's AZ ("" without one): training
	// capacity stays there.
	lustreAZ string
}

// Run is the Pulumi program: load the stack's configuration, build the
// platform and export its outputs.
func Run(ctx *pulumi.Context) error {
	_, err := Program(ctx)
	return err
}

// Program is Run that also returns the exported outputs, for the offline
// engine and tests to read.
func Program(ctx *pulumi.Context) (pulumi.Map, error) {
	cfg, err := config.Load(ctx)
	if err != nil {
		return nil, err
	}
	if len(cfg.Secrets) > 0 {
		if err := ctx.RegisterResourceTransform(keepSecrets(cfg.Secrets)); err != nil {
			return nil, err
		}
	}
	p, err := Build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	outputs := p.Outputs()
	secretOutputs(cfg, outputs)
	for name, value := range outputs {
		ctx.Export(name, value)
	}
	return outputs, nil
}

// Account is where the stack deploys: its partition, region and account.
func (p *Platform) Account() awsarn.Account {
	return awsarn.Account{Partition: p.Partition, Region: p.Config.Region, AccountID: p.AccountID}
}

// Build registers every component of the stack.
func Build(ctx *pulumi.Context, cfg *config.Stack) (*Platform, error) {
	p := &Platform{Config: cfg}
	baseTags := cfg.Tags()
	prefix := fmt.Sprintf("%s-%s", cfg.Project, cfg.Name)
	protect := cfg.Environment.ProdLike()

	var err error
	p.AWS, err = aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:      pulumi.String(cfg.Region),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(baseTags)},
	})
	if err != nil {
		return nil, err
	}
	invoke := pulumi.Provider(p.AWS)
	withAWS := pulumi.Providers(p.AWS)

	identity, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, invoke)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS account: %w", err)
	}
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, invoke)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS partition: %w", err)
	}
	p.AccountID, p.Partition = identity.AccountId, partition.Partition
	if cfg.Promotion != nil {
		if p.Promoted, err = readPromotion(ctx, cfg, p.AccountID); err != nil {
			return nil, err
		}
	}

	zones, err := availabilityZones(ctx, cfg.Region, cfg.Network, invoke)
	if err != nil {
		return nil, err
	}
	if err := checkEndpointServices(ctx, cfg.Region, cfg.Network.InterfaceEndpoints, zones, invoke); err != nil {
		return nil, err
	}
	// What needs the zones is checked before anything is registered.
	lustreAZ, err := checkStorage(cfg, zones)
	if err != nil {
		return nil, err
	}
	specs, err := nodeGroupSpecs(cfg.Cluster.NodeGroups, zones, lustreAZ)
	if err != nil {
		return nil, err
	}

	// The cluster key's policy names the Auto Scaling and EC2 Spot
	// service-linked roles, which must exist before KMS accepts it.
	var keyDeps []pulumi.Resource
	if slrs := cfg.Cluster.ServiceLinkedRoles; len(slrs) > 0 {
		p.ServiceLinkedRoles, err = account.NewServiceLinkedRoles(ctx, "account", &account.ServiceLinkedRolesArgs{
			Keys: slrs, Tags: baseTags,
		}, withAWS)
		if err != nil {
			return nil, err
		}
		keyDeps = p.ServiceLinkedRoles.Resources(slrs)
	}
	var volumeLaunchers []string
	for _, r := range catalog.ServiceLinkedRoles() {
		volumeLaunchers = append(volumeLaunchers, r.ARN(p.Partition, p.AccountID))
	}
	clusterKey := keys.Domain{Name: KeyCluster, Description: prefix + ": EKS secrets envelope encryption and node volumes",
		VolumeLaunchers: volumeLaunchers}
	if queueUsesCustomerKey(cfg) {
		clusterKey.ServicePrincipals = []string{"events.amazonaws.com"}
	}
	// Each service that uses a key contributes its own statement.
	var dataGrants, logsGrants []keys.Grant
	if lustreLinksBuckets(cfg) {
		dataGrants = append(dataGrants, storage.FSxKeyGrant)
	}
	if cfg.Bedrock.Enabled && cfg.Bedrock.InvocationLogging != nil {
		dataGrants = append(dataGrants, brc.InvocationLogsKeyGrant)
	}
	if readers := readerAccountIDs(cfg); len(readers) > 0 {
		dataGrants = append(dataGrants, storage.S3ReadersKeyGrant(readers))
	}
	if cfg.Observability.Prometheus != nil {
		logsGrants = append(logsGrants, observability.PrometheusKeyGrant)
	}
	p.Keys, err = keys.NewKeys(ctx, "keys", &keys.KeysArgs{
		Domains: []keys.Domain{
			{Name: KeyData, Description: prefix + ": training data, checkpoints and models", Grants: dataGrants},
			{Name: KeyLogs, Description: prefix + ": logs (VPC flow logs, control plane, invocations)" + logsKeyAlso(cfg),
				AllowCloudWatchLogs: true, Grants: logsGrants},
			clusterKey,
			{Name: KeyAlerts, Description: prefix + ": alert topics (AWS Budgets, Cost Anomaly Detection, model approvals)",
				ServicePrincipals: alertPublishers(cfg)},
		},
		AliasPrefix: prefix,
		Account:     awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
		Protect:     protect,
		DependsOn:   keyDeps,
		Tags:        baseTags,
	}, withAWS)
	if err != nil {
		return nil, err
	}

	p.Network, err = network.NewNetwork(ctx, "network", &network.NetworkArgs{
		Hybrid:               cfg.Network.Hybrid,
		CIDR:                 cfg.Network.CIDR,
		AvailabilityZones:    zones,
		PodCIDR:              cfg.Network.PodCIDR,
		NATPerAZ:             cfg.Network.NATGateways == config.NATPerAZ,
		InterfaceEndpoints:   cfg.Network.InterfaceEndpoints,
		Account:              awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
		FlowLogRetentionDays: cfg.Network.FlowLogRetentionDays,
		FlowLogKMSKeyARN:     p.Keys.ARNs[KeyLogs],
		FlowLogGroupName:     "/aws/vpc-flow-logs/" + prefix,
		ProtectLogs:          protect,
		DiscoveryTag:         prefix,
		S3ReadBuckets:        p.promotedBuckets(),
		Tags:                 baseTags,
	}, withAWS)
	if err != nil {
		return nil, err
	}
	p.lustreAZ = lustreAZ
	if err := p.buildBuckets(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildReplication(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildCompute(ctx, prefix, zones, specs, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildSharedFiles(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildMLflow(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildLustre(ctx, prefix, lustreAZ, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildSageMaker(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildBedrock(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildCost(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildObservability(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.buildServing(ctx, prefix, withAWS); err != nil {
		return nil, err
	}
	if err := p.declareFlows(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// checkStorage checks what the storage configuration needs of the stack's
// zones and pools, and returns the Lustre file system's AZ: the configured
// one, or the first (where EFA node groups go).
func checkStorage(cfg *config.Stack, zones []string) (string, error) {
	l := cfg.Storage.Lustre
	if l == nil {
		return "", nil
	}
	az := l.AvailabilityZone
	switch {
	case az == "":
		az = zones[0]
	case !slices.Contains(zones, az):
		return "", &config.FieldError{Key: config.KeyStorage + ".lustre.availabilityZone",
			Message: fmt.Sprintf("%q is not one of the stack's AZs; allowed: %s", az, strings.Join(zones, ", "))}
	}
	j := cfg.Storage.TrainingJob
	if j == nil {
		return az, nil
	}
	k := cfg.Cluster.Karpenter
	pool, ok := cluster.LookupPool(cfg.Environment.ProdLike(), k.TrainingGPULimit, k.InferenceGPULimit, k.NeuronDeviceLimit, cluster.PoolGPUTraining)
	if !ok {
		return "", &config.FieldError{Key: config.KeyStorage + ".trainingJob",
			Message: fmt.Sprintf("runs on Karpenter's %s pool, which %s.karpenter.trainingGpuLimit 0 leaves out", cluster.PoolGPUTraining, config.KeyCluster)}
	}
	t, _ := catalog.LookupInstanceType(j.InstanceType)
	if !slices.Contains(pool.Families, t.Family()) {
		return "", &config.FieldError{Key: config.KeyStorage + ".trainingJob.instanceType",
			Message: fmt.Sprintf("%q is not in the %s pool; allowed families: %s", j.InstanceType, pool.Name, strings.Join(pool.Families, ", "))}
	}
	if gpus := j.Nodes * t.AcceleratorCount; gpus > pool.Limit {
		return "", &config.FieldError{Key: config.KeyStorage + ".trainingJob.nodes",
			Message: fmt.Sprintf("%d nodes of %s need %d GPUs, above the pool's limit of %d (%s.karpenter.trainingGpuLimit)",
				j.Nodes, j.InstanceType, gpus, pool.Limit, config.KeyCluster)}
	}
	return az, nil
}

// lustreAddons are the add-ons a Lustre file system needs: the FSx CSI
// driver (static volumes need no IAM role).
func lustreAddons(cfg *config.Stack) []string {
	var out []string
	if cfg.Storage.EFS != nil {
		out = append(out, catalog.EFSCSIAddon)
	}
	if cfg.Storage.Lustre != nil {
		out = append(out, catalog.FSxCSIAddon)
	}
	return out
}

// lustreSetup installs and loads the Lustre client on training nodes when
// the stack has a file system to mount: the training job mounts it there.
// A node where either fails does not join (cluster.NodeUserData).
func lustreSetup(cfg *config.Stack) []string {
	if cfg.Storage.Lustre == nil {
		return nil
	}
	return []string{catalog.LustreClientInstall, catalog.LustreClientLoad}
}

// lustreLinksBuckets says whether a Lustre file system links buckets the
// data key encrypts, so the key must let FSx use it through S3.
func lustreLinksBuckets(cfg *config.Stack) bool {
	return cfg.Storage.Lustre != nil && cfg.Storage.Lustre.LinkBuckets
}

// buildBuckets registers the stack's buckets.
func (p *Platform) buildBuckets(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	s := p.Config.Storage
	args := &storage.BucketsArgs{
		NamePrefix:                prefix,
		Account:                   awsarn.Account{Partition: p.Partition, Region: p.Config.Region, AccountID: p.AccountID},
		DataKeyARN:                p.Keys.ARNs[KeyData],
		Lifecycle:                 s.Lifecycle,
		AbortIncompleteUploadDays: s.AbortIncompleteUploadDays,
		ForceDestroy:              s.ForceDestroy,
		Protect:                   p.Config.Environment.ProdLike(),
		Tags:                      p.Config.Tags(),
	}
	args.ArchiveTiering = s.ArchiveTiering
	if s.RestrictToVPCEndpoint {
		args.VPCEndpointID = p.Network.S3Endpoint.ID().ToStringOutput()
		args.VPCEndpointExemptRoleARNs = slices.Clone(s.VPCEndpointExemptRoleARNs)
		if s.Replication != nil {
			// S3 replicates with this role from outside the VPC; its own
			// policy lets it read the models bucket's versions only.
			args.VPCEndpointExemptRoleARNs = append(args.VPCEndpointExemptRoleARNs,
				p.Account().Role(replicationRoleName(prefix)))
		}
		args.ServicePrefixes = append(sageMakerServicePrefixes(p.Config, prefix, p.Partition, p.AccountID),
			bedrockServicePrefixes(p.Config, p.Partition, p.AccountID)...)
	}
	args.ServiceDeliveries = bedrockDeliveries(p.Config, p.Partition, p.AccountID)
	if readers := readerAccountIDs(p.Config); len(readers) > 0 {
		// Stacks in the registry's reader accounts promote this stack's
		// models: they read the artifacts too.
		// Of the artifacts bucket they read only what pipelines register
		// (pipelines/): not data capture, async output or invocation logs.
		args.ObjectReaders = append(args.ObjectReaders,
			storage.ObjectReader{Purpose: storage.Artifacts, AccountIDs: readers, Prefixes: []string{"pipelines/"}},
			storage.ObjectReader{Purpose: storage.Models, AccountIDs: readers})
	}
	var err error
	p.Buckets, err = storage.NewBuckets(ctx, "buckets", args, withAWS)
	return err
}

// buildLustre registers the Lustre file system (in the EFA node groups'
// AZ unless configured), its volume in the training namespace and the
// example training job.
func (p *Platform) buildLustre(ctx *pulumi.Context, prefix, az string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	l := cfg.Storage.Lustre
	if l == nil {
		return nil
	}
	args := &storage.LustreArgs{
		Name:                 prefix,
		Lustre:               *l,
		KMSKeyARN:            p.Keys.ARNs[KeyData],
		VPCID:                p.Network.VPC.ID().ToStringOutput(),
		SubnetID:             p.Network.PrivateSubnetIDsByAZ[az],
		ClientSecurityGroups: map[string]pulumi.StringInput{"nodes": p.Cluster.NodeSecurityGroup.ID().ToStringOutput()},
		DependsOn:            []pulumi.Resource{p.Buckets, p.Keys},
		Protect:              cfg.Environment.ProdLike(),
		Tags:                 cfg.Tags(),
	}
	if l.LinkBuckets {
		args.DataRepositories = []storage.DataRepository{
			{FileSystemPath: "/data", BucketName: p.Buckets.Names[storage.TrainingData]},
			{FileSystemPath: "/checkpoints", BucketName: p.Buckets.Names[storage.Checkpoints], Export: true},
		}
	}
	var err error
	if p.Lustre, err = storage.NewLustre(ctx, "lustre", args, withAWS); err != nil {
		return err
	}
	p.LustreVolume, err = workloads.NewLustreVolume(ctx, "lustre-volume", &workloads.LustreVolumeArgs{
		Provider:     p.Cluster.Provider,
		FileSystemID: p.Lustre.FileSystem.ID().ToStringOutput(),
		DNSName:      p.Lustre.FileSystem.DnsName,
		MountName:    p.Lustre.FileSystem.MountName,
		CapacityGiB:  l.StorageCapacityGiB,
		Namespace:    p.Namespaces.Namespaces[workloads.TrainingNamespace].Metadata.Name().Elem(),
		DependsOn:    []pulumi.Resource{p.Cluster.Addons[catalog.FSxCSIAddon]},
	})
	if err != nil {
		return err
	}
	j := cfg.Storage.TrainingJob
	if j == nil {
		return nil
	}
	trainer, trackingURI, mlflowDeps := p.trainingJobMLflow()
	queue, priority, queueDeps := p.trainingQueue()
	p.TrainingJob, err = workloads.NewTrainingJob(ctx, "training-job", &workloads.TrainingJobArgs{
		Provider:          p.Cluster.Provider,
		TrainingJob:       *j,
		NodePool:          cluster.PoolGPUTraining,
		Namespace:         p.Namespaces.Namespaces[workloads.TrainingNamespace].Metadata.Name().Elem(),
		ClaimName:         workloads.LustreClaim,
		ServiceAccount:    trainer,
		MLflowTrackingURI: trackingURI,
		Queue:             queue,
		Priority:          priority,
		DependsOn:         append(append([]pulumi.Resource{p.LustreVolume, p.Accelerators}, mlflowDeps...), queueDeps...),
	})
	return err
}

// buildCost registers the stack's budgets, anomaly detection and alert
// topic. The budget action, when on, also denies new compute to the
// Karpenter controller.
func (p *Platform) buildCost(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	c := p.Config.Cost
	args := &cost.GovernanceArgs{
		Name:                   prefix,
		Budgets:                c.Budgets,
		BedrockBillingServices: bedrockBillingServices(p.Config),
		Anomaly: cost.AnomalyArgs{
			Monitor: string(c.Anomaly.Monitor), MonitorARN: c.Anomaly.MonitorARN, ThresholdUSD: c.Anomaly.ThresholdUSD,
			Frequency: c.Anomaly.Frequency,
		},
		TopicKMSKeyARN: p.Keys.ARNs[KeyAlerts],
		Account:        awsarn.Account{Partition: p.Partition, Region: p.Config.Region, AccountID: p.AccountID},
		Tags:           p.Config.Tags(),
	}
	if c.Scope == config.BudgetScopeStack {
		args.Filter = &cost.TagFilter{Key: conventions.TagStack, Value: p.Config.StackTag()}
	}
	if c.ActivateCostAllocationTags {
		args.ActivateCostAllocationTagKeys = conventions.CostAllocationTagKeys
	}
	if a := c.BudgetAction; a != nil {
		action := &cost.BudgetActionArgs{RoleNames: a.RoleNames, ThresholdPercent: a.ThresholdPercent}
		if p.Karpenter != nil {
			action.RoleNames = append(append([]string(nil), a.RoleNames...), cluster.KarpenterNamesFor(p.Cluster.Name).ControllerRole)
			action.DependsOn = []pulumi.Resource{p.Karpenter.ControllerRole}
		}
		args.BudgetAction = action
	}
	var err error
	p.Cost, err = cost.NewGovernance(ctx, "cost", args, withAWS)
	return err
}

// buildCompute registers the EKS cluster, its node groups, Karpenter and
// the Kubernetes objects the accelerators need.
func (p *Platform) buildCompute(ctx *pulumi.Context, clusterName string, zones []string, specs []cluster.NodeGroupSpec,
	withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	var err error
	p.Cluster, err = cluster.NewCluster(ctx, "cluster", &cluster.ClusterArgs{
		ControlPlane:          cfg.Cluster.ControlPlane,
		Name:                  clusterName,
		VPCID:                 p.Network.VPC.ID().ToStringOutput(),
		AvailabilityZones:     zones,
		PrivateSubnetIDsByAZ:  stringInputs(p.Network.PrivateSubnetIDsByAZ),
		PodSubnetIDsByAZ:      stringInputs(p.Network.PodSubnetIDsByAZ),
		SecretsKeyARN:         p.Keys.ARNs[KeyCluster],
		LogsKeyARN:            p.Keys.ARNs[KeyLogs],
		VolumeKeyARN:          p.Keys.ARNs[KeyCluster],
		OptionalAddons:        lustreAddons(cfg), // and EFS's
		TrainingSetupCommands: lustreSetup(cfg),
		NetworkPolicy:         servingGuarded(cfg),
		NodeGroups:            specs,
		Account:               awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
		Protect:               cfg.Environment.ProdLike(),
		Tags:                  cfg.Tags(),
	}, withAWS)
	if err != nil {
		return err
	}
	var addons []pulumi.Resource
	for _, name := range catalog.EKSAddons {
		addons = append(addons, p.Cluster.Addons[name])
	}

	k := cfg.Cluster.Karpenter
	if k.Enabled {
		karpenterArgs := &cluster.KarpenterArgs{
			Karpenter:          k,
			Cluster:            p.Cluster,
			DependsOn:          addons,
			SubnetDiscoveryTag: clusterName,
			TrainingZone:       p.lustreAZ,
			VolumeKMSKeyARN:    p.Keys.ARNs[KeyCluster],
			VolumeKeyAlias:     p.Keys.Aliases[KeyCluster],
			Account:            awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
			Prod:               cfg.Environment.ProdLike(),
			NodeRepair:         cfg.Cluster.NodeRepair,
			Tags:               cfg.Tags(),
		}
		if queueUsesCustomerKey(cfg) {
			karpenterArgs.QueueKMSKeyARN = p.Keys.ARNs[KeyCluster]
			karpenterArgs.QueueKeyAlias = p.Keys.Aliases[KeyCluster]
		}
		p.Karpenter, err = cluster.NewKarpenter(ctx, "karpenter", karpenterArgs, withAWS)
		if err != nil {
			return err
		}
	}

	need := acceleratorNeeds(cfg.Cluster)
	p.Accelerators, err = workloads.NewAccelerators(ctx, "accelerators", &workloads.AcceleratorsArgs{
		Provider:  p.Cluster.Provider,
		NVIDIA:    need.nvidia,
		Neuron:    need.neuron,
		EFA:       need.efa,
		DependsOn: addons,
	})
	if err != nil {
		return err
	}
	p.Namespaces, err = workloads.NewNamespaces(ctx, "namespaces", &workloads.NamespacesArgs{
		Provider:  p.Cluster.Provider,
		Training:  need.training,
		Inference: need.inference,
	})
	if err != nil {
		return err
	}
	return p.buildQueues(ctx, addons, need.training)
}

// queueUsesCustomerKey says whether the Karpenter interruption queue is
// encrypted with the cluster key rather than SQS-managed encryption: under
// a compliance profile, which wants customer-managed keys everywhere.
func queueUsesCustomerKey(cfg *config.Stack) bool {
	return cfg.Compliance != conventions.ComplianceNone
}

func stringInputs(m map[string]pulumi.StringOutput) map[string]pulumi.StringInput {
	out := make(map[string]pulumi.StringInput, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// nodeGroupSpecs turns config node groups into component specs, pinning
// EFA groups to the stack's first AZ unless configured, and checking a
// configured AZ against the stack's. With a Lustre file system (lustreAZ),
// training groups live in its AZ: a configured other AZ is refused.
func nodeGroupSpecs(groups []config.NodeGroup, zones []string, lustreAZ string) ([]cluster.NodeGroupSpec, error) {
	var out []cluster.NodeGroupSpec
	for i, g := range groups {
		az := g.AvailabilityZone
		if az != "" && !slices.Contains(zones, az) {
			return nil, &config.FieldError{
				Key:     fmt.Sprintf("%s.nodeGroups[%d].availabilityZone", config.KeyCluster, i),
				Message: fmt.Sprintf("%q is not one of the stack's AZs; allowed: %s", az, strings.Join(zones, ", ")),
			}
		}
		if lustreAZ != "" && g.Role == conventions.RoleTraining {
			if az != "" && az != lustreAZ {
				return nil, &config.FieldError{
					Key: fmt.Sprintf("%s.nodeGroups[%d].availabilityZone", config.KeyCluster, i),
					Message: fmt.Sprintf("%q: training nodes live in the Lustre file system's AZ; allowed: %s (%s.lustre.availabilityZone)",
						az, lustreAZ, config.KeyStorage),
				}
			}
			az = lustreAZ
		}
		if g.EFA && az == "" {
			az = zones[0]
		}
		g.AvailabilityZone = az
		out = append(out, g)
	}
	return out, nil
}

// needs is what the node groups and pools ask of the cluster's workloads.
type needs struct {
	nvidia, neuron, efa bool
	training, inference workloads.Quota
}

// acceleratorNeeds derives device plugins and namespace quotas from the
// node groups (at their maximum size) and the Karpenter pool limits.
func acceleratorNeeds(c config.Cluster) needs {
	var n needs
	for _, g := range c.NodeGroups {
		t, known := catalog.ResolveInstanceType(g.InstanceTypes[0])
		devices := t.AcceleratorCount
		if known != catalog.Catalogued {
			// Unknown count: the most any type of the kind has, so the
			// quota never blocks what the nodes bring.
			devices = catalog.MaxAcceleratorCount(t.Accelerator)
		}
		n.add(g.Role, t.Accelerator, g.EFA, g.MaxSize*devices)
	}
	if k := c.Karpenter; k.Enabled {
		for _, pool := range cluster.Pools(false, k.TrainingGPULimit, k.InferenceGPULimit, k.NeuronDeviceLimit) {
			n.add(pool.Role, pool.Accelerator, pool.EFA, pool.Limit)
		}
	}
	return n
}

// add records that nodes of a role may bring devices accelerators of kind a.
func (n *needs) add(role conventions.NodeRole, a catalog.Accelerator, efa bool, devices int) {
	n.efa = n.efa || efa
	quota := &n.inference
	if role == conventions.RoleTraining {
		quota = &n.training
	}
	switch a {
	case catalog.AcceleratorNvidiaGPU:
		n.nvidia = true
		quota.NvidiaGPUs += devices
	case catalog.AcceleratorTrainium, catalog.AcceleratorInferentia:
		n.neuron = true
		quota.NeuronDevices += devices
	}
}

// availabilityZones picks the stack's zones by zone ID: the pinned IDs, or
// the pinned names, each checked against what the account offers, or the
// first azCount zone IDs of the region. Zone names map to different
// physical zones in every account, so a name can land on a zone EKS
// refuses; a zone EKS refuses control-plane subnets in
// (catalog.EKSUnsupportedZoneIDs) is never chosen and refused when pinned.
func availabilityZones(ctx *pulumi.Context, region string, n config.Network, opts ...pulumi.InvokeOption) ([]string, error) {
	res, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{
			Name:   "opt-in-status",
			Values: []string{"opt-in-not-required"},
		}},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("listing availability zones: %w", err)
	}
	if len(res.ZoneIds) != len(res.Names) {
		return nil, fmt.Errorf("listing availability zones: %d names but %d zone IDs", len(res.Names), len(res.ZoneIds))
	}
	idOf, nameOf := map[string]string{}, map[string]string{}
	var ids []string
	for i, name := range res.Names {
		idOf[name], nameOf[res.ZoneIds[i]] = res.ZoneIds[i], name
		if catalog.EKSSupportsZoneID(region, res.ZoneIds[i]) {
			ids = append(ids, res.ZoneIds[i])
		}
	}
	slices.Sort(ids)
	names := slices.Sorted(maps.Keys(idOf))
	refused := func(key, az, id string) error {
		return &config.FieldError{Key: key, Message: fmt.Sprintf("%s is zone %s in this account, where EKS refuses control-plane "+
			"subnets (catalog.EKSZonesSource); allowed: %s", az, id, strings.Join(ids, ", "))}
	}
	// Pinned zones, by ID or by name: each must exist here and be one EKS
	// takes.
	pinned, field, byID := n.AvailabilityZoneIDs, "availabilityZoneIds", true
	if len(pinned) == 0 {
		pinned, field, byID = n.AvailabilityZones, "availabilityZones", false
	}
	if len(pinned) > 0 {
		var out []string
		for i, zone := range pinned {
			key := fmt.Sprintf("%s.%s[%d]", config.KeyNetwork, field, i)
			name, id, allowed := zone, idOf[zone], names
			if byID {
				name, id, allowed = nameOf[zone], zone, ids
			}
			if name == "" || id == "" {
				return nil, &config.FieldError{Key: key, Message: fmt.Sprintf("%q is not available in this account and region; allowed: %s",
					zone, strings.Join(allowed, ", "))}
			}
			if !catalog.EKSSupportsZoneID(region, id) {
				return nil, refused(key, zone, id)
			}
			out = append(out, name)
		}
		return out, nil
	}
	if len(ids) < n.AZCount {
		return nil, &config.FieldError{
			Key: config.KeyNetwork + ".azCount",
			Message: fmt.Sprintf("%d zones asked for, the region offers %d that EKS supports (%s); allowed: %d to %d",
				n.AZCount, len(ids), strings.Join(ids, ", "), config.MinAZs, len(ids)),
		}
	}
	var out []string
	for _, id := range ids[:n.AZCount] {
		out = append(out, nameOf[id])
	}
	return out, nil
}

// checkEndpointServices refuses an interface endpoint whose service is not
// offered in every chosen zone: CreateVpcEndpoint fails for a subnet in a
// zone the service does not serve.
func checkEndpointServices(ctx *pulumi.Context, region string, services, zones []string, opts ...pulumi.InvokeOption) error {
	for _, svc := range services {
		res, err := ec2.LookupVpcEndpointService(ctx, &ec2.LookupVpcEndpointServiceArgs{
			ServiceName: pulumi.StringRef(catalog.EndpointServiceName(region, svc)),
			ServiceType: pulumi.StringRef("Interface"),
		}, opts...)
		if err != nil {
			return &config.FieldError{Key: config.KeyNetwork + ".interfaceEndpoints",
				Message: fmt.Sprintf("%s: the service is not offered in %s (%v)", svc, region, err)}
		}
		for _, az := range zones {
			if !slices.Contains(res.AvailabilityZones, az) {
				return &config.FieldError{Key: config.KeyNetwork + ".interfaceEndpoints",
					Message: fmt.Sprintf("%s is not offered in %s, one of the stack's zones; it serves %s: pin zones it serves "+
						"(network.availabilityZoneIds) or leave the endpoint out", svc, az, strings.Join(res.AvailabilityZones, ", "))}
			}
		}
	}
	return nil
}

// Outputs are the stack outputs, named as `pulumi stack output` shows them.
func (p *Platform) Outputs() pulumi.Map {
	keyARNs := pulumi.StringMap{}
	for name, arn := range p.Keys.ARNs {
		keyARNs[name] = arn
	}
	return pulumi.Map{
		"environment":        pulumi.String(string(p.Config.Environment)),
		"region":             pulumi.String(p.Config.Region),
		"availabilityZones":  pulumi.ToStringArray(p.Network.AvailabilityZones),
		"vpcId":              p.Network.VPC.ID(),
		"vpcCidr":            pulumi.String(p.Config.Network.CIDR),
		"privateSubnetIds":   p.Network.PrivateSubnetIDs,
		"publicSubnetIds":    p.Network.PublicSubnetIDs,
		"podSubnetIds":       p.Network.PodSubnetIDs,
		"interfaceEndpoints": pulumi.ToStringArray(p.Network.InterfaceEndpointNames),
		"flowLogGroupName":   p.Network.FlowLogGroup.Name,
		"kmsKeyArns":         keyARNs,
		"clusterName":        pulumi.String(p.Cluster.Name),
		"nodeGroups":         pulumi.ToStringArray(p.nodeGroupNames()),
		"karpenterQueue":     p.karpenterQueue(),
		"costAlertTopicArn":  p.Cost.TopicARN,
		"budgetName":         p.Cost.Budget.Name,
		// Disaster recovery: the models bucket's replica ("" without one).
		"modelsReplicaBucket": p.replicaBucket(),
		// Operations: the dashboard and the topic every alarm goes to.
		"dashboardUrl":  p.dashboardURL(),
		"alertTopicArn": p.Cost.TopicARN,
		// The managed Prometheus workspace ("" unless observability.prometheus is enabled).
		"prometheusWorkspaceArn": p.prometheusWorkspaceARN(),
		// The Managed Grafana workspace's address ("" without one).
		"grafanaUrl": p.grafanaURL(),
		// SageMaker: "" and [] when off.
		"sagemakerDomainId":     p.sageMakerDomainID(),
		"sagemakerEndpoints":    pulumi.ToStringArray(p.sageMakerEndpointNames()),
		"modelApprovalTopicArn": p.modelApprovalTopic(),
		// Experiment tracking: the MLflow tracking server's ARN (MLFLOW_TRACKING_URI
		// with the sagemaker-mlflow plugin) and UI address; "" when off.
		"mlflowTrackingServerArn": p.mlflowOutput(func(m *MLflow) pulumi.StringInput { return pulumi.String(m.Server.ARN) }),
		"mlflowTrackingServerUrl": p.mlflowOutput(func(m *MLflow) pulumi.StringInput { return m.Server.Server.TrackingServerUrl }),
		// In-cluster LLM servers: their OpenAI-compatible base URLs by name
		// (the guardrail gateway's when guarded); {} without any.
		"llmServerUrls": p.llmServerURLs(),
		// Bedrock: "" when off.
		"bedrockGuardrailArn":        p.bedrockOutput(func(b *Bedrock) pulumi.StringInput { return b.Guardrail.ARN }),
		"bedrockGuardrailVersionArn": p.bedrockOutput(func(b *Bedrock) pulumi.StringInput { return b.Guardrail.VersionARN }),
		"bedrockInvokePolicyArn":     p.bedrockOutput(func(b *Bedrock) pulumi.StringInput { return b.Access.Policy.Arn }),
		"bedrockApplicationRoleArn":  p.bedrockOutput(func(b *Bedrock) pulumi.StringInput { return b.Access.Role.Arn }),
		"knowledgeBase":              p.knowledgeBaseOutput(),
		// Promotion: the models this stack serves, for stacks that promote
		// from it, and what it promoted itself ({} without a source).
		PromotionOutput:    p.promotionOutput(),
		PromotedFromOutput: p.promotedFromOutput(),
	}
}

func (p *Platform) nodeGroupNames() []string {
	var names []string
	for _, g := range p.Config.Cluster.NodeGroups {
		names = append(names, g.Name)
	}
	return names
}

func (p *Platform) karpenterQueue() pulumi.StringInput {
	if p.Karpenter == nil {
		return pulumi.String("")
	}
	return p.Karpenter.Queue.Name
}

// logsKeyAlso names what else the logs key encrypts.
func logsKeyAlso(cfg *config.Stack) string {
	if cfg.Observability.Prometheus != nil {
		return " and Prometheus metrics"
	}
	return ""
}

// promotedBuckets are the buckets the promoted models live in, read
// through the VPC's S3 endpoint.
func (p *Platform) promotedBuckets() []string {
	if p.Promoted == nil {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(p.Promoted.Models)) {
		if !p.readsSource(p.Promoted.Models[name]) {
			continue
		}
		for _, b := range p.Promoted.Models[name].ReadBuckets {
			if !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// bedrockBillingServices are the Cost Explorer services the stack's Bedrock
// models bill under, besides Amazon Bedrock: a model sold through AWS
// Marketplace bills under its product (catalog.BedrockBillingSource).
func bedrockBillingServices(cfg *config.Stack) []string {
	if !cfg.Bedrock.Enabled {
		return nil
	}
	var out []string
	for _, id := range cfg.Bedrock.Models {
		if m, _, ok := catalog.LookupBedrockModel(id); ok && m.BillingService != "" && m.BillingService != catalog.BedrockService &&
			!slices.Contains(out, m.BillingService) {
			out = append(out, m.BillingService)
		}
	}
	slices.Sort(out)
	return out
}
