package rules

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestKMSKeyRotation(t *testing.T) {
	tests := []struct {
		name  string
		typ   string
		props map[string]property.Value
		want  []string
	}{
		{name: "rotation on", props: map[string]property.Value{"enableKeyRotation": property.New(true)}},
		{
			name:  "rotation off",
			props: map[string]property.Value{"enableKeyRotation": property.New(false)},
			want:  []string{"enableKeyRotation is false; set it to true"},
		},
		{
			name: "rotation not set",
			want: []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"},
		},
		{
			name:  "rotation null",
			props: map[string]property.Value{"enableKeyRotation": property.New(property.Null)},
			want:  []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"},
		},
		{
			name:  "rotation as string false",
			props: map[string]property.Value{"enableKeyRotation": property.New("false")},
			want:  []string{"enableKeyRotation is false; set it to true"},
		},
		{name: "rotation unknown", props: map[string]property.Value{"enableKeyRotation": computed}},
		{
			name: "asymmetric key cannot rotate",
			props: map[string]property.Value{
				"customerMasterKeySpec": property.New("RSA_2048"),
				"enableKeyRotation":     property.New(false),
			},
		},
		{
			name: "key spec unknown",
			props: map[string]property.Value{
				"customerMasterKeySpec": computed,
				"enableKeyRotation":     property.New(false),
			},
		},
		{
			name: "symmetric key spec",
			props: map[string]property.Value{
				"customerMasterKeySpec": property.New("SYMMETRIC_DEFAULT"),
			},
			want: []string{"enableKeyRotation is not set (AWS defaults to no rotation); set it to true"},
		},
		{name: "not a KMS key", typ: "aws:s3/bucketV2:BucketV2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ := tt.typ
			if typ == "" {
				typ = kmsKeyType
			}
			assertMessages(t, check(t, "kms-key-rotation-enabled", res(typ, "data", tt.props), nil), tt.want)
		})
	}
}

func TestKMSDeletionWindow(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]property.Value
		cfg   map[string]any
		want  []string
	}{
		{name: "not set means the AWS default of 30"},
		{name: "30 days", props: map[string]property.Value{"deletionWindowInDays": property.New(30.0)}},
		{
			name:  "7 days",
			props: map[string]property.Value{"deletionWindowInDays": property.New(7.0)},
			want:  []string{"deletionWindowInDays is 7; use at least 30"},
		},
		{name: "unknown", props: map[string]property.Value{"deletionWindowInDays": computed}},
		{
			name:  "wrong kind is not judged",
			props: map[string]property.Value{"deletionWindowInDays": property.New("7")},
		},
		{
			name:  "minimumDays override passes",
			props: map[string]property.Value{"deletionWindowInDays": property.New(10.0)},
			cfg:   map[string]any{"minimumDays": 7.0},
		},
		{
			name:  "minimumDays override fires",
			props: map[string]property.Value{"deletionWindowInDays": property.New(10.0)},
			cfg:   map[string]any{"minimumDays": 14},
			want:  []string{"deletionWindowInDays is 10; use at least 14"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertMessages(t, check(t, "kms-key-deletion-window-long", res(kmsKeyType, "data", tt.props), tt.cfg), tt.want)
		})
	}
}

func TestKMSKeyPolicyNoPublic(t *testing.T) {
	key := func(policy any) Resource { return mk(kmsKeyType, "data", map[string]any{"policy": policy}) }
	const root = `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`
	runRuleCases(t, "kms-key-policy-not-public", []ruleCase{
		{name: "account root", r: key(root)},
		{name: "default policy", r: mk(kmsKeyType, "data", nil)},
		{
			name: "anyone",
			r:    key(`{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`),
			want: []string{`key policy statement Open allows any principal ("*") without a condition`},
		},
		{
			name: "AWS star in a list, statement as an object",
			r:    key(`{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","*"]},"Action":"kms:*"}}`),
			want: []string{"statement 0"},
		},
		{
			name: "wildcard with a condition (the EBS default-key pattern)",
			r: key(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt",` +
				`"Condition":{"StringEquals":{"kms:CallerAccount":"123456789012"}}}]}`),
		},
		{name: "deny with a wildcard", r: key(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*"}]}`)},
		{name: "policy as an object", r: key(map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*"}}}), want: []string{"statement 0"}},
		{name: "unknown principal", r: key(map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Principal": computed}}})},
		{name: "policy unknown", r: key(computed)},
		{name: "not JSON", r: key("{")},
		{name: "key policy resource", r: mk(kmsKeyPolicyType, "kp", map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Principal":"*"}]}`}), want: []string{"statement 0"}},
	})
}

// sseConfig builds a bucket encryption configuration with one rule.
func sseConfig(alg, key any, bucketKey any) Resource {
	def := map[string]any{"sseAlgorithm": alg}
	if key != nil {
		def["kmsMasterKeyId"] = key
	}
	rule := map[string]any{"applyServerSideEncryptionByDefault": def}
	if bucketKey != nil {
		rule["bucketKeyEnabled"] = bucketKey
	}
	return mk(s3SSEConfigType, "data-sse", map[string]any{"bucket": "data-bucket", "rules": []any{rule}})
}

func TestS3SSEKMS(t *testing.T) {
	one := func(name string, r Resource, want ...string) stackCase {
		c := stackCase{name: name, rs: []Resource{r}}
		for _, w := range want {
			c.want = append(c.want, Finding{r.URN, w})
		}
		return c
	}
	cases := []stackCase{
		one("customer key", sseConfig("aws:kms", "arn:aws:kms:us-east-1:1:key/k", true)),
		one("DSSE", sseConfig("aws:kms:dsse", "arn:k", true)),
		one("key unknown", sseConfig("aws:kms", computed, true)),
		one("AES256", sseConfig("AES256", nil, nil), "uses sseAlgorithm AES256"),
		one("AWS-managed key", sseConfig("aws:kms", nil, true), "AWS-managed aws/s3 key"),
		one("algorithm unknown", sseConfig(computed, nil, nil)),
		one("no rules", mk(s3SSEConfigType, "x", map[string]any{"bucket": "b"}), "rules is empty"),
		one("rules unknown", mk(s3SSEConfigType, "x", map[string]any{"rules": computed})),
		one("rule without default", mk(s3SSEConfigType, "x", map[string]any{"rules": []any{map[string]any{"bucketKeyEnabled": true}}}),
			"has no applyServerSideEncryptionByDefault"),
		one("inline bucket config is s3-bucket-encryption-attached's", mk(s3BucketV2Type, "b", nil)),
	}
	// A bucket that receives server access logs must be SSE-S3 instead.
	logs := withProps(mk(s3BucketV2Type, "logs", nil), map[string]any{"bucket": "ml-logs"})
	data := withProps(mk(s3BucketV2Type, "data", nil), map[string]any{"bucket": "ml-data"})
	logging := mk(s3LoggingType, "data-logging", map[string]any{"bucket": "ml-data", "targetBucket": "ml-logs"})
	logsAES := withProps(sseConfig("AES256", nil, nil), map[string]any{"bucket": "ml-logs"})
	logsKMS := withProps(sseConfig("aws:kms", "arn:k", true), map[string]any{"bucket": "ml-logs"})
	dataAES := withProps(mk(s3SSEConfigType, "data-sse", map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}}), map[string]any{"bucket": "ml-data"})
	cases = append(cases,
		stackCase{name: "log destination on SSE-S3", rs: []Resource{logs, data, logging, logsAES}},
		stackCase{name: "log destination on SSE-KMS (logs are not delivered)", rs: []Resource{logs, data, logging, logsKMS},
			want: []Finding{{logsKMS.URN, "S3 delivers logs only to SSE-S3 (AES256) buckets"}}},
		stackCase{name: "a logged bucket is not exempt", rs: []Resource{logs, data, logging, dataAES},
			want: []Finding{{dataAES.URN, "uses sseAlgorithm AES256"}}},
		stackCase{name: "without a logging configuration nothing is exempt", rs: []Resource{logs, logsAES},
			want: []Finding{{logsAES.URN, "uses sseAlgorithm AES256"}}},
	)
	runStackCases(t, "s3-bucket-encryption-kms", cases)
}

func TestS3BucketKey(t *testing.T) {
	runRuleCases(t, "s3-bucket-key-enabled", []ruleCase{
		{name: "enabled", r: sseConfig("aws:kms", "k", true)},
		{name: "off", r: sseConfig("aws:kms", "k", false), want: []string{"rules[0] uses SSE-KMS without bucketKeyEnabled"}},
		{name: "unset", r: sseConfig("aws:kms", "k", nil), want: []string{"bucketKeyEnabled"}},
		{name: "unknown", r: sseConfig("aws:kms", "k", computed)},
		{name: "not KMS (s3-bucket-encryption-kms's finding)", r: sseConfig("AES256", nil, nil)},
	})
}

func TestS3EncryptionAttached(t *testing.T) {
	bucket := mk(s3BucketV2Type, "data", map[string]any{"tags": fullTags()})
	bucket.ID = "ml-data-1234"
	other := mk(s3BucketV2Type, "logs", nil)
	byDeps := withDeps(mk(s3SSEConfigType, "data-sse", map[string]any{"bucket": computed}), "bucket", bucket.URN)
	byID := mk(s3SSEConfigType, "data-sse", map[string]any{"bucket": "ml-data-1234"})
	byName := mk(s3SSEConfigType, "logs-sse", map[string]any{"bucket": "ml-logs"})
	named := withProps(other, map[string]any{"bucket": "ml-logs"})
	unresolved := mk(s3SSEConfigType, "x-sse", map[string]any{"bucket": computed})
	inlineKMS := mk(s3BucketV2Type, "inline", map[string]any{"serverSideEncryptionConfigurations": []any{map[string]any{
		"rules": []any{map[string]any{"applyServerSideEncryptionByDefaults": []any{
			map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:k"}}}}}}})
	inlineAES := mk(s3BucketV2Type, "inline", map[string]any{"serverSideEncryptionConfigurations": []any{map[string]any{
		"rules": []any{map[string]any{"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "AES256"}}}}}}})
	legacy := mk(s3BucketType, "legacy", map[string]any{"serverSideEncryptionConfiguration": map[string]any{
		"rule": map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"}}}})
	const msg = "no aws:s3/bucketServerSideEncryptionConfigurationV2 refers to this bucket"
	runStackCases(t, "s3-bucket-encryption-attached", []stackCase{
		{name: "by property dependency", rs: []Resource{bucket, byDeps}},
		{name: "by physical ID", rs: []Resource{byID, bucket}},
		{name: "by bucket name", rs: []Resource{named, byName}},
		{name: "missing", rs: []Resource{bucket, other, byDeps}, want: []Finding{{other.URN, msg}}},
		{name: "unresolvable configuration never fires", rs: []Resource{bucket, other, unresolved}},
		{name: "inline KMS (legacy)", rs: []Resource{inlineKMS}},
		{name: "inline AES256 without a separate configuration", rs: []Resource{inlineAES}, want: []Finding{{inlineAES.URN, msg}}},
		{name: "aws:s3/bucket inline", rs: []Resource{legacy}},
		{name: "inline unknown", rs: []Resource{mk(s3BucketV2Type, "u", map[string]any{"serverSideEncryptionConfigurations": computed})}},
	})
}

func TestEKSSecretsEncryption(t *testing.T) {
	runRuleCases(t, "eks-cluster-secrets-encrypted", []ruleCase{
		{name: "pulumi-eks component with empty inputs: nothing to judge", r: mk("eks:index:Cluster", "eks", nil)},
		{name: "pulumi-eks component inputs are not judged (its child is)", r: mk("eks:index:Cluster", "eks", map[string]any{"name": "c"})},
		{name: "cluster with secrets", r: mk(eksClusterType, "eks", map[string]any{"encryptionConfig": map[string]any{
			"resources": []string{"secrets"}, "provider": map[string]any{"keyArn": "arn:k"}}})},
		{name: "cluster without encryption", r: mk(eksClusterType, "eks", nil), want: []string{"encryptionConfig is not set"}},
		{name: "cluster without secrets", r: mk(eksClusterType, "eks", map[string]any{"encryptionConfig": map[string]any{
			"resources": []string{}, "provider": map[string]any{"keyArn": "arn:k"}}}), want: []string{`does not include "secrets"`}},
		{name: "cluster without key", r: mk(eksClusterType, "eks", map[string]any{"encryptionConfig": map[string]any{
			"resources": []string{"secrets"}}}), want: []string{"provider.keyArn is not set"}},
		{name: "cluster config unknown", r: mk(eksClusterType, "eks", map[string]any{"encryptionConfig": computed})},
	})
}

func TestEBSEncryption(t *testing.T) {
	lt := func(ebs any) Resource {
		return mk(launchTemplateType, "gpu", map[string]any{"blockDeviceMappings": []any{
			map[string]any{"deviceName": "/dev/xvda", "ebs": ebs}}})
	}
	runRuleCases(t, "ec2-volume-encrypted", []ruleCase{
		{name: "encrypted with a customer key (string true)", r: lt(map[string]any{"encrypted": "true", "kmsKeyId": "arn:k"})},
		{name: "encrypted as a bool", r: lt(map[string]any{"encrypted": true, "kmsKeyId": "arn:k"})},
		{name: "not encrypted", r: lt(map[string]any{"encrypted": "false"}), want: []string{"blockDeviceMappings[0] (/dev/xvda) is not encrypted"}},
		{name: "encrypted unset", r: lt(map[string]any{"volumeSize": 100}), want: []string{"is not encrypted"}},
		{name: "AWS-managed key", r: lt(map[string]any{"encrypted": "true"}), want: []string{"AWS-managed aws/ebs key"}},
		{name: "AWS-managed key allowed by config", r: lt(map[string]any{"encrypted": "true"}), cfg: map[string]any{"requireCustomerKey": false}},
		{name: "encrypted unknown", r: lt(map[string]any{"encrypted": computed})},
		{name: "key unknown", r: lt(map[string]any{"encrypted": "true", "kmsKeyId": computed})},
		{name: "ebs unknown", r: lt(computed)},
		{name: "no mappings", r: mk(launchTemplateType, "gpu", nil), want: []string{"blockDeviceMappings is empty"}},
		{name: "mappings unknown", r: mk(launchTemplateType, "gpu", map[string]any{"blockDeviceMappings": computed})},
		{name: "instance store mapping skipped", r: mk(launchTemplateType, "gpu", map[string]any{"blockDeviceMappings": []any{
			map[string]any{"deviceName": "/dev/sdb", "virtualName": "ephemeral0"}}})},
		{name: "instance root", r: mk(ec2InstanceType, "i", map[string]any{"rootBlockDevice": map[string]any{"encrypted": true, "kmsKeyId": "k"}})},
		{name: "instance without root block", r: mk(ec2InstanceType, "i", nil), want: []string{"rootBlockDevice is not set"}},
		{name: "instance from a launch template", r: mk(ec2InstanceType, "i", map[string]any{"launchTemplate": map[string]any{"id": "lt-1"}})},
		{name: "instance extra volume", r: mk(ec2InstanceType, "i", map[string]any{
			"rootBlockDevice": map[string]any{"encrypted": true, "kmsKeyId": "k"},
			"ebsBlockDevices": []any{map[string]any{"encrypted": false}}}), want: []string{"ebsBlockDevices[0] is not encrypted"}},
		{name: "volume", r: mk(ebsVolumeType, "v", map[string]any{"encrypted": true, "kmsKeyId": "k"})},
		{name: "volume unencrypted", r: mk(ebsVolumeType, "v", nil), want: []string{"the volume is not encrypted"}},
		{name: "pulumi-eks component: its children are judged", r: mk("eks:index:Cluster", "eks", nil)},
	})
}

func TestFSxCustomerKey(t *testing.T) {
	fsx := func(props map[string]any) Resource { return mk(fsxLustreType, "scratch", props) }
	runRuleCases(t, "fsx-filesystem-customer-key", []ruleCase{
		{name: "persistent with key", r: fsx(map[string]any{"deploymentType": "PERSISTENT_2", "kmsKeyId": "arn:k"})},
		{name: "persistent without key", r: fsx(map[string]any{"deploymentType": "PERSISTENT_2"}), want: []string{"kmsKeyId is not set"}},
		{name: "scratch cannot take a key", r: fsx(map[string]any{"deploymentType": "SCRATCH_2"})},
		{name: "default is scratch", r: fsx(nil)},
		{name: "deployment type unknown", r: fsx(map[string]any{"deploymentType": computed})},
	})
}

func TestSageMakerAndBedrockKeys(t *testing.T) {
	for _, tt := range []struct{ rule, typ, key string }{
		{"sagemaker-domain-customer-key", smDomainType, "kmsKeyId"},
		{"sagemaker-notebook-customer-key", smNotebookType, "kmsKeyId"},
		{"bedrock-guardrail-customer-key", bedrockGuardrailType, "kmsKeyArn"},
		{"logs-group-customer-key", logGroupType, "kmsKeyId"},
		{"prometheus-workspace-customer-key", ampWorkspaceType, "kmsKeyArn"},
	} {
		t.Run(tt.rule, func(t *testing.T) {
			runRuleCases(t, tt.rule, []ruleCase{
				{name: "set", r: mk(tt.typ, "x", map[string]any{tt.key: "arn:aws:kms:us-east-1:1:key/k"})},
				{name: "unknown", r: mk(tt.typ, "x", map[string]any{tt.key: computed})},
				{name: "unset", r: mk(tt.typ, "x", nil), want: []string{tt.key + " is not set"}},
				{name: "empty", r: mk(tt.typ, "x", map[string]any{tt.key: ""}), want: []string{tt.key}},
				{name: "other type", r: mk(vpcType, "x", nil)},
			})
		})
	}
}

func TestSageMakerEndpointKMS(t *testing.T) {
	variant := map[string]any{"variantName": "main", "instanceType": "ml.m5.xlarge", "initialInstanceCount": 2}
	nvme := map[string]any{"variantName": "main", "instanceType": "ml.g5.xlarge", "initialInstanceCount": 2}
	serverless := map[string]any{"variantName": "sl", "serverlessConfig": map[string]any{"maxConcurrency": 5, "memorySizeInMb": 2048}}
	cfg := func(props map[string]any) Resource { return mk(smEndpointConfigType, "ep", props) }
	runRuleCases(t, "sagemaker-endpoint-customer-key", []ruleCase{
		{name: "with key", r: cfg(map[string]any{"productionVariants": []any{variant}, "kmsKeyArn": "arn:k"})},
		{name: "without key", r: cfg(map[string]any{"productionVariants": []any{variant}}), want: []string{"kmsKeyArn is not set"}},
		{name: "serverless only", r: cfg(map[string]any{"productionVariants": []any{serverless}})},
		{name: "local NVMe storage only", r: cfg(map[string]any{"productionVariants": []any{nvme}})},
		// One NVMe variant forbids the key for the whole configuration
		// (sagemaker-endpoint-key-storage-compatible), so none is asked for.
		{name: "local storage and EBS", r: cfg(map[string]any{"productionVariants": []any{nvme, variant}})},
		{name: "variants unknown", r: cfg(map[string]any{"productionVariants": computed})},
		{name: "async output without key", r: cfg(map[string]any{"productionVariants": []any{variant}, "kmsKeyArn": "k",
			"asyncInferenceConfig": map[string]any{"outputConfig": map[string]any{"s3OutputPath": "s3://b/o"}}}),
			want: []string{"asyncInferenceConfig.outputConfig.kmsKeyId is not set"}},
		{name: "async output with key", r: cfg(map[string]any{"productionVariants": []any{variant}, "kmsKeyArn": "k",
			"asyncInferenceConfig": map[string]any{"outputConfig": map[string]any{"s3OutputPath": "s3://b/o", "kmsKeyId": "k"}}})},
	})
}

func TestSageMakerDataCaptureKMS(t *testing.T) {
	cfg := func(dc any) Resource { return mk(smEndpointConfigType, "ep", map[string]any{"dataCaptureConfig": dc}) }
	runRuleCases(t, "sagemaker-capture-customer-key", []ruleCase{
		{name: "with key", r: cfg(map[string]any{"destinationS3Uri": "s3://b", "kmsKeyId": "k"})},
		{name: "without key", r: cfg(map[string]any{"destinationS3Uri": "s3://b"}), want: []string{"dataCaptureConfig.kmsKeyId is not set"}},
		{name: "capture disabled", r: cfg(map[string]any{"enableCapture": false})},
		{name: "no data capture", r: mk(smEndpointConfigType, "ep", nil)},
		{name: "config unknown", r: cfg(computed)},
		{name: "key unknown", r: cfg(map[string]any{"kmsKeyId": computed})},
	})
}

func TestLogGroupRetention(t *testing.T) {
	lg := func(env string, days any) Resource {
		props := map[string]any{"tags": envTags(env)}
		if days != nil {
			props["retentionInDays"] = days
		}
		return mk(logGroupType, "logs", props)
	}
	runRuleCases(t, "logs-group-retention-set", []ruleCase{
		{name: "dev 30 days", r: lg("dev", 30)},
		{name: "prod a year", r: lg("prod", 365)},
		{name: "never expires", r: lg("dev", nil), want: []string{"retentionInDays is not set: events never expire"}},
		{name: "zero means never", r: lg("dev", 0), want: []string{"never expire"}},
		{name: "prod too short is the -prod rule's", r: lg("prod", 30)},
		{name: "unknown retention", r: lg("prod", computed)},
	})
	runRuleCases(t, "logs-group-retention-year-prod", []ruleCase{
		{name: "prod a year", r: lg("prod", 365)},
		{name: "prod too short", r: lg("prod", 30), want: []string{"retentionInDays is 30; keep at least 365"}},
		{name: "staging is prod-like", r: lg("staging", 30), want: []string{"keep at least 365"}},
		{name: "dev is not judged", r: lg("dev", 30)},
		{name: "unknown environment not judged", r: mk(logGroupType, "l", map[string]any{"retentionInDays": 30})},
		{name: "never expires is long enough", r: lg("prod", nil)},
		{name: "unknown retention", r: lg("prod", computed)},
		{name: "config", r: lg("prod", 90), cfg: map[string]any{"minimumDays": 90}},
	})
	runRuleCases(t, "logs-group-retention-year", []ruleCase{
		{name: "dev too short, everywhere rule", r: lg("dev", 30), want: []string{"retentionInDays is 30; keep at least 365"}},
		{name: "dev a year", r: lg("dev", 400)},
	})
}
