// Package bedrock builds safe generative AI on Amazon Bedrock: a guardrail
// with a published version (ml-platform:bedrock:Guardrail), the account's
// model invocation logging in the region (ml-platform:bedrock:InvocationLogging),
// the policy and Pod Identity role applications invoke models with, only
// through the guardrail (ml-platform:bedrock:Access), application
// inference profiles and provisioned throughput (ml-platform:bedrock:Models),
// and a RAG knowledge base on OpenSearch Serverless
// (ml-platform:bedrock:KnowledgeBase).
//
// What AWS decides, and how the components meet it (sources in
// catalog.BedrockGuardrailSource and catalog.BedrockModelsSource):
//
//   - The bedrock:GuardrailIdentifier condition key carries the guardrail
//     ARN with its version (":1"); the bare ARN is the DRAFT. The policy
//     names the published version and denies invocations without it.
//     There are no Converse IAM actions: Converse authorizes with
//     bedrock:InvokeModel, ConverseStream with
//     bedrock:InvokeModelWithResponseStream. Callers of an encrypted
//     guardrail need kms:Decrypt on its key.
//   - A cross-Region inference profile needs the profile and the
//     foundation model in every destination Region, which changes with the
//     source Region: the foundation-model grant is Region-wide, limited by
//     bedrock:InferenceProfileArn.
//   - Model invocation logging is one configuration per account and
//     Region; its S3 destination needs a bucket policy for
//     bedrock.amazonaws.com (and kms:GenerateDataKey on an SSE-KMS
//     bucket's key), its CloudWatch destination a role Bedrock validates
//     when the configuration is put.
//   - PROMPT_ATTACK filters input only: its output strength must be NONE.
//     The pinned provider (pulumi-aws 6.83.4, Terraform provider 5.x)
//     cannot set safeguard tiers or guardrail cross-Region profiles
//     (added in Terraform provider 6.6.0); guardrails use the CLASSIC tier.
//   - A knowledge base on OpenSearch Serverless needs the vector index to
//     exist (faiss engine) when it is created, and no AWS resource creates
//     an index: the component stops before the knowledge base until the
//     index exists (docs/bedrock.md, "Knowledge base"). An encryption policy must
//     match the collection before it is created.
package bedrock
