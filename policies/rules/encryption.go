package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

const kmsKeyType = "aws:kms/key:Key"

// defaultKMSDeletionWindowDays is what AWS applies when deletionWindowInDays
// is not set (and the maximum it allows).
const defaultKMSDeletionWindowDays = 30

func init() {
	register(
		Rule{
			Name: "kms-key-rotation",
			Description: "Customer-managed KMS keys rotate their key material yearly, " +
				"limiting what one leaked or broken key version exposes.",
			Level: Mandatory,
			Check: checkKMSKeyRotation,
		},
		Rule{
			Name: "kms-key-deletion-window",
			Description: "KMS keys keep the longest deletion window, so a key deleted by mistake " +
				"can be recovered before the data it encrypts becomes unreadable.",
			Level: Advisory,
			ConfigSchema: map[string]map[string]any{
				"minimumDays": {
					"type":        "integer",
					"minimum":     7,
					"maximum":     30,
					"description": "Smallest deletionWindowInDays accepted (AWS allows 7 to 30).",
				},
			},
			Defaults: map[string]any{"minimumDays": float64(defaultKMSDeletionWindowDays)},
			Check:    checkKMSDeletionWindow,
		},
		Rule{
			Name: "kms-key-policy-no-public",
			Description: "Key policies never allow every principal (\"*\") without a condition: " +
				"such a key can be used from any AWS account.",
			Level: Mandatory,
			Check: checkKMSKeyPolicy,
		},
		Rule{
			Name: "s3-sse-kms",
			Description: "S3 default encryption uses SSE-KMS with a customer-managed key, so reading " +
				"objects needs both S3 and KMS permissions and the key's policy and audit trail apply.",
			Level: Mandatory,
			Check: checkS3SSEKMS,
		},
		Rule{
			Name: "s3-bucket-key",
			Description: "SSE-KMS bucket configurations enable S3 Bucket Keys, which cut KMS requests " +
				"(and their cost and throttling) for training data read at scale.",
			Level: Advisory,
			Check: checkS3BucketKey,
		},
		Rule{
			Name:        "eks-secrets-encryption",
			Description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
			Level:       Mandatory,
			Check:       checkEKSSecretsEncryption,
		},
		Rule{
			Name: "ebs-encryption",
			Description: "Node volumes are encrypted: launch template block devices, Karpenter EC2NodeClass " +
				"mappings, instance and EBS volumes, and the root volumes of pulumi-eks node groups; by default " +
				"with a customer-managed key.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"requireCustomerKey": {
					"type":        "boolean",
					"description": "Also require kmsKeyId (a customer-managed key) where the resource takes one.",
				},
			},
			Defaults: map[string]any{"requireCustomerKey": true},
			Check:    checkEBSEncryption,
		},
		Rule{
			Name: "fsx-customer-key",
			Description: "Persistent FSx for Lustre file systems (training data and checkpoints) are " +
				"encrypted with a customer-managed KMS key. Scratch file systems cannot take one and are skipped.",
			Level: Mandatory,
			Check: checkFSxCustomerKey,
		},
		Rule{
			Name:        "sagemaker-domain-kms",
			Description: "SageMaker domains encrypt their EFS home directories with a customer-managed key.",
			Level:       Mandatory,
			Check:       requireProperty(smDomainType, "kmsKeyId", "the domain's storage uses an AWS-managed key"),
		},
		Rule{
			Name:        "sagemaker-notebook-kms",
			Description: "SageMaker notebook instances encrypt their storage volume with a customer-managed key.",
			Level:       Mandatory,
			Check:       requireProperty(smNotebookType, "kmsKeyId", "the notebook's volume uses an AWS-managed key"),
		},
		Rule{
			Name: "sagemaker-endpoint-kms",
			Description: "SageMaker endpoint configurations encrypt the instance storage volumes and any " +
				"asynchronous inference output with a customer-managed key.",
			Level: Mandatory,
			Check: checkSageMakerEndpointKMS,
		},
		Rule{
			Name: "sagemaker-data-capture-kms",
			Description: "Endpoint data capture (model inputs and outputs, often personal data) is written " +
				"to S3 with a customer-managed key.",
			Level: Mandatory,
			Check: checkSageMakerDataCaptureKMS,
		},
		Rule{
			Name:        "bedrock-guardrail-kms",
			Description: "Bedrock guardrails encrypt their configuration with a customer-managed key.",
			Level:       Mandatory,
			Check:       requireProperty(bedrockGuardrailType, "kmsKeyArn", "the guardrail uses an AWS-owned key"),
		},
		Rule{
			Name:        "log-group-kms",
			Description: "CloudWatch log groups (flow logs, control plane, invocations) are encrypted with a customer-managed key.",
			Level:       Mandatory,
			Check:       requireProperty(logGroupType, "kmsKeyId", "log events are encrypted with a CloudWatch-owned key"),
		},
		Rule{
			Name: "log-group-retention",
			Description: "Log groups expire their events (never-expiring logs grow cost forever), and keep " +
				"them long enough in prod and staging for audits.",
			Level: Advisory,
			ConfigSchema: map[string]map[string]any{
				"minimumProdDays": {
					"type":        "integer",
					"minimum":     1,
					"description": "Smallest retentionInDays accepted in prod and staging.",
				},
			},
			Defaults: map[string]any{"minimumProdDays": float64(365)},
			Check:    checkLogGroupRetention,
		},
	)
	registerStack(StackRule{
		Name: "s3-encryption-attached",
		Description: "Every S3 bucket has default encryption with a customer-managed KMS key: an " +
			"aws:s3/bucketServerSideEncryptionConfigurationV2 that refers to it (judged by s3-sse-kms), " +
			"or, for legacy buckets, an inline configuration.",
		Level: Mandatory,
		Check: checkS3EncryptionAttached,
	})
}

// requireProperty builds a check that fires when a resource of type typ does
// not set key (absent, null or empty); an unknown value counts as set.
func requireProperty(typ, key, consequence string) func(Resource, map[string]any) []string {
	return func(r Resource, _ map[string]any) []string {
		if r.Type != typ || isSet(r.Properties, key) {
			return nil
		}
		return []string{fmt.Sprintf("%s is not set: %s; set it to a customer-managed KMS key", key, consequence)}
	}
}

// checkKMSKeyPolicy fires on each allow statement of a key policy that names
// every principal and carries no condition. An absent policy is the default
// key policy (the account itself), which is safe.
func checkKMSKeyPolicy(r Resource, _ map[string]any) []string {
	if r.Type != kmsKeyType && r.Type != kmsKeyPolicyType {
		return nil
	}
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
func checkS3SSEKMS(r Resource, _ map[string]any) []string {
	if r.Type != s3SSEConfigType {
		return nil
	}
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
	if r.Type != s3SSEConfigType {
		return nil
	}
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

// checkS3EncryptionAttached fires for each bucket that neither has an
// encryption configuration resource referring to it (through the bucket
// property's dependencies, its physical ID or its name) nor an inline KMS
// configuration. A bucket's inline configuration is judged only when no
// separate resource exists, because exported outputs show what AWS reported
// before that resource applied.
func checkS3EncryptionAttached(rs []Resource, _ map[string]any) []Finding {
	found, unresolved := companions(rs, isBucket, s3SSEConfigType, []string{"bucket"}, "bucket")
	if unresolved {
		return nil
	}
	var out []Finding
	for _, b := range rs {
		if !isBucket(b.Type) || len(found[b.URN]) > 0 {
			continue
		}
		if msg := inlineSSEProblem(b); msg != "" {
			out = append(out, Finding{URN: b.URN, Message: msg})
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

// checkEKSSecretsEncryption reads encryptionConfigKeyArn on the pulumi-eks
// component and encryptionConfig on aws:eks/cluster.
func checkEKSSecretsEncryption(r Resource, _ map[string]any) []string {
	switch r.Type {
	case eksComponentType:
		if !isSet(r.Properties, "encryptionConfigKeyArn") {
			return []string{"encryptionConfigKeyArn is not set: Kubernetes secrets are stored without envelope encryption"}
		}
	case eksClusterType:
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
	}
	return nil
}

// defaultNodeGroup reports whether a pulumi-eks cluster creates its default
// node group (skipDefaultNodeGroup not true and no Fargate profile); known
// is false when that cannot be told.
func defaultNodeGroup(r Resource) (creates, known bool) {
	if isUnknown(r.Properties, "skipDefaultNodeGroup") || isUnknown(r.Properties, "fargate") {
		return false, false
	}
	if skip, _ := getBool(r.Properties, "skipDefaultNodeGroup"); skip {
		return false, true
	}
	return !isSet(r.Properties, "fargate"), true
}

// firstBool returns the first of the paths that holds a known boolean;
// unknown is true when the first path that is set is computed.
func firstBool(m property.Map, paths ...[]string) (val, ok, unknownVal bool) {
	for _, path := range paths {
		v, p := lookup(m, path...)
		switch p {
		case unknown:
			return false, false, true
		case present:
			b, isBool := asBool(v)
			return b, isBool, false
		}
	}
	return false, false, false
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
	case eksComponentType:
		if creates, known := defaultNodeGroup(r); !known || !creates {
			return nil
		}
		on, ok, unk := firstBool(r.Properties, []string{"nodeGroupOptions", "nodeRootVolumeEncrypted"}, []string{"nodeRootVolumeEncrypted"})
		if !unk && !(ok && on) {
			return []string{"the default node group's root volumes are not encrypted: set nodeRootVolumeEncrypted " +
				"(or skipDefaultNodeGroup and build node groups with encrypted launch templates)"}
		}
	case eksNodeGroupV2Type, eksNodeGroupCompType:
		on, ok, unk := firstBool(r.Properties, []string{"nodeRootVolumeEncrypted"}, []string{"encryptRootBlockDevice"})
		if !unk && !(ok && on) {
			return []string{"root volumes are not encrypted: set nodeRootVolumeEncrypted"}
		}
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
	if r.Type != fsxLustreType || !persistentFSx(r) {
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
	if r.Type != smEndpointConfigType {
		return nil
	}
	var out []string
	variants, p := getMaps(r.Properties, "productionVariants")
	instanceBacked := false
	for _, v := range variants {
		if _, sp := lookup(v, "serverlessConfig"); sp == absent {
			instanceBacked = true
		}
	}
	if p == present && instanceBacked && !isSet(r.Properties, "kmsKeyArn") {
		out = append(out, "kmsKeyArn is not set: the variants' storage volumes use an AWS-managed key")
	}
	if _, ap := lookup(r.Properties, "asyncInferenceConfig", "outputConfig"); ap == present &&
		!isSet(r.Properties, "asyncInferenceConfig", "outputConfig", "kmsKeyId") {
		out = append(out, "asyncInferenceConfig.outputConfig.kmsKeyId is not set: asynchronous results are written without a customer key")
	}
	return out
}

// checkSageMakerDataCaptureKMS fires when data capture is on and has no key.
func checkSageMakerDataCaptureKMS(r Resource, _ map[string]any) []string {
	if r.Type != smEndpointConfigType {
		return nil
	}
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

// checkLogGroupRetention fires when events never expire and, in prod and
// staging, when they are kept less than the minimum.
func checkLogGroupRetention(r Resource, cfg map[string]any) []string {
	if r.Type != logGroupType {
		return nil
	}
	v, p := lookup(r.Properties, "retentionInDays")
	if p == unknown {
		return nil
	}
	days, ok := asNumber(v)
	if p == absent || (ok && days == 0) {
		return []string{"retentionInDays is not set: events never expire"}
	}
	minDays, hasMin := cfgNumber(cfg, "minimumProdDays")
	if ok && hasMin && prodLike(r) && days < minDays {
		return []string{fmt.Sprintf("retentionInDays is %g in a prod-like environment; keep at least %g", days, minDays)}
	}
	return nil
}

// checkKMSKeyRotation fires when enableKeyRotation is false or not set (AWS
// leaves rotation off by default). Keys whose spec is known and not
// SYMMETRIC_DEFAULT (asymmetric and HMAC keys) cannot rotate automatically and
// are skipped, as are keys whose spec is unknown.
func checkKMSKeyRotation(r Resource, _ map[string]any) []string {
	if r.Type != kmsKeyType {
		return nil
	}
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
	if r.Type != kmsKeyType {
		return nil
	}
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
