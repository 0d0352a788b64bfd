package platform

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/cost"
	"github.com/ml-platform/ml-platform/components/keys"
	smc "github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/workloads"
)

// SageMaker is what the stack builds on SageMaker AI.
type SageMaker struct {
	Network *smc.ComputeNetwork
	// ExecutionRole runs pipelines, their jobs and Feature Store; ServingRole
	// the endpoints' models (nil without endpoints); StudioRole the
	// domain's users (nil without a domain).
	ExecutionRole *smc.ExecutionRole
	ServingRole   *smc.ExecutionRole
	StudioRole    *smc.ExecutionRole
	// Domain, Registry, Pipeline, Monitoring, FeatureGroups and ACK are nil when off.
	Domain     *smc.Domain
	Registry   *smc.Registry
	Pipeline   *smc.Pipeline
	Monitoring *smc.Pipeline
	// BatchInference is the scheduled batch transform; nil when off.
	BatchInference *smc.Pipeline
	Endpoints      map[string]*smc.Endpoint
	FeatureGroups  *smc.FeatureGroups
	ACK            *workloads.ACKSageMaker
}

// Names of the SageMaker resources a stack creates.
func executionRoleName(prefix string) string       { return prefix + "-sagemaker" }
func servingRoleName(prefix string) string         { return prefix + "-sagemaker-serving" }
func studioRoleName(prefix string) string          { return prefix + "-sagemaker-studio" }
func buildPipelineName(prefix string) string       { return prefix + "-build" }
func dataQualityPipelineName(prefix string) string { return prefix + "-data-quality" }
func batchPipelineName(prefix string) string       { return prefix + "-batch-inference" }
func endpointName(prefix, name string) string      { return prefix + "-" + name }

// alertPublishers are the service principals that publish to topics the
// alerts key encrypts: the cost services, and EventBridge for model
// approvals.
func alertPublishers(cfg *config.Stack) []string {
	// cost.TopicPublishers includes EventBridge (failed pipelines, model
	// approvals) and CloudWatch (alarms).
	return slices.Clone(cost.TopicPublishers)
}

// featureStorePrefix is where offline stores live in the training data bucket.
const featureStorePrefix = "feature-store/"

// sageMakerServicePrefixes are the bucket prefixes SageMaker writes from
// its own network with the execution role, so a VPC endpoint restriction
// must let that role reach them (and only them) from outside: the Feature
// Store offline stores.
// The build pipeline's JsonGet reads its evaluation report from the
// pipeline's own prefix of the artifacts bucket the same way
// (catalog.PipelinesJsonGetSource).
func sageMakerServicePrefixes(cfg *config.Stack, prefix, partition, account string) []storage.ServicePrefix {
	role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, executionRoleName(prefix))
	var out []storage.ServicePrefix
	if slices.ContainsFunc(cfg.SageMaker.FeatureGroups, func(g config.FeatureGroup) bool { return g.OfflineStore }) {
		out = append(out, storage.ServicePrefix{Purpose: storage.TrainingData, Prefix: featureStorePrefix, RoleARN: role})
	}
	if cfg.SageMaker.Pipeline != nil {
		out = append(out, storage.ServicePrefix{Purpose: storage.Artifacts, Prefix: "pipelines/" + buildPipelineName(prefix) + "/", RoleARN: role})
	}
	// The MLflow tracking server reads and writes its artifact store from
	// SageMaker's network with its own role.
	if cfg.SageMaker.MLflow != nil {
		out = append(out, storage.ServicePrefix{Purpose: storage.Artifacts, Prefix: mlflowArtifactPrefix,
			RoleARN: fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, config.MLflowServerName(cfg.Project, cfg.Name))})
	}
	return out
}

// usesSageMaker says whether the stack builds anything on SageMaker.
func usesSageMaker(s config.SageMaker) bool {
	return s.Domain != nil || s.Pipeline != nil || len(s.Endpoints) > 0 || len(s.FeatureGroups) > 0 ||
		s.Monitoring != nil || len(s.ModelPackageGroups) > 0 || s.BatchInference != nil
}

// buildSageMaker registers the domain, registry, pipelines, endpoints and
// feature groups, all sharing one execution role and one security group.
func (p *Platform) buildSageMaker(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	s := cfg.SageMaker
	if !usesSageMaker(s) {
		return nil
	}
	sm := &SageMaker{Endpoints: map[string]*smc.Endpoint{}}
	p.SageMaker = sm
	bucket := func(purpose string) string { return "s3://" + p.Buckets.Names[purpose] + "/" }
	tagsOf := cfg.Tags()

	var err error
	sm.Network, err = smc.NewComputeNetwork(ctx, "sagemaker-network", &smc.ComputeNetworkArgs{
		Name: prefix + "-sagemaker", VPCID: p.Network.VPC.ID().ToStringOutput(), VPCCIDR: cfg.Network.CIDR,
		S3PrefixListID: p.Network.S3Endpoint.PrefixListId, Tags: tagsOf,
	}, withAWS)
	if err != nil {
		return err
	}

	jobsScope, servingScope, studioScope := p.sageMakerScopes(prefix)
	sm.ExecutionRole, err = smc.NewExecutionRole(ctx, "sagemaker-execution", &smc.ExecutionRoleArgs{Scope: jobsScope,
		Description: "SageMaker pipelines, their jobs and Feature Store of the ML platform", Tags: tagsOf}, withAWS)
	if err != nil {
		return err
	}
	if len(s.Endpoints) > 0 {
		sm.ServingRole, err = smc.NewExecutionRole(ctx, "sagemaker-serving", &smc.ExecutionRoleArgs{Scope: servingScope,
			Description: "SageMaker endpoints' models of the ML platform: read models, write capture and async output", Tags: tagsOf}, withAWS)
		if err != nil {
			return err
		}
	}
	if s.Domain != nil {
		sm.StudioRole, err = smc.NewExecutionRole(ctx, "sagemaker-studio", &smc.ExecutionRoleArgs{Scope: studioScope,
			Description: "SageMaker Studio users of the ML platform: spaces, apps, reading data and models", Tags: tagsOf}, withAWS)
		if err != nil {
			return err
		}
	}
	roleARN := sm.ExecutionRole.Role.Arn
	// The role and its policy themselves: a dependency on a component
	// expands to the children registered so far.
	roleDeps := []pulumi.Resource{sm.ExecutionRole.Role, sm.ExecutionRole.Policy}
	jobDeps := append(slices.Clone(roleDeps), sm.Network.Rules...)
	subnets := p.Network.PrivateSubnetIDs
	groups := pulumi.StringArray{sm.Network.SecurityGroup.ID()}
	protect := cfg.Environment.ProdLike()

	if d := s.Domain; d != nil {
		var endpoints []pulumi.Resource
		for _, name := range []string{"sagemaker.api", "sagemaker.runtime", "sagemaker.studio"} {
			if ep, ok := p.Network.InterfaceEndpoints[name]; ok {
				endpoints = append(endpoints, ep)
			}
		}
		sm.Domain, err = smc.NewDomain(ctx, "sagemaker-domain", &smc.DomainArgs{
			Name: prefix, VPCID: p.Network.VPC.ID().ToStringOutput(), VPCCIDR: cfg.Network.CIDR, SubnetIDs: subnets,
			S3PrefixListID: p.Network.S3Endpoint.PrefixListId, ExecutionRoleARN: sm.StudioRole.Role.Arn, KMSKeyARN: p.Keys.ARNs[KeyData],
			Domain:              *d,
			DeleteHomeOnDestroy: !protect, Protect: protect, DependsOn: append(endpoints, sm.StudioRole.Role, sm.StudioRole.Policy), Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}

	if len(s.ModelPackageGroups) > 0 {
		var groupsArgs []smc.ModelGroup
		for _, g := range s.ModelPackageGroups {
			groupsArgs = append(groupsArgs, smc.ModelGroup{Name: g.Name, ReaderAccountIDs: g.ReaderAccountIDs})
		}
		sm.Registry, err = smc.NewRegistry(ctx, "sagemaker-registry", &smc.RegistryArgs{
			Prefix: prefix, Groups: groupsArgs, TopicKMSKeyARN: p.Keys.ARNs[KeyAlerts],
			Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID}, Protect: protect, Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}

	// Job settings: known strings, but the key, subnets and group are outputs.
	jobs := func(build func(smc.JobSettings) string) pulumi.StringOutput {
		return pulumi.All(p.Keys.ARNs[KeyData], subnets, sm.Network.SecurityGroup.ID()).ApplyT(func(v []any) string {
			subnetIDs := append([]string(nil), v[1].([]string)...)
			return build(smc.JobSettings{RoleARN: sm.ExecutionRole.ARN, KMSKeyARN: v[0].(string), SubnetIDs: subnetIDs,
				SecurityGroupIDs: []string{string(v[2].(pulumi.ID))}, Region: cfg.Region})
		}).(pulumi.StringOutput)
	}

	if pl := s.Pipeline; pl != nil {
		name := buildPipelineName(prefix)
		var inference []string
		for _, e := range s.Endpoints {
			if e.InstanceType != "" && !slices.Contains(inference, e.InstanceType) {
				inference = append(inference, e.InstanceType)
			}
		}
		if len(inference) == 0 {
			inference = []string{"ml.m5.xlarge"}
		}
		slices.Sort(inference)
		def := smc.BuildDefinition{
			InputDataURI: bucket(storage.TrainingData) + "pipelines/" + name + "/raw/", CodeURI: bucket(storage.Artifacts) + "pipelines/" + name + "/code/",
			ArtifactsURI: bucket(storage.Artifacts) + "pipelines/" + name + "/", CheckpointURI: bucket(storage.Checkpoints) + "pipelines/" + name + "/",
			ProcessingImage: pl.ProcessingImage, TrainingImage: pl.TrainingImage, InferenceImage: pl.InferenceImage,
			ProcessingInstanceType: pl.ProcessingInstanceType, TrainingInstanceType: pl.TrainingInstanceType,
			TrainingInstanceCount: pl.TrainingInstanceCount, MaxRuntimeSeconds: pl.MaxRuntimeHours * 3600, MaxWaitSeconds: pl.MaxWaitHours * 3600,
			ModelPackageGroup: pl.ModelPackageGroup, MetricName: pl.MetricName, MetricPath: pl.MetricPath, MetricMinimum: pl.MetricMinimum,
			InferenceInstanceTypes: inference,
		}
		if s.MLflow != nil {
			def.MLflowTrackingURI, def.MLflowExperiment = smc.TrackingServerARN(p.Account(), p.mlflowServerName()), name
		}
		if t := pl.Tuning; t != nil {
			def.Tuning = &smc.TuningDefinition{MaxJobs: t.MaxJobs, MaxParallelJobs: t.MaxParallelJobs, Objective: t.Objective,
				Maximize: t.Maximize, LearningRateMin: t.LearningRateMin, LearningRateMax: t.LearningRateMax}
		}
		deps := jobDeps
		if sm.Registry != nil {
			for _, g := range sm.Registry.Groups {
				deps = append(deps, g)
			}
		}
		sm.Pipeline, err = smc.NewPipeline(ctx, "sagemaker-pipeline", &smc.PipelineArgs{
			Name: name, Description: "Preprocess, train on managed spot, evaluate, register " + pl.ModelPackageGroup + " when good enough",
			Definition: jobs(func(j smc.JobSettings) string { def.Jobs = j; return def.JSON() }), RoleARN: roleARN,
			DependsOn: deps, Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}

	captures := map[string]string{}
	for _, e := range s.Endpoints {
		name := endpointName(prefix, e.Name)
		m := p.endpointModel(e)
		dataURL := m.ModelDataURL
		var copyDeps []pulumi.Resource
		if e.PromoteFrom != "" && m.ModelDataURL != "" {
			dataURL = p.servedModelDataURL(e.Name, m)
			if c, err := p.copyPromoted(ctx, e.Name, m, withAWS); err != nil {
				return err
			} else if c != nil {
				copyDeps = append(copyDeps, c)
			}
		}
		args := &smc.EndpointArgs{
			Name: name, Kind: e.Kind, Image: m.Image, ModelDataURL: dataURL, ModelPackageARN: m.ModelPackageARN,
			ExecutionRoleARN: sm.ServingRole.Role.Arn, InstanceType: e.InstanceType, MinInstances: e.MinInstances, MaxInstances: e.MaxInstances,
			TargetInvocationsPerInstance: e.TargetInvocationsPerInstance, GPUUtilizationTarget: e.GPUUtilizationTarget,
			ServerlessMemoryMB: e.ServerlessMemoryMB, ServerlessMaxConcurrency: e.ServerlessMaxConcurrency,
			AsyncMaxConcurrentInvocations: e.AsyncMaxConcurrentInvocations, KMSKeyARN: p.Keys.ARNs[KeyData], Tags: tagsOf,
		}
		if e.Kind != config.EndpointServerless {
			args.SubnetIDs, args.SecurityGroupIDs = subnets, groups
		}
		if e.CapturePercent > 0 {
			args.CapturePercent = e.CapturePercent
			args.CaptureURI = bucket(storage.Artifacts) + "data-capture/" + name + "/"
			captures[e.Name] = args.CaptureURI
		}
		if e.Kind == config.EndpointAsync {
			args.AsyncOutputURI = bucket(storage.Artifacts) + "async/" + name + "/"
			args.TopicKMSKeyARN = p.Keys.ARNs[KeyAlerts]
		}
		servingDeps := append(append([]pulumi.Resource{sm.ServingRole.Role, sm.ServingRole.Policy}, sm.Network.Rules...), copyDeps...)
		sm.Endpoints[e.Name], err = smc.NewEndpoint(ctx, "sagemaker-endpoint-"+e.Name, args, withAWS, pulumi.DependsOn(servingDeps))
		if err != nil {
			return err
		}
	}

	if m := s.Monitoring; m != nil {
		def := smc.DataQualityDefinition{Image: m.Image, InstanceType: m.InstanceType,
			CodeURI:     bucket(storage.Artifacts) + "pipelines/" + dataQualityPipelineName(prefix) + "/code/",
			CaptureURIs: captures, ReportURI: bucket(storage.Artifacts) + "data-quality/"}
		sm.Monitoring, err = smc.NewPipeline(ctx, "sagemaker-data-quality", &smc.PipelineArgs{
			Name: dataQualityPipelineName(prefix), Description: "Checks the endpoints' captured requests and responses (Model Monitor is closed to new customers)",
			Definition: jobs(func(j smc.JobSettings) string { def.Jobs = j; return def.JSON() }), RoleARN: roleARN,
			Schedule: m.Schedule, Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID}, DependsOn: jobDeps, Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}

	if b := s.BatchInference; b != nil {
		def := smc.BatchDefinition{Image: b.Image, InputURI: bucket(storage.TrainingData) + b.InputPrefix,
			OutputURI: bucket(storage.Artifacts) + "batch-inference/", InstanceType: b.InstanceType, InstanceCount: b.InstanceCount,
			ContentType: b.ContentType, SplitType: b.SplitType}
		if b.ModelPath != "" {
			def.ModelDataURL = bucket(storage.Models) + b.ModelPath
		} else {
			def.ModelPackageARN = config.Endpoint{ModelPackage: b.ModelPackage}.ModelPackageARN(p.Partition, cfg.Region, p.AccountID)
		}
		sm.BatchInference, err = smc.NewPipeline(ctx, "sagemaker-batch-inference", &smc.PipelineArgs{
			Name: batchPipelineName(prefix), Description: "Batch transform of " + b.InputPrefix + " on a schedule; predictions to the artifacts bucket",
			Definition: jobs(func(j smc.JobSettings) string { def.Jobs = j; return def.JSON() }), RoleARN: roleARN,
			Schedule: b.Schedule, Account: p.Account(), DependsOn: jobDeps, Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}

	if len(s.FeatureGroups) > 0 {
		var specs []smc.FeatureGroupSpec
		for _, g := range s.FeatureGroups {
			specs = append(specs, smc.FeatureGroupSpec{Name: g.Name, RecordIdentifier: g.RecordIdentifier, EventTime: g.EventTime,
				Features: g.Features, OnlineStore: g.OnlineStore, OfflineStore: g.OfflineStore})
		}
		sm.FeatureGroups, err = smc.NewFeatureGroups(ctx, "sagemaker-features", &smc.FeatureGroupsArgs{
			Prefix: prefix, Groups: specs, RoleARN: roleARN, OfflineStoreURI: bucket(storage.TrainingData) + featureStorePrefix,
			KMSKeyARN: p.Keys.ARNs[KeyData], Protect: protect, Tags: tagsOf,
		}, withAWS, pulumi.DependsOn(roleDeps))
		if err != nil {
			return err
		}
	}

	if s.ACKController {
		return p.buildACK(ctx, prefix, withAWS)
	}
	return nil
}

// sageMakerScopes are what each execution role may touch: the jobs role
// (pipelines, their jobs, Feature Store) writes data, checkpoints and
// artifacts and registers models; the serving role reads models and the
// pipeline's artifacts and writes only data capture and async output; the
// Studio role opens spaces, reads everything, writes data and artifacts,
// reviews models, and starts pipelines outside prod only. None of them
// writes the models bucket: models arrive through promotion and uploads.
func (p *Platform) sageMakerScopes(prefix string) (jobs, serving, studio smc.RoleScope) {
	cfg := p.Config
	s := cfg.SageMaker
	names := p.Buckets.Names
	base := func(role string) smc.RoleScope {
		return smc.RoleScope{Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID}, RoleName: role,
			KeyAliases: []string{keys.AliasName(prefix, KeyData)}}
	}
	jobs, serving, studio = base(executionRoleName(prefix)), base(servingRoleName(prefix)), base(studioRoleName(prefix))

	jobs.BucketNames = []string{names[storage.TrainingData], names[storage.Checkpoints], names[storage.Artifacts]}
	jobs.ReadOnlyBucketNames = []string{names[storage.Models]}
	jobs.RunsJobs, jobs.RegistersModels = true, true
	studio.BucketNames = []string{names[storage.TrainingData], names[storage.Artifacts]}
	studio.ReadOnlyBucketNames = []string{names[storage.Checkpoints], names[storage.Models]}
	studio.StudioUser, studio.ReviewsModels = true, true
	studio.StartsPipelines = !cfg.Environment.ProdLike()
	serving.ReadOnlyBucketNames = []string{names[storage.Models]}
	serving.ReadPrefixes = []string{names[storage.Artifacts] + "/pipelines/"}
	serving.WritePrefixes = []string{names[storage.Artifacts] + "/data-capture/", names[storage.Artifacts] + "/async/"}

	if s.MLflow != nil {
		server := smc.TrackingServerARN(p.Account(), p.mlflowServerName())
		jobs.MLflowServers, studio.MLflowServers = []string{server}, []string{server}
	}
	for _, g := range s.ModelPackageGroups {
		jobs.ModelPackageGroups = append(jobs.ModelPackageGroups, g.Name)
		studio.ModelPackageGroups = append(studio.ModelPackageGroups, g.Name)
	}
	if pl := s.Pipeline; pl != nil {
		jobs.Images = append(jobs.Images, pl.ProcessingImage, pl.TrainingImage, pl.InferenceImage)
		jobs.PipelineNames = append(jobs.PipelineNames, buildPipelineName(prefix))
		studio.PipelineNames = append(studio.PipelineNames, buildPipelineName(prefix))
	}
	if b := s.BatchInference; b != nil {
		if b.Image != "" {
			jobs.Images = append(jobs.Images, b.Image)
		}
		jobs.PipelineNames = append(jobs.PipelineNames, batchPipelineName(prefix))
		jobs.RunsBatchTransforms = true
		studio.PipelineNames = append(studio.PipelineNames, batchPipelineName(prefix))
	}
	if m := s.Monitoring; m != nil {
		jobs.Images = append(jobs.Images, m.Image)
		jobs.PipelineNames = append(jobs.PipelineNames, dataQualityPipelineName(prefix))
		studio.PipelineNames = append(studio.PipelineNames, dataQualityPipelineName(prefix))
	}
	for _, e := range s.Endpoints {
		m := p.endpointModel(e)
		serving.Images = append(serving.Images, m.Image)
		if e.PromoteFrom != "" && p.readsSource(m) {
			serving.ReadBuckets = append(serving.ReadBuckets, m.ReadBuckets...)
			serving.ReadKeyARNs = append(serving.ReadKeyARNs, m.KeyARNs...)
		}
		if e.Kind == config.EndpointAsync {
			topics := smc.AsyncTopicNames(endpointName(prefix, e.Name))
			for _, outcome := range slices.Sorted(maps.Keys(topics)) {
				serving.TopicARNs = append(serving.TopicARNs, p.Account().ARN("sns", topics[outcome]))
			}
			if !slices.Contains(serving.KeyAliases, keys.AliasName(prefix, KeyAlerts)) {
				serving.KeyAliases = append(serving.KeyAliases, keys.AliasName(prefix, KeyAlerts))
			}
		}
	}
	return jobs, serving, studio
}

// buildACK installs the ACK SageMaker controller with its role through
// Pod Identity: AWS's recommended AmazonSageMakerFullAccess (the controller
// creates any SageMaker resource a Kubernetes object asks for) and passing
// the execution role to SageMaker.
func (p *Platform) buildACK(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	roleName := prefix + "-ack-sagemaker"
	role, err := iam.NewRole(ctx, "sagemaker-ack", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("ACK SageMaker controller of " + p.Cluster.Name + " (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(cluster.PodIdentityTrustPolicy(cluster.PodIdentity{Account: awsarn.Account{Partition: p.Partition, Region: p.Config.Region, AccountID: p.AccountID}, ClusterName: p.Cluster.Name, Namespace: workloads.ACKNamespace(), ServiceAccount: workloads.ACKServiceAccount}).JSON()),
		Tags:             tags.With(p.Config.Tags(), "Name", roleName),
	}, withAWS)
	if err != nil {
		return err
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, "sagemaker-ack", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String(cluster.ManagedPolicyARN(p.Partition, "AmazonSageMakerFullAccess")),
	}, withAWS)
	if err != nil {
		return err
	}
	assoc, err := eks.NewPodIdentityAssociation(ctx, "sagemaker-ack", &eks.PodIdentityAssociationArgs{
		ClusterName: p.Cluster.ClusterName, Namespace: pulumi.String(workloads.ACKNamespace()),
		ServiceAccount: pulumi.String(workloads.ACKServiceAccount), RoleArn: role.Arn,
		Tags: tags.With(p.Config.Tags(), "Name", roleName),
	}, withAWS, pulumi.DependsOn([]pulumi.Resource{attachment}))
	if err != nil {
		return err
	}
	p.SageMaker.ACK, err = workloads.NewACKSageMaker(ctx, "sagemaker-ack", &workloads.ACKSageMakerArgs{
		Provider: p.Cluster.Provider, Region: p.Config.Region, DependsOn: []pulumi.Resource{assoc}, Tags: p.Config.Tags(),
	})
	return err
}

// sageMakerDomainID is the domain's ID, "" without one.
func (p *Platform) sageMakerDomainID() pulumi.StringInput {
	if p.SageMaker == nil || p.SageMaker.Domain == nil {
		return pulumi.String("")
	}
	return p.SageMaker.Domain.Domain.ID().ToStringOutput()
}

// sageMakerEndpointNames are the endpoints' names, in configuration order.
func (p *Platform) sageMakerEndpointNames() []string {
	names := []string{}
	for _, e := range p.Config.SageMaker.Endpoints {
		names = append(names, endpointName(fmt.Sprintf("%s-%s", p.Config.Project, p.Config.Name), e.Name))
	}
	return names
}

// modelApprovalTopic is the registry's approvals topic, "" without one.
func (p *Platform) modelApprovalTopic() pulumi.StringInput {
	if p.SageMaker == nil || p.SageMaker.Registry == nil {
		return pulumi.String("")
	}
	return p.SageMaker.Registry.Topic.Arn
}

// readsSource says whether an endpoint's promoted model is read from the
// source stack's buckets at run time: model packages and multi-model
// prefixes; copied artifacts (and kept copies) are read from this stack's.
func (p *Platform) readsSource(m PromotedModel) bool {
	return p.Promoted != nil && p.Promoted.Kept == "" && !m.copiesArtifact()
}

// copyPromoted copies a promoted artifact into this stack's models bucket,
// re-encrypted by the bucket's default encryption (SSE-KMS with the data
// key and a bucket key: S3 applies it to copies that name no key of their
// own), so the endpoint never depends on the
// source stack's bucket: destroying dev, or its lifecycle, cannot take
// prod's model away. The copy is made with the deployer's credentials at
// `pulumi up`; it is retained when the resource goes (a kept promotion
// serves it without the source). nil when nothing is copied.
func (p *Platform) copyPromoted(ctx *pulumi.Context, endpoint string, m PromotedModel, withAWS pulumi.ResourceOption) (*s3.ObjectCopy, error) {
	if p.Promoted.Kept != "" || !m.copiesArtifact() {
		return nil, nil
	}
	source := strings.TrimPrefix(m.ModelDataURL, "s3://")
	return s3.NewObjectCopy(ctx, "promoted-"+endpoint, &s3.ObjectCopyArgs{
		Bucket:           pulumi.String(p.Buckets.Names[storage.Models]),
		Key:              pulumi.String(copyKey(endpoint, m.ModelDataURL)),
		Source:           pulumi.String(source),
		TaggingDirective: pulumi.String("REPLACE"),
		Tags:             tags.With(p.Config.Tags(), "PromotedFrom", m.Origin),
	}, withAWS, pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{p.Buckets}))
}
