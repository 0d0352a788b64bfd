package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// Endpoint kinds.
const (
	EndpointRealtime   = "realtime"
	EndpointMultiModel = "multiModel"
	EndpointServerless = "serverless"
	EndpointAsync      = "async"
)

// EndpointKinds are the allowed endpoint kinds.
var EndpointKinds = []string{EndpointAsync, EndpointMultiModel, EndpointRealtime, EndpointServerless}

// Feature Store online store kinds.
const (
	OnlineStoreNone     = "none"
	OnlineStoreStandard = "standard"
	OnlineStoreInMemory = "inMemory"
)

// SageMaker is the validated ml-platform:sagemaker.
type SageMaker struct {
	// Domain is the Studio domain; nil when off.
	Domain *Domain
	// ModelPackageGroups are the registry's groups.
	ModelPackageGroups []ModelPackageGroup
	// Pipeline is the training pipeline; nil when off.
	Pipeline *Pipeline
	// Endpoints are the inference endpoints.
	Endpoints []Endpoint
	// FeatureGroups are the Feature Store groups.
	FeatureGroups []FeatureGroup
	// Monitoring is the scheduled data-quality check of captured requests;
	// nil when off.
	Monitoring *Monitoring
	// ACKController installs the ACK SageMaker controller on the cluster.
	ACKController bool
}

// Domain is the VPC-only Studio domain.
type Domain struct {
	// UserProfiles are the profiles to create.
	UserProfiles []string
	// IdleTimeoutMinutes shuts idle JupyterLab apps down.
	IdleTimeoutMinutes int
}

// ModelPackageGroup is one model's registry group.
type ModelPackageGroup struct {
	// Name is the group's name (and the model's).
	Name string
	// ReaderAccountIDs may read its packages (promotion to another account).
	ReaderAccountIDs []string
}

// Pipeline is the build pipeline: processing, training, evaluation,
// condition, registration.
type Pipeline struct {
	ModelPackageGroup      string
	ProcessingImage        string
	TrainingImage          string
	InferenceImage         string
	ProcessingInstanceType string
	TrainingInstanceType   string
	TrainingInstanceCount  int
	MaxRuntimeHours        int
	MaxWaitHours           int
	// MetricName and MetricPath read the evaluation report; MetricMinimum
	// is the threshold for registration.
	MetricName    string
	MetricPath    string
	MetricMinimum float64
	// Tuning, when set, adds a hyperparameter tuning step.
	Tuning *Tuning
}

// Tuning is the optional hyperparameter tuning step.
type Tuning struct {
	MaxJobs, MaxParallelJobs int
	// Objective is the metric the tuning optimises; Maximize says which way.
	Objective string
	Maximize  bool
	// LearningRateMin and LearningRateMax bound the one tuned parameter,
	// learning_rate (the seed's objective).
	LearningRateMin, LearningRateMax float64
}

// Endpoint is one inference endpoint.
type Endpoint struct {
	Name string
	Kind string
	// Image is the inference container (ECR, in the stack's region).
	Image string
	// ModelPath is the model artifact's key in the stack's models bucket;
	// for multi-model endpoints the prefix that holds the models.
	ModelPath string
	// ModelPackage, instead of ModelPath, is a model package version of the
	// stack's registry the endpoint serves: "<group>/<version>". Image stays
	// required: it is the package's inference image, which the execution
	// role may then pull.
	ModelPackage string
	// PromoteFrom, instead of Image, ModelPath and ModelPackage, serves the
	// model the promotion source stack (ml-platform:promotion) exports for
	// its endpoint of this name.
	PromoteFrom string
	// InstanceType, MinInstances and MaxInstances size instance-backed kinds.
	InstanceType               string
	MinInstances, MaxInstances int
	// TargetInvocationsPerInstance is the target-tracking target.
	TargetInvocationsPerInstance int
	// GPUUtilizationTarget adds a GPU utilization policy (percent); 0 for none.
	GPUUtilizationTarget int
	// CapturePercent samples requests and responses for monitoring; 0 turns
	// capture off (serverless endpoints cannot capture).
	CapturePercent int
	// ServerlessMemoryMB and ServerlessMaxConcurrency size a serverless endpoint.
	ServerlessMemoryMB, ServerlessMaxConcurrency int
	// AsyncMaxConcurrentInvocations per instance of an async endpoint.
	AsyncMaxConcurrentInvocations int
	// ModelSizeGB, when set, is the GB of 16-bit weights the endpoint
	// serves: a model its instance cannot hold is an advisory.
	ModelSizeGB float64
}

// FeatureGroup is one Feature Store group.
type FeatureGroup struct {
	Name             string
	RecordIdentifier string
	EventTime        string
	Features         []Feature
	OnlineStore      string
	OfflineStore     bool
}

// Feature is one feature definition.
type Feature struct {
	Name, Type string
}

// Monitoring checks captured data on a schedule.
type Monitoring struct {
	// Schedule is an EventBridge schedule expression.
	Schedule string
	// Image runs the check (a processing container).
	Image string
	// InstanceType runs it.
	InstanceType string
}

type sagemakerInput struct {
	Domain *struct {
		Enabled            *bool    `json:"enabled"`
		UserProfiles       []string `json:"userProfiles"`
		IdleTimeoutMinutes *int     `json:"idleTimeoutMinutes"`
	} `json:"domain"`
	ModelPackageGroups []struct {
		Name             string   `json:"name"`
		ReaderAccountIDs []string `json:"readerAccountIds"`
	} `json:"modelPackageGroups"`
	Pipeline *struct {
		Enabled                *bool    `json:"enabled"`
		ModelPackageGroup      *string  `json:"modelPackageGroup"`
		ProcessingImage        *string  `json:"processingImage"`
		TrainingImage          *string  `json:"trainingImage"`
		InferenceImage         *string  `json:"inferenceImage"`
		ProcessingInstanceType *string  `json:"processingInstanceType"`
		TrainingInstanceType   *string  `json:"trainingInstanceType"`
		TrainingInstanceCount  *int     `json:"trainingInstanceCount"`
		MaxRuntimeHours        *int     `json:"maxRuntimeHours"`
		MaxWaitHours           *int     `json:"maxWaitHours"`
		MetricName             *string  `json:"metricName"`
		MetricPath             *string  `json:"metricPath"`
		MetricMinimum          *float64 `json:"metricMinimum"`
		Tuning                 *struct {
			MaxJobs         *int     `json:"maxJobs"`
			MaxParallelJobs *int     `json:"maxParallelJobs"`
			Objective       *string  `json:"objective"`
			Direction       *string  `json:"direction"`
			LearningRateMin *float64 `json:"learningRateMin"`
			LearningRateMax *float64 `json:"learningRateMax"`
		} `json:"tuning"`
	} `json:"pipeline"`
	Endpoints []struct {
		Name                          string   `json:"name"`
		Kind                          *string  `json:"kind"`
		Image                         string   `json:"image"`
		ModelPath                     string   `json:"modelPath"`
		ModelPackage                  string   `json:"modelPackage"`
		PromoteFrom                   string   `json:"promoteFrom"`
		InstanceType                  *string  `json:"instanceType"`
		MinInstances                  *int     `json:"minInstances"`
		MaxInstances                  *int     `json:"maxInstances"`
		TargetInvocationsPerInstance  *int     `json:"targetInvocationsPerInstance"`
		GPUUtilizationTarget          *int     `json:"gpuUtilizationTarget"`
		CapturePercent                *int     `json:"capturePercent"`
		ServerlessMemoryMB            *int     `json:"serverlessMemoryMB"`
		ServerlessMaxConcurrency      *int     `json:"serverlessMaxConcurrency"`
		AsyncMaxConcurrentInvocations *int     `json:"asyncMaxConcurrentInvocations"`
		ModelSizeGB                   *float64 `json:"modelSizeGb"`
	} `json:"endpoints"`
	FeatureGroups []struct {
		Name             string            `json:"name"`
		RecordIdentifier string            `json:"recordIdentifier"`
		EventTime        string            `json:"eventTime"`
		Features         map[string]string `json:"features"`
		OnlineStore      *string           `json:"onlineStore"`
		OfflineStore     *bool             `json:"offlineStore"`
	} `json:"featureGroups"`
	Monitoring *struct {
		Enabled      *bool   `json:"enabled"`
		Schedule     *string `json:"schedule"`
		Image        *string `json:"image"`
		InstanceType *string `json:"instanceType"`
	} `json:"monitoring"`
	ACKController *bool `json:"ackController"`
}

var (
	// sageMakerNamePattern is SageMaker's name rule (endpoints, groups,
	// pipelines, profiles, feature groups): letters, digits and single dashes.
	sageMakerNamePattern = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`)
	// ecrImagePattern is an ECR image URI with a tag or digest.
	ecrImagePattern  = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$`)
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	// featureNamePattern is Feature Store's feature name rule.
	featureNamePattern = regexp.MustCompile(`^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$`)
	// scheduleExpressionPattern is an EventBridge rate or cron expression.
	scheduleExpressionPattern = regexp.MustCompile(`^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$`)
)

// Feature Store names it reserves and the feature types it takes.
var (
	reservedFeatureNames = []string{"is_deleted", "write_time", "api_invocation_time"}
	featureTypes         = []string{"Fractional", "Integral", "String"}
)

// sageMakerNameMax is the longest name the platform gives a SageMaker
// resource: "<project>-<stack>-<name>" must fit SageMaker's 63 characters.
const sageMakerNameMax = 63

func parseSageMaker(project, stack string, env conventions.Environment, region string, in sagemakerInput, promotion bool, p *problems) SageMaker {
	const key = KeySageMaker
	var s SageMaker
	prefix := project + "-" + stack + "-"
	checkName := func(k, name string) {
		switch {
		case !sageMakerNamePattern.MatchString(name):
			p.add(k, "%q is not a SageMaker name (letters, digits and single dashes)", name)
		case len(prefix+name) > sageMakerNameMax:
			p.add(k, "%q is too long: %q exceeds SageMaker's %d characters", name, prefix+name, sageMakerNameMax)
		}
	}
	checkImage := func(k, image string) {
		m := ecrImagePattern.FindStringSubmatch(image)
		switch {
		case m == nil:
			p.add(k, "%q is not an ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)", image)
		case m[1] != region:
			p.add(k, "%q is in %s; SageMaker pulls images from the stack's region, %s", image, m[1], region)
		}
	}

	if d := in.Domain; d != nil && (d.Enabled == nil || *d.Enabled) {
		dom := &Domain{IdleTimeoutMinutes: 60}
		set(&dom.IdleTimeoutMinutes, d.IdleTimeoutMinutes)
		if dom.IdleTimeoutMinutes < 60 || dom.IdleTimeoutMinutes > 525600 {
			p.add(key+".domain.idleTimeoutMinutes", "%d is outside the allowed 60 to 525600", dom.IdleTimeoutMinutes)
		}
		for i, u := range d.UserProfiles {
			k := fmt.Sprintf("%s.domain.userProfiles[%d]", key, i)
			if !sageMakerNamePattern.MatchString(u) || len(u) > 63 {
				p.add(k, "%q is not a user profile name (letters, digits and single dashes, at most 63)", u)
			}
			if slices.Index(d.UserProfiles, u) != i {
				p.add(k, "%q is listed twice", u)
			}
		}
		dom.UserProfiles = slices.Clone(d.UserProfiles)
		s.Domain = dom
	}

	groups := map[string]bool{}
	for i, g := range in.ModelPackageGroups {
		k := fmt.Sprintf("%s.modelPackageGroups[%d]", key, i)
		checkName(k+".name", g.Name)
		if groups[g.Name] {
			p.add(k+".name", "%q is listed twice", g.Name)
		}
		groups[g.Name] = true
		for j, a := range g.ReaderAccountIDs {
			if !accountIDPattern.MatchString(a) {
				p.add(fmt.Sprintf("%s.readerAccountIds[%d]", k, j), "%q is not a 12-digit account ID", a)
			}
		}
		s.ModelPackageGroups = append(s.ModelPackageGroups, ModelPackageGroup{Name: g.Name, ReaderAccountIDs: slices.Clone(g.ReaderAccountIDs)})
	}

	if pl := in.Pipeline; pl != nil && (pl.Enabled == nil || *pl.Enabled) {
		k := key + ".pipeline"
		out := &Pipeline{ProcessingInstanceType: "ml.m5.xlarge", TrainingInstanceType: "ml.g5.2xlarge", TrainingInstanceCount: 1,
			MaxRuntimeHours: 12, MaxWaitHours: 24, MetricName: "accuracy", MetricPath: "metrics.accuracy.value", MetricMinimum: 0.8}
		set(&out.ModelPackageGroup, pl.ModelPackageGroup)
		set(&out.ProcessingImage, pl.ProcessingImage)
		set(&out.TrainingImage, pl.TrainingImage)
		set(&out.InferenceImage, pl.InferenceImage)
		set(&out.ProcessingInstanceType, pl.ProcessingInstanceType)
		set(&out.TrainingInstanceType, pl.TrainingInstanceType)
		set(&out.MetricName, pl.MetricName)
		set(&out.MetricPath, pl.MetricPath)
		set(&out.TrainingInstanceCount, pl.TrainingInstanceCount)
		set(&out.MaxRuntimeHours, pl.MaxRuntimeHours)
		set(&out.MaxWaitHours, pl.MaxWaitHours)
		set(&out.MetricMinimum, pl.MetricMinimum)
		if !groups[out.ModelPackageGroup] {
			p.add(k+".modelPackageGroup", "%q is not one of modelPackageGroups; allowed: %s", out.ModelPackageGroup, strings.Join(slices.Sorted(maps.Keys(groups)), ", "))
		}
		checkImage(k+".processingImage", out.ProcessingImage)
		checkImage(k+".trainingImage", out.TrainingImage)
		checkImage(k+".inferenceImage", out.InferenceImage)
		checkSageMakerType(k+".processingInstanceType", out.ProcessingInstanceType, catalog.SageMakerProcessing, p)
		checkSageMakerType(k+".trainingInstanceType", out.TrainingInstanceType, catalog.SageMakerTraining, p)
		if out.TrainingInstanceCount < 1 || out.TrainingInstanceCount > 64 {
			p.add(k+".trainingInstanceCount", "%d is outside the allowed 1 to 64", out.TrainingInstanceCount)
		}
		switch {
		case out.MaxRuntimeHours < 1 || out.MaxRuntimeHours > 28*24:
			p.add(k+".maxRuntimeHours", "%d is outside the allowed 1 to %d (28 days)", out.MaxRuntimeHours, 28*24)
		case out.MaxWaitHours <= out.MaxRuntimeHours:
			p.add(k+".maxWaitHours", "%d must be more than maxRuntimeHours (%d): managed spot waits for capacity within it", out.MaxWaitHours, out.MaxRuntimeHours)
		}
		if out.MetricName == "" || out.MetricPath == "" {
			p.add(k+".metricName", "metricName and metricPath are required: the condition step reads them from the evaluation report")
		}
		if t := pl.Tuning; t != nil {
			tu := &Tuning{MaxJobs: 10, MaxParallelJobs: 2, Objective: out.MetricName, Maximize: true, LearningRateMin: 0.0001, LearningRateMax: 0.1}
			set(&tu.MaxJobs, t.MaxJobs)
			set(&tu.MaxParallelJobs, t.MaxParallelJobs)
			set(&tu.Objective, t.Objective)
			if t.Direction != nil {
				switch *t.Direction {
				case "Maximize", "Minimize":
					tu.Maximize = *t.Direction == "Maximize"
				default:
					p.add(k+".tuning.direction", "%q; allowed: \"Maximize\", \"Minimize\"", *t.Direction)
				}
			}
			set(&tu.LearningRateMin, t.LearningRateMin)
			set(&tu.LearningRateMax, t.LearningRateMax)
			if tu.MaxJobs < 1 || tu.MaxParallelJobs < 1 || tu.MaxParallelJobs > tu.MaxJobs {
				p.add(k+".tuning.maxParallelJobs", "%d parallel of %d jobs; allowed: 1 to maxJobs", tu.MaxParallelJobs, tu.MaxJobs)
			}
			if tu.LearningRateMin <= 0 || tu.LearningRateMax <= tu.LearningRateMin {
				p.add(k+".tuning.learningRateMax", "the range %g to %g is empty; allowed: 0 < learningRateMin < learningRateMax", tu.LearningRateMin, tu.LearningRateMax)
			}
			out.Tuning = tu
		}
		s.Pipeline = out
	}

	names := map[string]bool{}
	for i, e := range in.Endpoints {
		k := fmt.Sprintf("%s.endpoints[%d]", key, i)
		out := Endpoint{Name: e.Name, Kind: EndpointRealtime, Image: e.Image, ModelPath: e.ModelPath,
			ModelPackage: e.ModelPackage, PromoteFrom: e.PromoteFrom,
			MinInstances: 1, MaxInstances: 2, TargetInvocationsPerInstance: 70, CapturePercent: 20, ModelSizeGB: floatOr(e.ModelSizeGB, 0)}
		if env.ProdLike() {
			out.MinInstances, out.MaxInstances = 2, 4
		}
		checkName(k+".name", e.Name)
		if names[e.Name] {
			p.add(k+".name", "%q is listed twice", e.Name)
		}
		names[e.Name] = true
		set(&out.Kind, e.Kind)
		if !slices.Contains(EndpointKinds, out.Kind) {
			p.add(k+".kind", "%q; allowed: %s", out.Kind, quoteAll(EndpointKinds))
		}
		checkModelSource(k, &out, s.ModelPackageGroups, promotion, p)
		if out.PromoteFrom == "" {
			checkImage(k+".image", out.Image)
		}
		switch {
		case out.PromoteFrom != "" || out.ModelPackage != "":
		case out.ModelPath == "" || strings.HasPrefix(out.ModelPath, "/") || strings.Contains(out.ModelPath, "://"):
			p.add(k+".modelPath", "%q must be a key in the stack's models bucket, such as churn/v1/model.tar.gz (or set modelPackage or promoteFrom)", out.ModelPath)
		case strings.HasPrefix(out.ModelPath, conventions.ModelsArchivePrefix) || conventions.ModelsArchivePrefix == out.ModelPath+"/":
			p.add(k+".modelPath", "%q is under %s, which the models bucket's lifecycle moves to Glacier Flexible Retrieval after "+
				"storage.lifecycle.models.glacierDays: endpoints could not load it; serve from another prefix", out.ModelPath, conventions.ModelsArchivePrefix)
		case out.Kind == EndpointMultiModel && !strings.HasSuffix(out.ModelPath, "/"):
			p.add(k+".modelPath", "%q: a multi-model endpoint loads models from a prefix ending in /", out.ModelPath)
		case out.Kind != EndpointMultiModel && strings.HasSuffix(out.ModelPath, "/"):
			p.add(k+".modelPath", "%q is a prefix; a %s endpoint serves one model artifact", out.ModelPath, out.Kind)
		}
		if !slices.Contains(catalog.SageMakerCaptureKinds, out.Kind) {
			// Capture defaults on only where SageMaker supports it.
			out.CapturePercent = 0
			if e.CapturePercent != nil && *e.CapturePercent != 0 && out.Kind != EndpointServerless {
				p.add(k+".capturePercent", "%s endpoints do not support data capture; allowed on kind: %s", out.Kind, quoteAll(catalog.SageMakerCaptureKinds))
			}
		}
		set(&out.CapturePercent, e.CapturePercent)
		if out.Kind == EndpointServerless {
			if env.ProdLike() {
				p.add(k+".kind", "%q is weaker than %s allows: serverless models run outside the VPC without network isolation; allowed: %s",
					out.Kind, env, quoteAll([]string{EndpointAsync, EndpointMultiModel, EndpointRealtime}))
			}
			out.MinInstances, out.MaxInstances, out.TargetInvocationsPerInstance, out.CapturePercent = 0, 0, 0, 0
			out.ServerlessMemoryMB, out.ServerlessMaxConcurrency = 2048, 5
			set(&out.ServerlessMemoryMB, e.ServerlessMemoryMB)
			set(&out.ServerlessMaxConcurrency, e.ServerlessMaxConcurrency)
			if !slices.Contains(catalog.ServerlessMemorySizesMB, out.ServerlessMemoryMB) {
				p.add(k+".serverlessMemoryMB", "%d is not a serverless memory size; allowed: %s", out.ServerlessMemoryMB, intList(catalog.ServerlessMemorySizesMB))
			}
			if out.ServerlessMaxConcurrency < 1 || out.ServerlessMaxConcurrency > catalog.ServerlessMaxConcurrencyMax {
				p.add(k+".serverlessMaxConcurrency", "%d is outside the allowed 1 to %d", out.ServerlessMaxConcurrency, catalog.ServerlessMaxConcurrencyMax)
			}
			for field, set := range map[string]bool{"instanceType": e.InstanceType != nil, "minInstances": e.MinInstances != nil,
				"maxInstances": e.MaxInstances != nil, "gpuUtilizationTarget": e.GPUUtilizationTarget != nil,
				"capturePercent": e.CapturePercent != nil && *e.CapturePercent != 0} {
				if set {
					p.add(k+"."+field, "does not apply to a serverless endpoint (no instances, no data capture)")
				}
			}
			s.Endpoints = append(s.Endpoints, out)
			continue
		}
		if e.ServerlessMemoryMB != nil || e.ServerlessMaxConcurrency != nil {
			p.add(k+".serverlessMemoryMB", "applies to serverless endpoints only")
		}
		out.InstanceType = "ml.m5.xlarge"
		set(&out.InstanceType, e.InstanceType)
		switch {
		case !checkSageMakerType(k+".instanceType", out.InstanceType, catalog.SageMakerHosting, p):
		case out.Kind == EndpointMultiModel && isGPUType(out.InstanceType) && !slices.ContainsFunc(catalog.MultiModelGPUFamilies, func(f string) bool { return strings.HasPrefix(out.InstanceType, f+".") }):
			p.add(k+".instanceType", "%q: multi-model endpoints run on CPU types or on the GPU families %s (Triton)", out.InstanceType, strings.Join(catalog.MultiModelGPUFamilies, ", "))
		}
		if out.Kind == EndpointAsync {
			out.AsyncMaxConcurrentInvocations = 4
			set(&out.AsyncMaxConcurrentInvocations, e.AsyncMaxConcurrentInvocations)
			if out.AsyncMaxConcurrentInvocations < 1 || out.AsyncMaxConcurrentInvocations > 1000 {
				p.add(k+".asyncMaxConcurrentInvocations", "%d is outside the allowed 1 to 1000", out.AsyncMaxConcurrentInvocations)
			}
			if !env.ProdLike() {
				out.MinInstances = 0 // async endpoints scale to zero outside prod
			}
		} else if e.AsyncMaxConcurrentInvocations != nil {
			p.add(k+".asyncMaxConcurrentInvocations", "applies to async endpoints only")
		}
		set(&out.MinInstances, e.MinInstances)
		set(&out.MaxInstances, e.MaxInstances)
		set(&out.TargetInvocationsPerInstance, e.TargetInvocationsPerInstance)
		set(&out.GPUUtilizationTarget, e.GPUUtilizationTarget)
		minAllowed := 1
		if out.Kind == EndpointAsync {
			minAllowed = 0
		}
		switch {
		case out.MinInstances < minAllowed:
			p.add(k+".minInstances", "%d; allowed: %d or more", out.MinInstances, minAllowed)
		case out.MaxInstances < out.MinInstances || out.MaxInstances < 1:
			p.add(k+".maxInstances", "%d is below minInstances (%d); allowed: at least minInstances and 1", out.MaxInstances, out.MinInstances)
		case env.ProdLike() && out.MinInstances < 2:
			p.add(k+".minInstances", "%d is weaker than %s allows (one instance is one AZ); allowed: 2 or more", out.MinInstances, env)
		}
		if out.TargetInvocationsPerInstance < 1 {
			p.add(k+".targetInvocationsPerInstance", "%d; allowed: 1 or more", out.TargetInvocationsPerInstance)
		}
		if g := out.GPUUtilizationTarget; g != 0 && (g < 1 || g > 100 || !isGPUType(out.InstanceType)) {
			p.add(k+".gpuUtilizationTarget", "%d; allowed: 1 to 100, on a GPU instance type", g)
		}
		if out.CapturePercent < 0 || out.CapturePercent > 100 {
			p.add(k+".capturePercent", "%d is outside the allowed 0 to 100", out.CapturePercent)
		}
		s.Endpoints = append(s.Endpoints, out)
	}

	fgNames := map[string]bool{}
	for i, g := range in.FeatureGroups {
		k := fmt.Sprintf("%s.featureGroups[%d]", key, i)
		checkName(k+".name", g.Name)
		if fgNames[g.Name] {
			p.add(k+".name", "%q is listed twice", g.Name)
		}
		fgNames[g.Name] = true
		out := FeatureGroup{Name: g.Name, RecordIdentifier: g.RecordIdentifier, EventTime: g.EventTime,
			OnlineStore: OnlineStoreStandard, OfflineStore: true}
		set(&out.OnlineStore, g.OnlineStore)
		set(&out.OfflineStore, g.OfflineStore)
		switch {
		case !slices.Contains([]string{OnlineStoreNone, OnlineStoreStandard, OnlineStoreInMemory}, out.OnlineStore):
			p.add(k+".onlineStore", "%q; allowed: %q, %q, %q", out.OnlineStore, OnlineStoreNone, OnlineStoreStandard, OnlineStoreInMemory)
		case out.OnlineStore == OnlineStoreInMemory && out.OfflineStore:
			p.add(k+".offlineStore", "an InMemory online store takes no offline store (Feature Store); set offlineStore: false or onlineStore: standard")
		case out.OnlineStore == OnlineStoreNone && !out.OfflineStore:
			p.add(k+".offlineStore", "a feature group needs an online or an offline store")
		}
		for _, name := range slices.Sorted(maps.Keys(g.Features)) {
			typ := g.Features[name]
			fk := k + ".features." + name
			switch {
			case !featureNamePattern.MatchString(name):
				p.add(fk, "is not a feature name (letters, digits, - and _, at most 64)")
			case slices.Contains(reservedFeatureNames, strings.ToLower(name)):
				p.add(fk, "is reserved by Feature Store; not allowed: %s", strings.Join(reservedFeatureNames, ", "))
			case !slices.Contains(featureTypes, typ):
				p.add(fk, "%q is not a feature type; allowed: %s", typ, strings.Join(featureTypes, ", "))
			}
			out.Features = append(out.Features, Feature{Name: name, Type: typ})
		}
		for field, name := range map[string]string{"recordIdentifier": g.RecordIdentifier, "eventTime": g.EventTime} {
			if _, ok := g.Features[name]; !ok {
				p.add(k+"."+field, "%q is not one of the group's features", name)
			}
		}
		if t := g.Features[g.EventTime]; t != "" && t != "String" && t != "Fractional" {
			p.add(k+".eventTime", "%q is %s; the event time feature is String (ISO-8601) or Fractional (seconds)", g.EventTime, t)
		}
		s.FeatureGroups = append(s.FeatureGroups, out)
	}

	if m := in.Monitoring; m != nil && (m.Enabled == nil || *m.Enabled) {
		out := &Monitoring{Schedule: "rate(1 day)", InstanceType: "ml.m5.large"}
		set(&out.Schedule, m.Schedule)
		set(&out.Image, m.Image)
		set(&out.InstanceType, m.InstanceType)
		if !scheduleExpressionPattern.MatchString(out.Schedule) {
			p.add(key+".monitoring.schedule", "%q is not an EventBridge schedule; allowed: rate(...) or cron(...)", out.Schedule)
		}
		checkImage(key+".monitoring.image", out.Image)
		checkSageMakerType(key+".monitoring.instanceType", out.InstanceType, catalog.SageMakerProcessing, p)
		if !slices.ContainsFunc(s.Endpoints, func(e Endpoint) bool { return e.CapturePercent > 0 }) {
			p.add(key+".monitoring", "checks captured data, but no endpoint captures any (capturePercent)")
		}
		s.Monitoring = out
	}
	set(&s.ACKController, in.ACKController)
	return s
}

// isGPUType says whether an ml.* type carries GPUs.
func isGPUType(name string) bool {
	for _, f := range []string{"ml.g", "ml.p"} {
		if strings.HasPrefix(name, f) {
			return true
		}
	}
	return false
}

// checkSageMakerType reports an ml.* type the SageMaker API does not take
// for a use, with the closest ones it does; a real type the catalog lacks
// passes (the estimate says it is unpriced).
func checkSageMakerType(key, name string, use catalog.SageMakerUse, p *problems) bool {
	if catalog.SageMakerTypeFor(name, use) {
		return true
	}
	p.add(key, "%q is not a SageMaker %s instance type; closest: %s", name, use, strings.Join(catalog.ClosestSageMakerTypes(name, use, 3), ", "))
	return false
}

// requiredEndpoints are the interface endpoints the SageMaker features need
// in a VPC without internet access: the API and runtime for everything, the
// Studio endpoint for a VPC-only domain, the Feature Store runtime for
// online stores.
func (s SageMaker) requiredEndpoints() []string {
	var out []string
	if s.Domain != nil || s.Pipeline != nil || len(s.Endpoints) > 0 || len(s.FeatureGroups) > 0 {
		out = append(out, "sagemaker.api", "sagemaker.runtime")
	}
	if s.Domain != nil {
		out = append(out, "sagemaker.studio")
	}
	if slices.ContainsFunc(s.FeatureGroups, func(g FeatureGroup) bool { return g.OnlineStore != OnlineStoreNone }) {
		out = append(out, "sagemaker.featurestore-runtime")
	}
	return out
}

// withEndpoints adds endpoint services to a sorted list, keeping it sorted
// and free of duplicates.
func withEndpoints(list []string, add ...string) []string {
	out := slices.Clone(list)
	for _, a := range add {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

func floatOr(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}
