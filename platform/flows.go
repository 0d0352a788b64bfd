package platform

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/access/declare"
	"github.com/ml-platform/ml-platform/catalog"
	brc "github.com/ml-platform/ml-platform/components/bedrock"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/workloads"
)

// Flow declarations: each domain says who must reach what, from which
// network, and what must be refused; access-flows-hold proves them against
// the plan's policies (docs/compliance-and-access.md, Access flows).

// Where flows come from.
const (
	// otherStackEndpoint stands for the S3 endpoint of another stack's
	// VPC: no policy of this stack admits it.
	otherStackEndpoint = "vpce-0another0stack0"
	// outsiderAccount is an account that is none of this platform's.
	outsiderAccount = "999999999999"
	// awsOwnedAccount stands for the account of an AWS-owned bucket (ECR
	// layers, Amazon Linux repositories): not this platform's.
	awsOwnedAccount = "000000000000"
	// exampleExecution stands for a pipeline execution's ID.
	exampleExecution = "example-execution"
)

// flowBuilder collects one domain's flows with the stack's names at hand.
type flowBuilder struct {
	p     *Platform
	flows []declare.Flow
	binds []declare.Binding
}

func (p *Platform) flowsFor() *flowBuilder { return &flowBuilder{p: p} }

func (b *flowBuilder) arn(service, resource string) string {
	return b.p.Account().ARN(service, resource)
}

func (b *flowBuilder) role(name string) pulumi.String {
	return pulumi.String(b.p.Account().Role(name))
}

// object is the ARN of a key in the bucket of purpose.
func (b *flowBuilder) object(purpose, key string) pulumi.String {
	return pulumi.String(b.p.Account().S3(b.p.Buckets.Names[purpose] + "/" + key))
}

func (b *flowBuilder) bucket(purpose string) pulumi.String {
	return pulumi.String(b.p.Account().S3(b.p.Buckets.Names[purpose]))
}

// vpce is a request through the stack's S3 gateway endpoint.
func (b *flowBuilder) vpce() declare.Network {
	return declare.ThroughEndpoint(b.p.Network.S3Endpoint.ID().ToStringOutput())
}

func (b *flowBuilder) add(name string, expect declare.Expectation, why string, reqs ...declare.Request) {
	b.flows = append(b.flows, declare.Flow{Name: name, Expect: expect, Why: why, Requests: reqs})
}

// register declares the collected flows as a child of parent.
func (b *flowBuilder) register(ctx *pulumi.Context, name, component string, parent pulumi.Resource) error {
	if len(b.flows) == 0 {
		return nil
	}
	binds := append([]declare.Binding{{Resource: b.p.Network.S3Endpoint, Value: b.p.Network.S3Endpoint.ID().ToStringOutput()}}, b.binds...)
	for _, k := range []string{KeyData, KeyLogs, KeyCluster, KeyAlerts} {
		binds = append(binds, declare.Binding{Resource: b.p.Keys.Keys[k], Value: b.p.Keys.ARNs[k]})
	}
	_, err := declare.New(ctx, name, declare.Args{
		Component: component, Partition: pulumi.String(b.p.Partition), Region: pulumi.String(b.p.Config.Region),
		AccountID: pulumi.String(b.p.AccountID), Flows: b.flows, Bindings: binds,
	}, pulumi.Parent(parent))
	return err
}

// req builds one request.
func req(principal pulumi.StringInput, action string, resource pulumi.StringInput, n declare.Network) declare.Request {
	return declare.Request{Principal: principal, Action: action, Resource: resource, Context: n}
}

// declareFlows registers every domain's flows.
func (p *Platform) declareFlows(ctx *pulumi.Context) error {
	for _, f := range []func(*pulumi.Context) error{p.storageFlows, p.sageMakerFlows, p.mlflowFlows, p.bedrockFlows, p.clusterFlows, p.costFlows, p.networkFlows, p.servingFlows, p.dashboardsFlows} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	return nil
}

// storageFlows: what the bucket policies must refuse when objects are
// reachable only through the VPC endpoint, and what linked services need.
func (p *Platform) storageFlows(ctx *pulumi.Context) error {
	b := p.flowsFor()
	self := pulumi.String("account:" + p.AccountID)
	plain := declare.FromInternet().With("aws:SecureTransport", pulumi.String("false"))
	b.add("a request without TLS reads or writes data", declare.Refused, "every data bucket requires TLS (aws:SecureTransport)",
		req(self, "s3:GetObject", b.object(storage.Models, "churn/model.tar.gz"), plain),
		req(self, "s3:PutObject", b.object(storage.TrainingData, "datasets/train.csv"), plain))
	if p.Config.Storage.RestrictToVPCEndpoint {
		outside := declare.FromInternet()
		data := b.object(storage.TrainingData, "datasets/train.csv")
		why := "storage.restrictToVpcEndpoint: objects only through the VPC's S3 endpoint"
		b.add("a principal outside the VPC endpoint reads training data", declare.Refused, why,
			req(self, "s3:GetObject", data, outside))
		b.add("a principal outside the VPC endpoint lists training data", declare.Refused, why,
			req(self, "s3:ListBucket", b.bucket(storage.TrainingData), outside))
		b.add("a principal outside the VPC endpoint reads object attributes, ACLs or tags", declare.Refused, why,
			req(self, "s3:GetObjectAttributes", data, outside), req(self, "s3:GetObjectAcl", data, outside),
			req(self, "s3:GetObjectTagging", data, outside))
		b.add("a principal outside the VPC endpoint changes ACLs, tags, retention or restores objects", declare.Refused, why,
			req(self, "s3:PutObjectAcl", data, outside), req(self, "s3:PutObjectTagging", data, outside),
			req(self, "s3:DeleteObjectTagging", data, outside), req(self, "s3:RestoreObject", data, outside),
			req(self, "s3:PutObjectRetention", data, outside), req(self, "s3:PutObjectLegalHold", data, outside))
		b.add("a principal outside the VPC endpoint reaches training data through another AWS service", declare.Refused,
			why+"; a forward access session (Athena, Glue) carries the caller's credentials, not the endpoint",
			req(self, "s3:GetObject", data, declare.Network{}.With("aws:ViaAWSService", pulumi.String("true")).
				With("aws:CalledVia", pulumi.String("athena.amazonaws.com"))))
		b.add("a principal through another stack's VPC endpoint reads models", declare.Refused, why,
			req(self, "s3:GetObject", b.object(storage.Models, "churn/model.tar.gz"), declare.ThroughEndpoint(pulumi.String(otherStackEndpoint))))
		if p.Config.Environment.ProdLike() {
			// Dev's roles, in the same account or not, from dev's VPC.
			dev := "dev"
			if pr := p.Config.Promotion; pr != nil {
				dev = pr.Stack
			}
			devRole := b.role(fmt.Sprintf("%s-%s-sagemaker", p.Config.Project, dev))
			b.add("dev's roles read prod training data and models", declare.Refused, why,
				req(devRole, "s3:GetObject", data, declare.ThroughEndpoint(pulumi.String(otherStackEndpoint))),
				req(devRole, "s3:GetObject", b.object(storage.Models, "churn/model.tar.gz"), declare.ThroughEndpoint(pulumi.String(otherStackEndpoint))),
				req(devRole, "s3:GetObject", data, declare.FromInternet()))
		}
	}
	if p.Lustre != nil && lustreLinksBuckets(p.Config) {
		fsxRole := p.Lustre.FileSystem.ID().ToStringOutput().ApplyT(func(id pulumi.ID) string {
			return p.Account().Role("aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_" + string(id))
		}).(pulumi.StringOutput)
		assume := "the FSx service-linked role's AWS managed policy grants S3 object access (FSx for Lustre user guide, setting-up: " +
			"Adding permissions to use data repositories in Amazon S3)"
		imp := req(fsxRole, "s3:GetObject", b.object(storage.TrainingData, "datasets/train.csv"), declare.FromService())
		imp.Assume = assume
		exp := req(fsxRole, "s3:PutObject", b.object(storage.Checkpoints, "run-1/step-100.pt"), declare.FromService())
		exp.Assume = assume
		b.add("FSx imports training data from its data repository", declare.Allowed, "storage.lustre.linkBuckets: /data", imp)
		b.add("FSx exports checkpoints to its data repository", declare.Allowed, "storage.lustre.linkBuckets: /checkpoints", exp)
	}
	return b.register(ctx, "storage-flows", "storage", p.Buckets)
}

// sageMakerFlows: jobs, pipelines, endpoints, Feature Store and Studio,
// and what people and other accounts must not reach.
func (p *Platform) sageMakerFlows(ctx *pulumi.Context) error {
	sm := p.SageMaker
	if sm == nil {
		return nil
	}
	cfg := p.Config
	s := cfg.SageMaker
	prefix := fmt.Sprintf("%s-%s", cfg.Project, cfg.Name)
	b := p.flowsFor()
	pipeline := pulumi.String(sm.ExecutionRole.ARN)
	var serving, studio pulumi.StringInput
	if sm.ServingRole != nil {
		serving = pulumi.String(sm.ServingRole.ARN)
	}
	if sm.StudioRole != nil {
		studio = pulumi.String(sm.StudioRole.ARN)
	}
	// Studio's and the jobs' calls reach the SageMaker API through its
	// interface endpoint (a VPC-only domain has no other way out).
	api := declare.FromInternet()
	if ep, ok := p.Network.InterfaceEndpoints["sagemaker.api"]; ok {
		api = declare.ThroughEndpoint(ep.ID().ToStringOutput())
		b.binds = append(b.binds, declare.Binding{Resource: ep, Value: ep.ID().ToStringOutput()})
	}
	if pl := s.Pipeline; pl != nil {
		name := buildPipelineName(prefix)
		b.add("a training job reads training data through the S3 endpoint", declare.Allowed, "pipeline Train step, in the VPC",
			req(pipeline, "s3:GetObject", b.object(storage.TrainingData, "pipelines/"+name+"/raw/part-0.csv"), b.vpce()))
		b.add("a training job writes checkpoints through the S3 endpoint", declare.Allowed, "pipeline Train step: CheckpointConfig",
			req(pipeline, "s3:PutObject", b.object(storage.Checkpoints, "pipelines/"+name+"/"+exampleExecution+"/checkpoint.pt"), b.vpce()))
		b.add("Pipelines resolves JsonGet on the evaluation report", declare.Allowed,
			"SageMaker developer guide, build-and-manage-access: Pipelines reads a JsonGet property file from its own network with the pipeline's role",
			req(pipeline, "s3:GetObject", b.object(storage.Artifacts, "pipelines/"+name+"/"+exampleExecution+"/evaluation/evaluation.json"), declare.FromService()))
		if studio != nil {
			start := req(studio, "sagemaker:StartPipelineExecution", pulumi.String(b.arn("sagemaker", "pipeline/"+name)), api)
			if cfg.Environment.ProdLike() {
				b.add("a Studio user starts the build pipeline", declare.Refused,
					"prod pipelines run from reviewed changes and schedules, not from a notebook", start)
			} else {
				b.add("a Studio user starts the build pipeline", declare.Allowed, "outside prod, people iterate on the pipeline from Studio", start)
			}
		}
	}
	if bi := s.BatchInference; bi != nil {
		b.add("Pipelines creates the batch transform's model and job", declare.Allowed,
			"SageMaker developer guide, build-and-manage-access: a pipeline's steps run with the pipeline's role",
			req(pipeline, "sagemaker:CreateModel", pulumi.String(b.arn("sagemaker", "model/pipelines-"+exampleExecution+"-createmodel")), declare.FromService()),
			req(pipeline, "sagemaker:CreateTransformJob", pulumi.String(b.arn("sagemaker", "transform-job/pipelines-"+exampleExecution+"-batchtransform")), declare.FromService()),
			req(pipeline, "iam:PassRole", pulumi.String(p.Account().Role(executionRoleName(prefix))), declare.FromService().With("iam:PassedToService", pulumi.String("sagemaker.amazonaws.com"))))
		b.add("the batch transform reads its input through the S3 endpoint", declare.Allowed,
			"sagemaker.batchInference: the model runs in the VPC, SageMaker downloads the input with its role",
			req(pipeline, "s3:GetObject", b.object(storage.TrainingData, bi.InputPrefix+"part-0.csv"), b.vpce()))
		b.add("the batch transform writes its predictions through the S3 endpoint", declare.Allowed,
			"sagemaker.batchInference: predictions per execution in the artifacts bucket",
			req(pipeline, "s3:PutObject", b.object(storage.Artifacts, "batch-inference/"+exampleExecution+"/predictions/part-0.csv.out"), b.vpce()))
	}
	for _, e := range s.Endpoints {
		if e.PromoteFrom != "" {
			if url := p.servedModelDataURL(e.Name, p.endpointModel(e)); strings.HasPrefix(url, "s3://"+p.Buckets.Names[storage.Models]+"/") {
				b.add(fmt.Sprintf("endpoint %s reads its promoted copy through the S3 endpoint", e.Name), declare.Allowed,
					"promotion copies the source's artifact into this stack's models bucket",
					req(serving, "s3:GetObject", pulumi.String("arn:"+p.Partition+":s3:::"+strings.TrimPrefix(url, "s3://")), b.vpce()))
			}
			continue
		}
		if e.Kind == config.EndpointServerless {
			continue
		}
		key := e.ModelPath
		if e.Kind == config.EndpointMultiModel {
			key += "model-a.tar.gz"
		}
		b.add(fmt.Sprintf("endpoint %s reads its model artifact through the S3 endpoint", e.Name), declare.Allowed,
			"SageMaker hosting in a VPC downloads model artifacts through the VPC's S3 endpoint",
			req(serving, "s3:GetObject", b.object(storage.Models, key), b.vpce()))
		b.add(fmt.Sprintf("endpoint %s's model overwrites or deletes a model", e.Name), declare.Refused,
			"the serving role reads models; a compromised container must not change what other endpoints load",
			req(serving, "s3:PutObject", b.object(storage.Models, key), b.vpce()),
			req(serving, "s3:DeleteObject", b.object(storage.Models, key), b.vpce()))
		if e.CapturePercent > 0 {
			b.add(fmt.Sprintf("endpoint %s writes data capture", e.Name), declare.Allowed,
				"SageMaker writes captured requests and responses with the model's execution role",
				req(serving, "s3:PutObject", b.object(storage.Artifacts, "data-capture/"+endpointName(prefix, e.Name)+"/AllTraffic/2026/12/07/00/capture.jsonl"), b.vpce()))
		}
	}
	if len(s.FeatureGroups) > 0 {
		for _, g := range s.FeatureGroups {
			if !g.OfflineStore {
				continue
			}
			b.add(fmt.Sprintf("Feature Store writes feature group %s's offline store", g.Name), declare.Allowed,
				"SageMaker Feature Store writes the offline store from its own network with the group's role",
				req(pipeline, "s3:PutObject", b.object(storage.TrainingData, featureStorePrefix+g.Name+"/data/part.parquet"), declare.FromService()))
		}
	}
	if studio != nil {
		b.add("a Studio user overwrites or deletes a model", declare.Refused,
			"endpoints (the multi-model one on demand) load what the models bucket holds",
			req(studio, "s3:PutObject", b.object(storage.Models, "recommendations/model-a.tar.gz"), b.vpce()),
			req(studio, "s3:DeleteObject", b.object(storage.Models, "recommendations/model-a.tar.gz"), b.vpce()))
	}
	if d := sm.Domain; d != nil && len(s.Domain.UserProfiles) > 0 {
		domainID := d.Domain.ID().ToStringOutput()
		res := func(format string) pulumi.StringOutput {
			return domainID.ApplyT(func(id string) string { return b.arn("sagemaker", fmt.Sprintf(format, id)) }).(pulumi.StringOutput)
		}
		profile := s.Domain.UserProfiles[0]
		n := api
		b.add("a Studio user opens a space", declare.Allowed,
			"SageMaker developer guide, studio-updated-jl-admin-guide-permissions",
			req(studio, "sagemaker:DescribeDomain", res("domain/%s"), n),
			req(studio, "sagemaker:DescribeUserProfile", res("user-profile/%s/"+profile), n),
			req(studio, "sagemaker:ListSpaces", pulumi.String("*"), n),
			req(studio, "sagemaker:CreateSpace", res("space/%s/"+profile+"-space"), n),
			req(studio, "sagemaker:AddTags", res("space/%s/"+profile+"-space"), n),
			req(studio, "sagemaker:DescribeSpace", res("space/%s/"+profile+"-space"), n),
			req(studio, "sagemaker:ListApps", pulumi.String("*"), n),
			req(studio, "sagemaker:CreateApp", res("app/%s/"+profile+"-space/jupyterlab/default"), n),
			req(studio, "sagemaker:DescribeApp", res("app/%s/"+profile+"-space/jupyterlab/default"), n),
			req(studio, "sagemaker:DeleteApp", res("app/%s/"+profile+"-space/jupyterlab/default"), n))
	}
	readers := readerAccountIDs(cfg)
	for _, acct := range readers {
		reader := pulumi.String("account:" + acct)
		assume := "the reader account grants its own deployer the same"
		read := req(reader, "s3:GetObject", b.object(storage.Models, "churn/model.tar.gz"), declare.FromInternet())
		read.Assume = assume
		b.add(fmt.Sprintf("reader account %s reads promoted model artifacts", acct), declare.Allowed, "sagemaker.modelPackageGroups[].readerAccountIds", read)
		b.add(fmt.Sprintf("reader account %s reads data capture", acct), declare.Refused,
			"data-capture/ holds request and response payloads; invocation logs sit in the same bucket",
			req(reader, "s3:GetObject", b.object(storage.Artifacts, "data-capture/"+prefix+"-churn/2026/12/07/capture.jsonl"), declare.FromInternet()),
			req(reader, "s3:GetObject", b.object(storage.Artifacts, invocationLogPrefix+"AWSLogs/"+p.AccountID+"/log.json.gz"), declare.FromInternet()))
		for _, g := range s.ModelPackageGroups {
			b.add(fmt.Sprintf("reader account %s approves a %s model package", acct, g.Name), declare.Refused,
				"approval is this account's decision",
				req(reader, "sagemaker:UpdateModelPackage", pulumi.String(b.arn("sagemaker", "model-package/"+g.Name+"/1")), declare.FromInternet()))
		}
	}
	return b.register(ctx, "sagemaker-flows", "sagemaker", sm.ExecutionRole)
}

// bedrockFlows: invocation logs delivered by Bedrock, the knowledge base
// reading its documents.
func (p *Platform) bedrockFlows(ctx *pulumi.Context) error {
	br := p.Bedrock
	if br == nil {
		return nil
	}
	b := p.flowsFor()
	if br.Logging != nil {
		svc := pulumi.String("service:bedrock.amazonaws.com")
		n := declare.Network{}.With("aws:SourceAccount", pulumi.String(p.AccountID)).
			With("aws:SourceArn", pulumi.String(b.arn("bedrock", "")))
		b.add("Bedrock writes model invocation logs", declare.Allowed, "Bedrock user guide, model-invocation-logging: S3 destination",
			req(svc, "s3:PutObject", b.object(storage.Artifacts, invocationLogPrefix+"AWSLogs/"+p.AccountID+"/BedrockModelInvocationLogs/log.json.gz"), n))
	}
	for _, id := range p.Config.Bedrock.Models {
		m, geo, ok := catalog.LookupBedrockModel(id)
		if !ok || geo != "" {
			continue
		}
		app := b.role(p.Cluster.Name + "-bedrock-app")
		model := pulumi.String(brc.FoundationModelARN(p.Partition, p.Config.Region, m.ID))
		with := declare.Network{}.With("bedrock:GuardrailIdentifier", br.Guardrail.VersionARN)
		why := "Bedrock user guide, guardrails-permissions-id: bedrock:GuardrailIdentifier enforces the guardrail"
		b.add("the Bedrock client invokes "+m.ID+" through the guardrail", declare.Allowed, why,
			req(app, "bedrock:InvokeModel", model, with))
		b.add("the Bedrock client invokes "+m.ID+" without the guardrail", declare.Refused, why,
			req(app, "bedrock:InvokeModel", model, declare.Network{}),
			req(app, "bedrock:InvokeModel", model, declare.Network{}.With("bedrock:GuardrailIdentifier", pulumi.String(b.arn("bedrock", "guardrail/another:1")))))
		break
	}
	if kb := br.KnowledgeBase; kb != nil && p.Config.Bedrock.KnowledgeBase != nil {
		prefix := p.Config.Bedrock.KnowledgeBase.Prefix
		role := kb.Role.Arn
		list := req(role, "s3:ListBucket", b.bucket(storage.TrainingData), declare.FromService().With("s3:prefix", pulumi.String(prefix)))
		b.add("the knowledge base lists its documents", declare.Allowed, "Bedrock user guide, kb-permissions: ingestion lists and reads the data source with the KB role",
			list, req(role, "s3:GetObject", b.object(storage.TrainingData, prefix+"handbook.pdf"), declare.FromService()))
		b.add("the knowledge base role reads training data outside its prefix", declare.Refused, "its exemption from the endpoint covers its prefix only",
			req(role, "s3:GetObject", b.object(storage.TrainingData, "datasets/train.csv"), declare.FromService()))
	}
	return b.register(ctx, "bedrock-flows", "bedrock", br.Access)
}

// podIdentity is EKS Pod Identity assuming a role for a pod: the session
// tags EKS sets (EKS user guide, pod-id-role).
func (p *Platform) podIdentity(b *flowBuilder, role pulumi.StringInput, clusterName, namespace, serviceAccount string) []declare.Request {
	n := declare.Network{}.
		With("aws:SourceAccount", pulumi.String(p.AccountID)).
		With("aws:SourceArn", pulumi.String(b.arn("eks", "podidentityassociation/"+clusterName+"/a-1"))).
		With("aws:RequestTag/eks-cluster-arn", pulumi.String(b.arn("eks", "cluster/"+clusterName))).
		With("aws:RequestTag/eks-cluster-name", pulumi.String(clusterName)).
		With("aws:RequestTag/kubernetes-namespace", pulumi.String(namespace)).
		With("aws:RequestTag/kubernetes-service-account", pulumi.String(serviceAccount))
	svc := pulumi.String("service:pods.eks.amazonaws.com")
	return []declare.Request{req(svc, "sts:AssumeRole", role, n), req(svc, "sts:TagSession", role, n)}
}

// clusterFlows: Pod Identity roles are assumed by their own pods only.
func (p *Platform) clusterFlows(ctx *pulumi.Context) error {
	b := p.flowsFor()
	name := p.Cluster.Name
	type podRole struct {
		what, role, namespace, sa string
	}
	var roles []podRole
	if p.Karpenter != nil {
		roles = append(roles, podRole{"Karpenter's controller", cluster.KarpenterNamesFor(name).ControllerRole, "kube-system", "karpenter"})
	}
	if p.MLflow != nil && p.MLflow.Trainer != nil {
		roles = append(roles, podRole{"the training job", trainerRoleName(p.Config.Project + "-" + p.Config.Name), workloads.TrainingNamespace, TrainerServiceAccount})
	}
	if br := p.Bedrock; br != nil && p.Config.Bedrock.Application.Namespace != "" {
		a := p.Config.Bedrock.Application
		roles = append(roles, podRole{"the Bedrock client", name + "-bedrock-app", a.Namespace, a.ServiceAccount})
	}
	for _, r := range roles {
		arn := b.role(r.role)
		why := "EKS user guide, pod-id-role: restrict the trust with the session tags EKS sets"
		b.add(r.what+" pod assumes its role", declare.Allowed, why, p.podIdentity(b, arn, name, r.namespace, r.sa)...)
		b.add("a pod in another namespace assumes "+r.what+"'s role", declare.Refused, why, p.podIdentity(b, arn, name, "default", r.sa)...)
		b.add("a pod of another cluster assumes "+r.what+"'s role", declare.Refused, why, p.podIdentity(b, arn, name+"-other", r.namespace, r.sa)...)
	}
	if gm := p.Cluster.GroupMetrics; gm != nil {
		role := b.role(cluster.GroupMetricsFunctionName(name))
		b.add("Lambda assumes the group-metrics function's role", declare.Allowed, "Lambda developer guide, lambda-intro-execution-role",
			req(pulumi.String("service:lambda.amazonaws.com"), "sts:AssumeRole", role, declare.Network{}))
		asg := pulumi.String(fmt.Sprintf("arn:%s:autoscaling:%s:%s:autoScalingGroup:0a1b2c3d-0000-0000-0000-000000000000:autoScalingGroupName/eks-gpu-1",
			p.Partition, p.Config.Region, p.AccountID))
		why := "catalog.GroupMetricsSource: EKS tags a node group's Auto Scaling group eks:cluster-name"
		b.add("the group-metrics function turns on metrics for this cluster's node groups", declare.Allowed, why,
			req(role, "autoscaling:EnableMetricsCollection", asg, declare.Network{}.With("aws:ResourceTag/eks:cluster-name", pulumi.String(name))))
		b.add("the group-metrics function changes another cluster's Auto Scaling group", declare.Refused, why,
			req(role, "autoscaling:EnableMetricsCollection", asg, declare.Network{}.With("aws:ResourceTag/eks:cluster-name", pulumi.String(name+"-other"))),
			req(role, "autoscaling:UpdateAutoScalingGroup", asg, declare.Network{}.With("aws:ResourceTag/eks:cluster-name", pulumi.String(name))))
	}
	return b.register(ctx, "cluster-flows", "cluster", p.Cluster)
}

// costFlows: AWS Budgets runs the budget action with its role.
func (p *Platform) costFlows(ctx *pulumi.Context) error {
	if p.Cost == nil || p.Cost.Action == nil {
		return nil
	}
	b := p.flowsFor()
	prefix := fmt.Sprintf("%s-%s", p.Config.Project, p.Config.Name)
	budget := p.Cost.Budget.Name.ApplyT(func(name string) string {
		return p.Account().Global("budgets", "budget/"+name)
	}).(pulumi.StringOutput)
	n := declare.Network{}.With("aws:SourceAccount", pulumi.String(p.AccountID)).With("aws:SourceArn", budget)
	b.add("AWS Budgets assumes the budget action role", declare.Allowed,
		"Cost Management user guide, cross-service confused deputy prevention: aws:SourceArn is arn:aws:budgets::<account>:budget/*",
		req(pulumi.String("service:budgets.amazonaws.com"), "sts:AssumeRole", b.role(prefix+"-budget-action"), n))
	return b.register(ctx, "cost-flows", "cost", p.Cost)
}

// networkFlows: what passes through the S3 gateway endpoint.
func (p *Platform) networkFlows(ctx *pulumi.Context) error {
	b := p.flowsFor()
	outsider := pulumi.String("account:" + outsiderAccount)
	own := req(outsider, "s3:PutObject", pulumi.String(p.Account().S3("exfiltration-example/copy.csv")),
		b.vpce().With("aws:ResourceAccount", pulumi.String(outsiderAccount)))
	own.Assume = "the outsider's bucket admits its own account"
	b.add("another account's credentials copy data to its own bucket through the S3 endpoint", declare.Refused,
		"VPC user guide, vpc-endpoints-s3: an endpoint policy limits the principals and buckets reached through it", own)
	if ep, ok := p.Network.InterfaceEndpoints["kms"]; ok {
		b.binds = append(b.binds, declare.Binding{Resource: ep, Value: ep.ID().ToStringOutput()})
		key := req(outsider, "kms:Decrypt", pulumi.String(fmt.Sprintf("arn:%s:kms:%s:%s:key/outsider", p.Partition, p.Config.Region, outsiderAccount)),
			declare.ThroughEndpoint(ep.ID().ToStringOutput()))
		key.Assume = "the outsider's key admits its own account"
		b.add("another account's credentials use their own key through the KMS endpoint", declare.Refused,
			"catalog.EndpointPolicySource: interface endpoints admit this account's principals only", key)
	}
	nodes := p.Cluster.NodeRole.Arn
	assume := "AWS managed node policies (AmazonEC2ContainerRegistryReadOnly) and AWS-owned buckets admit the nodes"
	for _, f := range []struct{ what, object string }{
		{"nodes pull image layers from ECR's bucket through the S3 endpoint", "prod-" + p.Config.Region + "-starport-layer-bucket/sha256/layer"},
		{"nodes install packages from the Amazon Linux repositories through the S3 endpoint", "al2023-repos-" + p.Config.Region + "-de612dc2/core/mirrors/latest/x86_64/mirror.list"},
	} {
		r := req(nodes, "s3:GetObject", pulumi.String(p.Account().S3(f.object)), b.vpce().With("aws:ResourceAccount", pulumi.String(awsOwnedAccount)))
		r.Assume = assume
		b.add(f.what, declare.Allowed, "ECR user guide, vpc-endpoints: the S3 gateway endpoint policy must admit the layer bucket; AL2023 user guide: repositories in S3", r)
	}
	return b.register(ctx, "network-flows", "network", p.Network)
}
