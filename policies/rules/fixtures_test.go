package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ml-platform/ml-platform/conventions"
)

// The misconfigured stack exports under testdata are generated from the
// definitions below, so that each differs from a clean stack by exactly one
// setting. Regenerate them (and the manifest the audit tests read) with
//
//	go test ./policies/rules -run TestAuditFixtures -update-fixtures
//
// and review the diff.
var updateFixtures = flag.Bool("update-fixtures", false, "rewrite the generated stack-export fixtures under testdata")

// manifestFile lists every export fixture with the one mandatory rule it
// must trip ("" for a clean export). tests/audit_test.go reads it too.
const manifestFile = "audit-fixtures.json"

// auditFixture is one manifest entry.
type auditFixture struct {
	File string `json:"file"`
	// Rule is the only mandatory rule the audit must report ("" for none).
	Rule string `json:"rule"`
	// Profile, when set, is the compliance profile the audit applies
	// (`audit --policy-pack-config policies/profiles/<profile>.json`).
	Profile string `json:"profile,omitempty"`
	// About says what is wrong with the stack.
	About string `json:"about"`
	// Generated fixtures are written by this file; the others by hand.
	Generated bool `json:"generated"`
}

// handWritten are the fixtures maintained by hand (they exercise the export
// format: secrets, components, pending deletes).
var handWritten = []auditFixture{
	{File: "export-clean.json", About: "a clean prod stack: network, flow logs, endpoints, a protected key"},
	{File: "export-untagged-vpc.json", Rule: "resource-tags-required", About: "a VPC without tags (and without a flow log, advisory)"},
}

// fixtureDef defines one generated fixture: a clean stack of env with one
// misconfiguration applied by build.
type fixtureDef struct {
	file, env, rule, about string
	build                  func(s *stackBuilder)
}

// fixtureProfiles are the fixtures audited under a compliance profile (the
// profile-only rules fire only there), by file.
var fixtureProfiles = map[string]string{}

// fixtureDefs covers every mandatory rule with one misconfiguration.
var fixtureDefs = []fixtureDef{
	// tagging
	{"export-bad-environment.json", "dev", "resource-environment-tag-valid", "a bucket tagged Environment=production", func(s *stackBuilder) {
		s.bucket("data", nil).inputs["tags"] = with(s.tags(), "Environment", "production")
	}},
	{"export-launch-template-untagged-volumes.json", "dev", "ec2-launch-template-tags-propagated", "a launch template that tags instances but not volumes", func(s *stackBuilder) {
		s.cluster(nil)
		lt, _ := s.nodeGroup("system", "system", "none", "ON_DEMAND", 2, []string{"m6i.xlarge"}, nil)
		lt.inputs["tagSpecifications"] = []any{map[string]any{"resourceType": "instance", "tags": s.tags()}}
	}},
	// encryption
	{"export-kms-no-rotation.json", "prod", "kms-key-rotation-enabled", "a KMS key with rotation off", func(s *stackBuilder) {
		s.find("keys-data").inputs["enableKeyRotation"] = false
	}},
	{"export-kms-public-policy.json", "prod", "kms-key-policy-not-public", "a key policy that lets any principal decrypt", func(s *stackBuilder) {
		s.find("keys-data").inputs["policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"AnyoneDecrypts","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}]}`
	}},
	{"export-s3-no-kms.json", "prod", "s3-bucket-encryption-kms", "a bucket encrypted with SSE-S3 (AES256)", func(s *stackBuilder) {
		s.bucket("data", func(c string, in map[string]any) {
			if c == "sse" {
				in["rules"] = []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}
			}
		})
	}},
	{"export-s3-no-encryption-config.json", "prod", "s3-bucket-encryption-attached", "a bucket without an encryption configuration (AWS reports its default AES256)", func(s *stackBuilder) {
		s.bucket("data", skip("sse"))
	}},
	{"export-eks-no-secrets-encryption.json", "prod", "eks-cluster-secrets-encrypted", "a cluster without envelope encryption of secrets", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) { delete(in, "encryptionConfigKeyArn") })
	}},
	{"export-ebs-unencrypted.json", "prod", "ec2-volume-encrypted", "a launch template whose root volume is not encrypted", func(s *stackBuilder) {
		s.cluster(nil)
		lt, _ := s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		lt.inputs["blockDeviceMappings"] = []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{
			"encrypted": "false", "volumeSize": 100, "volumeType": "gp3"}}}
	}},
	{"export-fsx-no-key.json", "prod", "fsx-filesystem-customer-key", "a persistent FSx for Lustre file system without a customer key", func(s *stackBuilder) {
		delete(s.fsx().inputs, "kmsKeyId")
	}},
	{"export-sagemaker-domain-no-kms.json", "prod", "sagemaker-domain-customer-key", "a SageMaker domain without a customer key", func(s *stackBuilder) {
		delete(s.domain().inputs, "kmsKeyId")
	}},
	{"export-notebook-no-kms.json", "dev", "sagemaker-notebook-customer-key", "a notebook instance without a customer key", func(s *stackBuilder) {
		delete(s.notebook().inputs, "kmsKeyId")
	}},
	{"export-endpoint-no-kms.json", "prod", "sagemaker-endpoint-customer-key", "an endpoint configuration without kmsKeyArn", func(s *stackBuilder) {
		delete(s.endpointConfig().inputs, "kmsKeyArn")
	}},
	{"export-data-capture-no-kms.json", "prod", "sagemaker-capture-customer-key", "endpoint data capture without a key", func(s *stackBuilder) {
		delete(s.endpointConfig().inputs["dataCaptureConfig"].(map[string]any), "kmsKeyId")
	}},
	{"export-model-artifact-archived.json", "prod", "sagemaker-model-artifact-readable",
		"a model served from a prefix its bucket's lifecycle moves to Glacier Flexible Retrieval", func(s *stackBuilder) {
			s.bucket("models", func(key string, in map[string]any) {
				if key == "lifecycle" {
					in["rules"] = append(in["rules"].([]any), map[string]any{"id": "archive", "status": "Enabled",
						"filter": map[string]any{"prefix": "models/"}, "transitions": []any{map[string]any{"days": 180, "storageClass": "GLACIER"}}})
				}
			})
			s.model().inputs["primaryContainer"].(map[string]any)["modelDataUrl"] = "s3://ml-platform-prod-models/models/churn/model.tar.gz"
		}},
	{"export-async-capture.json", "prod", "sagemaker-data-capture-supported", "data capture on an asynchronous endpoint", func(s *stackBuilder) {
		s.endpointConfig().inputs["asyncInferenceConfig"] = map[string]any{"outputConfig": map[string]any{
			"s3OutputPath": "s3://ml-platform-async/", "kmsKeyId": s.keyARN("data")}}
	}},
	{"export-bedrock-no-kms.json", "prod", "bedrock-guardrail-customer-key", "a Bedrock guardrail without a customer key", func(s *stackBuilder) {
		delete(s.guardrail().inputs, "kmsKeyArn")
	}},
	{"export-log-group-no-kms.json", "prod", "logs-group-customer-key", "the flow-log group without a customer key", func(s *stackBuilder) {
		delete(s.find("network-flow-logs").inputs, "kmsKeyId")
	}},
	{"export-prometheus-no-kms.json", "prod", "prometheus-workspace-customer-key", "a Prometheus workspace without a customer key", func(s *stackBuilder) {
		delete(s.prometheus().inputs, "kmsKeyArn")
	}},
	// network isolation
	{"export-missing-endpoints.json", "prod", "vpc-endpoints-present", "a VPC without an STS endpoint", func(s *stackBuilder) {
		s.remove("network-sts")
	}},
	{"export-vpn-default-crypto.json", "prod", "vpn-tunnel-crypto-strong", "a site-to-site VPN left at AWS's tunnel defaults (IKEv1, SHA1, DH group 2 accepted)", func(s *stackBuilder) {
		s.add(vpnConnectionType, "network-vpn", "vpn-fixture", map[string]any{
			"customerGatewayId": "cgw-0fixture", "vpnGatewayId": "vgw-0fixture", "type": "ipsec.1", "staticRoutesOnly": true, "tags": s.tags(),
		})
	}},
	{"export-eks-public-endpoint.json", "dev", "eks-endpoint-cidrs-restricted", "a dev cluster whose public endpoint admits 0.0.0.0/0 (component and AWS cluster)", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) { in["publicAccessCidrs"] = []any{"0.0.0.0/0"} })
	}},
	{"export-eks-prod-public-endpoint.json", "prod", "eks-endpoint-private-prod", "a prod cluster with a public endpoint (CIDR-restricted)", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) {
			in["endpointPublicAccess"] = true
			in["publicAccessCidrs"] = []any{"203.0.113.0/24"}
		})
	}},
	{"export-sagemaker-domain-public.json", "prod", "sagemaker-domain-vpc-only", "a SageMaker domain with SageMaker-provided internet access", func(s *stackBuilder) {
		s.domain().inputs["appNetworkAccessType"] = "PublicInternetOnly"
	}},
	{"export-notebook-internet.json", "dev", "sagemaker-notebook-internet-disabled", "a notebook instance with direct internet access", func(s *stackBuilder) {
		s.notebook().inputs["directInternetAccess"] = "Enabled"
	}},
	{"export-notebook-root.json", "dev", "sagemaker-notebook-root-disabled", "a notebook instance whose users get root", func(s *stackBuilder) {
		s.notebook().inputs["rootAccess"] = "Enabled"
	}},
	{"export-model-no-isolation.json", "prod", "sagemaker-model-network-isolated", "a model without network isolation", func(s *stackBuilder) {
		s.model().inputs["enableNetworkIsolation"] = false
	}},
	{"export-public-ip.json", "dev", "ec2-public-ip-disabled", "a private subnet that maps public IPs on launch", func(s *stackBuilder) {
		s.find("network-private-us-east-1a").inputs["mapPublicIpOnLaunch"] = true
	}},
	{"export-launch-template-imdsv1.json", "prod", "ec2-imdsv2-required", "a launch template that allows IMDSv1", func(s *stackBuilder) {
		s.cluster(nil)
		lt, _ := s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		lt.inputs["metadataOptions"] = map[string]any{"httpEndpoint": "enabled", "httpTokens": "optional", "httpPutResponseHopLimit": 1}
	}},
	{"export-s3-public-access-block-off.json", "prod", "s3-public-access-blocked", "a public access block with blockPublicPolicy off", func(s *stackBuilder) {
		s.bucket("data", func(c string, in map[string]any) {
			if c == "bpa" {
				in["blockPublicPolicy"] = false
			}
		})
	}},
	{"export-s3-no-public-access-block.json", "prod", "s3-public-access-block-attached", "a bucket without a public access block", func(s *stackBuilder) {
		s.bucket("data", skip("bpa"))
	}},
	{"export-s3-acls-enabled.json", "prod", "s3-bucket-ownership-enforced", "a bucket whose ownership controls keep ACLs enabled", func(s *stackBuilder) {
		s.bucket("data", func(c string, in map[string]any) {
			if c == "ownership" {
				in["rule"] = map[string]any{"objectOwnership": "ObjectWriter"}
			}
		})
	}},
	{"export-s3-public-policy.json", "prod", "s3-bucket-policy-not-public", "a bucket policy that lets anyone read objects", func(s *stackBuilder) {
		s.bucket("data", func(c string, in map[string]any) {
			if c == "policy" {
				in["policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ml-platform-prod-data/*"}]}`
			}
		})
	}},
	{"export-sg-world-ssh.json", "prod", "ec2-security-group-no-world-ingress", "a security group open to SSH from 0.0.0.0/0", func(s *stackBuilder) {
		sg := s.add(securityGroupType, "bastion", "sg-0bastion", map[string]any{
			"vpcId": "vpc-0fixture", "description": "bastion", "tags": s.tags()}).dep("vpcId", s.find("network-vpc"))
		s.add(sgIngressRuleType, "bastion-ssh", "sgr-0ssh", map[string]any{
			"securityGroupId": "sg-0bastion", "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
			"description": "SSH", "tags": s.tags()}).dep("securityGroupId", sg)
	}},
	{"export-node-group-ssh.json", "prod", "eks-node-ssh-disabled", "a node group with SSH remote access", func(s *stackBuilder) {
		s.cluster(nil)
		_, ng := s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		ng.inputs["remoteAccess"] = map[string]any{"ec2SshKey": "ops"}
	}},
	// spot and cost
	{"export-training-on-demand.json", "dev", "eks-training-nodes-spot", "a GPU training node group on on-demand capacity", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodeGroup("gpu-training", "training", "nvidia-gpu", "ON_DEMAND", 0, []string{"g5.12xlarge", "g5.24xlarge"}, nil)
	}},
	{"export-karpenter-training-on-demand.json", "dev", "eks-training-nodes-spot", "a Karpenter NodePool for training restricted to on-demand", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodePool("gpu-training", "training", "on-demand")
	}},
	{"export-pipeline-on-demand.json", "prod", "sagemaker-pipeline-training-spot", "a pipeline training step without managed spot", func(s *stackBuilder) {
		s.pipeline(false)
	}},
	// IAM
	{"export-iam-star.json", "prod", "iam-policy-no-wildcard-actions", "a policy allowing * on *", func(s *stackBuilder) {
		s.add(iamPolicyType, "ops-admin", "arn:aws:iam::123456789012:policy/ops-admin", map[string]any{
			"policy": `{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}`,
			"tags":   s.tags()})
	}},
	{"export-admin-attachment.json", "prod", "iam-policy-no-admin-attached", "a role attached AdministratorAccess", func(s *stackBuilder) {
		s.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-admin", "nodes-role-admin", map[string]any{
			"role": "nodes-role", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}).dep("role", s.find("nodes-role"))
	}},
	{"export-trust-wildcard.json", "prod", "iam-role-trust-not-public", "a role any principal may assume", func(s *stackBuilder) {
		s.find("nodes-role").inputs["assumeRolePolicy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
	}},
	{"export-access-pod-identity-any-namespace.json", "prod", "access-flows-hold",
		"a Pod Identity role whose trust checks only the account, so a pod in another namespace gets it", func(s *stackBuilder) {
			role := s.add("aws:iam/role:Role", "karpenter-controller", "ml-platform-prod-karpenter-controller", map[string]any{
				"name":             "ml-platform-prod-karpenter-controller",
				"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`,
				"tags":             s.tags()})
			role.outputs["arn"] = "arn:aws:iam::123456789012:role/ml-platform-prod-karpenter-controller"
			flows := s.add(FlowsType, "cluster-flows", "", map[string]any{
				"component": "cluster", "partition": "aws", "region": fixtureRegion, "accountId": fixtureAccount,
				"bindings": []any{},
				"flows": []any{map[string]any{
					"name": "a pod in another namespace assumes Karpenter's controller's role", "expect": "deny", "why": "pod-id-role",
					"requests": []any{map[string]any{
						"principal": "service:pods.eks.amazonaws.com", "action": "sts:AssumeRole",
						"resource": "arn:aws:iam::123456789012:role/ml-platform-prod-karpenter-controller",
						"context": map[string]any{"aws:SourceAccount": []any{fixtureAccount},
							"aws:RequestTag/kubernetes-namespace": []any{"default"}},
					}},
				}},
			})
			flows.custom = false
		}},
	{"export-eks-config-map-auth.json", "prod", "eks-cluster-access-entries", "a cluster authenticating through the aws-auth ConfigMap", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) { in["authenticationMode"] = "CONFIG_MAP" })
	}},
	// availability
	{"export-prod-unprotected-key.json", "prod", "resource-stateful-protected-prod", "a prod KMS key that is not protected", func(s *stackBuilder) {
		s.find("keys-data").protect = false
	}},
	{"export-s3-versioning-off.json", "prod", "s3-bucket-versioning-prod", "a prod bucket with versioning suspended", func(s *stackBuilder) {
		s.bucket("data", func(c string, in map[string]any) {
			if c == "versioning" {
				in["versioningConfiguration"] = map[string]any{"status": "Suspended"}
			}
		})
	}},
	{"export-eks-no-logs.json", "prod", "eks-cluster-logs-enabled", "a cluster sending only audit logs", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) { in["enabledClusterLogTypes"] = []any{"audit"} })
	}},
	{"export-eks-old-version.json", "prod", "eks-cluster-version-supported", "a cluster on Kubernetes 1.29", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) { in["version"] = "1.29" })
	}},
	{"export-eks-extended-support.json", "prod", "eks-version-standard-support-prod", "a prod cluster on 1.34, out of standard support since 2026-12-02", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) { in["version"] = "1.34" })
	}},
	{"export-budget-worst-case.json", "prod", "budgets-worst-case-within-budget-prod", "a $2,000 budget beside a p5 group that may grow by 4 nodes: $2,536 over the day the budget cannot see", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodeGroup("p5-training", "training", "nvidia-gpu", "SPOT", 0, []string{"p5.48xlarge"}, s.placementGroup("p5-training"))
		s.find("budget-monthly").inputs["limitAmount"] = "2000"
	}},
	{"export-reservation-in-own-placement-group.json", "prod", "eks-node-group-reservation-usable", "a p5 group targeting a Capacity Block through a placement group of its own", func(s *stackBuilder) {
		s.cluster(nil)
		lt, _ := s.nodeGroup("p5-training", "training", "nvidia-gpu", "SPOT", 0, []string{"p5.48xlarge"}, s.placementGroup("p5-training"))
		lt.inputs["capacityReservationSpecification"] = map[string]any{
			"capacityReservationTarget": map[string]any{"capacityReservationId": "cr-0123456789abcdef0"}}
	}},
	{"export-prod-endpoint-single-instance.json", "prod", "sagemaker-endpoint-instances-prod", "a prod endpoint variant with one instance", func(s *stackBuilder) {
		s.endpointConfig().inputs["productionVariants"].([]any)[0].(map[string]any)["initialInstanceCount"] = 1
	}},
	{"export-prod-serverless.json", "prod", "sagemaker-serverless-outside-prod", "a prod serverless endpoint (outside the VPC)", func(s *stackBuilder) {
		s.serverlessEndpoint()
	}},
	// deploy readiness: SageMaker
	{"export-endpoint-key-nvme.json", "prod", "sagemaker-endpoint-key-storage-compatible", "an endpoint configuration with a key on an instance type with local NVMe storage", func(s *stackBuilder) {
		s.endpointConfig().inputs["productionVariants"].([]any)[0].(map[string]any)["instanceType"] = "ml.g5.xlarge"
	}},
	{"export-pipeline-spot-no-wait.json", "prod", "sagemaker-spot-wait-valid", "a managed spot training step without MaxWaitTimeInSeconds", func(s *stackBuilder) {
		p := s.pipeline(true)
		var def map[string]any
		if err := json.Unmarshal([]byte(p.inputs["pipelineDefinition"].(string)), &def); err != nil {
			panic(err)
		}
		def["Steps"].([]any)[0].(map[string]any)["Arguments"].(map[string]any)["StoppingCondition"] = map[string]any{"MaxRuntimeInSeconds": 86400}
		out, err := json.Marshal(def)
		if err != nil {
			panic(err)
		}
		p.inputs["pipelineDefinition"] = string(out)
	}},
	{"export-pipeline-volume-key-nvme.json", "prod", "sagemaker-pipeline-volume-key-storage-compatible",
		"a training step on ml.g5.12xlarge (NVMe storage) with a volume key", func(s *stackBuilder) {
			p := s.pipeline(true)
			var def map[string]any
			if err := json.Unmarshal([]byte(p.inputs["pipelineDefinition"].(string)), &def); err != nil {
				panic(err)
			}
			def["Steps"].([]any)[0].(map[string]any)["Arguments"].(map[string]any)["ResourceConfig"].(map[string]any)["VolumeKmsKeyId"] = s.keyARN("data")
			out, err := json.Marshal(def)
			if err != nil {
				panic(err)
			}
			p.inputs["pipelineDefinition"] = string(out)
		}},
	{"export-serverless-capture.json", "dev", "sagemaker-serverless-supported", "a serverless endpoint configuration with data capture", func(s *stackBuilder) {
		_, c := s.serverlessEndpoint()
		c.inputs["dataCaptureConfig"] = map[string]any{"enableCapture": true, "initialSamplingPercentage": 10,
			"destinationS3Uri": "s3://ml-platform-capture/", "kmsKeyId": s.keyARN("data"),
			"captureOptions": []any{map[string]any{"captureMode": "Input"}}}
	}},
	{"export-prod-inference-spot.json", "prod", "eks-inference-nodes-on-demand-prod", "a prod inference node group on spot", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodeGroup("gpu-inference", "inference", "nvidia-gpu", "SPOT", 2, []string{"g5.2xlarge"}, nil)
	}},
	{"export-prod-single-az.json", "prod", "eks-node-group-multi-az-prod", "a prod system node group in one subnet", func(s *stackBuilder) {
		s.cluster(nil)
		_, ng := s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		ng.inputs["subnetIds"] = []any{"subnet-0a"}
		ng.propertyDependencies["subnetIds"] = []string{s.find("network-private-us-east-1a").URN}
	}},
	{"export-fsx-no-backups.json", "prod", "fsx-filesystem-backups-prod", "a prod persistent file system without backups", func(s *stackBuilder) {
		s.fsx().inputs["automaticBackupRetentionDays"] = 0
	}},
	// audit, cost and safety in prod
	{"export-prod-no-flow-logs.json", "prod", "vpc-flow-logs-enabled-prod", "a prod VPC without a flow log", func(s *stackBuilder) {
		s.remove("network-flow-log")
	}},
	{"export-prod-no-budget.json", "prod", "budgets-budget-present-prod", "a prod cluster without a budget", func(s *stackBuilder) {
		s.cluster(nil)
		s.remove("budget-monthly")
	}},
	{"export-budget-below-estimate.json", "prod", "budgets-budget-covers-estimate-prod", "a prod budget below the plan's estimated cost", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodeGroup("p5-training", "training", "nvidia-gpu", "SPOT", 2, []string{"p5.48xlarge"}, s.placementGroup("p5-training"))
	}},
	{"export-guardrail-incomplete.json", "prod", "bedrock-guardrail-filters-complete-prod", "a prod guardrail without a prompt-attack filter", func(s *stackBuilder) {
		g := s.guardrail()
		cfg := g.inputs["contentPolicyConfig"].(map[string]any)
		filters := cfg["filtersConfigs"].([]any)
		cfg["filtersConfigs"] = slices.DeleteFunc(slices.Clone(filters), func(f any) bool { return f.(map[string]any)["type"] == "PROMPT_ATTACK" })
	}},
	{"export-bedrock-invoke-no-guardrail.json", "prod", "bedrock-invoke-through-guardrail", "an application policy invoking models without the guardrail", func(s *stackBuilder) {
		s.guardrail()
		s.add(iamPolicyType, "chatbot", "arn:aws:iam::123456789012:policy/chatbot", map[string]any{"name": "chatbot", "tags": s.tags(),
			"policy": `{"Version":"2012-10-17","Statement":[{"Sid":"Chat","Effect":"Allow","Action":["bedrock:InvokeModel"],"Resource":["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"]}]}`})
	}},
	{"export-bedrock-no-invocation-logging.json", "prod", "bedrock-invocation-logging-prod", "a prod guardrail without model invocation logging", func(s *stackBuilder) {
		s.guardrail()
		s.remove("invocation-logging")
	}},
	{"export-aoss-public.json", "prod", "aoss-collection-private", "a vector collection open to the internet", func(s *stackBuilder) {
		_, _, network := s.vectorCollection()
		network.inputs["policy"] = `[{"Rules":[{"ResourceType":"collection","Resource":["collection/ml-platform-kb"]}],"AllowFromPublic":true}]`
	}},
	{"export-aoss-aws-key.json", "prod", "aoss-collection-customer-key", "a vector collection encrypted with an AWS-owned key", func(s *stackBuilder) {
		_, encryption, _ := s.vectorCollection()
		encryption.inputs["policy"] = `{"Rules":[{"ResourceType":"collection","Resource":["collection/ml-platform-kb"]}],"AWSOwnedKey":true}`
	}},
	// deploy readiness
	{"export-aoss-collection-first.json", "prod", "aoss-collection-encryption-policy-first", "a vector collection created alongside its encryption policy", func(s *stackBuilder) {
		collection, _, _ := s.vectorCollection()
		collection.propertyDependencies = map[string][]string{}
	}},
	{"export-guardrail-prompt-attack-output.json", "prod", "bedrock-guardrail-prompt-attack-input-only", "a PROMPT_ATTACK filter on output", func(s *stackBuilder) {
		for _, f := range s.guardrail().inputs["contentPolicyConfig"].(map[string]any)["filtersConfigs"].([]any) {
			if f.(map[string]any)["type"] == "PROMPT_ATTACK" {
				f.(map[string]any)["outputStrength"] = "HIGH"
			}
		}
	}},
	{"export-guardrail-too-many-regexes.json", "prod", "bedrock-guardrail-limits", "a guardrail with 11 regexes", func(s *stackBuilder) {
		var regexes []any
		for i := range 11 {
			regexes = append(regexes, map[string]any{"name": fmt.Sprintf("r%d", i), "pattern": "x", "action": "BLOCK"})
		}
		s.guardrail().inputs["sensitiveInformationPolicyConfig"].(map[string]any)["regexesConfigs"] = regexes
	}},
	{"export-enum-invalid.json", "prod", "aws-input-enums-valid", "a node group whose AMI type the EKS API does not accept", func(s *stackBuilder) {
		s.cluster(nil)
		_, ng := s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		ng.inputs["amiType"] = "AL2023_x86_64_GPU"
	}},
	{"export-key-grant-missing.json", "prod", "kms-key-grants-services", "a flow-log group encrypted with a key that does not grant CloudWatch Logs", func(s *stackBuilder) {
		s.find("keys-logs").inputs["policy"] = keyPolicy()
	}},
	{"export-volume-key-grant-missing.json", "prod", "kms-key-grants-services", "node volumes encrypted with a key that does not grant the Auto Scaling service-linked role", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		s.find("keys-cluster").inputs["policy"] = keyPolicy(eventsGrant)
	}},
	{"export-alert-key-grant-missing.json", "prod", "kms-key-grants-services", "a cost alert topic whose key does not grant AWS Budgets, which its policy lets publish", func(s *stackBuilder) {
		s.alertTopic(`{"Sid":"CostAlerts","Effect":"Allow","Principal":{"Service":"costalerts.amazonaws.com"},` +
			`"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}`)
	}},
	{"export-anomaly-subscriber-channel.json", "prod", "billing-alert-subscribers-valid", "an IMMEDIATE anomaly subscription with an email subscriber (IMMEDIATE alerts go to SNS only)", func(s *stackBuilder) {
		s.alertTopic(budgetsGrant)
		s.anomalySubscription("IMMEDIATE", map[string]any{"type": "EMAIL", "address": "finops@corp.internal"})
	}},
	{"export-lustre-linked-backups.json", "prod", "fsx-data-repositories-supported", "a Lustre file system linked to S3 that keeps automatic backups (AWS does not back up linked file systems)", func(s *stackBuilder) {
		fs := s.linkedFSx()
		fs.inputs["automaticBackupRetentionDays"] = 7
		s.dra(fs, s.bucket("training-data", nil), "/data")
	}},
	{"export-dra-key-grant-missing.json", "prod", "kms-key-grants-services", "a data repository association to an SSE-KMS bucket whose key does not grant FSx through S3", func(s *stackBuilder) {
		fs := s.linkedFSx()
		s.find("keys-data").inputs["policy"] = keyPolicy()
		s.dra(fs, s.bucket("training-data", nil), "/data")
	}},
	{"export-lifecycle-invalid.json", "prod", "s3-lifecycle-transitions-valid", "a lifecycle rule moving objects to STANDARD_IA after 10 days (S3 needs 30)", func(s *stackBuilder) {
		s.bucket("models", func(key string, in map[string]any) {
			if key == "lifecycle" {
				rule := in["rules"].([]any)[0].(map[string]any)
				rule["transitions"] = []any{map[string]any{"days": 10, "storageClass": "STANDARD_IA"}}
			}
		})
	}},
	{"export-fsx-efa-scratch.json", "dev", "fsx-efa-filesystem-valid", "an EFA-enabled SCRATCH_2 file system (EFA needs PERSISTENT_2 with a metadata configuration)", func(s *stackBuilder) {
		fs := s.fsx()
		for _, k := range []string{"kmsKeyId", "perUnitStorageThroughput", "automaticBackupRetentionDays"} {
			delete(fs.inputs, k)
		}
		fs.inputs["deploymentType"] = "SCRATCH_2"
		fs.inputs["efaEnabled"] = true
	}},
	{"export-dependency-missing.json", "prod", "resource-dependencies-declared", "a node group that names the cluster without depending on it", func(s *stackBuilder) {
		s.cluster(nil)
		_, ng := s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
		delete(ng.propertyDependencies, "clusterName")
	}},
	{"export-launch-template-public-ip.json", "prod", "ec2-launch-template-public-ip-single-interface", "an EFA launch template that sets associatePublicIpAddress false", func(s *stackBuilder) {
		s.cluster(nil)
		lt, _ := s.nodeGroup("p5-training", "training", "nvidia-gpu", "SPOT", 0, []string{"p5.48xlarge"}, s.placementGroup("p5-training"))
		for _, ni := range lt.inputs["networkInterfaces"].([]any) {
			ni.(map[string]any)["associatePublicIpAddress"] = "false"
		}
	}},
	{"export-efa-beyond-cards.json", "prod", "ec2-efa-interfaces-within-cards", "a p4d node group whose template asks for EFA on network card 7 (p4d has 4 cards)", func(s *stackBuilder) {
		s.cluster(nil)
		lt, _ := s.nodeGroup("p4d-training", "training", "nvidia-gpu", "SPOT", 0, []string{"p4d.24xlarge"}, s.placementGroup("p4d-training"))
		nics := lt.inputs["networkInterfaces"].([]any)
		for card := 2; card < 8; card++ {
			nics = append(nics, map[string]any{"deviceIndex": 0, "networkCardIndex": card, "interfaceType": "efa-only"})
		}
		lt.inputs["networkInterfaces"] = nics
	}},
	{"export-llm-server-beyond-node.json", "prod", "llm-server-fits-its-pool", "an LLM server asking for 8 GPUs of a g5.12xlarge, which has 4", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodePool("gpu-inference", "inference", "on-demand")
		s.add(deploymentType, "serving-assistant", "ml-inference/assistant", fixtureServer("g5.12xlarge", "8", true))
		s.add(deploymentType, "serving-assistant-gateway", "ml-inference/assistant-gateway", map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "assistant-gateway", "labels": map[string]any{componentLabel: llmGatewayComponent, nameLabel: "assistant"}}})
		s.add(networkPolicyType, "serving-assistant", "ml-inference/assistant", map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
			"spec": map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{componentLabel: llmServerComponent, nameLabel: "assistant"}}}})
	}},
	{"export-llm-server-unguarded.json", "prod", "llm-server-behind-guardrail-prod", "a prod LLM server behind an internal load balancer, without gateway or NetworkPolicy", func(s *stackBuilder) {
		s.cluster(nil)
		s.nodePool("gpu-inference", "inference", "on-demand")
		s.add(deploymentType, "serving-assistant", "ml-inference/assistant", fixtureServer("g5.12xlarge", "4", true))
		s.add(k8sServiceType, "serving-assistant-internal", "ml-inference/assistant-internal", map[string]any{"apiVersion": "v1", "kind": "Service",
			"spec": map[string]any{"type": "LoadBalancer", "selector": map[string]any{componentLabel: llmServerComponent, nameLabel: "assistant"}}})
	}},
	{"export-grafana-open.json", "prod", "grafana-workspace-private-prod", "a prod Grafana workspace with no network access control", func(s *stackBuilder) {
		s.add(grafanaWorkspaceType, "observability-grafana", "g-0abc", map[string]any{
			"accountAccessType": "CURRENT_ACCOUNT", "authenticationProviders": []any{"AWS_SSO"},
			"permissionType": "CUSTOMER_MANAGED", "roleArn": "arn:aws:iam::123456789012:role/ml-platform-prod-grafana", "tags": s.tags(),
		})
	}},
	{"export-grafana-service-managed.json", "prod", "grafana-workspace-permissions-provisioned", "a Grafana workspace created with SERVICE_MANAGED permissions", func(s *stackBuilder) {
		s.add(grafanaWorkspaceType, "observability-grafana", "g-0abc", map[string]any{
			"accountAccessType": "CURRENT_ACCOUNT", "authenticationProviders": []any{"AWS_SSO"}, "permissionType": "SERVICE_MANAGED",
			"networkAccessControl": map[string]any{"vpceIds": []any{"vpce-0abc"}}, "tags": s.tags(),
		})
	}},
	{"export-queue-above-pool.json", "prod", "kueue-cluster-queue-within-pool-limits", "a ClusterQueue admitting 16 GPUs to a NodePool limited to 8", func(s *stackBuilder) {
		s.cluster(nil)
		pool := s.nodePool("gpu-training", "training", "spot", "on-demand")
		pool.inputs["spec"].(map[string]any)["limits"] = map[string]any{"cpu": "4000", "nvidia.com/gpu": "8"}
		s.add(kueueResourceFlavorType, "queues-flavor-gpu-training", "gpu-training", map[string]any{
			"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor", "metadata": map[string]any{"name": "gpu-training"},
			"spec": map[string]any{"nodeLabels": map[string]any{karpenterNodePoolLabel: "gpu-training"}},
		})
		s.add(kueueClusterQueueType, "queues-cluster-queue-gpu-training", "gpu-training", map[string]any{
			"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue", "metadata": map[string]any{"name": "gpu-training"},
			"spec": map[string]any{"resourceGroups": []any{map[string]any{
				"coveredResources": []any{"cpu", "nvidia.com/gpu"},
				"flavors": []any{map[string]any{"name": "gpu-training", "resources": []any{
					map[string]any{"name": "cpu", "nominalQuota": "4000"},
					map[string]any{"name": "nvidia.com/gpu", "nominalQuota": "16"},
				}}},
			}}},
		})
	}},
	{"export-scraper-no-roles.json", "prod", "amp-scraper-deploy-ready", "a managed collector in one subnet, without the role configuration a customer-key workspace needs", func(s *stackBuilder) {
		s.prometheus()
		sc := s.find("observability-scraper")
		delete(sc.inputs, "roleConfiguration")
		sc.inputs["source"].(map[string]any)["eks"].(map[string]any)["subnetIds"] = []any{"subnet-a"}
	}},
	{"export-policy-too-large.json", "prod", "iam-policy-size-within-limit", "a role policy over IAM's 10,240-character quota", func(s *stackBuilder) {
		var sts []string
		for i := range 120 {
			sts = append(sts, fmt.Sprintf(`{"Sid":"Read%03d","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::ml-platform-prod-data/prefix-%03d/*"]}`, i, i))
		}
		s.add(iamRolePolicyType, "nodes-read", "nodes-role:nodes-read", map[string]any{
			"role": "nodes-role", "policy": `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`,
		}).dep("role", s.find("nodes-role"))
	}},
	// compliance profiles (rules that are off unless a profile turns them on)
	{"export-hipaa-clean.json", "prod", "", "a clean prod stack audited under the HIPAA profile", func(s *stackBuilder) {
		s.queue(false)
	}},
	{"export-hipaa-queue-sqs-managed.json", "prod", "resource-customer-key-required", "HIPAA: an SQS queue with SQS-managed encryption", func(s *stackBuilder) {
		s.queue(true)
	}},
	{"export-hipaa-queue-policy-no-tls.json", "prod", "transport-tls-required", "HIPAA: a queue policy that does not refuse plain HTTP", func(s *stackBuilder) {
		s.queue(false)
		p := s.find("karpenter-interruptions-policy")
		policy := p.inputs["policy"].(string)
		p.inputs["policy"] = policy[:strings.Index(policy, `,{"Sid":"DenyHTTP"`)] + "]}"
	}},
	{"export-hipaa-short-retention.json", "dev", "logs-group-retention-year", "HIPAA: a dev flow-log group kept 30 days (a year everywhere)", func(s *stackBuilder) {}},
	{"export-hipaa-public-endpoint.json", "prod", "eks-endpoint-private-everywhere", "HIPAA: a cluster reachable through a CIDR-restricted public endpoint", func(s *stackBuilder) {
		s.cluster(func(in map[string]any) {
			in["endpointPublicAccess"] = true
			in["publicAccessCidrs"] = []any{"198.51.100.0/24"}
		})
		s.find("cluster-eksCluster").inputs["tags"] = with(s.tags(), "Environment", "dev")
	}},
	{"export-hipaa-no-access-logs.json", "prod", "s3-bucket-access-logging", "HIPAA: a bucket without server access logging", func(s *stackBuilder) {
		s.bucket("data", nil)
	}},
	{"export-hipaa-fsx-no-backups.json", "dev", "storage-backups-enabled", "HIPAA: a dev persistent file system without backups", func(s *stackBuilder) {
		s.fsx().inputs["automaticBackupRetentionDays"] = 0
		s.find("network-flow-logs").inputs["retentionInDays"] = 365
	}},
}

func init() {
	for _, d := range fixtureDefs {
		if strings.HasPrefix(d.file, "export-hipaa-") {
			fixtureProfiles[d.file] = string(conventions.ComplianceHIPAA)
		}
	}
}

// fixtureCleanExtras are the clean resources that every rule sees at least
// once: a fixture that builds them all, with no misconfiguration, must pass.
var fixtureCleanExtras = fixtureDef{"export-clean-full.json", "prod", "", "a clean prod stack with every kind of resource the rules read", func(s *stackBuilder) {
	s.cluster(nil)
	s.nodeGroup("system", "system", "none", "ON_DEMAND", 3, []string{"m6i.xlarge"}, nil)
	s.nodeGroup("gpu-inference", "inference", "nvidia-gpu", "ON_DEMAND", 2, []string{"g5.2xlarge"}, nil)
	s.nodeGroup("p5-training", "training", "nvidia-gpu", "SPOT", 0, []string{"p5.48xlarge"}, s.placementGroup("p5-training"))
	s.nodePool("gpu-training", "training", "spot", "on-demand")
	s.bucket("data", nil)
	fs := s.linkedFSx()
	s.domain()
	s.model()
	s.endpointConfig()
	s.guardrail()
	s.bedrockAppPolicy()
	s.vectorCollection()
	s.pipeline(true)
	s.dra(fs, s.find("data"), "/data")
	topic := s.alertTopic(budgetsGrant)
	s.anomalySubscription("IMMEDIATE", map[string]any{"type": "SNS", "address": topic.outputs["arn"]}).dep("subscribers", topic)
}}

// fixtureExportResource is one resource of a generated export (the writer's side of export.go's exportResource).
type fixtureExportResource struct {
	URN                  string              `json:"urn"`
	Custom               bool                `json:"custom"`
	ID                   string              `json:"id,omitempty"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	Parent               string              `json:"parent,omitempty"`
	Protect              bool                `json:"protect,omitempty"`
	Provider             string              `json:"provider,omitempty"`
	Dependencies         []string            `json:"dependencies,omitempty"`
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
}

// fixtureResource is a resource under construction.
type fixtureResource struct {
	URN, typ, id, parent string
	custom, protect      bool
	inputs, outputs      map[string]any
	propertyDependencies map[string][]string
}

// dep records that key refers to the given resources.
func (r *fixtureResource) dep(key string, targets ...*fixtureResource) *fixtureResource {
	for _, t := range targets {
		r.propertyDependencies[key] = append(r.propertyDependencies[key], t.URN)
	}
	return r
}

// stackBuilder assembles one stack export.
type stackBuilder struct {
	env       string
	resources []*fixtureResource
}

const (
	fixtureAccount = "123456789012"
	fixtureRegion  = "us-east-1"
)

func (s *stackBuilder) stackURN() string {
	return "urn:pulumi:" + s.env + "::ml-platform::pulumi:pulumi:Stack::ml-platform-" + s.env
}
func (s *stackBuilder) providerURN() string {
	return "urn:pulumi:" + s.env + "::ml-platform::pulumi:providers:aws::aws"
}

func (s *stackBuilder) prod() bool { return s.env == envProd || s.env == envStaging }

// tags are the stack's required tags.
func (s *stackBuilder) tags() map[string]string {
	return map[string]string{
		"Project": "ml-platform", "Environment": s.env, "Team": "ml-platform",
		"CostCenter": "ml-platform-" + s.env, "ManagedBy": "pulumi",
	}
}

// add registers a custom resource (a child of the stack) with its inputs;
// its outputs repeat them with the ID and, for tagged resources, tagsAll.
func (s *stackBuilder) add(typ, name, id string, inputs map[string]any) *fixtureResource {
	r := &fixtureResource{
		URN: "urn:pulumi:" + s.env + "::ml-platform::" + typ + "::" + name, typ: typ, id: id, custom: true,
		parent: s.stackURN(), inputs: inputs, outputs: map[string]any{}, propertyDependencies: map[string][]string{},
	}
	s.resources = append(s.resources, r)
	return r
}

// find returns the resource named name or panics (a fixture bug).
func (s *stackBuilder) find(name string) *fixtureResource {
	for _, r := range s.resources {
		if strings.HasSuffix(r.URN, "::"+name) {
			return r
		}
	}
	panic("fixture: no resource " + name)
}

// remove drops the resource named name.
func (s *stackBuilder) remove(name string) {
	r := s.find(name)
	s.resources = slices.DeleteFunc(s.resources, func(x *fixtureResource) bool { return x == r })
}

// prometheus adds a workspace encrypted with the logs key and its collector.
func (s *stackBuilder) prometheus() *fixtureResource {
	ws := s.add(ampWorkspaceType, "observability-prometheus", "ws-fixture", map[string]any{
		"alias": "ml-platform-" + s.env, "kmsKeyArn": s.keyARN("logs"), "tags": s.tags(),
	}).dep("kmsKeyArn", s.find("keys-logs"))
	arn := fmt.Sprintf("arn:aws:aps:%s:%s:workspace/ws-fixture", fixtureRegion, fixtureAccount)
	ws.outputs["arn"] = arn
	s.add(ampScraperType, "observability-scraper", "s-fixture", map[string]any{
		"alias": "ml-platform-" + s.env, "scrapeConfiguration": "{}", "tags": s.tags(),
		"source": map[string]any{"eks": map[string]any{
			"clusterArn": fmt.Sprintf("arn:aws:eks:%s:%s:cluster/ml-platform-%s", fixtureRegion, fixtureAccount, s.env),
			"subnetIds":  []any{"subnet-a", "subnet-b"},
		}},
		"destination":       map[string]any{"amp": map[string]any{"workspaceArn": arn}},
		"roleConfiguration": map[string]any{"sourceRoleArn": "arn:aws:iam::" + fixtureAccount + ":role/s", "targetRoleArn": "arn:aws:iam::" + fixtureAccount + ":role/t"},
	}).dep("destination", ws)
	return ws
}

func (s *stackBuilder) keyARN(domain string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-%s-0000", fixtureRegion, fixtureAccount, s.env, domain)
}

// keyPolicy is a key policy delegating to the account's IAM, plus the
// given statements (JSON objects).
func keyPolicy(extra ...string) string {
	st := append([]string{fmt.Sprintf(`{"Sid":"DelegateToAccountIAM","Effect":"Allow",`+
		`"Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"}`, fixtureAccount)}, extra...)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
}

// Key policy statements the platform's keys carry for the services that use them.
var (
	logsGrant = `{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},` +
		`"Action":["kms:Decrypt*","kms:Describe*","kms:Encrypt*","kms:GenerateDataKey*","kms:ReEncrypt*"],"Resource":"*"}`
	volumeGrant = `{"Sid":"Volumes","Effect":"Allow","Principal":{"AWS":[` +
		`"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",` +
		`"arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"]},` +
		`"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"}`
	attachGrant = `{"Sid":"Attach","Effect":"Allow","Principal":{"AWS":[` +
		`"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",` +
		`"arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"]},` +
		`"Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`
	eventsGrant = `{"Sid":"Events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},` +
		`"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}`
)

// base is the clean stack every fixture starts from: keys (each granting
// the services that use it), a VPC with two private subnets, flow logs, the
// required endpoints, a node role and a budget.
func (s *stackBuilder) base() {
	for _, k := range []struct{ domain, policy string }{
		{"data", keyPolicy()}, {"logs", keyPolicy(logsGrant)}, {"cluster", keyPolicy(volumeGrant, attachGrant, eventsGrant)},
	} {
		key := s.add(kmsKeyType, "keys-"+k.domain, s.env+"-"+k.domain+"-0000", map[string]any{
			"description": "ml-platform-" + s.env + ": " + k.domain, "enableKeyRotation": true, "deletionWindowInDays": 30,
			"keyUsage": "ENCRYPT_DECRYPT", "policy": k.policy, "tags": s.tags(),
		})
		key.outputs["arn"] = s.keyARN(k.domain)
		key.protect = s.prod()
	}
	vpc := s.add(vpcType, "network-vpc", "vpc-0fixture", map[string]any{
		"cidrBlock": "10.20.0.0/16", "enableDnsHostnames": true, "enableDnsSupport": true, "tags": s.tags(),
	})
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		s.add(subnetType, "network-private-"+az, "subnet-0"+az[len(az)-1:], map[string]any{
			"vpcId": "vpc-0fixture", "cidrBlock": fmt.Sprintf("10.20.%d.0/20", 16*i), "availabilityZone": az,
			"mapPublicIpOnLaunch": false, "tags": s.tags(),
		}).dep("vpcId", vpc)
	}
	retention := 30
	if s.prod() {
		retention = 365
	}
	lg := s.add(logGroupType, "network-flow-logs", "/aws/vpc/network-flow-logs", map[string]any{
		"kmsKeyId": s.keyARN("logs"), "retentionInDays": retention, "tags": s.tags(),
	}).dep("kmsKeyId", s.find("keys-logs"))
	lg.protect = s.prod()
	s.add(flowLogType, "network-flow-log", "fl-0fixture", map[string]any{
		"vpcId": "vpc-0fixture", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
		"logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/network-flow-logs", "tags": s.tags(),
	}).dep("vpcId", vpc).dep("logDestination", lg)
	for _, svc := range []string{"s3", "sts", "ecr.api", "ecr.dkr"} {
		in := map[string]any{"vpcId": "vpc-0fixture", "serviceName": "com.amazonaws." + fixtureRegion + "." + svc, "tags": s.tags()}
		if svc == "s3" {
			in["vpcEndpointType"] = "Gateway"
		} else {
			in["vpcEndpointType"] = "Interface"
			in["privateDnsEnabled"] = true
			in["subnetIds"] = []any{"subnet-0a", "subnet-0b"}
		}
		ep := s.add(vpcEndpointType, "network-"+strings.ReplaceAll(svc, ".", "-"), "vpce-0"+strings.ReplaceAll(svc, ".", ""), in).dep("vpcId", vpc)
		if svc != "s3" {
			ep.dep("subnetIds", s.find("network-private-us-east-1a"), s.find("network-private-us-east-1b"))
		}
	}
	s.add(iamRoleType, "nodes-role", "nodes-role", map[string]any{
		"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"tags":             s.tags(),
	})
	s.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-ecr", "nodes-role-ecr", map[string]any{
		"role": "nodes-role", "policyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
	}).dep("role", s.find("nodes-role"))
	s.add(budgetType, "budget-monthly", fixtureAccount+":ml-platform-"+s.env, map[string]any{
		"budgetType": "COST", "limitAmount": "5000", "limitUnit": "USD", "timeUnit": "MONTHLY", "tags": s.tags(),
	})
}

// cluster adds the pulumi-eks component and the aws:eks/cluster it
// creates, both clean. The component is exported as pulumi-eks v2.8.1
// registers it (with no inputs: its Node.js SDK predates component inputs);
// edit changes the settings the child is built from.
func (s *stackBuilder) cluster(edit func(map[string]any)) {
	in := map[string]any{
		"authenticationMode": "API", "encryptionConfigKeyArn": s.keyARN("data"),
		"endpointPrivateAccess": true, "endpointPublicAccess": !s.prod(), "publicAccessCidrs": []any{},
		"enabledClusterLogTypes": []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		"version":                "1.35", "skipDefaultNodeGroup": true, "nodeAssociatePublicIpAddress": false,
		"privateSubnetIds": []any{"subnet-0a", "subnet-0b"}, "vpcId": "vpc-0fixture", "tags": s.tags(),
	}
	if !s.prod() {
		in["publicAccessCidrs"] = []any{"203.0.113.0/24"}
	}
	if edit != nil {
		edit(in)
	}
	comp := s.add("eks:index:Cluster", "cluster", "", map[string]any{})
	comp.custom = false
	vpcConfig := map[string]any{
		"endpointPrivateAccess": in["endpointPrivateAccess"], "endpointPublicAccess": in["endpointPublicAccess"],
		"publicAccessCidrs": in["publicAccessCidrs"], "subnetIds": in["privateSubnetIds"],
	}
	if cidrs, _ := in["publicAccessCidrs"].([]any); len(cidrs) == 0 {
		vpcConfig["publicAccessCidrs"] = []any{"0.0.0.0/0"} // what AWS reports when none are set
	}
	aws := map[string]any{
		"name": "ml-platform-" + s.env, "roleArn": "arn:aws:iam::123456789012:role/cluster-eksRole",
		"accessConfig":           map[string]any{"authenticationMode": in["authenticationMode"]},
		"enabledClusterLogTypes": in["enabledClusterLogTypes"], "version": in["version"], "vpcConfig": vpcConfig,
		"tags": s.tags(),
	}
	if key, ok := in["encryptionConfigKeyArn"]; ok {
		aws["encryptionConfig"] = map[string]any{"resources": []any{"secrets"}, "provider": map[string]any{"keyArn": key}}
	}
	c := s.add(eksClusterType, "cluster-eksCluster", "ml-platform-"+s.env, aws)
	c.parent = comp.URN
}

// nodeGroup adds a clean launch template and managed node group over both
// private subnets; a placement group makes the template EFA.
func (s *stackBuilder) nodeGroup(name, workload, accel, capacity string, minSize int, types []string, pg *fixtureResource) (lt, ng *fixtureResource) {
	in := map[string]any{
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{
			"encrypted": "true", "kmsKeyId": s.keyARN("cluster"), "volumeSize": 100, "volumeType": "gp3", "deleteOnTermination": "true"}}},
		"metadataOptions": map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
		"tagSpecifications": []any{
			map[string]any{"resourceType": "instance", "tags": s.tags()},
			map[string]any{"resourceType": "volume", "tags": s.tags()},
		},
		"tags": s.tags(),
	}
	subnets := []*fixtureResource{s.find("network-private-us-east-1a"), s.find("network-private-us-east-1b")}
	if pg != nil {
		in["networkInterfaces"] = []any{
			map[string]any{"deviceIndex": 0, "networkCardIndex": 0, "interfaceType": "interface"},
			map[string]any{"deviceIndex": 1, "networkCardIndex": 0, "interfaceType": "efa-only"},
			map[string]any{"deviceIndex": 0, "networkCardIndex": 1, "interfaceType": "efa-only"},
		}
		in["placement"] = map[string]any{"groupName": pg.id}
		subnets = subnets[:1]
	}
	lt = s.add(launchTemplateType, "cluster-"+name, "lt-0"+name, in).dep("blockDeviceMappings", s.find("keys-cluster"))
	if pg != nil {
		lt.dep("placement", pg)
	}
	lifecycle := "on-demand"
	if capacity == "SPOT" {
		lifecycle = "spot"
	}
	subnetIDs := make([]any, len(subnets))
	for i, sn := range subnets {
		subnetIDs[i] = sn.id
	}
	ng = s.add(eksNodeGroupType, "cluster-"+name, "ml-platform-"+s.env+":"+name, map[string]any{
		"clusterName": "ml-platform-" + s.env, "nodeRoleArn": "arn:aws:iam::123456789012:role/nodes-role",
		"capacityType": capacity, "instanceTypes": toAnySlice(types),
		"labels":        map[string]any{labelWorkloadType: workload, labelAccelerator: accel, "node-lifecycle": lifecycle},
		"scalingConfig": map[string]any{"minSize": minSize, "maxSize": max(minSize, 4), "desiredSize": minSize},
		"subnetIds":     subnetIDs, "launchTemplate": map[string]any{"id": lt.id, "version": "1"}, "tags": s.tags(),
	}).dep("subnetIds", subnets...).dep("launchTemplate", lt)
	if c := s.lookup("cluster-eksCluster"); c != nil {
		ng.dep("clusterName", c)
	}
	return lt, ng
}

// lookup returns the resource named name, or nil.
func (s *stackBuilder) lookup(name string) *fixtureResource {
	for _, r := range s.resources {
		if strings.HasSuffix(r.URN, "::"+name) {
			return r
		}
	}
	return nil
}

// placementGroup adds a cluster placement group.
func (s *stackBuilder) placementGroup(name string) *fixtureResource {
	return s.add(placementGroupType, "cluster-"+name+"-placement", "cluster-"+name+"-placement-0", map[string]any{
		"strategy": "cluster", "tags": s.tags()})
}

// nodePool adds a Karpenter NodePool with the given capacity types.
func (s *stackBuilder) nodePool(name, workload string, capacityTypes ...string) *fixtureResource {
	r := s.add(karpenterNodePoolType, "karpenter-"+name, "karpenter/"+name, map[string]any{
		"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": map[string]any{"name": name},
		"spec": map[string]any{"template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{labelWorkloadType: workload, labelAccelerator: "nvidia-gpu"}},
			"spec": map[string]any{"requirements": []any{
				map[string]any{"key": karpenterCapacityType, "operator": "In", "values": toAnySlice(capacityTypes)},
				map[string]any{"key": karpenterFamily, "operator": "In", "values": []any{"g5", "p5"}},
			}},
		}},
	})
	return r
}

// skip returns a bucket edit that leaves out one companion.
func skip(companion string) func(string, map[string]any) {
	return func(c string, in map[string]any) {
		if c == companion {
			in["skip"] = true
		}
	}
}

// bucket adds a clean BucketV2 with its companions (sse, bpa, ownership,
// versioning, lifecycle, policy); edit may change a companion's inputs
// (edit("bucket", ...) the bucket's own) or mark it skip. The bucket's
// outputs show what AWS reports at creation (AES256 default encryption,
// versioning off), as a real export does.
func (s *stackBuilder) bucket(name string, edit func(string, map[string]any)) *fixtureResource {
	id := "ml-platform-" + s.env + "-" + name
	b := s.add(s3BucketV2Type, name, id, map[string]any{"bucket": id, "forceDestroy": false, "tags": s.tags()})
	b.protect = s.prod()
	b.outputs["serverSideEncryptionConfigurations"] = []any{map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "AES256"}}, "bucketKeyEnabled": false}}}}
	b.outputs["versionings"] = []any{map[string]any{"enabled": false, "mfaDelete": false}}
	if edit != nil {
		edit("bucket", b.inputs)
	}
	companions := []struct {
		key, typ string
		in       map[string]any
	}{
		{"sse", s3SSEConfigType, map[string]any{"rules": []any{map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": s.keyARN("data")},
			"bucketKeyEnabled":                   true}}}},
		{"bpa", s3PublicAccessType, map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}},
		{"ownership", s3OwnershipType, map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}}},
		{"versioning", s3VersioningType, map[string]any{"versioningConfiguration": map[string]any{"status": "Enabled"}}},
		{"lifecycle", s3LifecycleType, map[string]any{"rules": []any{map[string]any{
			"id": "expire-noncurrent", "status": "Enabled", "noncurrentVersionExpiration": map[string]any{"noncurrentDays": 30}}}}},
		{"policy", s3BucketPolicyType, map[string]any{"policy": fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly",`+
			`"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"],`+
			`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, id, id)}},
	}
	for _, c := range companions {
		c.in["bucket"] = id
		if edit != nil {
			edit(c.key, c.in)
		}
		if c.in["skip"] == true {
			continue
		}
		s.add(c.typ, name+"-"+c.key, id, c.in).dep("bucket", b)
	}
	return b
}

// fsxGrant lets FSx use the data key through S3 for linked SSE-KMS buckets.
var fsxGrant = `{"Sid":"FSx","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*",` +
	`"kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"123456789012",` +
	`"kms:ViaService":"s3.us-east-1.amazonaws.com"},"StringLike":{"aws:userid":"*:FSx"}}}`

// linkedFSx adds a clean persistent file system meant to be linked to S3:
// no backups (AWS does not back up linked file systems), and a data key
// that grants FSx through S3, on Lustre 2.15 with a metadata configuration.
func (s *stackBuilder) linkedFSx() *fixtureResource {
	fs := s.fsx()
	fs.inputs["automaticBackupRetentionDays"] = 0
	fs.inputs["fileSystemTypeVersion"] = "2.15"
	fs.inputs["metadataConfiguration"] = map[string]any{"mode": "AUTOMATIC"}
	s.find("keys-data").inputs["policy"] = keyPolicy(fsxGrant)
	return fs
}

// dra links a file-system directory to a bucket, importing changes.
func (s *stackBuilder) dra(fs, bucket *fixtureResource, path string) *fixtureResource {
	dir := strings.Trim(path, "/")
	return s.add(fsxDRAType, "training-fsx-"+dir, "dra-0"+dir, map[string]any{
		"fileSystemId": fs.id, "fileSystemPath": path, "dataRepositoryPath": "s3://" + bucket.inputs["bucket"].(string) + "/",
		"batchImportMetaDataOnCreate": true, "tags": s.tags(),
		"s3": map[string]any{"autoImportPolicy": map[string]any{"events": []any{"NEW", "CHANGED", "DELETED"}}},
	}).dep("fileSystemId", fs).dep("dataRepositoryPath", bucket)
}

// fsx adds a clean persistent Lustre file system.
func (s *stackBuilder) fsx() *fixtureResource {
	r := s.add(fsxLustreType, "training-fsx", "fs-0fixture", map[string]any{
		"deploymentType": "PERSISTENT_2", "storageCapacity": 1200, "perUnitStorageThroughput": 250,
		"subnetIds": []any{"subnet-0a"}, "kmsKeyId": s.keyARN("data"), "automaticBackupRetentionDays": 7, "tags": s.tags(),
	}).dep("subnetIds", s.find("network-private-us-east-1a")).dep("kmsKeyId", s.find("keys-data"))
	r.protect = s.prod()
	return r
}

// domain adds a clean, VPC-only SageMaker domain.
func (s *stackBuilder) domain() *fixtureResource {
	r := s.add(smDomainType, "studio", "d-fixture", map[string]any{
		"domainName": "ml-platform-" + s.env, "authMode": "IAM", "vpcId": "vpc-0fixture",
		"subnetIds": []any{"subnet-0a", "subnet-0b"}, "appNetworkAccessType": "VpcOnly", "kmsKeyId": s.keyARN("data"),
		"defaultUserSettings": map[string]any{"executionRole": "arn:aws:iam::123456789012:role/studio"}, "tags": s.tags(),
	}).dep("vpcId", s.find("network-vpc")).dep("kmsKeyId", s.find("keys-data")).
		dep("subnetIds", s.find("network-private-us-east-1a"), s.find("network-private-us-east-1b"))
	r.protect = s.prod()
	return r
}

// notebook adds a clean notebook instance.
func (s *stackBuilder) notebook() *fixtureResource {
	return s.add(smNotebookType, "notebook", "notebook-fixture", map[string]any{
		"instanceType": "ml.t3.medium", "roleArn": "arn:aws:iam::123456789012:role/notebook", "subnetId": "subnet-0a",
		"kmsKeyId": s.keyARN("data"), "directInternetAccess": "Disabled", "rootAccess": "Disabled",
		"instanceMetadataServiceConfiguration": map[string]any{"minimumInstanceMetadataServiceVersion": "2"}, "tags": s.tags(),
	}).dep("subnetId", s.find("network-private-us-east-1a")).dep("kmsKeyId", s.find("keys-data"))
}

// model adds a clean, network-isolated model.
func (s *stackBuilder) model() *fixtureResource {
	return s.add(smModelType, "model", "model-fixture", map[string]any{
		"name": "model-fixture", "executionRoleArn": "arn:aws:iam::123456789012:role/inference", "enableNetworkIsolation": true,
		"primaryContainer": map[string]any{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1", "modelDataUrl": "s3://models/m.tar.gz"},
		"vpcConfig":        map[string]any{"subnets": []any{"subnet-0a", "subnet-0b"}, "securityGroupIds": []any{"sg-0inference"}},
		"tags":             s.tags(),
	})
}

// endpointConfig adds a clean endpoint configuration with data capture.
func (s *stackBuilder) endpointConfig() *fixtureResource {
	return s.add(smEndpointConfigType, "endpoint-config", "endpoint-config-fixture", map[string]any{
		"productionVariants": []any{map[string]any{"variantName": "main", "modelName": "model-fixture",
			"instanceType": "ml.m5.xlarge", "initialInstanceCount": 2}},
		"kmsKeyArn": s.keyARN("data"),
		"dataCaptureConfig": map[string]any{"enableCapture": true, "initialSamplingPercentage": 10,
			"destinationS3Uri": "s3://ml-platform-capture/", "kmsKeyId": s.keyARN("data"),
			"captureOptions": []any{map[string]any{"captureMode": "Input"}, map[string]any{"captureMode": "Output"}}},
		"tags": s.tags(),
	}).dep("kmsKeyArn", s.find("keys-data")).dep("dataCaptureConfig", s.find("keys-data"))
}

// serverlessEndpoint adds a clean serverless endpoint configuration and
// its model: no VPC configuration, no isolation, no data capture, which
// serverless inference does not support.
func (s *stackBuilder) serverlessEndpoint() (model, config *fixtureResource) {
	model = s.add(smModelType, "serverless-model", "serverless-model-fixture", map[string]any{
		"name": "serverless-model-fixture", "executionRoleArn": "arn:aws:iam::123456789012:role/inference",
		"primaryContainer": map[string]any{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1", "modelDataUrl": "s3://models/s.tar.gz"},
		"tags":             s.tags(),
	})
	config = s.add(smEndpointConfigType, "serverless-config", "serverless-config-fixture", map[string]any{
		"productionVariants": []any{map[string]any{"variantName": "serverless", "modelName": "serverless-model-fixture",
			"serverlessConfig": map[string]any{"maxConcurrency": 5, "memorySizeInMb": 2048}}},
		"tags": s.tags(),
	}).dep("productionVariants", model)
	return model, config
}

// guardrail adds a clean Bedrock guardrail (every content filter, prompt
// attacks at HIGH on input, PII anonymized) and invocation logging.
func (s *stackBuilder) guardrail() *fixtureResource {
	var filters []any
	for _, c := range GuardrailContentFilters {
		out := "HIGH"
		if c == "PROMPT_ATTACK" {
			out = "NONE"
		}
		filters = append(filters, map[string]any{"type": c, "inputStrength": "HIGH", "outputStrength": out})
	}
	s.invocationLogging() // a stack with a guardrail logs invocations
	return s.add(bedrockGuardrailType, "guardrail", "gr-fixture", map[string]any{
		"name": "ml-platform-" + s.env, "blockedInputMessaging": "Blocked.", "blockedOutputsMessaging": "Blocked.",
		"kmsKeyArn": s.keyARN("data"), "tags": s.tags(),
		"contentPolicyConfig": map[string]any{"filtersConfigs": filters},
		"sensitiveInformationPolicyConfig": map[string]any{"piiEntitiesConfigs": []any{
			map[string]any{"type": "EMAIL", "action": "ANONYMIZE"}, map[string]any{"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"}}},
	}).dep("kmsKeyArn", s.find("keys-data"))
}

// invocationLogging adds the region's model invocation logging to S3 and
// CloudWatch Logs, text delivered.
func (s *stackBuilder) invocationLogging() *fixtureResource {
	return s.add(bedrockInvocationLogType, "invocation-logging", "us-east-1", map[string]any{
		"loggingConfig": map[string]any{"textDataDeliveryEnabled": true,
			"s3Config":         map[string]any{"bucketName": "ml-platform-artifacts", "keyPrefix": "bedrock-invocation-logs"},
			"cloudwatchConfig": map[string]any{"logGroupName": "/aws/bedrock/ml-platform/model-invocations", "roleArn": "arn:aws:iam::123456789012:role/bedrock-logs"}},
	})
}

// bedrockAppPolicy adds the application policy: models only with the
// guardrail, a Deny without it.
func (s *stackBuilder) bedrockAppPolicy() *fixtureResource {
	const gr = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-fixture:1"
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Sid": "Invoke", "Effect": "Allow", "Action": []string{"bedrock:InvokeModel"},
			"Resource":  []string{"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"},
			"Condition": map[string]any{"StringEquals": map[string]any{"bedrock:GuardrailIdentifier": gr}}},
		map[string]any{"Sid": "Deny", "Effect": "Deny", "Action": []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
			"Resource": "*", "Condition": map[string]any{"StringNotEquals": map[string]any{"bedrock:GuardrailIdentifier": gr}}},
	}})
	if err != nil {
		panic(err)
	}
	return s.add(iamPolicyType, "bedrock-app", "arn:aws:iam::123456789012:policy/bedrock-app", map[string]any{
		"name": "bedrock-app", "policy": string(doc), "tags": s.tags()})
}

// vectorCollection adds a private, customer-keyed vector collection
// created after its policies.
func (s *stackBuilder) vectorCollection() (collection, encryption, network *fixtureResource) {
	encryption = s.add(aossSecurityPolicyType, "kb-encryption", "kb-enc", map[string]any{"name": "kb-enc", "type": "encryption",
		"policy": `{"Rules":[{"ResourceType":"collection","Resource":["collection/ml-platform-kb"]}],"AWSOwnedKey":false,"KmsARN":"` + s.keyARN("data") + `"}`})
	network = s.add(aossSecurityPolicyType, "kb-network", "kb-net", map[string]any{"name": "kb-net", "type": "network",
		"policy": `[{"Rules":[{"ResourceType":"collection","Resource":["collection/ml-platform-kb"]}],"AllowFromPublic":false,"SourceVPCEs":["vpce-0aoss"],"SourceServices":["bedrock.amazonaws.com"]}]`})
	collection = s.add(aossCollectionType, "kb", "kb0123456789", map[string]any{"name": "ml-platform-kb", "type": "VECTORSEARCH",
		"standbyReplicas": "ENABLED", "tags": s.tags()}).dep("", encryption, network)
	return collection, encryption, network
}

// pipeline adds a SageMaker pipeline with one training step.
func (s *stackBuilder) pipeline(spot bool) *fixtureResource {
	args := map[string]any{
		"AlgorithmSpecification": map[string]any{"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", "TrainingInputMode": "File"},
		"ResourceConfig":         map[string]any{"InstanceType": "ml.g5.12xlarge", "InstanceCount": 1, "VolumeSizeInGB": 100},
		"StoppingCondition":      map[string]any{"MaxRuntimeInSeconds": 86400},
	}
	if spot {
		args["EnableManagedSpotTraining"] = true
		args["CheckpointConfig"] = map[string]any{"S3Uri": "s3://ml-platform-checkpoints/train"}
		args["StoppingCondition"] = map[string]any{"MaxRuntimeInSeconds": 86400, "MaxWaitTimeInSeconds": 172800}
	}
	def, err := json.Marshal(map[string]any{"Version": "2020-12-01", "Steps": []any{
		map[string]any{"Name": "Train", "Type": "Training", "Arguments": args}}})
	if err != nil {
		panic(err)
	}
	return s.add(smPipelineType, "training-pipeline", "training-pipeline", map[string]any{
		"pipelineName": "ml-platform-" + s.env + "-train", "roleArn": "arn:aws:iam::123456789012:role/pipeline",
		"pipelineDefinition": string(def), "tags": s.tags(),
	})
}

// export renders the stack as `pulumi stack export` writes it.
func (s *stackBuilder) export() []byte {
	resources := []fixtureExportResource{
		{URN: s.stackURN(), Type: "pulumi:pulumi:Stack", Outputs: map[string]any{"vpcId": "vpc-0fixture"}},
		{URN: s.providerURN(), Custom: true, ID: "00000000-0000-4000-8000-000000000001", Type: "pulumi:providers:aws",
			Inputs:  map[string]any{"region": fixtureRegion, "defaultTags": map[string]any{"tags": s.tags()}},
			Outputs: map[string]any{"region": fixtureRegion}},
	}
	for _, r := range s.resources {
		out := maps.Clone(r.inputs)
		maps.Copy(out, r.outputs)
		if r.id != "" {
			out["id"] = r.id
		}
		if tags, ok := r.inputs["tags"].(map[string]string); ok {
			out["tagsAll"] = tags
		}
		var deps []string
		for _, k := range slices.Sorted(maps.Keys(r.propertyDependencies)) {
			deps = append(deps, r.propertyDependencies[k]...)
		}
		deps = slices.Compact(slices.Sorted(slices.Values(deps)))
		var provider string
		if r.custom && !strings.HasPrefix(r.typ, "kubernetes:") {
			provider = s.providerURN() + "::00000000-0000-4000-8000-000000000001"
		}
		resources = append(resources, fixtureExportResource{
			URN: r.URN, Custom: r.custom, ID: r.id, Type: r.typ, Inputs: r.inputs, Outputs: out,
			Parent: r.parent, Protect: r.protect, Provider: provider, Dependencies: deps,
			PropertyDependencies: r.propertyDependencies,
		})
	}
	doc := map[string]any{
		"version": 3,
		"deployment": map[string]any{
			"manifest":  map[string]any{"time": "2025-11-20T10:00:00Z", "magic": "fixture", "version": "v3.274.1"},
			"resources": resources,
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// queue adds an SQS queue fed by an EventBridge rule, with a TLS-only
// policy, encrypted with the cluster key (or SQS-managed when sqsManaged).
func (s *stackBuilder) queue(sqsManaged bool) *fixtureResource {
	in := map[string]any{"name": "ml-platform-" + s.env + "-karpenter", "messageRetentionSeconds": 300, "tags": s.tags()}
	if sqsManaged {
		in["sqsManagedSseEnabled"] = true
	} else {
		in["kmsMasterKeyId"] = s.keyARN("cluster")
	}
	arn := "arn:aws:sqs:us-east-1:123456789012:ml-platform-" + s.env + "-karpenter"
	q := s.add(sqsQueueType, "karpenter-interruptions", "https://sqs.us-east-1.amazonaws.com/123456789012/ml-platform-"+s.env+"-karpenter", in)
	q.outputs["arn"] = arn
	if !sqsManaged {
		q.dep("kmsMasterKeyId", s.find("keys-cluster"))
	}
	s.add(sqsQueuePolicyType, "karpenter-interruptions-policy", q.id, map[string]any{
		"queueUrl": q.id,
		"policy": `{"Version":"2012-10-17","Statement":[{"Sid":"EventBridgeDelivers","Effect":"Allow","Principal":{"Service":["events.amazonaws.com","sqs.amazonaws.com"]},` +
			`"Action":"sqs:SendMessage","Resource":"` + arn + `"},{"Sid":"DenyHTTP","Effect":"Deny","Principal":{"AWS":"*"},"Action":"sqs:*",` +
			`"Resource":"` + arn + `","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
	}).dep("queueUrl", q)
	rule := s.add(eventRuleType, "karpenter-spot-interruption", "karpenter-spot-interruption", map[string]any{
		"eventPattern": `{"detail-type":["EC2 Spot Instance Interruption Warning"],"source":["aws.ec2"]}`, "tags": s.tags()})
	s.add(eventTargetType, "karpenter-spot-interruption-target", "karpenter-spot-interruption-sqs", map[string]any{
		"rule": "karpenter-spot-interruption", "arn": arn}).dep("rule", rule).dep("arn", q)
	return q
}

// budgetsGrant lets both cost services use the alerts key.
var budgetsGrant = `{"Sid":"CostServices","Effect":"Allow","Principal":{"Service":["budgets.amazonaws.com","costalerts.amazonaws.com"]},` +
	`"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}`

// alertTopic adds the cost alert topic, encrypted with an alerts key whose
// policy carries grant, with a topic policy letting AWS Budgets and Cost
// Anomaly Detection publish.
func (s *stackBuilder) alertTopic(grant string) *fixtureResource {
	key := s.add(kmsKeyType, "keys-alerts", s.env+"-alerts-0000", map[string]any{
		"description": "ml-platform-" + s.env + ": alerts", "enableKeyRotation": true, "deletionWindowInDays": 30,
		"keyUsage": "ENCRYPT_DECRYPT", "policy": keyPolicy(grant), "tags": s.tags(),
	})
	key.outputs["arn"] = s.keyARN("alerts")
	key.protect = s.prod()
	arn := "arn:aws:sns:us-east-1:123456789012:ml-platform-" + s.env + "-cost-alerts"
	t := s.add(snsTopicType, "cost-alerts", arn, map[string]any{
		"name": "ml-platform-" + s.env + "-cost-alerts", "kmsMasterKeyId": s.keyARN("alerts"), "tags": s.tags(),
	}).dep("kmsMasterKeyId", key)
	t.outputs["arn"] = arn
	s.add("aws:sns/topicPolicy:TopicPolicy", "cost-alerts-policy", arn, map[string]any{
		"arn": arn,
		"policy": `{"Version":"2012-10-17","Statement":[{"Sid":"Budgets","Effect":"Allow","Principal":{"Service":"budgets.amazonaws.com"},` +
			`"Action":"SNS:Publish","Resource":"` + arn + `"},{"Sid":"CostAlerts","Effect":"Allow","Principal":{"Service":"costalerts.amazonaws.com"},` +
			`"Action":"SNS:Publish","Resource":"` + arn + `"},{"Sid":"DenyHTTP","Effect":"Deny","Principal":{"AWS":"*"},"Action":"SNS:Publish",` +
			`"Resource":"` + arn + `","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
	}).dep("arn", t)
	return t
}

// anomalySubscription adds a tag monitor and a subscription to it with the
// given frequency and subscribers.
func (s *stackBuilder) anomalySubscription(frequency string, subscribers ...map[string]any) *fixtureResource {
	arn := "arn:aws:ce::123456789012:anomalymonitor/0fixture"
	m := s.add(anomalyMonitorType, "cost-anomalies-monitor", arn, map[string]any{
		"name": "ml-platform-" + s.env, "monitorType": "CUSTOM", "tags": s.tags(),
		"monitorSpecification": `{"Tags":{"Key":"Stack","MatchOptions":["EQUALS"],"Values":["ml-platform-` + s.env + `"]}}`,
	})
	m.outputs["arn"] = arn
	subs := make([]any, len(subscribers))
	for i, sub := range subscribers {
		subs[i] = sub
	}
	return s.add(anomalySubType, "cost-anomalies", "arn:aws:ce::123456789012:anomalysubscription/0fixture", map[string]any{
		"name": "ml-platform-" + s.env, "frequency": frequency, "monitorArnLists": []any{arn}, "subscribers": subs,
		"thresholdExpression": map[string]any{"dimension": map[string]any{
			"key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "matchOptions": []any{"GREATER_THAN_OR_EQUAL"}, "values": []any{"100"}}},
		"tags": s.tags(),
	}).dep("monitorArnLists", m)
}

// render builds one fixture definition into its export.
func (d fixtureDef) render() []byte {
	s := &stackBuilder{env: d.env}
	s.base()
	d.build(s)
	return s.export()
}

// manifest lists every fixture, hand-written and generated.
func manifest() []auditFixture {
	out := slices.Clone(handWritten)
	for _, d := range append(slices.Clone(fixtureDefs), fixtureCleanExtras) {
		out = append(out, auditFixture{File: d.file, Rule: d.rule, Profile: fixtureProfiles[d.file], About: d.about, Generated: true})
	}
	return out
}

// TestAuditFixtures evaluates every fixture the way `offline audit` does
// (FromStackExport, then Evaluate with default settings): each must produce
// exactly its one mandatory rule (none for the clean ones), and a generated
// fixture nothing else at all, advisory included, so that it shows one
// misconfiguration only.
func TestAuditFixtures(t *testing.T) {
	dir := filepath.Join("..", "testdata")
	entries := manifest()
	if *updateFixtures {
		for _, d := range append(slices.Clone(fixtureDefs), fixtureCleanExtras) {
			if err := os.WriteFile(filepath.Join(dir, d.file), d.render(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := json.MarshalIndent(map[string]any{"fixtures": entries}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, manifestFile), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The manifest on disk is what tests/audit_test.go reads: it must match.
	data, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		t.Fatalf("%v (run with -update-fixtures)", err)
	}
	var onDisk struct{ Fixtures []auditFixture }
	if err := json.Unmarshal(data, &onDisk); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(onDisk.Fixtures, entries) {
		t.Errorf("%s is stale; run go test ./policies/rules -run TestAuditFixtures -update-fixtures", manifestFile)
	}

	// Every export under testdata is in the manifest.
	files, _ := filepath.Glob(filepath.Join(dir, "export-*.json"))
	listed := map[string]bool{}
	for _, e := range entries {
		listed[e.File] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not listed in %s", filepath.Base(f), manifestFile)
		}
	}
	if n := len(entries); n < 12 {
		t.Errorf("%d fixtures; the issue asks for a set of misconfigured exports", n)
	}

	mandatoryCovered := map[string]bool{}
	for _, e := range entries {
		t.Run(e.File, func(t *testing.T) {
			if e.Generated {
				i := slices.IndexFunc(append(slices.Clone(fixtureDefs), fixtureCleanExtras), func(d fixtureDef) bool { return d.file == e.File })
				want := append(slices.Clone(fixtureDefs), fixtureCleanExtras)[i].render()
				got, err := os.ReadFile(filepath.Join(dir, e.File))
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("%s is missing or stale (%v); run with -update-fixtures and review the diff", e.File, err)
				}
			}
			vs := Evaluate(readExport(t, e.File), fixtureSettings(t, e.Profile))
			var mandatory []string
			for _, v := range vs {
				if v.EnforcementLevel == Mandatory {
					mandatory = append(mandatory, v.Policy)
				}
			}
			mandatory = slices.Compact(slices.Sorted(slices.Values(mandatory)))
			var want []string
			if e.Rule != "" {
				want = []string{e.Rule}
			}
			if !slices.Equal(mandatory, want) {
				t.Errorf("mandatory rules = %v, want %v:%s", mandatory, want, dump(vs))
			}
			if e.Generated {
				for _, v := range vs {
					if v.Policy != e.Rule {
						t.Errorf("unexpected finding besides the fixture's own: %s %s %s: %s", v.Policy, v.EnforcementLevel, v.URN, v.Message)
					}
				}
			}
			mandatoryCovered[e.Rule] = true
		})
	}
	for _, r := range Rules() {
		if r.Level != Advisory && !mandatoryCovered[r.Name] {
			t.Errorf("no audit fixture trips rule %s (%s, or mandatory under a profile)", r.Name, r.Level)
		}
	}
	for _, r := range StackRules() {
		if r.Level != Advisory && !mandatoryCovered[r.Name] {
			t.Errorf("no audit fixture trips stack rule %s (%s, or mandatory under a profile)", r.Name, r.Level)
		}
	}
}

// fixtureSettings are the settings a fixture is audited with: its profile's.
func fixtureSettings(t *testing.T, profile string) Settings {
	t.Helper()
	if profile == "" {
		return nil
	}
	p, ok := LookupProfile(conventions.ComplianceProfile(profile))
	if !ok {
		t.Fatalf("unknown profile %q", profile)
	}
	return p.Settings()
}

// fixtureServer is a prod llm-server Deployment on the gpu-inference pool.
func fixtureServer(typ, gpus string, tolerate bool) map[string]any {
	pod := map[string]any{
		"nodeSelector": map[string]any{"karpenter.sh/nodepool": "gpu-inference", "node.kubernetes.io/instance-type": typ},
		"containers":   []any{map[string]any{"name": "vllm", "resources": map[string]any{"limits": map[string]any{"nvidia.com/gpu": gpus}}}},
	}
	if tolerate {
		pod["tolerations"] = []any{map[string]any{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}}
	}
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "assistant", "labels": map[string]any{componentLabel: llmServerComponent, nameLabel: "assistant",
			"ml-platform/environment": "prod"}},
		"spec": map[string]any{"template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{componentLabel: llmServerComponent, nameLabel: "assistant"}},
			"spec":     pod,
		}},
	}
}
