package bedrock

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrock"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/opensearch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// Field names of the vector index, the ones Bedrock's quick create uses.
const (
	VectorField   = "bedrock-knowledge-base-default-vector"
	TextField     = "AMAZON_BEDROCK_TEXT_CHUNK"
	MetadataField = "AMAZON_BEDROCK_METADATA"
)

// IndexPermissions are what the knowledge base's role may do in the
// collection's indexes (Bedrock user guide, kb-create-security).
var IndexPermissions = []string{"aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument"}

// adminPermissions are what the index administrators may do: create the
// vector index and look after it.
var adminPermissions = []string{"aoss:CreateIndex", "aoss:DeleteIndex", "aoss:DescribeIndex", "aoss:ReadDocument",
	"aoss:UpdateIndex", "aoss:WriteDocument"}

// KnowledgeBaseArgs configures the knowledge base.
type KnowledgeBaseArgs struct {
	// Name names the collection, its policies and the knowledge base:
	// 3 to 28 lowercase letters, digits and dashes (required).
	Name string
	// Partition, Region and AccountID place the ARNs (required).
	awsarn.Account
	// VPCID, VPCCIDR and SubnetIDs place the collection's VPC endpoint (required).
	VPCID     pulumi.StringInput
	VPCCIDR   string
	SubnetIDs pulumi.StringArrayInput
	// KMSKeyARN encrypts the collection and the ingestion's transient data;
	// it is the data bucket's key too (required).
	KMSKeyARN pulumi.StringInput
	// BucketName and Prefix are the documents (required).
	BucketName, Prefix string
	// EmbeddingModel and Dimensions make the vectors (required).
	EmbeddingModel string
	Dimensions     int
	// Chunking is FIXED_SIZE, NONE, HIERARCHICAL or SEMANTIC; MaxTokens and
	// OverlapPercent size FIXED_SIZE.
	Chunking                  string
	MaxTokens, OverlapPercent int
	// IndexName is the vector index; IndexCreated says it exists, and only
	// then are the knowledge base and data source created.
	IndexName    string
	IndexCreated bool
	// StandbyReplicas keeps the collection's standby replicas (prod).
	StandbyReplicas bool
	// IndexAdminRoleARNs may create the index (required: someone must).
	IndexAdminRoleARNs []string
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// KnowledgeBase is the vector collection, its policies and endpoint, the
// knowledge base's role and, once the index exists, the knowledge base
// and its S3 data source.
type KnowledgeBase struct {
	pulumi.ResourceState

	Collection    *opensearch.ServerlessCollection
	Endpoint      *opensearch.ServerlessVpcEndpoint
	Role          *iam.Role
	KnowledgeBase *bedrock.AgentKnowledgeBase // nil until the index exists
	DataSource    *bedrock.AgentDataSource    // nil until the index exists
}

var collectionName = regexp.MustCompile(`^[a-z][a-z0-9-]{2,27}$`)

func (a *KnowledgeBaseArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if !collectionName.MatchString(a.Name) || len(a.Name)+4 > 32 {
		add("Name: %q must be 3 to 28 lowercase letters, digits and dashes (its policies add 4 characters, up to 32)", a.Name)
	}
	if a.VPCID == nil || a.SubnetIDs == nil || a.VPCCIDR == "" || a.KMSKeyARN == nil || a.BucketName == "" || a.AccountID == "" {
		add("VPCID, VPCCIDR, SubnetIDs, KMSKeyARN, BucketName, AccountID: required")
	}
	if !strings.HasSuffix(a.Prefix, "/") || a.EmbeddingModel == "" || a.Dimensions < 1 || a.IndexName == "" {
		add("Prefix (ending in /), EmbeddingModel, Dimensions, IndexName: required")
	}
	if len(a.IndexAdminRoleARNs) == 0 {
		add("IndexAdminRoleARNs: at least one role must be able to create the index")
	}
	switch a.Chunking {
	case "FIXED_SIZE":
		if a.MaxTokens < 1 || a.OverlapPercent < 1 || a.OverlapPercent > 99 {
			add("MaxTokens, OverlapPercent: required for FIXED_SIZE (1 or more, 1 to 99)")
		}
	case "SEMANTIC", "HIERARCHICAL":
		if a.MaxTokens < 1 || (a.Chunking == "HIERARCHICAL" && a.MaxTokens >= catalog.KnowledgeBaseParentChunkTokens) {
			add("MaxTokens: required for %s (1 or more; below %d for HIERARCHICAL)", a.Chunking, catalog.KnowledgeBaseParentChunkTokens)
		}
	case "NONE":
	default:
		add("Chunking: %q; allowed: FIXED_SIZE, HIERARCHICAL, NONE, SEMANTIC", a.Chunking)
	}
	return errors.Join(errs...)
}

// EncryptionPolicy encrypts the collection with the customer key.
func EncryptionPolicy(collection, keyARN string) string {
	return mustJSON(map[string]any{
		"Rules":       []any{map[string]any{"ResourceType": "collection", "Resource": []string{"collection/" + collection}}},
		"AWSOwnedKey": false, "KmsARN": keyARN,
	})
}

// NetworkPolicy keeps the collection private: reachable from the VPC
// endpoint and from Bedrock, not from the internet.
func NetworkPolicy(collection, vpce string) string {
	return mustJSON([]any{map[string]any{
		"Description":     "Private: the VPC endpoint and Amazon Bedrock only",
		"Rules":           []any{map[string]any{"ResourceType": "collection", "Resource": []string{"collection/" + collection}}},
		"AllowFromPublic": false, "SourceVPCEs": []string{vpce}, "SourceServices": []string{"bedrock.amazonaws.com"},
	}})
}

// DataAccessPolicy lets the knowledge base read and write documents and
// the administrators manage the indexes; nobody else.
func DataAccessPolicy(collection, kbRoleARN string, admins []string) string {
	indexes := []string{"index/" + collection + "/*"}
	return mustJSON([]any{
		map[string]any{"Description": "The knowledge base reads and writes its index",
			"Rules":     []any{map[string]any{"ResourceType": "index", "Resource": indexes, "Permission": IndexPermissions}},
			"Principal": []string{kbRoleARN}},
		map[string]any{"Description": "Administrators create and look after the index",
			"Rules": []any{
				map[string]any{"ResourceType": "index", "Resource": indexes, "Permission": adminPermissions},
				map[string]any{"ResourceType": "collection", "Resource": []string{"collection/" + collection},
					"Permission": []string{"aoss:DescribeCollectionItems"}},
			},
			"Principal": admins},
	})
}

// IndexMapping is the body that creates the vector index (PUT
// /<index>): a faiss HNSW knn_vector of the embedding's size and the text
// and metadata fields, the mapping Bedrock's user guide gives.
func IndexMapping(dimensions int) string {
	return mustJSON(map[string]any{
		"settings": map[string]any{"index.knn": true},
		"mappings": map[string]any{"properties": map[string]any{
			VectorField: map[string]any{"type": "knn_vector", "dimension": dimensions, "method": map[string]any{
				"name": "hnsw", "engine": "faiss", "space_type": "l2", "parameters": map[string]any{"ef_construction": 128, "m": 24}}},
			TextField:     map[string]any{"type": "text", "index": true},
			MetadataField: map[string]any{"type": "text", "index": false},
		}},
	})
}

// KnowledgeBaseTrustPolicy lets Bedrock assume the role for this
// account's knowledge bases in the region.
func KnowledgeBaseTrustPolicy(a awsarn.Account) iamdoc.Document {
	account := a.AccountID
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"bedrock.amazonaws.com"}},
		Action: []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {a.ARN("bedrock", "knowledge-base/*")}},
		},
	})
}

// KnowledgeBasePolicy is the role's policy: the embedding model, the
// collection, the documents' prefix, and the key through S3 and for the
// ingestion's transient data (Bedrock user guide, kb-permissions,
// encryption-kb).
func KnowledgeBasePolicy(a awsarn.Account, model, collectionARN, bucket, prefix, keyARN string) iamdoc.Document {
	partition, region, account := a.Partition, a.Region, a.AccountID
	bucketARN := a.S3(bucket)
	thisAccount := iamdoc.Condition{"StringEquals": {"aws:ResourceAccount": {account}}}
	return iamdoc.New(
		iamdoc.Allow("EmbedWithTheModel", []string{"bedrock:InvokeModel"}, FoundationModelARN(partition, region, model)),
		iamdoc.Allow("UseTheCollection", []string{"aoss:APIAccessAll"}, collectionARN),
		iamdoc.Statement{Sid: "ListTheDocuments", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN},
			Condition: iamdoc.Condition{"StringEquals": {"aws:ResourceAccount": {account}}, "StringLike": {"s3:prefix": {prefix + "*"}}}},
		iamdoc.Statement{Sid: "ReadTheDocuments", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{bucketARN + "/" + prefix + "*"},
			Condition: thisAccount},
		iamdoc.Statement{Sid: "DecryptTheDocuments", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{keyARN},
			Condition: iamdoc.Condition{"StringEquals": {"kms:ViaService": {"s3." + region + ".amazonaws.com"}}}},
		iamdoc.Allow("EncryptTransientIngestionData", []string{"kms:Decrypt", "kms:GenerateDataKey"}, keyARN),
	)
}

// NewKnowledgeBase creates the collection and, once the index exists, the
// knowledge base.
func NewKnowledgeBase(ctx *pulumi.Context, name string, args *KnowledgeBaseArgs, opts ...pulumi.ResourceOption) (*KnowledgeBase, error) {
	if args == nil {
		return nil, errors.New("knowledge base: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("knowledge base %q: %w", name, err)
	}
	k := &KnowledgeBase{}
	if err := ctx.RegisterComponentResource("ml-platform:bedrock:KnowledgeBase", name, k, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(k)
	tag := func(n string) pulumi.StringMap { return tags.With(args.Tags, "Name", n) }
	c := args.Name

	sg, err := ec2.NewSecurityGroup(ctx, name+"-endpoint", &ec2.SecurityGroupArgs{
		VpcId: args.VPCID, Description: pulumi.String("OpenSearch Serverless endpoint of " + c + ": HTTPS from the VPC"),
		Tags: tag(c + "-endpoint"),
	}, parent)
	if err != nil {
		return nil, err
	}
	rule, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-endpoint-https", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(), CidrIpv4: pulumi.String(args.VPCCIDR), IpProtocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), Description: pulumi.String("HTTPS from the VPC"), Tags: tag(c + "-endpoint-https"),
	}, parent)
	if err != nil {
		return nil, err
	}
	k.Endpoint, err = opensearch.NewServerlessVpcEndpoint(ctx, name, &opensearch.ServerlessVpcEndpointArgs{
		Name: pulumi.String(c + "-vpce"), VpcId: args.VPCID, SubnetIds: args.SubnetIDs, SecurityGroupIds: pulumi.StringArray{sg.ID()},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rule}))
	if err != nil {
		return nil, err
	}
	encryption, err := opensearch.NewServerlessSecurityPolicy(ctx, name+"-encryption", &opensearch.ServerlessSecurityPolicyArgs{
		Name: pulumi.String(c + "-enc"), Type: pulumi.String("encryption"),
		Description: pulumi.String("Customer key for " + c),
		Policy:      args.KMSKeyARN.ToStringOutput().ApplyT(func(key string) string { return EncryptionPolicy(c, key) }).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	network, err := opensearch.NewServerlessSecurityPolicy(ctx, name+"-network", &opensearch.ServerlessSecurityPolicyArgs{
		Name: pulumi.String(c + "-net"), Type: pulumi.String("network"),
		Description: pulumi.String("Private access to " + c),
		Policy:      k.Endpoint.ID().ToStringOutput().ApplyT(func(id string) string { return NetworkPolicy(c, id) }).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	standby := "DISABLED"
	if args.StandbyReplicas {
		standby = "ENABLED"
	}
	// The encryption policy must match the collection before it exists.
	k.Collection, err = opensearch.NewServerlessCollection(ctx, name, &opensearch.ServerlessCollectionArgs{
		Name: pulumi.String(c), Type: pulumi.String("VECTORSEARCH"), StandbyReplicas: pulumi.String(standby),
		Description: pulumi.String("Vectors of the " + c + " knowledge base"), Tags: tag(c),
	}, parent, pulumi.DependsOn([]pulumi.Resource{encryption, network}))
	if err != nil {
		return nil, err
	}

	roleName := c + "-bedrock-kb"
	roleARN := args.Role(roleName)
	k.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("The " + c + " knowledge base: embeds " + args.BucketName + "/" + args.Prefix + " into its collection"),
		AssumeRolePolicy: pulumi.String(KnowledgeBaseTrustPolicy(args.Account).JSON()),
		Tags:             tag(roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role: k.Role.ID(),
		Policy: pulumi.All(k.Collection.Arn, args.KMSKeyARN).ApplyT(func(v []any) string {
			return KnowledgeBasePolicy(args.Account, args.EmbeddingModel, v[0].(string),
				args.BucketName, args.Prefix, v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	access, err := opensearch.NewServerlessAccessPolicy(ctx, name, &opensearch.ServerlessAccessPolicyArgs{
		Name: pulumi.String(c + "-dap"), Type: pulumi.String("data"),
		Description: pulumi.String("The knowledge base and the index administrators of " + c),
		Policy:      pulumi.String(DataAccessPolicy(c, roleARN, args.IndexAdminRoleARNs)),
	}, parent, pulumi.DependsOn([]pulumi.Resource{k.Role}))
	if err != nil {
		return nil, err
	}
	outputs := pulumi.Map{"collectionEndpoint": k.Collection.CollectionEndpoint, "indexName": pulumi.String(args.IndexName)}
	if args.IndexCreated {
		if err := k.knowledgeBase(ctx, name, args, []pulumi.Resource{policy, access}); err != nil {
			return nil, err
		}
		outputs["knowledgeBaseId"] = k.KnowledgeBase.ID()
	}
	if err := ctx.RegisterResourceOutputs(k, outputs); err != nil {
		return nil, err
	}
	return k, nil
}

// knowledgeBase creates the knowledge base on the existing index and its
// S3 data source.
func (k *KnowledgeBase) knowledgeBase(ctx *pulumi.Context, name string, args *KnowledgeBaseArgs, deps []pulumi.Resource) error {
	parent := pulumi.Parent(k)
	var err error
	k.KnowledgeBase, err = bedrock.NewAgentKnowledgeBase(ctx, name, &bedrock.AgentKnowledgeBaseArgs{
		Name:        pulumi.String(args.Name),
		Description: pulumi.String("Documents under s3://" + args.BucketName + "/" + args.Prefix),
		RoleArn:     k.Role.Arn,
		KnowledgeBaseConfiguration: bedrock.AgentKnowledgeBaseKnowledgeBaseConfigurationArgs{
			Type: pulumi.String("VECTOR"),
			VectorKnowledgeBaseConfiguration: bedrock.AgentKnowledgeBaseKnowledgeBaseConfigurationVectorKnowledgeBaseConfigurationArgs{
				EmbeddingModelArn: pulumi.String(FoundationModelARN(args.Partition, args.Region, args.EmbeddingModel)),
				EmbeddingModelConfiguration: bedrock.AgentKnowledgeBaseKnowledgeBaseConfigurationVectorKnowledgeBaseConfigurationEmbeddingModelConfigurationArgs{
					BedrockEmbeddingModelConfiguration: bedrock.AgentKnowledgeBaseKnowledgeBaseConfigurationVectorKnowledgeBaseConfigurationEmbeddingModelConfigurationBedrockEmbeddingModelConfigurationArgs{
						Dimensions: pulumi.Int(args.Dimensions),
					},
				},
			},
		},
		StorageConfiguration: bedrock.AgentKnowledgeBaseStorageConfigurationArgs{
			Type: pulumi.String("OPENSEARCH_SERVERLESS"),
			OpensearchServerlessConfiguration: bedrock.AgentKnowledgeBaseStorageConfigurationOpensearchServerlessConfigurationArgs{
				CollectionArn:   k.Collection.Arn,
				VectorIndexName: pulumi.String(args.IndexName),
				FieldMapping: bedrock.AgentKnowledgeBaseStorageConfigurationOpensearchServerlessConfigurationFieldMappingArgs{
					VectorField: pulumi.String(VectorField), TextField: pulumi.String(TextField), MetadataField: pulumi.String(MetadataField),
				},
			},
		},
		Tags: tags.With(args.Tags, "Name", args.Name),
	}, parent, pulumi.DependsOn(deps))
	if err != nil {
		return err
	}
	chunking := bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationArgs{ChunkingStrategy: pulumi.String(args.Chunking)}
	switch args.Chunking {
	case "FIXED_SIZE":
		chunking.FixedSizeChunkingConfiguration = bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationFixedSizeChunkingConfigurationArgs{
			MaxTokens: pulumi.Int(args.MaxTokens), OverlapPercentage: pulumi.Int(args.OverlapPercent)}
	case "SEMANTIC":
		// The API requires all three: no buffer, AWS's 95th-percentile breakpoint.
		chunking.SemanticChunkingConfiguration = bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationSemanticChunkingConfigurationArgs{
			MaxToken: pulumi.Int(args.MaxTokens), BufferSize: pulumi.Int(0), BreakpointPercentileThreshold: pulumi.Int(95)}
	case "HIERARCHICAL":
		// Exactly two levels: parents, then the configured children.
		chunking.HierarchicalChunkingConfiguration = bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationHierarchicalChunkingConfigurationArgs{
			LevelConfigurations: bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationHierarchicalChunkingConfigurationLevelConfigurationArray{
				bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationHierarchicalChunkingConfigurationLevelConfigurationArgs{MaxTokens: pulumi.Int(catalog.KnowledgeBaseParentChunkTokens)},
				bedrock.AgentDataSourceVectorIngestionConfigurationChunkingConfigurationHierarchicalChunkingConfigurationLevelConfigurationArgs{MaxTokens: pulumi.Int(args.MaxTokens)},
			},
			OverlapTokens: pulumi.Int(max(args.MaxTokens/5, 1)),
		}
	}
	k.DataSource, err = bedrock.NewAgentDataSource(ctx, name, &bedrock.AgentDataSourceArgs{
		Name:            pulumi.String(args.Name + "-s3"),
		KnowledgeBaseId: k.KnowledgeBase.ID(),
		DataSourceConfiguration: bedrock.AgentDataSourceDataSourceConfigurationArgs{
			Type: pulumi.String("S3"),
			S3Configuration: bedrock.AgentDataSourceDataSourceConfigurationS3ConfigurationArgs{
				BucketArn:         pulumi.String(args.S3(args.BucketName)),
				InclusionPrefixes: pulumi.StringArray{pulumi.String(args.Prefix)},
			},
		},
		ServerSideEncryptionConfiguration: bedrock.AgentDataSourceServerSideEncryptionConfigurationArgs{KmsKeyArn: args.KMSKeyARN},
		VectorIngestionConfiguration:      bedrock.AgentDataSourceVectorIngestionConfigurationArgs{ChunkingConfiguration: chunking},
	}, parent)
	return err
}

func mustJSON(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("bedrock: %v", err))
	}
	return string(out)
}
