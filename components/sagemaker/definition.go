package sagemaker

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
)

// The pipeline definition JSON (schema version 2020-12-01), built from Go
// values the way the SageMaker Python SDK serialises it: each step is
// {Name, Type, Arguments} where Arguments is the job's Create* request
// without its name; values are literals or references ({"Get": ...},
// {"Std:Join": ...}, {"Std:JsonGet": ...}).

// Step names of the build pipeline.
const (
	StepPreprocess = "Preprocess"
	StepTrain      = "Train"
	StepTune       = "Tune"
	StepEvaluate   = "Evaluate"
	StepCheck      = "CheckMetric"
	StepRegister   = "Model-RegisterModel"
	StepFail       = "MetricBelowThreshold"
	StepCheckData  = "CheckDataQuality"
)

// evaluationReport is the property file the evaluation step writes.
const evaluationReport = "EvaluationReport"

// Parameter names of the build pipeline: overridable per execution.
const (
	ParamInputData             = "InputDataUri"
	ParamProcessingInstance    = "ProcessingInstanceType"
	ParamTrainingInstance      = "TrainingInstanceType"
	ParamTrainingInstanceCount = "TrainingInstanceCount"
	ParamMetricMinimum         = "MetricMinimum"
)

func get(path string) map[string]any { return map[string]any{"Get": path} }

func join(on string, values ...any) map[string]any {
	return map[string]any{"Std:Join": map[string]any{"On": on, "Values": values}}
}

func param(name, typ string, def any) map[string]any {
	return map[string]any{"Name": name, "Type": typ, "DefaultValue": def}
}

// instanceParam is an instance-type parameter whose overrides Pipelines
// checks against allowed (EnumValues): only types a job set up for the
// default can run on.
func instanceParam(name, def string, allowed []string) map[string]any {
	p := param(name, "String", def)
	p["EnumValues"] = allowed
	return p
}

// volumeKey is the job's VolumeKmsKeyId for an instance type: the key on
// EBS-only types; none on types with local NVMe storage, which SageMaker
// refuses a volume key for and encrypts in hardware
// (catalog.SageMakerInstanceStorageSource).
func volumeKey(instanceType, key string, cluster map[string]any) map[string]any {
	if t, _ := catalog.ResolveSageMakerInstance(instanceType); !t.InstanceStorage {
		cluster["VolumeKmsKeyId"] = key
	}
	return cluster
}

// perExecution is an S3 URI under prefix for this execution and name.
func perExecution(prefix, name string) map[string]any {
	return join("/", prefix, get("Execution.PipelineExecutionId"), name)
}

// JobSettings are what every job of a pipeline shares.
type JobSettings struct {
	// RoleARN runs the jobs.
	RoleARN string
	// KMSKeyARN encrypts outputs and volumes.
	KMSKeyARN string
	// SubnetIDs and SecurityGroupIDs place the jobs in the VPC.
	SubnetIDs, SecurityGroupIDs []string
	// Region is the stack's region (the framework containers want it).
	Region string
}

func (j JobSettings) vpc() map[string]any {
	return map[string]any{"SecurityGroupIds": j.SecurityGroupIDs, "Subnets": j.SubnetIDs}
}

// BuildDefinition describes the build pipeline.
type BuildDefinition struct {
	Jobs JobSettings
	// InputDataURI is the default raw data (a parameter).
	InputDataURI string
	// CodeURI holds preprocess.py, evaluate.py and sourcedir.tar.gz (train.py).
	CodeURI string
	// ArtifactsURI receives processing outputs and model artifacts.
	ArtifactsURI string
	// CheckpointURI receives training checkpoints.
	CheckpointURI                                  string
	ProcessingImage, TrainingImage, InferenceImage string
	ProcessingInstanceType, TrainingInstanceType   string
	TrainingInstanceCount                          int
	MaxRuntimeSeconds, MaxWaitSeconds              int
	ModelPackageGroup                              string
	MetricName, MetricPath                         string
	MetricMinimum                                  float64
	// InferenceInstanceTypes are what registered packages may be deployed on.
	InferenceInstanceTypes []string
	// Tuning, when set, replaces the training step by a tuning job.
	Tuning *TuningDefinition
	// MLflowTrackingURI, when set, is the tracking server's ARN the
	// training jobs (and tuning trials) log to (MLFLOW_TRACKING_URI, with
	// the sagemaker-mlflow plugin); MLflowExperiment names their
	// experiment.
	MLflowTrackingURI, MLflowExperiment string
}

// TuningDefinition is the optional tuning step.
type TuningDefinition struct {
	MaxJobs, MaxParallelJobs         int
	Objective                        string
	Maximize                         bool
	LearningRateMin, LearningRateMax float64
}

// JSON renders the definition.
func (b BuildDefinition) JSON() string {
	out, err := json.Marshal(b.Definition())
	if err != nil {
		panic(fmt.Sprintf("sagemaker: %v", err))
	}
	return string(out)
}

// Definition is the pipeline definition: preprocess, train (managed spot,
// checkpointed; or tune), evaluate, and register as PendingManualApproval
// when the evaluation metric reaches the minimum, fail otherwise.
func (b BuildDefinition) Definition() map[string]any {
	j := b.Jobs
	network := map[string]any{"EnableNetworkIsolation": false, "EnableInterContainerTrafficEncryption": true, "VpcConfig": j.vpc()}
	processing := func(name, entrypoint string, inputs []any, outputs []string) map[string]any {
		var outs []any
		for _, o := range outputs {
			outs = append(outs, map[string]any{"OutputName": o, "AppManaged": false, "S3Output": map[string]any{
				"S3Uri": perExecution(b.ArtifactsURI, o), "LocalPath": "/opt/ml/processing/" + o, "S3UploadMode": "EndOfJob"}})
		}
		inputs = append([]any{s3Input("code", b.CodeURI, "/opt/ml/processing/code")}, inputs...)
		return map[string]any{"Name": name, "Type": "Processing", "Arguments": map[string]any{
			"AppSpecification": map[string]any{"ImageUri": b.ProcessingImage,
				"ContainerEntrypoint": []string{"python3", "/opt/ml/processing/code/" + entrypoint}},
			"ProcessingInputs":       inputs,
			"ProcessingOutputConfig": map[string]any{"Outputs": outs, "KmsKeyId": j.KMSKeyARN},
			"ProcessingResources": map[string]any{"ClusterConfig": volumeKey(b.ProcessingInstanceType, j.KMSKeyARN, map[string]any{
				"InstanceCount": 1, "InstanceType": get("Parameters." + ParamProcessingInstance), "VolumeSizeInGB": 30})},
			"NetworkConfig":     network,
			"RoleArn":           j.RoleARN,
			"StoppingCondition": map[string]any{"MaxRuntimeInSeconds": 3600},
		}}
	}
	outputOf := func(step, output string) map[string]any {
		return get(fmt.Sprintf("Steps.%s.ProcessingOutputConfig.Outputs['%s'].S3Output.S3Uri", step, output))
	}
	preprocess := processing(StepPreprocess, "preprocess.py",
		[]any{s3Input("raw", get("Parameters."+ParamInputData), "/opt/ml/processing/input")},
		[]string{"train", "validation", "test"})

	hyper := map[string]any{
		"sagemaker_program":          "train.py",
		"sagemaker_submit_directory": b.CodeURI + "sourcedir.tar.gz",
		"sagemaker_region":           strconv.Quote(j.Region),
	}
	if b.TrainingInstanceCount > 1 || catalog.SageMakerAccelerated(b.TrainingInstanceType) {
		// torchrun across the instances and their devices (SageMaker
		// PyTorch containers). On accelerated types it is always on, so
		// an execution that overrides TrainingInstanceCount runs
		// distributed without anything else changing.
		hyper["sagemaker_torch_distributed_enabled"] = "true"
	}
	channel := func(name string, uri any) map[string]any {
		return map[string]any{"ChannelName": name, "DataSource": map[string]any{"S3DataSource": map[string]any{
			"S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}}}
	}
	modelsURI := b.ArtifactsURI + "models"
	training := map[string]any{
		"AlgorithmSpecification": map[string]any{"TrainingImage": b.TrainingImage, "TrainingInputMode": "File",
			"MetricDefinitions": []any{map[string]any{"Name": b.MetricName, "Regex": b.MetricName + "=([0-9\\.]+)"}}},
		"InputDataConfig":  []any{channel("train", outputOf(StepPreprocess, "train")), channel("validation", outputOf(StepPreprocess, "validation"))},
		"OutputDataConfig": map[string]any{"S3OutputPath": modelsURI, "KmsKeyId": j.KMSKeyARN},
		"ResourceConfig": volumeKey(b.TrainingInstanceType, j.KMSKeyARN, map[string]any{"InstanceCount": get("Parameters." + ParamTrainingInstanceCount),
			"InstanceType": get("Parameters." + ParamTrainingInstance), "VolumeSizeInGB": 100}),
		"StoppingCondition":         map[string]any{"MaxRuntimeInSeconds": b.MaxRuntimeSeconds, "MaxWaitTimeInSeconds": b.MaxWaitSeconds},
		"EnableManagedSpotTraining": true,
		// Per execution: SageMaker copies what the prefix holds into the
		// container at start and deletes in S3 what the job deletes, so a
		// shared prefix would resume (and prune) the last run's state.
		"CheckpointConfig": map[string]any{"S3Uri": join("/", strings.TrimSuffix(b.CheckpointURI, "/"), get("Execution.PipelineExecutionId")),
			"LocalPath": "/opt/ml/checkpoints"},
		"VpcConfig":                             j.vpc(),
		"EnableNetworkIsolation":                false,
		"EnableInterContainerTrafficEncryption": true,
		"RoleArn":                               j.RoleARN,
		"HyperParameters":                       hyper,
	}
	if b.MLflowTrackingURI != "" {
		training["Environment"] = map[string]any{"MLFLOW_TRACKING_URI": b.MLflowTrackingURI, "MLFLOW_EXPERIMENT_NAME": b.MLflowExperiment}
	}
	var trainStep map[string]any
	var modelData any
	if t := b.Tuning; t != nil {
		definition := map[string]any{}
		for k, v := range training {
			if k == "HyperParameters" {
				continue
			}
			definition[k] = v
		}
		// Every trial of one tuning job gets the execution's checkpoint
		// prefix and sees its siblings' checkpoints at start: the
		// training script keeps its own under a directory named after its
		// training job (SM_TRAINING_ENV's job_name), and this
		// hyperparameter tells it so (docs/sagemaker.md, Pipeline).
		trial := maps.Clone(hyper)
		trial["checkpoint_subdir"] = "training-job-name"
		definition["StaticHyperParameters"] = trial
		objective := "Minimize"
		if t.Maximize {
			objective = "Maximize"
		}
		trainStep = map[string]any{"Name": StepTune, "Type": "Tuning", "Arguments": map[string]any{
			"HyperParameterTuningJobConfig": map[string]any{
				"Strategy":                         "Bayesian",
				"HyperParameterTuningJobObjective": map[string]any{"Type": objective, "MetricName": t.Objective},
				"ResourceLimits":                   map[string]any{"MaxNumberOfTrainingJobs": t.MaxJobs, "MaxParallelTrainingJobs": t.MaxParallelJobs},
				"TrainingJobEarlyStoppingType":     "Auto",
				"ParameterRanges": map[string]any{"ContinuousParameterRanges": []any{map[string]any{
					"Name": "learning_rate", "MinValue": strconv.FormatFloat(t.LearningRateMin, 'g', -1, 64),
					"MaxValue": strconv.FormatFloat(t.LearningRateMax, 'g', -1, 64), "ScalingType": "Logarithmic"}}},
			},
			"TrainingJobDefinition": definition,
		}}
		modelData = join("/", modelsURI, get("Steps."+StepTune+".TrainingJobSummaries[0].TrainingJobName"), "output/model.tar.gz")
	} else {
		trainStep = map[string]any{"Name": StepTrain, "Type": "Training", "Arguments": training}
		modelData = get("Steps." + StepTrain + ".ModelArtifacts.S3ModelArtifacts")
	}

	evaluate := processing(StepEvaluate, "evaluate.py", []any{
		s3Input("model", modelData, "/opt/ml/processing/model"),
		s3Input("test", outputOf(StepPreprocess, "test"), "/opt/ml/processing/test"),
	}, []string{"evaluation"})
	evaluate["PropertyFiles"] = []any{map[string]any{"PropertyFileName": evaluationReport, "OutputName": "evaluation", "FilePath": "evaluation.json"}}

	register := map[string]any{"Name": StepRegister, "Type": "RegisterModel", "Arguments": map[string]any{
		"ModelPackageGroupName": b.ModelPackageGroup,
		"ModelApprovalStatus":   "PendingManualApproval",
		"InferenceSpecification": map[string]any{
			"Containers":                              []any{map[string]any{"Image": b.InferenceImage, "ModelDataUrl": modelData}},
			"SupportedContentTypes":                   []string{"application/json"},
			"SupportedResponseMIMETypes":              []string{"application/json"},
			"SupportedRealtimeInferenceInstanceTypes": b.InferenceInstanceTypes,
			"SupportedTransformInstanceTypes":         b.InferenceInstanceTypes,
		},
		"ModelMetrics": map[string]any{"ModelQuality": map[string]any{"Statistics": map[string]any{
			"ContentType": "application/json", "S3Uri": join("/", outputOf(StepEvaluate, "evaluation"), "evaluation.json")}}},
	}}
	fail := map[string]any{"Name": StepFail, "Type": "Fail", "Arguments": map[string]any{
		"ErrorMessage": fmt.Sprintf("%s is below the minimum: the model is not registered", b.MetricName)}}
	check := map[string]any{"Name": StepCheck, "Type": "Condition", "Arguments": map[string]any{
		"Conditions": []any{map[string]any{
			"Type": "GreaterThanOrEqualTo",
			"LeftValue": map[string]any{"Std:JsonGet": map[string]any{
				"PropertyFile": get("Steps." + StepEvaluate + ".PropertyFiles." + evaluationReport), "Path": b.MetricPath}},
			"RightValue": get("Parameters." + ParamMetricMinimum),
		}},
		"IfSteps":   []any{register},
		"ElseSteps": []any{fail},
	}}

	return map[string]any{
		"Version":  "2020-12-01",
		"Metadata": map[string]any{},
		"Parameters": []any{
			param(ParamInputData, "String", b.InputDataURI),
			instanceParam(ParamProcessingInstance, b.ProcessingInstanceType,
				catalog.SageMakerTypesLike(b.ProcessingInstanceType, catalog.SageMakerProcessing, false)),
			instanceParam(ParamTrainingInstance, b.TrainingInstanceType,
				catalog.SageMakerTypesLike(b.TrainingInstanceType, catalog.SageMakerTraining, catalog.SageMakerAccelerated(b.TrainingInstanceType))),
			param(ParamTrainingInstanceCount, "Integer", b.TrainingInstanceCount),
			param(ParamMetricMinimum, "Float", b.MetricMinimum),
		},
		"PipelineExperimentConfig": map[string]any{
			"ExperimentName": get("Execution.PipelineName"), "TrialName": get("Execution.PipelineExecutionId")},
		"Steps": []any{preprocess, trainStep, evaluate, check},
	}
}

func s3Input(name string, uri any, local string) map[string]any {
	return map[string]any{"InputName": name, "AppManaged": false, "S3Input": map[string]any{
		"S3Uri": uri, "LocalPath": local, "S3DataType": "S3Prefix", "S3InputMode": "File",
		"S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"}}
}

// DataQualityDefinition is the scheduled check of captured data: one
// processing job reading each endpoint's capture prefix, writing a report.
type DataQualityDefinition struct {
	Jobs         JobSettings
	Image        string
	InstanceType string
	CodeURI      string
	// CaptureURIs are the endpoints' data capture prefixes, by endpoint.
	CaptureURIs map[string]string
	ReportURI   string
}

// JSON renders the definition.
func (d DataQualityDefinition) JSON() string {
	var inputs []any
	inputs = append(inputs, s3Input("code", d.CodeURI, "/opt/ml/processing/code"))
	for _, name := range sortedKeys(d.CaptureURIs) {
		inputs = append(inputs, s3Input("capture-"+name, d.CaptureURIs[name], "/opt/ml/processing/capture/"+name))
	}
	def := map[string]any{
		"Version":  "2020-12-01",
		"Metadata": map[string]any{},
		"Parameters": []any{
			instanceParam(ParamProcessingInstance, d.InstanceType, catalog.SageMakerTypesLike(d.InstanceType, catalog.SageMakerProcessing, false)),
		},
		"Steps": []any{map[string]any{"Name": StepCheckData, "Type": "Processing", "Arguments": map[string]any{
			"AppSpecification": map[string]any{"ImageUri": d.Image,
				"ContainerEntrypoint": []string{"python3", "/opt/ml/processing/code/data_quality.py"}},
			"ProcessingInputs": inputs,
			"ProcessingOutputConfig": map[string]any{"KmsKeyId": d.Jobs.KMSKeyARN, "Outputs": []any{map[string]any{
				"OutputName": "report", "AppManaged": false, "S3Output": map[string]any{
					"S3Uri": perExecution(d.ReportURI, "report"), "LocalPath": "/opt/ml/processing/report", "S3UploadMode": "EndOfJob"}}}},
			"ProcessingResources": map[string]any{"ClusterConfig": volumeKey(d.InstanceType, d.Jobs.KMSKeyARN, map[string]any{
				"InstanceCount": 1, "InstanceType": get("Parameters." + ParamProcessingInstance), "VolumeSizeInGB": 30})},
			"NetworkConfig": map[string]any{"EnableNetworkIsolation": false, "EnableInterContainerTrafficEncryption": true,
				"VpcConfig": d.Jobs.vpc()},
			"RoleArn":           d.Jobs.RoleARN,
			"StoppingCondition": map[string]any{"MaxRuntimeInSeconds": 3600},
		}}},
	}
	out, err := json.Marshal(def)
	if err != nil {
		panic(fmt.Sprintf("sagemaker: %v", err))
	}
	return string(out)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Step and parameter names of the batch-inference pipeline.
const (
	StepModel               = "CreateModel"
	StepTransform           = "BatchTransform"
	ParamTransformInstance  = "TransformInstanceType"
	ParamTransformInputData = "InputDataUri"
)

// BatchDefinition is the scheduled batch-inference pipeline: a model in the
// VPC without network access, then a batch transform over an input prefix
// whose predictions land, encrypted, under a prefix per execution. Batch
// transform has no managed spot (SageMaker offers it for training only):
// its instances are on-demand.
type BatchDefinition struct {
	Jobs JobSettings
	// Image and ModelDataURL are the model; ModelPackageARN, instead, a
	// model package version (it names its own image and artifact).
	Image, ModelDataURL, ModelPackageARN string
	// InputURI is the default input prefix (a parameter); OutputURI the
	// prefix the predictions go under, per execution.
	InputURI, OutputURI string
	InstanceType        string
	InstanceCount       int
	// ContentType and SplitType tell the container what it reads and how
	// the input is split into records.
	ContentType, SplitType string
}

// JSON renders the definition.
func (d BatchDefinition) JSON() string {
	container := map[string]any{"Image": d.Image, "ModelDataUrl": d.ModelDataURL}
	if d.ModelPackageARN != "" {
		container = map[string]any{"ModelPackageName": d.ModelPackageARN}
	}
	def := map[string]any{
		"Version":  "2020-12-01",
		"Metadata": map[string]any{},
		"Parameters": []any{
			param(ParamTransformInputData, "String", d.InputURI),
			instanceParam(ParamTransformInstance, d.InstanceType, catalog.SageMakerTypesLike(d.InstanceType, catalog.SageMakerHosting, false)),
		},
		"Steps": []any{
			map[string]any{"Name": StepModel, "Type": "Model", "Arguments": map[string]any{
				"ExecutionRoleArn": d.Jobs.RoleARN, "PrimaryContainer": container,
				"VpcConfig": d.Jobs.vpc(), "EnableNetworkIsolation": true,
			}},
			map[string]any{"Name": StepTransform, "Type": "Transform", "Arguments": map[string]any{
				"ModelName": get("Steps." + StepModel + ".ModelName"),
				"TransformInput": map[string]any{
					"DataSource":  map[string]any{"S3DataSource": map[string]any{"S3DataType": "S3Prefix", "S3Uri": get("Parameters." + ParamTransformInputData)}},
					"ContentType": d.ContentType, "SplitType": d.SplitType,
				},
				"TransformOutput": map[string]any{"S3OutputPath": perExecution(strings.TrimSuffix(d.OutputURI, "/"), "predictions"),
					"KmsKeyId": d.Jobs.KMSKeyARN, "AssembleWith": "Line"},
				"TransformResources": volumeKey(d.InstanceType, d.Jobs.KMSKeyARN, map[string]any{
					"InstanceType": get("Parameters." + ParamTransformInstance), "InstanceCount": d.InstanceCount}),
			}},
		},
	}
	out, err := json.Marshal(def)
	if err != nil {
		panic(fmt.Sprintf("sagemaker: %v", err))
	}
	return string(out)
}
