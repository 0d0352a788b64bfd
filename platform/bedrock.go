package platform

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	brc "github.com/ml-platform/ml-platform/components/bedrock"
	"github.com/ml-platform/ml-platform/components/cluster"
	smc "github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
)

// Bedrock is what the stack builds on Amazon Bedrock.
type Bedrock struct {
	Guardrail *brc.Guardrail
	Access    *brc.Access
	// Logging, Models and KnowledgeBase are nil when off.
	Logging       *brc.InvocationLogging
	Models        *brc.Models
	KnowledgeBase *brc.KnowledgeBase
}

// invocationLogPrefix is where invocation logs go in the artifacts bucket.
const invocationLogPrefix = "bedrock-invocation-logs/"

// knowledgeBaseRoleName is the knowledge base role's fixed name, known to
// the training data bucket's policy before the role exists.
func knowledgeBaseRoleName(cfg *config.Stack) string {
	return config.KnowledgeBaseName(cfg.Project, cfg.Name) + "-bedrock-kb"
}

// bedrockDeliveries let Bedrock write invocation logs into the artifacts
// bucket (its user guide's statement, covering the large-payload prefix).
func bedrockDeliveries(cfg *config.Stack, partition, account string) []storage.ServiceDelivery {
	if !cfg.Bedrock.Enabled || cfg.Bedrock.InvocationLogging == nil {
		return nil
	}
	return []storage.ServiceDelivery{{Purpose: storage.Artifacts, Sid: "BedrockModelInvocationLogs", Service: "bedrock.amazonaws.com",
		Prefix: brc.DeliveryPrefix(invocationLogPrefix), SourceARN: brc.SourceARN(awsarn.Account{Partition: partition, Region: cfg.Region, AccountID: account})}}
}

// bedrockServicePrefixes let the knowledge base's role read its documents
// from Bedrock's network through a VPC-endpoint-restricted bucket.
func bedrockServicePrefixes(cfg *config.Stack, partition, account string) []storage.ServicePrefix {
	kb := cfg.Bedrock.KnowledgeBase
	if !cfg.Bedrock.Enabled || kb == nil {
		return nil
	}
	return []storage.ServicePrefix{{Purpose: storage.TrainingData, Prefix: kb.Prefix,
		RoleARN: fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, knowledgeBaseRoleName(cfg))}}
}

// buildBedrock registers the guardrail, invocation logging, the models,
// the application's access and the knowledge base.
func (p *Platform) buildBedrock(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	b := cfg.Bedrock
	if !b.Enabled {
		return nil
	}
	br := &Bedrock{}
	p.Bedrock = br
	tagsOf := cfg.Tags()
	var err error
	br.Guardrail, err = brc.NewGuardrail(ctx, "bedrock-guardrail", &brc.GuardrailArgs{
		Name: prefix, Spec: b.Guardrail, KMSKeyARN: p.Keys.ARNs[KeyData], Tags: tagsOf,
	}, withAWS)
	if err != nil {
		return err
	}

	if l := b.InvocationLogging; l != nil {
		br.Logging, err = brc.NewInvocationLogging(ctx, "bedrock-invocation-logging", &brc.InvocationLoggingArgs{
			Prefix: prefix, Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
			BucketName: p.Buckets.Names[storage.Artifacts], KeyPrefix: invocationLogPrefix, LogsKeyARN: p.Keys.ARNs[KeyLogs],
			RetentionDays: l.RetentionDays, Protect: cfg.Environment.ProdLike(), Text: l.Text, Image: l.Image, Embedding: l.Embedding, Video: l.Video,
			DependsOn: []pulumi.Resource{p.Buckets.Policies[storage.Artifacts], p.Keys.Keys[KeyData]}, Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}

	extra := pulumi.StringArray{}.ToStringArrayOutput()
	if len(b.ApplicationProfiles) > 0 || len(b.ProvisionedThroughput) > 0 {
		args := &brc.ModelsArgs{Prefix: prefix, Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
			Protect: cfg.Environment.ProdLike(), Tags: tagsOf}
		for _, ap := range b.ApplicationProfiles {
			args.Profiles = append(args.Profiles, brc.ApplicationProfile{Name: ap.Name, Model: ap.Model})
		}
		for _, t := range b.ProvisionedThroughput {
			args.Throughput = append(args.Throughput, brc.Throughput{Name: t.Name, Model: t.Model, Units: t.Units, Commitment: t.Commitment})
		}
		br.Models, err = brc.NewModels(ctx, "bedrock-models", args, withAWS)
		if err != nil {
			return err
		}
		extra = br.Models.ARNs
	}

	if kb := b.KnowledgeBase; kb != nil {
		br.KnowledgeBase, err = brc.NewKnowledgeBase(ctx, "bedrock-knowledge-base", &brc.KnowledgeBaseArgs{
			Name: config.KnowledgeBaseName(cfg.Project, cfg.Name), Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
			VPCID: p.Network.VPC.ID().ToStringOutput(), VPCCIDR: cfg.Network.CIDR, SubnetIDs: p.Network.PrivateSubnetIDs,
			KMSKeyARN: p.Keys.ARNs[KeyData], BucketName: p.Buckets.Names[storage.TrainingData], Prefix: kb.Prefix,
			EmbeddingModel: kb.EmbeddingModel, Dimensions: kb.Dimensions, Chunking: kb.Chunking, MaxTokens: kb.MaxTokens,
			OverlapPercent: kb.OverlapPercent, IndexName: kb.IndexName, IndexCreated: kb.IndexCreated,
			StandbyReplicas: kb.StandbyReplicas, IndexAdminRoleARNs: kb.IndexAdminRoleARNs, Tags: tagsOf,
		}, withAWS)
		if err != nil {
			return err
		}
	}
	// Pods of the application's service account assume the invoke role;
	// without a cluster, the trust names no service account that exists.
	bedrockTrust := cluster.PodIdentityTrustPolicy(cluster.PodIdentity{Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID},
		ClusterName: prefix, Namespace: b.Application.Namespace, ServiceAccount: b.Application.ServiceAccount}).JSON()
	access := &brc.AccessArgs{
		Name:      prefix + "-bedrock-app",
		Scope:     brc.InvokeScope{Account: awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID}, Models: b.Models, Streaming: b.Streaming},
		ExtraARNs: extra, GuardrailARN: br.Guardrail.ARN, GuardrailVersionARN: br.Guardrail.VersionARN,
		GuardrailKeyARN: p.Keys.ARNs[KeyData], TrustPolicy: bedrockTrust, Tags: tagsOf,
	}
	if kb := br.KnowledgeBase; kb != nil && kb.KnowledgeBase != nil {
		access.KnowledgeBaseARN = kb.KnowledgeBase.Arn
	}
	if p.Cluster != nil {
		access.ClusterName = p.Cluster.ClusterName
		access.Namespace, access.ServiceAccount = b.Application.Namespace, b.Application.ServiceAccount
	}
	br.Access, err = brc.NewAccess(ctx, "bedrock-access", access, withAWS)
	if err != nil {
		return err
	}
	if err := p.bedrockServiceAccount(ctx, br); err != nil {
		return err
	}
	if sm := p.SageMaker; sm != nil {
		// SageMaker jobs, endpoints and Studio reach Bedrock the same way,
		// through the guardrail.
		for _, r := range []struct {
			name string
			role *smc.ExecutionRole
		}{{"bedrock-sagemaker", sm.ExecutionRole}, {"bedrock-sagemaker-serving", sm.ServingRole}, {"bedrock-sagemaker-studio", sm.StudioRole}} {
			if r.role == nil {
				continue
			}
			if _, err := iam.NewRolePolicyAttachment(ctx, r.name, &iam.RolePolicyAttachmentArgs{
				Role: r.role.Role.Name, PolicyArn: br.Access.Policy.Arn,
			}, withAWS); err != nil {
				return err
			}
		}
	}

	return nil
}

// bedrockServiceAccount creates the application's service account when
// its namespace is one the platform creates; another namespace's owner
// creates it (the Pod Identity association names it either way).
func (p *Platform) bedrockServiceAccount(ctx *pulumi.Context, br *Bedrock) error {
	access := br.Access
	app := p.Config.Bedrock.Application
	if p.Namespaces == nil {
		return nil
	}
	ns, ok := p.Namespaces.Namespaces[app.Namespace]
	if !ok {
		return nil
	}
	_, err := corev1.NewServiceAccount(ctx, "bedrock-client", &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(app.ServiceAccount), Namespace: ns.Metadata.Name(),
			Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("ml-platform")},
			Annotations: pulumi.StringMap{
				// For people reading the cluster: Pod Identity needs no annotation.
				"ml-platform.io/aws-role": access.Role.Arn,
			},
		},
	}, pulumi.Provider(p.Cluster.Provider), pulumi.DependsOn([]pulumi.Resource{ns}))
	if err != nil {
		return err
	}
	// The guardrail version clients pass, published where they read it
	// (envFrom this ConfigMap): after a guardrail change the new version
	// appears here while the invoke policy still admits the previous one,
	// so running pods keep working until they restart and pick it up.
	_, err = corev1.NewConfigMap(ctx, "bedrock-guardrail", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(GuardrailConfigMap), Namespace: ns.Metadata.Name(),
			Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("ml-platform")},
		},
		Data: pulumi.StringMap{
			"BEDROCK_GUARDRAIL_ID":      br.Guardrail.Guardrail.GuardrailId,
			"BEDROCK_GUARDRAIL_VERSION": br.Guardrail.Version.Version,
			"BEDROCK_GUARDRAIL_ARN":     br.Guardrail.ARN,
			"BEDROCK_STREAMING":         pulumi.String(fmt.Sprint(p.Config.Bedrock.Streaming)),
		},
	}, pulumi.Provider(p.Cluster.Provider), pulumi.DependsOn([]pulumi.Resource{ns, access.Policy}))
	return err
}

// GuardrailConfigMap is the ConfigMap in the Bedrock application's
// namespace that holds the guardrail's current version.
const GuardrailConfigMap = "bedrock-guardrail"

// bedrockOutput is one of Bedrock's outputs, "" without Bedrock.
func (p *Platform) bedrockOutput(get func(*Bedrock) pulumi.StringInput) pulumi.StringInput {
	if p.Bedrock == nil {
		return pulumi.String("")
	}
	return get(p.Bedrock)
}

// knowledgeBaseOutput is what creating the vector index needs: the
// collection's endpoint, the index name and its mapping; and the
// knowledge base once it exists. Empty without a knowledge base.
func (p *Platform) knowledgeBaseOutput() pulumi.MapInput {
	if p.Bedrock == nil || p.Bedrock.KnowledgeBase == nil {
		return pulumi.Map{}
	}
	kb := p.Config.Bedrock.KnowledgeBase
	out := pulumi.Map{
		"collectionEndpoint": p.Bedrock.KnowledgeBase.Collection.CollectionEndpoint,
		"indexName":          pulumi.String(kb.IndexName),
		"indexMapping":       pulumi.String(brc.IndexMapping(kb.Dimensions)),
		"knowledgeBaseId":    pulumi.String(""),
	}
	if k := p.Bedrock.KnowledgeBase.KnowledgeBase; k != nil {
		out["knowledgeBaseId"] = k.ID()
	}
	return out
}
