package rules

import (
	"fmt"
	"github.com/ml-platform/ml-platform/catalog"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// defaultKMSDeletionWindowDays is what AWS applies when deletionWindowInDays
// is not set (and the maximum it allows).
const defaultKMSDeletionWindowDays = 30

func init() {
	register(ConcernEncryption,
		Rule{
			Name: "kms-key-rotation-enabled",
			Description: "Customer-managed KMS keys rotate their key material yearly, " +
				"limiting what one leaked or broken key version exposes.",
			Checks: "`aws:kms/key:Key` sets `enableKeyRotation: true` (AWS leaves rotation off). Asymmetric and HMAC keys, " +
				"which cannot rotate, are skipped.",
			Level: Mandatory,
			Types: []string{kmsKeyType},
			Check: checkKMSKeyRotation,
		},
		Rule{
			Name: "kms-key-deletion-window-long",
			Description: "KMS keys keep the longest deletion window, so a key deleted by mistake " +
				"can be recovered before the data it encrypts becomes unreadable.",
			Checks:       "`aws:kms/key:Key` `deletionWindowInDays` is at least the minimum; unset means AWS's 30 days.",
			Level:        Advisory,
			Types:        []string{kmsKeyType},
			ConfigSchema: map[string]map[string]any{"minimumDays": integer("Smallest deletionWindowInDays accepted (AWS allows 7 to 30).", 7, 30)},
			Defaults:     map[string]any{"minimumDays": float64(defaultKMSDeletionWindowDays)},
			Check:        checkKMSDeletionWindow,
		},
		Rule{
			Name: "kms-key-policy-not-public",
			Description: "Key policies never allow every principal (\"*\") without a condition: " +
				"such a key can be used from any AWS account.",
			Checks: "The `policy` of `aws:kms/key:Key` and `aws:kms/keyPolicy:KeyPolicy` has no `Allow` statement for `\"*\"` / " +
				"`{\"AWS\": \"*\"}` (or with `NotPrincipal`) without a `Condition`. No policy means the default (the account), which passes.",
			Level: Mandatory,
			Types: []string{kmsKeyType, kmsKeyPolicyType},
			Check: checkKMSKeyPolicy,
		},
		Rule{
			Name: "s3-bucket-key-enabled",
			Description: "SSE-KMS bucket configurations enable S3 Bucket Keys, which cut KMS requests " +
				"(and their cost and throttling) for training data read at scale.",
			Checks: "SSE-KMS rules of `aws:s3/bucketServerSideEncryptionConfigurationV2` set `bucketKeyEnabled: true`.",
			Level:  Advisory,
			Types:  []string{s3SSEConfigType},
			Check:  checkS3BucketKey,
		},
		Rule{
			Name:        "eks-cluster-secrets-encrypted",
			Description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
			Checks: "`aws:eks/cluster:Cluster` (the child pulumi-eks creates; the component itself reaches the pack " +
				"without inputs) has `encryptionConfig` with `resources` including `secrets` and `provider.keyArn`.",
			Level: Mandatory,
			Types: []string{eksClusterType},
			Check: checkEKSSecretsEncryption,
		},
		Rule{
			Name: "ec2-volume-encrypted",
			Description: "Node volumes are encrypted: launch template block devices, Karpenter EC2NodeClass " +
				"mappings, instance and EBS volumes; by default with a customer-managed key.",
			Checks: "`aws:ec2/launchTemplate:LaunchTemplate` maps its block devices with `ebs.encrypted` `\"true\"` (no mappings " +
				"leaves the AMI's unencrypted root), Karpenter `EC2NodeClass` `spec.blockDeviceMappings` likewise " +
				"(`kmsKeyID`), `aws:ec2/instance:Instance` root and EBS devices, and `aws:ebs/volume:Volume`. With " +
				"`requireCustomerKey`, `kmsKeyId` is required too.",
			Level:        Mandatory,
			Types:        concat([]string{launchTemplateType, ec2InstanceType, ebsVolumeType}, nodeClassTypes),
			ConfigSchema: map[string]map[string]any{"requireCustomerKey": boolean("Also require kmsKeyId (a customer-managed key) where the resource takes one.")},
			Defaults:     map[string]any{"requireCustomerKey": true},
			Check:        checkEBSEncryption,
		},
		Rule{
			Name: "fsx-filesystem-customer-key",
			Description: "Persistent FSx for Lustre file systems (training data and checkpoints) are " +
				"encrypted with a customer-managed KMS key. Scratch file systems cannot take one and are skipped.",
			Checks: "`aws:fsx/lustreFileSystem:LustreFileSystem` with a `PERSISTENT_*` `deploymentType` sets `kmsKeyId`.",
			Level:  Mandatory,
			Types:  []string{fsxLustreType},
			Check:  checkFSxCustomerKey,
		},
		Rule{
			Name:        "sagemaker-domain-customer-key",
			Description: "SageMaker domains encrypt their EFS home directories with a customer-managed key.",
			Checks:      "`aws:sagemaker/domain:Domain` sets `kmsKeyId`.",
			Level:       Mandatory,
			Types:       []string{smDomainType},
			Check:       requireProperty("kmsKeyId", "the domain's storage uses an AWS-managed key"),
		},
		Rule{
			Name:        "sagemaker-notebook-customer-key",
			Description: "SageMaker notebook instances encrypt their storage volume with a customer-managed key.",
			Checks:      "`aws:sagemaker/notebookInstance:NotebookInstance` sets `kmsKeyId`.",
			Level:       Mandatory,
			Types:       []string{smNotebookType},
			Check:       requireProperty("kmsKeyId", "the notebook's volume uses an AWS-managed key"),
		},
		Rule{
			Name: "sagemaker-endpoint-customer-key",
			Description: "SageMaker endpoint configurations encrypt the instance storage volumes and any " +
				"asynchronous inference output with a customer-managed key.",
			Checks: "`aws:sagemaker/endpointConfiguration:EndpointConfiguration` with instance-backed variants sets " +
				"`kmsKeyArn` (serverless-only configurations cannot, nor those on instance types with local NVMe storage, " +
				"which SageMaker refuses a key for and the hardware encrypts), and `asyncInferenceConfig.outputConfig.kmsKeyId` " +
				"when asynchronous output is configured.",
			Level: Mandatory,
			Types: []string{smEndpointConfigType},
			Check: checkSageMakerEndpointKMS,
		},
		Rule{
			Name: "sagemaker-capture-customer-key",
			Description: "Endpoint data capture (model inputs and outputs, often personal data) is written " +
				"to S3 with a customer-managed key.",
			Checks: "An endpoint configuration's `dataCaptureConfig`, unless `enableCapture` is false, sets `kmsKeyId`.",
			Level:  Mandatory,
			Types:  []string{smEndpointConfigType},
			Check:  checkSageMakerDataCaptureKMS,
		},
		Rule{
			Name:        "bedrock-guardrail-customer-key",
			Description: "Bedrock guardrails encrypt their configuration with a customer-managed key.",
			Checks:      "`aws:bedrock/guardrail:Guardrail` sets `kmsKeyArn`.",
			Level:       Mandatory,
			Types:       []string{bedrockGuardrailType},
			Check:       requireProperty("kmsKeyArn", "the guardrail uses an AWS-owned key"),
		},
		Rule{
			Name:        "logs-group-customer-key",
			Description: "CloudWatch log groups (flow logs, control plane, invocations) are encrypted with a customer-managed key.",
			Checks:      "`aws:cloudwatch/logGroup:LogGroup` sets `kmsKeyId`.",
			Level:       Mandatory,
			Types:       []string{logGroupType},
			Check:       requireProperty("kmsKeyId", "log events are encrypted with a CloudWatch-owned key"),
		},
		Rule{
			Name: "prometheus-workspace-customer-key",
			Description: "Managed Prometheus workspaces are encrypted with a customer-managed key. AMP cannot convert a " +
				"workspace's encryption later: a workspace created without one must be replaced to get one.",
			Checks: "`aws:amp/workspace:Workspace` sets `kmsKeyArn`.",
			Level:  Mandatory,
			Types:  []string{ampWorkspaceType},
			Check:  requireProperty("kmsKeyArn", "samples are encrypted with an AWS-owned key, and the workspace cannot be converted later"),
		},
		Rule{
			Name: "resource-customer-key-required",
			Description: "Compliance profiles: every resource that can be encrypted with a customer-managed key is, " +
				"including those AWS encrypts with its own keys by default.",
			Checks: "`aws:sqs/queue:Queue` sets `kmsMasterKeyId` (not SQS-managed encryption), `aws:sns/topic:Topic` " +
				"`kmsMasterKeyId`, `aws:ecr/repository:Repository` `encryptionConfigurations` with `KMS` and a key, " +
				"`aws:efs/fileSystem:FileSystem` `encrypted` with `kmsKeyId`, `aws:dynamodb/table:Table` " +
				"`serverSideEncryption` with a `kmsKeyArn`. Off unless a compliance profile turns it on.",
			Level: Disabled,
			Types: []string{sqsQueueType, snsTopicType, ecrRepositoryType, efsFileSystemType, dynamoTableType},
			Check: checkCustomerKeyEverywhere,
		},
	)
	registerStack(ConcernEncryption, StackRule{
		Name: "s3-bucket-encryption-kms",
		Description: "S3 default encryption uses SSE-KMS with a customer-managed key, so reading objects needs both " +
			"S3 and KMS permissions and the key's policy and audit trail apply. Buckets that receive server access " +
			"logs are the exception AWS imposes: S3 delivers logs only to SSE-S3 buckets (catalog.S3AccessLogsSource).",
		Checks: "Every rule of `aws:s3/bucketServerSideEncryptionConfigurationV2` uses `sseAlgorithm` `aws:kms` (or " +
			"`aws:kms:dsse`) with `kmsMasterKeyId` set (not the AWS-managed `aws/s3` key), except on a bucket that is " +
			"the `targetBucket` of an `aws:s3/bucketLoggingV2`, which must use `AES256` instead.",
		Level: Mandatory,
		Types: []string{s3SSEConfigType},
		Check: checkS3EncryptionKMS,
	}, StackRule{
		Name:        "s3-bucket-encryption-attached",
		Description: "Every S3 bucket has default encryption with a customer-managed KMS key, managed in code.",
		Checks: "Every `aws:s3/bucketV2:BucketV2` and `aws:s3/bucket:Bucket` has a `bucketServerSideEncryptionConfigurationV2` " +
			"whose `bucket` refers to it (property dependency, physical ID or bucket name; judged by s3-bucket-encryption-kms); " +
			"without one, its inline configuration must be SSE-KMS with a key (exported outputs show AWS's AES256 default, " +
			"which fails).",
		Level: Mandatory,
		Types: bucketTypes,
		Check: companionCheck(bucketTypes, s3SSEConfigType, []string{"bucket"}, []string{"bucket"}, nil,
			func(b Resource, _ map[string]any) string { return inlineSSEProblem(b) }),
	})
}

// requireProperty builds a check that fires when a resource does not set
// key (absent, null or empty); an unknown value counts as set.
func requireProperty(key, consequence string) func(Resource, map[string]any) []string {
	return func(r Resource, _ map[string]any) []string {
		if isSet(r.Properties, key) {
			return nil
		}
		return []string{fmt.Sprintf("%s is not set: %s; set it to a customer-managed KMS key", key, consequence)}
	}
}

// checkKMSKeyPolicy fires on each allow statement of a key policy that names
// every principal and carries no condition. An absent policy is the default
// key policy (the account itself), which is safe.
func checkKMSKeyPolicy(r Resource, _ map[string]any) []string {
	return publicStatements(r.Properties, "policy", "key policy")
}

// publicStatements reports the allow statements of the policy at key that
// apply to any principal without a condition.
func publicStatements(m property.Map, key, what string) []string {
	doc, ok := policyDocument(m, key)
	if !ok {
		return nil
	}
	var out []string
	for i, st := range statements(doc) {
		if isAllow(st) && wildcardPrincipal(st) && !hasCondition(st) {
			out = append(out, fmt.Sprintf("%s %s allows any principal (\"*\") without a condition", what, statementID(st, i)))
		}
	}
	return out
}

// kmsAlgorithms are the SSE algorithms that use KMS.
var kmsAlgorithms = []string{"aws:kms", "aws:kms:dsse"}

// sseRules returns the rules of an
// aws:s3/bucketServerSideEncryptionConfigurationV2.
func sseRules(r Resource) (rules []property.Map, p presence) {
	return getMaps(r.Properties, "rules")
}

// checkS3SSEKMS fires when a bucket encryption configuration's default is not
// SSE-KMS with a customer-managed key.
// checkS3EncryptionKMS judges every bucket encryption configuration with
// checkS3SSEKMS, but a log destination's, which must be SSE-S3 instead.
func checkS3EncryptionKMS(rs []Resource, cfg map[string]any) []Finding {
	var targets []reference
	for _, r := range rs {
		if r.Type == s3LoggingType {
			targets = append(targets, referenceOf(r, "targetBucket"))
		}
	}
	var logBuckets []Resource
	for _, b := range rs {
		if slices.Contains(bucketTypes, b.Type) && slices.ContainsFunc(targets, func(ref reference) bool { return ref.matches(b, "bucket") }) {
			logBuckets = append(logBuckets, b)
		}
	}
	var out []Finding
	for _, r := range rs {
		if r.Type != s3SSEConfigType {
			continue
		}
		bucket := referenceOf(r, "bucket")
		if slices.ContainsFunc(logBuckets, func(b Resource) bool { return bucket.matches(b, "bucket") }) {
			for _, msg := range checkS3SSES3(r) {
				out = append(out, Finding{URN: r.URN, Message: msg})
			}
			continue
		}
		for _, msg := range checkS3SSEKMS(r, cfg) {
			out = append(out, Finding{URN: r.URN, Message: msg})
		}
	}
	return out
}

// checkS3SSES3 fires unless every rule of a log destination's encryption
// configuration is SSE-S3, the only default encryption log delivery takes.
func checkS3SSES3(r Resource) []string {
	rules, p := sseRules(r)
	if p == unknown {
		return nil
	}
	var out []string
	for i, rule := range rules {
		def, dp := lookup(rule, "applyServerSideEncryptionByDefault")
		if dp == unknown {
			continue
		}
		dm, _ := asMap(def)
		if alg, ok := getString(dm, "sseAlgorithm"); ok && alg != "AES256" {
			out = append(out, fmt.Sprintf("rules[%d] uses sseAlgorithm %s on a bucket that receives server access logs: "+
				"S3 delivers logs only to SSE-S3 (AES256) buckets", i, alg))
		}
	}
	return out
}

func checkS3SSEKMS(r Resource, _ map[string]any) []string {
	rules, p := sseRules(r)
	if p == absent || (p == present && len(rules) == 0) {
		return []string{"rules is empty: the bucket falls back to SSE-S3; add a rule with sseAlgorithm aws:kms"}
	}
	var out []string
	for i, rule := range rules {
		out = append(out, sseProblem(rule, "applyServerSideEncryptionByDefault", fmt.Sprintf("rules[%d]", i))...)
	}
	return out
}

// sseProblem judges one default-encryption block.
func sseProblem(rule property.Map, defaultKey, where string) []string {
	def, p := lookup(rule, defaultKey)
	switch p {
	case unknown:
		return nil
	case absent:
		return []string{fmt.Sprintf("%s has no %s; set sseAlgorithm aws:kms with kmsMasterKeyId", where, defaultKey)}
	}
	dm, _ := asMap(def)
	alg, ok := getString(dm, "sseAlgorithm")
	if !ok {
		if isUnknown(dm, "sseAlgorithm") {
			return nil
		}
		return []string{fmt.Sprintf("%s sets no sseAlgorithm; use aws:kms", where)}
	}
	if !slices.Contains(kmsAlgorithms, alg) {
		return []string{fmt.Sprintf("%s uses sseAlgorithm %s; use aws:kms with a customer-managed key", where, alg)}
	}
	if !isSet(dm, "kmsMasterKeyId") {
		return []string{fmt.Sprintf("%s uses the AWS-managed aws/s3 key; set kmsMasterKeyId to a customer-managed key", where)}
	}
	return nil
}

// checkS3BucketKey fires on SSE-KMS rules whose bucketKeyEnabled is not true.
func checkS3BucketKey(r Resource, _ map[string]any) []string {
	rules, _ := sseRules(r)
	var out []string
	for i, rule := range rules {
		alg, ok := getString(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
		if !ok || !slices.Contains(kmsAlgorithms, alg) {
			continue
		}
		if isUnknown(rule, "bucketKeyEnabled") {
			continue
		}
		if on, _ := getBool(rule, "bucketKeyEnabled"); !on {
			out = append(out, fmt.Sprintf("rules[%d] uses SSE-KMS without bucketKeyEnabled: every object operation calls KMS", i))
		}
	}
	return out
}

// inlineSSEProblem judges a bucket's legacy inline encryption configuration
// ("" when it is SSE-KMS with a customer key, or unknown).
func inlineSSEProblem(b Resource) string {
	const missing = "no aws:s3/bucketServerSideEncryptionConfigurationV2 refers to this bucket and it has no " +
		"inline SSE-KMS configuration; attach one with sseAlgorithm aws:kms and a customer-managed key"
	var rules []property.Map
	var p presence
	defaultKey := "applyServerSideEncryptionByDefault"
	if b.Type == s3BucketType {
		rules, p = getMaps(b.Properties, "serverSideEncryptionConfiguration", "rule")
	} else {
		defaultKey = "applyServerSideEncryptionByDefaults"
		var configs []property.Map
		configs, p = getMaps(b.Properties, "serverSideEncryptionConfigurations")
		for _, c := range configs {
			rs, rp := getMaps(c, "rules")
			rules = append(rules, rs...)
			if rp == unknown {
				p = unknown
			}
		}
	}
	if p == unknown && len(rules) == 0 {
		return ""
	}
	if len(rules) == 0 {
		return missing
	}
	for _, rule := range rules {
		defs, dp := getMaps(rule, defaultKey)
		if dp == unknown {
			return ""
		}
		for _, d := range defs {
			alg, ok := getString(d, "sseAlgorithm")
			if !ok && isUnknown(d, "sseAlgorithm") {
				return ""
			}
			if ok && slices.Contains(kmsAlgorithms, alg) && isSet(d, "kmsMasterKeyId") {
				return ""
			}
		}
	}
	return missing
}

// checkEKSSecretsEncryption reads encryptionConfig on aws:eks/cluster.
func checkEKSSecretsEncryption(r Resource, _ map[string]any) []string {
	v, p := lookup(r.Properties, "encryptionConfig")
	switch p {
	case unknown:
		return nil
	case absent:
		return []string{"encryptionConfig is not set: Kubernetes secrets are stored without envelope encryption"}
	}
	cfg, _ := asMap(v)
	res, rp := getStrings(cfg, "resources")
	if rp == present && !slices.Contains(res, "secrets") {
		return []string{`encryptionConfig.resources does not include "secrets"`}
	}
	if !isSet(cfg, "provider", "keyArn") {
		return []string{"encryptionConfig.provider.keyArn is not set"}
	}
	return nil
}

// checkEBSEncryption covers every place a node volume is defined.
func checkEBSEncryption(r Resource, cfg map[string]any) []string {
	needKey, _ := cfgBool(cfg, "requireCustomerKey")
	if isNodeClass(r.Type) {
		return nodeClassEBS(r, needKey)
	}
	switch r.Type {
	case launchTemplateType:
		return launchTemplateEBS(r, needKey)
	case ec2InstanceType:
		var out []string
		if !isSet(r.Properties, "launchTemplate") {
			out = append(out, volumeProblem(r.Properties, []string{"rootBlockDevice"}, "rootBlockDevice", needKey, true)...)
		}
		devs, _ := getMaps(r.Properties, "ebsBlockDevices")
		for i, d := range devs {
			out = append(out, volumeProblem(d, nil, fmt.Sprintf("ebsBlockDevices[%d]", i), needKey, false)...)
		}
		return out
	case ebsVolumeType:
		return volumeProblem(r.Properties, nil, "the volume", needKey, false)
	}
	return nil
}

// launchTemplateEBS judges a launch template's block device mappings. A
// template that maps no device leaves the root volume to the AMI's snapshot,
// which for the EKS AMIs is unencrypted.
func launchTemplateEBS(r Resource, needKey bool) []string {
	mappings, p := getMaps(r.Properties, "blockDeviceMappings")
	if p == absent || (p == present && len(mappings) == 0) {
		return []string{"blockDeviceMappings is empty: the root volume takes the AMI's unencrypted snapshot settings; " +
			"map the root device with ebs.encrypted"}
	}
	var out []string
	for i, m := range mappings {
		where := fmt.Sprintf("blockDeviceMappings[%d]", i)
		if dev, ok := getString(m, "deviceName"); ok {
			where += " (" + dev + ")"
		}
		if _, ep := lookup(m, "ebs"); ep != present {
			continue // instance store, noDevice, or unknown
		}
		out = append(out, volumeProblem(m, []string{"ebs"}, where, needKey, false)...)
	}
	return out
}

// nodeClassEBS judges a Karpenter EC2NodeClass's block device mappings.
// Without mappings Karpenter uses its own default, an encrypted root volume;
// mappings it is given are judged like a launch template's (Karpenter spells
// the key kmsKeyID).
func nodeClassEBS(r Resource, needKey bool) []string {
	mappings, _ := getMaps(r.Properties, "spec", "blockDeviceMappings")
	var out []string
	for i, m := range mappings {
		where := fmt.Sprintf("spec.blockDeviceMappings[%d]", i)
		if dev, ok := getString(m, "deviceName"); ok {
			where += " (" + dev + ")"
		}
		if _, ep := lookup(m, "ebs"); ep != present {
			continue
		}
		v, p := lookup(m, "ebs", "encrypted")
		if p == unknown {
			continue
		}
		if on, ok := asBool(v); !ok || !on {
			out = append(out, fmt.Sprintf("%s is not encrypted; set ebs.encrypted to true", where))
			continue
		}
		if needKey && !isSet(m, "ebs", "kmsKeyID") {
			out = append(out, fmt.Sprintf("%s uses the AWS-managed aws/ebs key; set ebs.kmsKeyID to a customer-managed key", where))
		}
	}
	return out
}

// volumeProblem judges one volume's encrypted and kmsKeyId at prefix within
// m. required says whether an absent block is itself a problem (an instance's
// root device).
func volumeProblem(m property.Map, prefix []string, where string, needKey, required bool) []string {
	if len(prefix) > 0 {
		_, p := lookup(m, prefix...)
		if p == unknown || (p == absent && !required) {
			return nil
		}
		if p == absent {
			return []string{fmt.Sprintf("%s is not set: the volume takes the AMI's unencrypted settings; set encrypted", where)}
		}
	}
	path := func(k string) []string { return append(slices.Clone(prefix), k) }
	v, p := lookup(m, path("encrypted")...)
	if p == unknown {
		return nil
	}
	if on, ok := asBool(v); !ok || !on {
		return []string{fmt.Sprintf("%s is not encrypted; set encrypted to true", where)}
	}
	if needKey && !isSet(m, path("kmsKeyId")...) {
		return []string{fmt.Sprintf("%s uses the AWS-managed aws/ebs key; set kmsKeyId to a customer-managed key", where)}
	}
	return nil
}

// checkFSxCustomerKey fires on persistent Lustre file systems without
// kmsKeyId. Scratch deployments (the default) cannot take a key.
func checkFSxCustomerKey(r Resource, _ map[string]any) []string {
	if !persistentFSx(r) {
		return nil
	}
	if !isSet(r.Properties, "kmsKeyId") {
		return []string{"kmsKeyId is not set: the file system is encrypted with the AWS-managed aws/fsx key"}
	}
	return nil
}

// persistentFSx reports whether a Lustre file system is known to be a
// persistent deployment.
func persistentFSx(r Resource) bool {
	dt, ok := getString(r.Properties, "deploymentType")
	return ok && strings.HasPrefix(dt, "PERSISTENT")
}

// checkSageMakerEndpointKMS fires when an endpoint configuration with
// instance-backed variants sets no kmsKeyArn (serverless variants cannot take
// one), or when its asynchronous output is written without a key.
func checkSageMakerEndpointKMS(r Resource, _ map[string]any) []string {
	var out []string
	variants, p := getMaps(r.Properties, "productionVariants")
	instanceBacked, localStorage := false, false
	for _, v := range variants {
		if _, sp := lookup(v, "serverlessConfig"); sp == absent {
			instanceBacked = true
			localStorage = localStorage || hasInstanceStorage(v)
		}
	}
	if p == present && instanceBacked && !localStorage && !isSet(r.Properties, "kmsKeyArn") {
		out = append(out, "kmsKeyArn is not set: the variants' storage volumes use an AWS-managed key")
	}
	if _, ap := lookup(r.Properties, "asyncInferenceConfig", "outputConfig"); ap == present &&
		!isSet(r.Properties, "asyncInferenceConfig", "outputConfig", "kmsKeyId") {
		out = append(out, "asyncInferenceConfig.outputConfig.kmsKeyId is not set: asynchronous results are written without a customer key")
	}
	return out
}

// hasInstanceStorage says whether a variant runs on an ml.* type with local
// NVMe storage (catalog.SageMakerInstanceStorageSource).
func hasInstanceStorage(variant property.Map) bool {
	t, ok := getString(variant, "instanceType")
	if !ok {
		return false
	}
	i, known := catalog.ResolveSageMakerInstance(t)
	return known != catalog.NotEC2 && i.InstanceStorage
}

// checkSageMakerDataCaptureKMS fires when data capture is on and has no key.
func checkSageMakerDataCaptureKMS(r Resource, _ map[string]any) []string {
	if _, p := lookup(r.Properties, "dataCaptureConfig"); p != present {
		return nil
	}
	if on, ok := getBool(r.Properties, "dataCaptureConfig", "enableCapture"); ok && !on {
		return nil
	}
	if !isSet(r.Properties, "dataCaptureConfig", "kmsKeyId") {
		return []string{"dataCaptureConfig.kmsKeyId is not set: captured requests and responses are written without a customer key"}
	}
	return nil
}

// checkLogGroupRetentionSet fires when events never expire.
func checkLogGroupRetentionSet(r Resource, _ map[string]any) []string {
	v, p := lookup(r.Properties, "retentionInDays")
	if p == unknown {
		return nil
	}
	if days, ok := asNumber(v); p == absent || (ok && days == 0) {
		return []string{"retentionInDays is not set: events never expire"}
	}
	return nil
}

// checkLogGroupRetentionMinimum fires when events are kept less than the
// minimum. An unset retention (never expires) keeps them long enough.
func checkLogGroupRetentionMinimum(r Resource, cfg map[string]any) []string {
	days, ok := getNumber(r.Properties, "retentionInDays")
	minDays, hasMin := cfgNumber(cfg, "minimumDays")
	if ok && hasMin && days > 0 && days < minDays {
		return []string{fmt.Sprintf("retentionInDays is %g; keep at least %g", days, minDays)}
	}
	return nil
}

// checkCustomerKeyEverywhere fires on resources AWS would encrypt with its
// own key.
func checkCustomerKeyEverywhere(r Resource, _ map[string]any) []string {
	switch r.Type {
	case sqsQueueType, snsTopicType:
		if !isSet(r.Properties, "kmsMasterKeyId") {
			return []string{"kmsMasterKeyId is not set: messages are encrypted with a key AWS manages (or not at all); use a customer-managed key"}
		}
	case ecrRepositoryType:
		cfgs, p := getMaps(r.Properties, "encryptionConfigurations")
		if p == unknown {
			return nil
		}
		for _, c := range cfgs {
			if t, ok := getString(c, "encryptionType"); (ok && t == "KMS" && isSet(c, "kmsKey")) || isUnknown(c, "encryptionType") {
				return nil
			}
		}
		return []string{"encryptionConfigurations does not use KMS with a customer-managed key: images are encrypted with AES256"}
	case efsFileSystemType:
		if on, ok := getBool(r.Properties, "encrypted"); (ok && !on) || !isSet(r.Properties, "kmsKeyId") {
			if isUnknown(r.Properties, "encrypted") {
				return nil
			}
			return []string{"the file system is not encrypted with a customer-managed key: set encrypted and kmsKeyId"}
		}
	case dynamoTableType:
		if !isSet(r.Properties, "serverSideEncryption", "kmsKeyArn") {
			return []string{"serverSideEncryption.kmsKeyArn is not set: the table uses an AWS-owned key"}
		}
	}
	return nil
}

// checkKMSKeyRotation fires when enableKeyRotation is false or not set (AWS
// leaves rotation off by default). Keys whose spec is known and not
// SYMMETRIC_DEFAULT (asymmetric and HMAC keys) cannot rotate automatically and
// are skipped, as are keys whose spec is unknown.
func checkKMSKeyRotation(r Resource, _ map[string]any) []string {
	if spec, ok := getString(r.Properties, "customerMasterKeySpec"); (ok && spec != "SYMMETRIC_DEFAULT") ||
		isUnknown(r.Properties, "customerMasterKeySpec") {
		return nil
	}
	v, p := lookup(r.Properties, "enableKeyRotation")
	switch p {
	case unknown:
		return nil
	case absent:
		return []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"}
	}
	if on, ok := asBool(v); ok && !on {
		return []string{"enableKeyRotation is false; set it to true"}
	}
	return nil
}

// checkKMSDeletionWindow fires when deletionWindowInDays is below the
// configured minimum; not setting it means AWS's 30 days.
func checkKMSDeletionWindow(r Resource, cfg map[string]any) []string {
	days, ok := getNumber(r.Properties, "deletionWindowInDays")
	if !ok {
		return nil // absent means 30 days; unknown is never judged
	}
	minDays, ok := cfgNumber(cfg, "minimumDays")
	if !ok {
		minDays = defaultKMSDeletionWindowDays
	}
	if days < minDays {
		return []string{fmt.Sprintf("deletionWindowInDays is %g; use at least %g", days, minDays)}
	}
	return nil
}
