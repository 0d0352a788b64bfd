package catalog

import (
	"slices"
	"strings"
)

// SageMakerInstance holds the us-east-1 on-demand prices of one SageMaker
// ml.* instance type. A price of 0 means the dimension does not apply (the
// type is not offered for it) or was not recorded; Note says which.
type SageMakerInstance struct {
	Name               string  // "ml.g5.xlarge"
	HostingUSDPerHour  float64 // real-time inference endpoint, per instance-hour
	TrainingUSDPerHour float64 // training job, per instance-hour
	// InstanceStorage marks Nitro types with local NVMe instance storage:
	// CreateEndpointConfig fails when a KmsKeyId is given for them (their
	// instance storage is encrypted by the hardware).
	InstanceStorage bool
	// Processing marks the types processing jobs take (the SageMaker API's
	// ProcessingInstanceType enum, checked by the catalog tests).
	Processing bool
	Note       string // caveats about the figures, "" when none
}

// SageMakerPricesSource says where the ml.* prices come from.
var SageMakerPricesSource = Source{
	Description: "Amazon SageMaker AI on-demand pricing, us-east-1, USD per instance-hour, Real-Time Inference and " +
		"Training tabs (published list prices, no Savings Plans). The ml.p4d and ml.p5 figures are the pre-June-2025 " +
		"list prices; whether SageMaker followed the June 2025 EC2 P4/P5 reduction was not verified, so they may " +
		"overstate the current price. Not re-checked against the live page on the recorded date: treat as approximate.",
	URL:      "https://aws.amazon.com/sagemaker/ai/pricing/",
	Recorded: recorded,
}

// unofficialPrice marks prices two unofficial tables agree on (an
// aws-samples benchmarking config of 2025-01 and a public catalog that read
// the AmazonSageMaker price list on 2026-09-27) but that were not checked
// on AWS's pricing page.
const unofficialPrice = "Two unofficial price tables agree; not checked on AWS's page."

// sageMakerInstances is sorted by Name.
var sageMakerInstances = []SageMakerInstance{
	{Name: "ml.c5.2xlarge", HostingUSDPerHour: 0.408, TrainingUSDPerHour: 0.408, Processing: true, Note: unofficialPrice},
	{Name: "ml.c5.xlarge", HostingUSDPerHour: 0.204, TrainingUSDPerHour: 0.204, Processing: true},
	{Name: "ml.g5.12xlarge", HostingUSDPerHour: 7.09, TrainingUSDPerHour: 7.09, InstanceStorage: true, Processing: true},
	{Name: "ml.g5.2xlarge", HostingUSDPerHour: 1.515, TrainingUSDPerHour: 1.515, InstanceStorage: true, Processing: true},
	{Name: "ml.g5.48xlarge", HostingUSDPerHour: 20.36, TrainingUSDPerHour: 20.36, InstanceStorage: true, Processing: true, Note: unofficialPrice},
	{Name: "ml.g5.xlarge", HostingUSDPerHour: 1.408, TrainingUSDPerHour: 1.408, InstanceStorage: true, Processing: true},
	{Name: "ml.g6.12xlarge", HostingUSDPerHour: 5.752, TrainingUSDPerHour: 5.752, InstanceStorage: true, Processing: true, Note: unofficialPrice},
	{Name: "ml.g6.2xlarge", HostingUSDPerHour: 1.222, TrainingUSDPerHour: 1.222, InstanceStorage: true, Processing: true, Note: unofficialPrice},
	{Name: "ml.inf2.48xlarge", HostingUSDPerHour: 15.58, Note: unofficialPrice + " Inferentia2 takes no training jobs."},
	{Name: "ml.inf2.xlarge", HostingUSDPerHour: 0.99, TrainingUSDPerHour: 0,
		Note: "Inferentia2 is an inference accelerator: SageMaker does not offer it for training."},
	{Name: "ml.m5.large", HostingUSDPerHour: 0.115, TrainingUSDPerHour: 0.115, Processing: true},
	{Name: "ml.m5.xlarge", HostingUSDPerHour: 0.23, TrainingUSDPerHour: 0.23, Processing: true},
	{Name: "ml.p4d.24xlarge", HostingUSDPerHour: 37.688, TrainingUSDPerHour: 37.688, InstanceStorage: true,
		Note: "Pre-June-2025 list price; may not reflect the 2025 P4 price reduction."},
	{Name: "ml.p5.48xlarge", HostingUSDPerHour: 113.068, TrainingUSDPerHour: 113.068, InstanceStorage: true,
		Note: "Pre-June-2025 list price; may not reflect the 2025 P5 price reduction."},
	{Name: "ml.trn1.32xlarge", HostingUSDPerHour: 0, TrainingUSDPerHour: 28.497, InstanceStorage: true,
		Note: "Hosting price not recorded: plan Trainium for training jobs."},
}

// LookupSageMakerInstance returns the prices for an ml.* instance type and
// whether it is known.
func LookupSageMakerInstance(name string) (SageMakerInstance, bool) {
	i, found := slices.BinarySearchFunc(sageMakerInstances, name, func(s SageMakerInstance, n string) int {
		return strings.Compare(s.Name, n)
	})
	if !found {
		return SageMakerInstance{}, false
	}
	return sageMakerInstances[i], true
}

// SageMakerInstanceNames returns the names of every priced ml.* instance
// type, sorted.
func SageMakerInstanceNames() []string {
	names := make([]string, 0, len(sageMakerInstances))
	for _, s := range sageMakerInstances {
		names = append(names, s.Name)
	}
	return names
}

// SageMakerInstanceStorageSource says where InstanceStorage comes from.
var SageMakerInstanceStorageSource = Source{
	Description: "SageMaker API reference, CreateEndpointConfig KmsKeyId (\"If you specify a value for KmsKeyId when using " +
		"any nitro-based instances with local storage, the call to CreateEndpointConfig fails\"), with the instance " +
		"storage of the matching EC2 types from the EC2 user guide, \"Instance store volumes\" (g5, p4d, p5, trn1 have " +
		"NVMe instance storage; m5, c5 and inf2 have EBS only).",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",
	Recorded: recorded,
}

// Serverless inference limits (ProductionVariantServerlessConfig).
var (
	// ServerlessMemorySizesMB are the memory sizes a serverless variant takes.
	ServerlessMemorySizesMB = []int{1024, 2048, 3072, 4096, 5120, 6144}
)

// Serverless concurrency bounds.
const (
	ServerlessMaxConcurrencyMax = 200
)

// MultiModelGPUFamilies are the GPU families multi-model endpoints support
// (through the Triton Inference Server container); every CPU type works.
var MultiModelGPUFamilies = []string{"ml.g4dn", "ml.g5", "ml.p2", "ml.p3"}

// SageMakerVPCActions are the EC2 actions an execution role needs to run
// jobs and endpoints in a VPC.
var SageMakerVPCActions = []string{
	"ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
	"ec2:DeleteNetworkInterfacePermission", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
	"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
}

// SageMakerFactsSource says where the inference, pipeline and domain facts
// come from.
var SageMakerFactsSource = Source{
	Description: "SageMaker API reference: ProductionVariantServerlessConfig (MemorySizeInMB 1024-6144 in 1 GB steps, " +
		"MaxConcurrency 1-200), StoppingCondition (MaxWaitTimeInSeconds at least MaxRuntimeInSeconds for managed spot), " +
		"CreatePipeline (definition up to 1 MB; role required). Developer guide: serverless inference feature exclusions " +
		"(no VPC configuration, network isolation, data capture, multi-model or multiple variants, GPUs), multi-model " +
		"endpoints (all CPU types; GPU through Triton on g4dn, g5, p2, p3), deployment best practices (two or more " +
		"instances are spread across AZs), \"Give SageMaker AI access to resources in your Amazon VPC\" (the EC2 network " +
		"interface actions), Model Monitor (\"no longer open to new customers\"), Studio VPC-only domains (interface " +
		"endpoints for the SageMaker API, runtime and aws.sagemaker.<region>.studio; NFS 2049 between the domain and its " +
		"EFS; the EFS is retained unless RetentionPolicy HomeEfsFileSystem is Delete), EventBridge model package state " +
		"change events, cross-account model registry policies. SageMaker Python SDK v2.257.6 for the pipeline definition " +
		"JSON (steps, property files, Std:JsonGet, RegisterModel).",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html",
	Recorded: recorded,
}

// SageMakerTrainEncryptSource: inter-container traffic encryption runs
// IPsec between the instances of a distributed job.
var SageMakerTrainEncryptSource = Source{
	Description: "SageMaker developer guide, \"Protect communications between ML compute instances in a distributed " +
		"training job\": with inter-container traffic encryption the security group must allow UDP 500 and IP protocol " +
		"50 (ESP) between the members, besides the ports the job uses.",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/dg/train-encrypt.html",
	Recorded: "2026-12-07",
}

// SageMakerCaptureKinds are the endpoint kinds whose endpoint
// configuration may enable data capture: real-time endpoints serving one
// model. Asynchronous inference is listed without data capture in the
// deployment options' feature table, serverless inference refuses it,
// and Model Monitor (what capture feeds) supports only endpoints that
// host a single model, not multi-model endpoints
// (SageMakerCaptureSource).
var SageMakerCaptureKinds = []string{"realtime"}

// SageMakerCaptureSource says where SageMakerCaptureKinds come from.
var SageMakerCaptureSource = Source{
	Description: "SageMaker developer guide: \"Data capture\" (real-time endpoints and batch transform), \"Data and model " +
		"quality monitoring\" notes (\"Model Monitor currently supports only endpoints that host a single model and does not " +
		"support monitoring multi-model endpoints\"), the serverless inference feature exclusions (no data capture), and the " +
		"inference options' supported-features table, which lists data capture for real-time only (as reported in the " +
		"runtime review; the table could not be opened from this workplace on the recorded date).",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html",
	Recorded: "2026-12-07",
}
