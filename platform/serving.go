package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/access/declare"
	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/workloads"
)

// Serving is the in-cluster LLM servers and what they share.
type Serving struct {
	Shared  *workloads.Serving
	Servers map[string]*workloads.LLMServer
	// ServerRoles, GatewayRoles by server name; KEDARole is nil when
	// nothing scales on Prometheus.
	ServerRoles, GatewayRoles map[string]*podIdentity
	KEDARole                  *podIdentity
}

// Role names: fixed, so flows and bucket policies can name them.
func llmRoleName(prefix, server string) string     { return prefix + "-llm-" + server }
func gatewayRoleName(prefix, server string) string { return prefix + "-llm-" + server + "-gw" }
func kedaRoleName(prefix string) string            { return prefix + "-keda" }

// buildServing runs the LLM servers in ml-inference: KEDA (with a role
// that queries the Prometheus workspace), LeaderWorkerSet for multi-node
// replicas, the shared model cache, and per server its model-reading
// role, its guardrail gateway and role, and the server itself.
func (p *Platform) buildServing(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	llms := cfg.Serving.LLMs
	if len(llms) == 0 {
		return nil
	}
	ns := p.Namespaces.Namespaces[workloads.InferenceNamespace]
	if p.SharedVolume == nil || ns == nil {
		return fmt.Errorf("%s: the servers need the shared file system's storage class and ml-inference", config.KeyServing)
	}
	s := &Serving{Servers: map[string]*workloads.LLMServer{}, ServerRoles: map[string]*podIdentity{}, GatewayRoles: map[string]*podIdentity{}}
	p.Serving = s
	scales, multiNode := false, false
	for _, l := range llms {
		scales = scales || l.MaxReplicas > l.MinReplicas || l.MinReplicas == 0
		multiNode = multiNode || l.Nodes > 1
	}
	var prometheusURL pulumi.StringInput
	var kedaDeps []pulumi.Resource
	if prom := p.prometheus(); prom != nil && scales {
		prometheusURL = pulumi.Sprintf("https://aps-workspaces.%s.amazonaws.com/workspaces/%s", cfg.Region, prom.Workspace.ID())
		chart, _ := catalog.LookupChart("keda")
		var err error
		s.KEDARole, err = p.newPodRole(ctx, podRole{
			logical: "serving-keda", name: kedaRoleName(prefix), namespace: chart.Namespace, serviceAccount: catalog.KEDAOperatorServiceAccount,
			description: "KEDA's operator: read the LLM servers' queue depth from the managed Prometheus workspace",
			policy: prom.Workspace.Arn.ApplyT(func(ws string) string {
				return iamdoc.New(iamdoc.Allow("QueryServingMetrics", catalog.PrometheusQueryActions, ws)).JSON()
			}).(pulumi.StringOutput),
		}, withAWS)
		if err != nil {
			return err
		}
		kedaDeps = s.KEDARole.ready()
	}
	var err error
	s.Shared, err = workloads.NewServing(ctx, "serving", &workloads.ServingArgs{
		Provider: p.Cluster.Provider, Namespace: ns.Metadata.Name().Elem(), KEDA: scales, LWS: multiNode,
		DependsOn: append([]pulumi.Resource{p.SharedVolume, p.Accelerators}, kedaDeps...),
	})
	if err != nil {
		return err
	}
	bucket := p.Buckets.Names[storage.Models]
	for _, l := range llms {
		role, err := p.newPodRole(ctx, podRole{
			logical: "serving-" + l.Name, name: llmRoleName(prefix, l.Name), namespace: workloads.InferenceNamespace,
			serviceAccount: l.Name, account: true,
			description: fmt.Sprintf("LLM server %s: read its model, %s, from the models bucket", l.Name, l.ModelPath),
			policy:      pulumi.String(p.modelReaderPolicy(prefix, bucket, l.ModelPath).JSON()),
		}, withAWS, ns)
		if err != nil {
			return err
		}
		s.ServerRoles[l.Name] = role
		args := &workloads.LLMServerArgs{
			Provider: p.Cluster.Provider, LLM: l, Namespace: ns.Metadata.Name().Elem(), ServiceAccount: l.Name,
			ModelsBucket: pulumi.String(bucket), Region: cfg.Region, CacheClaim: workloads.ModelCacheClaim,
			// Prod replicas stay off spot where the pool also launches it.
			OnDemand:           cfg.Environment.ProdLike() && l.Pool == cluster.PoolGPUTraining,
			PrometheusQueryURL: prometheusURL,
			ClientCIDRs:        []string{cfg.Network.CIDR},
			Environment:        string(cfg.Environment),
			DependsOn:          append(append(s.Shared.Ready(), role.ready()...), p.Accelerators),
		}
		if p.prometheus() != nil {
			args.ScraperCIDRs = p.Network.Layout.Private
		}
		if l.Guardrail {
			gw := l.Name + "-gateway"
			gwRole, err := p.newPodRole(ctx, podRole{
				logical: "serving-" + gw, name: gatewayRoleName(prefix, l.Name), namespace: workloads.InferenceNamespace,
				serviceAccount: gw, account: true,
				description: fmt.Sprintf("LLM server %s's gateway: apply the stack's Bedrock guardrail", l.Name),
				policy: p.Bedrock.Guardrail.ARN.ApplyT(func(arn string) string {
					return iamdoc.New(iamdoc.Allow("ApplyTheGuardrail", []string{"bedrock:ApplyGuardrail"}, arn)).JSON()
				}).(pulumi.StringOutput),
			}, withAWS, ns)
			if err != nil {
				return err
			}
			s.GatewayRoles[l.Name] = gwRole
			args.Gateway = &workloads.LLMGateway{ServiceAccount: gw,
				GuardrailID: p.Bedrock.Guardrail.Guardrail.GuardrailId, GuardrailVersion: p.Bedrock.Guardrail.Version.Version}
			args.DependsOn = append(args.DependsOn, gwRole.ready()...)
		}
		server, err := workloads.NewLLMServer(ctx, "serving-"+l.Name, args)
		if err != nil {
			return err
		}
		s.Servers[l.Name] = server
	}
	return nil
}

// modelReaderPolicy reads one model prefix of the models bucket, with the
// data key through S3 only.
func (p *Platform) modelReaderPolicy(prefix, bucket, modelPath string) iamdoc.Document {
	a := p.Account()
	return iamdoc.New(
		iamdoc.Allow("ReadTheModel", []string{"s3:GetObject"}, a.S3(bucket+"/"+modelPath+"*")),
		prefixListing("ListTheModel", a.S3(bucket), modelPath),
		p.dataKeyThroughS3("ModelKey", prefix, "kms:Decrypt"),
	)
}

// llmServerURLs are the servers' in-cluster addresses (the gateway's when
// guarded), by name; the internal load balancer serves the VPC.
func (p *Platform) llmServerURLs() pulumi.StringMap {
	out := pulumi.StringMap{}
	for _, l := range p.Config.Serving.LLMs {
		host, port := l.Name, catalog.VLLMPort
		if l.Guardrail {
			host, port = l.Name+"-gateway", catalog.GatewayPort
		}
		out[l.Name] = pulumi.String(fmt.Sprintf("http://%s.%s.svc.cluster.local:%d/v1", host, workloads.InferenceNamespace, port))
	}
	return out
}

// servingFlows: each server reads its own model through the S3 endpoint
// and nothing else; its gateway applies the guardrail and invokes no
// Bedrock model; KEDA queries the workspace and writes nothing.
func (p *Platform) servingFlows(ctx *pulumi.Context) error {
	s := p.Serving
	if s == nil {
		return nil
	}
	b := p.flowsFor()
	prefix := p.Config.Project + "-" + p.Config.Name
	for _, l := range p.Config.Serving.LLMs {
		role := b.role(llmRoleName(prefix, l.Name))
		b.add(fmt.Sprintf("LLM server %s loads its model", l.Name), declare.Allowed,
			"serving.llms: the model-sync init container copies modelPath into the cache",
			req(role, "s3:GetObject", b.object(storage.Models, l.ModelPath+"model-00001-of-00002.safetensors"), b.vpce()),
			req(role, "s3:ListBucket", b.bucket(storage.Models), b.vpce().With("s3:prefix", pulumi.String(l.ModelPath))))
		b.add(fmt.Sprintf("LLM server %s reads other models or training data", l.Name), declare.Refused,
			"its role covers its own model prefix only",
			req(role, "s3:GetObject", b.object(storage.Models, "churn/v1/model.tar.gz"), b.vpce()),
			req(role, "s3:GetObject", b.object(storage.TrainingData, "raw/part-0.csv"), b.vpce()),
			req(role, "s3:PutObject", b.object(storage.Models, l.ModelPath+"config.json"), b.vpce()))
		if l.Guardrail {
			gw := b.role(gatewayRoleName(prefix, l.Name))
			guardrail := b.p.Bedrock.Guardrail.ARN
			b.add(fmt.Sprintf("LLM server %s's gateway applies the guardrail", l.Name), declare.Allowed,
				"LiteLLM's bedrock guardrail calls ApplyGuardrail on every request and response",
				req(gw, "bedrock:ApplyGuardrail", guardrail, declare.FromInternet()))
			b.add(fmt.Sprintf("LLM server %s's gateway invokes Bedrock models or reads models", l.Name), declare.Refused,
				"the gateway only judges text; the model runs in the cluster",
				req(gw, "bedrock:InvokeModel", pulumi.String(b.arn("bedrock", "foundation-model/anthropic.claude-3-haiku-20240307-v1:0")), declare.FromInternet()),
				req(gw, "s3:GetObject", b.object(storage.Models, l.ModelPath+"config.json"), b.vpce()))
		}
	}
	if s.KEDARole != nil {
		keda := b.role(kedaRoleName(prefix))
		ws := p.prometheus().Workspace.Arn
		b.add("KEDA reads the servers' queue depth", declare.Allowed, "the prometheus trigger runs PromQL against the workspace",
			req(keda, "aps:QueryMetrics", ws, declare.FromInternet()))
		b.add("KEDA writes metrics or reads models", declare.Refused, "query actions only",
			req(keda, "aps:RemoteWrite", ws, declare.FromInternet()),
			req(keda, "s3:GetObject", b.object(storage.Models, "churn/v1/model.tar.gz"), b.vpce()))
	}
	return b.register(ctx, "serving-flows", "serving", s.Shared)
}

// servingGuarded says a server has a guardrail gateway, whose
// NetworkPolicy needs the VPC CNI to enforce it.
func servingGuarded(cfg *config.Stack) bool {
	for _, l := range cfg.Serving.LLMs {
		if l.Guardrail {
			return true
		}
	}
	return false
}
