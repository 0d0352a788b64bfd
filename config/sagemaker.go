package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
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
	// MLflow is the managed MLflow tracking server; nil when off.
	MLflow *MLflow
	// BatchInference is the scheduled batch transform; nil when off.
	BatchInference *BatchInference
}

// Domain is the VPC-only Studio domain, and MLflow the tracking server,
// as the sagemaker component takes them.
type (
	Domain = spec.Domain
	MLflow = spec.MLflow
)

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
	// Objective is the metric the tuning optimises (the pipeline's
	// metric by default); Direction says which way, and Maximize is
	// whether it is "Maximize".
	Objective string
	Direction string
	Maximize  bool
	// LearningRateMin and LearningRateMax bound the one tuned parameter,
	// learning_rate (the seed's objective).
	LearningRateMin, LearningRateMax float64
}

// Endpoint is one inference endpoint. Each field is the key of the same
// name in SageMakerKeys (endpoints), which documents it; exactly one of
// ModelPath, ModelPackage and PromoteFrom says where the model comes from.
type Endpoint struct {
	Name                                         string
	Kind                                         string
	Image                                        string
	ModelPath                                    string
	ModelPackage                                 string
	PromoteFrom                                  string
	InstanceType                                 string
	MinInstances, MaxInstances                   int
	TargetInvocationsPerInstance                 int
	GPUUtilizationTarget                         int
	CapturePercent                               int
	ServerlessMemoryMB, ServerlessMaxConcurrency int
	AsyncMaxConcurrentInvocations                int
	ModelSizeGB                                  float64
}

// FeatureGroup is one Feature Store group.
type FeatureGroup struct {
	Name             string
	RecordIdentifier string
	EventTime        string
	// Features are the feature types by feature name.
	Features     map[string]string
	OnlineStore  string
	OfflineStore bool
}

// BatchInference is the scheduled batch-inference pipeline. Each field is
// the key of the same name in SageMakerKeys (batchInference), which
// documents it; exactly one of ModelPath and ModelPackage is set.
type BatchInference struct {
	Image, ModelPath, ModelPackage string
	InputPrefix                    string
	InstanceType                   string
	InstanceCount                  int
	ContentType, SplitType         string
	Schedule                       string
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

// SageMakerKeys declare ml-platform:sagemaker. Everything is off until
// the stack file turns it on; endpoints, pipelines and feature groups
// take their sizes from their kind and the environment (checkSageMaker).
var SageMakerKeys = []Key{
	{Name: "domain", Enabled: "enabled", On: true, Doc: "a VPC-only Studio domain (on when the object is present, unless enabled is false)", Keys: []Key{
		{Name: "userProfiles", Check: Rule("user profile names, each once", func(_ Context, u string) string {
			if !sageMakerNamePattern.MatchString(u) || len(u) > 63 {
				return fmt.Sprintf("%q is not a user profile name (letters, digits and single dashes, at most 63)", u)
			}
			return ""
		}), Doc: "the user profiles to create"},
		{Name: "idleTimeoutMinutes", Default: Always(60), Check: Between(60, 525600, "minutes"), Doc: "shut idle JupyterLab apps down after this long"},
	}},
	{Name: "modelPackageGroups", Doc: "the model registry's groups", Keys: []Key{
		{Name: "name", Check: sageMakerName, Doc: "the group's (and the model's) name"},
		{Name: "readerAccountIds", Field: "ReaderAccountIDs", Check: Matching("a 12-digit account ID", "12-digit account IDs", accountIDPattern.MatchString),
			Doc: "accounts that may read its packages (promotion to another account)"},
	}},
	{Name: "pipeline", Enabled: "enabled", On: true, Doc: "the build pipeline: processing, training, evaluation, condition, registration", Keys: []Key{
		{Name: "modelPackageGroup", Check: Check{Allowed: "one of modelPackageGroups"}, Doc: "the group the pipeline registers into"},
		{Name: "processingImage", Check: ecrImage, Doc: "the processing and evaluation container"},
		{Name: "trainingImage", Check: ecrImage, Doc: "the training container"},
		{Name: "inferenceImage", Check: ecrImage, Doc: "the registered model's inference container"},
		{Name: "processingInstanceType", Default: Always("ml.m5.xlarge"), Check: sageMakerType(catalog.SageMakerProcessing), Doc: "the processing steps' instance type"},
		{Name: "trainingInstanceType", Default: Always("ml.g5.2xlarge"), Check: sageMakerType(catalog.SageMakerTraining), Doc: "the training step's instance type"},
		{Name: "trainingInstanceCount", Default: Always(1), Check: Between(1, 64, ""), Doc: "the training step's instances"},
		{Name: "maxRuntimeHours", Default: Always(12), Check: Between(1, 28*24, "28 days"), Doc: "the training job's limit"},
		{Name: "maxWaitHours", Default: Always(24), Check: Check{Allowed: "more than maxRuntimeHours"}, Doc: "how long managed spot may wait for capacity, within the limit"},
		{Name: "metricName", Default: Always("accuracy"), Doc: "the evaluation report's metric the condition step reads"},
		{Name: "metricPath", Default: Always("metrics.accuracy.value"), Doc: "its path in the report"},
		{Name: "metricMinimum", Default: Always(0.8), Doc: "the value the metric must reach for registration"},
		{Name: "tuning", Doc: "a hyperparameter tuning step over learning_rate", Keys: []Key{
			{Name: "maxJobs", Default: Always(10), Check: AtLeast(1, "jobs"), Doc: "training jobs in all"},
			{Name: "maxParallelJobs", Default: Always(2), Check: Check{Allowed: "1 to maxJobs"}, Doc: "training jobs at once"},
			{Name: "objective", Derived: "the pipeline's metricName", Check: Check{Allowed: "a metric name"}, Doc: "the metric tuned (the pipeline's metricName by default)"},
			{Name: "direction", Default: Always("Maximize"), Check: OneOf("a direction", "Maximize", "Minimize"), Doc: "which way the objective goes"},
			{Name: "learningRateMin", Default: Always(0.0001), Check: Check{Allowed: "above 0, below learningRateMax"}, Doc: "the lowest learning rate tried"},
			{Name: "learningRateMax", Default: Always(0.1), Doc: "the highest learning rate tried"},
		}},
	}},
	{Name: "endpoints", Doc: "the inference endpoints", Keys: []Key{
		{Name: "name", Check: sageMakerName, Doc: "the endpoint's name"},
		{Name: "kind", Default: Always(EndpointRealtime), Check: Rule(quoteAll(EndpointKinds)+"; prod-like stacks not serverless", func(c Context, k string) string {
			switch {
			case !slices.Contains(EndpointKinds, k):
				return fmt.Sprintf("%q; allowed: %s", k, quoteAll(EndpointKinds))
			case k == EndpointServerless && c.Env.ProdLike():
				return fmt.Sprintf("%q is weaker than %s allows: serverless models run outside the VPC without network isolation; allowed: %s",
					k, c.Env, quoteAll([]string{EndpointAsync, EndpointMultiModel, EndpointRealtime}))
			}
			return ""
		}), Doc: "realtime, multiModel, serverless or async"},
		{Name: "image", Check: Check{Allowed: "an ECR image in the stack's region"}, Doc: "the inference container"},
		{Name: "modelPath", Check: Check{Allowed: "a key (or, multi-model, a prefix) of the models bucket outside the archive prefix"},
			Doc: "the model artifact in the stack's models bucket"},
		{Name: "modelPackage", Check: Check{Allowed: "<group>/<version> of this stack's registry"}, Doc: "a model package version to serve instead"},
		{Name: "promoteFrom", Check: Check{Allowed: "an endpoint name of the promotion source"}, Doc: "serve what the promotion source exports for this endpoint"},
		{Name: "instanceType", Check: Check{Allowed: "a SageMaker hosting type"}, Derived: "ml.m5.xlarge", Doc: "ml.m5.xlarge by default (not serverless)"},
		{Name: "minInstances", Derived: "1, prod 2, async 0 outside prod", Check: Check{Allowed: "1 or more (async 0); prod-like stacks 2 or more"}, Doc: "1 (prod 2; async 0 outside prod)"},
		{Name: "maxInstances", Derived: "2, prod 4", Check: Check{Allowed: "at least minInstances and 1"}, Doc: "2 (prod 4)"},
		{Name: "targetInvocationsPerInstance", Derived: "70", Check: Check{Allowed: "1 or more"}, Doc: "the target-tracking target (70)"},
		{Name: "gpuUtilizationTarget", Field: "GPUUtilizationTarget", Check: Check{Allowed: "1 to 100, on a GPU type"}, Doc: "add a GPU utilization policy (percent)"},
		{Name: "capturePercent", Derived: "20 on the kinds that capture", Check: Check{Allowed: "0 to 100, on the kinds that capture"}, Doc: "requests and responses sampled for monitoring (20 where supported)"},
		{Name: "serverlessMemoryMB", Derived: "2048", Field: "ServerlessMemoryMB", Check: Check{Allowed: intList(catalog.ServerlessMemorySizesMB)}, Doc: "a serverless endpoint's memory (2048)"},
		{Name: "serverlessMaxConcurrency", Derived: "5", Check: Check{Allowed: fmt.Sprintf("1 to %d", catalog.ServerlessMaxConcurrencyMax)}, Doc: "a serverless endpoint's concurrency (5)"},
		{Name: "asyncMaxConcurrentInvocations", Derived: "4", Check: Check{Allowed: "1 to 1000"}, Doc: "per instance of an async endpoint (4)"},
		{Name: "modelSizeGb", Field: "ModelSizeGB", Check: Check{Allowed: "GB of 16-bit weights"}, Doc: "the model served: too large for its instance is an advisory"},
	}},
	{Name: "featureGroups", Doc: "the Feature Store groups", Keys: []Key{
		{Name: "name", Check: sageMakerName, Doc: "the group's name"},
		{Name: "recordIdentifier", Check: Check{Allowed: "one of the group's features"}, Doc: "the feature that identifies a record"},
		{Name: "eventTime", Check: Check{Allowed: "a String or Fractional feature of the group"}, Doc: "the feature that holds the event time"},
		{Name: "features", Check: Check{Allowed: strings.Join(featureTypes, ", ") + ", by feature name", Name: func(name string) string {
			switch {
			case !featureNamePattern.MatchString(name):
				return "is not a feature name (letters, digits, - and _, at most 64)"
			case slices.Contains(reservedFeatureNames, strings.ToLower(name)):
				return "is reserved by Feature Store; not allowed: " + strings.Join(reservedFeatureNames, ", ")
			}
			return ""
		}, Fn: func(_ Context, v any) string {
			if !slices.Contains(featureTypes, v.(string)) {
				return fmt.Sprintf("%q is not a feature type; allowed: %s", v, strings.Join(featureTypes, ", "))
			}
			return ""
		}}, Doc: "the feature types by feature name"},
		{Name: "onlineStore", Default: Always(OnlineStoreStandard), Check: Rule(fmt.Sprintf("%q, %q, %q", OnlineStoreNone, OnlineStoreStandard, OnlineStoreInMemory),
			func(_ Context, v string) string {
				if !slices.Contains([]string{OnlineStoreNone, OnlineStoreStandard, OnlineStoreInMemory}, v) {
					return fmt.Sprintf("%q; allowed: %q, %q, %q", v, OnlineStoreNone, OnlineStoreStandard, OnlineStoreInMemory)
				}
				return ""
			}), Doc: "the online store"},
		{Name: "offlineStore", Default: Always(true), Doc: "an offline store in the training-data bucket"},
	}},
	{Name: "monitoring", Enabled: "enabled", On: true, Doc: "a scheduled data-quality check of captured requests", Keys: []Key{
		{Name: "schedule", Default: Always("rate(1 day)"), Check: Matching("an EventBridge schedule", "rate(...) or cron(...)", scheduleExpressionPattern.MatchString),
			Doc: "when the check runs"},
		{Name: "image", Check: ecrImage, Doc: "the processing container that runs the check"},
		{Name: "instanceType", Default: Always("ml.m5.large"), Check: sageMakerType(catalog.SageMakerProcessing), Doc: "what runs it"},
	}},
	{Name: "ackController", Field: "ACKController", Doc: "install the ACK SageMaker controller on the cluster"},
	{Name: "batchInference", Enabled: "enabled", Doc: "a scheduled batch transform over a prefix of the training-data bucket: " +
		"predictions encrypted to the artifacts bucket, in the VPC, failures to the alert topic", Keys: []Key{
		{Name: "image", Check: Check{Allowed: "an ECR image in the stack's region (with modelPath)"}, Doc: "the inference container"},
		{Name: "modelPath", Check: Check{Allowed: "a key of the models bucket"}, Doc: "the model artifact in the stack's models bucket"},
		{Name: "modelPackage", Check: Check{Allowed: "<group>/<version> of this stack's registry"}, Doc: "a model package version to use instead"},
		{Name: "inputPrefix", Default: Always("batch-inference/input/"), Check: Rule("a key prefix ending in /", func(_ Context, pre string) string {
			if !strings.HasSuffix(pre, "/") || strings.HasPrefix(pre, "/") || strings.Contains(pre, "://") {
				return fmt.Sprintf("%q must be a key prefix of the training-data bucket ending in /, such as batch-inference/input/", pre)
			}
			return ""
		}), Doc: "what the transform reads, in the training-data bucket (a pipeline parameter: override per run)"},
		{Name: "instanceType", Default: Always("ml.m5.xlarge"), Check: sageMakerType(catalog.SageMakerHosting),
			Doc: "the transform's instance type (on-demand: batch transform has no managed spot)"},
		{Name: "instanceCount", Default: Always(1), Check: Between(1, 100, ""), Doc: "the transform's instances"},
		{Name: "contentType", Default: Always("text/csv"), Doc: "the input's MIME type, passed to the container"},
		{Name: "splitType", Default: Always("Line"), Check: OneOf("a split type", "Line", "None", "RecordIO", "TFRecord"),
			Doc: "how the input is split into records"},
		{Name: "schedule", Default: Always("rate(1 day)"), Check: Matching("an EventBridge schedule", "rate(...) or cron(...)",
			scheduleExpressionPattern.MatchString), Doc: "when it runs"},
	}},
	{Name: "mlflow", Field: "MLflow", Enabled: "enabled", Doc: "a SageMaker managed MLflow tracking server: artifacts in the artifacts bucket, " +
		"reached from Studio, the pipelines and the cluster's training jobs through an interface endpoint", Keys: []Key{
		{Name: "size", Default: Always("Small"), Check: OneOf("a tracking server size", catalog.MLflowSizes...),
			Doc: "the server's size (Small suits teams of up to 25 users)"},
		{Name: "version", Check: Optional("an MLflow version", "a version such as 2.16 or 2.16.2", catalog.MLflowVersion.MatchString),
			Doc: "the MLflow version; SageMaker's default when left out"},
		{Name: "maintenanceWindow", Check: Optional("a weekly window", "DAY:HH:MM in UTC, such as TUE:03:30", catalog.MLflowMaintenanceWindow.MatchString),
			Doc: "when weekly maintenance may start; SageMaker picks when left out"},
		{Name: "automaticModelRegistration", Doc: "register models logged to MLflow in the SageMaker Model Registry"},
	}},
}

var (
	sageMakerName = Rule("letters, digits and single dashes; <project>-<stack>-<name> at most 63", func(c Context, name string) string {
		prefix := c.Project + "-" + c.Stack + "-"
		switch {
		case !sageMakerNamePattern.MatchString(name):
			return fmt.Sprintf("%q is not a SageMaker name (letters, digits and single dashes)", name)
		case len(prefix+name) > sageMakerNameMax:
			return fmt.Sprintf("%q is too long: %q exceeds SageMaker's %d characters", name, prefix+name, sageMakerNameMax)
		}
		return ""
	})
	ecrImage = Rule("an ECR image in the stack's region", func(c Context, image string) string { return ecrImageProblem(c.Region, image) })
)

// ecrImageProblem says what is wrong with an image SageMaker would pull.
func ecrImageProblem(region, image string) string {
	m := ecrImagePattern.FindStringSubmatch(image)
	switch {
	case m == nil:
		return fmt.Sprintf("%q is not an ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)", image)
	case m[1] != region:
		return fmt.Sprintf("%q is in %s; SageMaker pulls images from the stack's region, %s", image, m[1], region)
	}
	return ""
}

// sageMakerType allows the ml.* types SageMaker takes for a use.
func sageMakerType(use catalog.SageMakerUse) Check {
	return Rule(fmt.Sprintf("a SageMaker %s instance type", use), func(_ Context, name string) string {
		if catalog.SageMakerTypeFor(name, use) {
			return ""
		}
		return fmt.Sprintf("%q is not a SageMaker %s instance type; closest: %s", name, use, strings.Join(catalog.ClosestSageMakerTypes(name, use, 3), ", "))
	})
}

// checkSageMaker holds the rules that span several SageMaker keys, and
// the endpoint defaults that follow their kind and the environment.
func checkSageMaker(c Context, s *SageMaker, set Set, promotion bool, p *problems) {
	const key = KeySageMaker
	if d := s.Domain; d != nil {
		for i, u := range d.UserProfiles {
			if slices.Index(d.UserProfiles, u) != i {
				p.add(fmt.Sprintf("%s.domain.userProfiles[%d]", key, i), "%q is listed twice", u)
			}
		}
	}
	groups := map[string]bool{}
	for i, g := range s.ModelPackageGroups {
		if groups[g.Name] {
			p.add(fmt.Sprintf("%s.modelPackageGroups[%d].name", key, i), "%q is listed twice", g.Name)
		}
		groups[g.Name] = true
	}
	if pl := s.Pipeline; pl != nil {
		k := key + ".pipeline"
		if !groups[pl.ModelPackageGroup] {
			p.add(k+".modelPackageGroup", "%q is not one of modelPackageGroups; allowed: %s", pl.ModelPackageGroup, strings.Join(slices.Sorted(maps.Keys(groups)), ", "))
		}
		if pl.MaxWaitHours <= pl.MaxRuntimeHours {
			p.add(k+".maxWaitHours", "%d must be more than maxRuntimeHours (%d): managed spot waits for capacity within it", pl.MaxWaitHours, pl.MaxRuntimeHours)
		}
		if pl.MetricName == "" || pl.MetricPath == "" {
			p.add(k+".metricName", "metricName and metricPath are required: the condition step reads them from the evaluation report")
		}
		if tu := pl.Tuning; tu != nil {
			if !set[k+".tuning.objective"] {
				tu.Objective = pl.MetricName
			}
			tu.Maximize = tu.Direction == "Maximize"
			if tu.MaxJobs < 1 || tu.MaxParallelJobs < 1 || tu.MaxParallelJobs > tu.MaxJobs {
				p.add(k+".tuning.maxParallelJobs", "%d parallel of %d jobs; allowed: 1 to maxJobs", tu.MaxParallelJobs, tu.MaxJobs)
			}
			if tu.LearningRateMin <= 0 || tu.LearningRateMax <= tu.LearningRateMin {
				p.add(k+".tuning.learningRateMax", "the range %g to %g is empty; allowed: 0 < learningRateMin < learningRateMax", tu.LearningRateMin, tu.LearningRateMax)
			}
		}
	}
	names := map[string]bool{}
	for i := range s.Endpoints {
		k := fmt.Sprintf("%s.endpoints[%d]", key, i)
		e := &s.Endpoints[i]
		if names[e.Name] {
			p.add(k+".name", "%q is listed twice", e.Name)
		}
		names[e.Name] = true
		checkEndpoint(c, k, e, set, s.ModelPackageGroups, promotion, p)
	}
	fgNames := map[string]bool{}
	for i, g := range s.FeatureGroups {
		k := fmt.Sprintf("%s.featureGroups[%d]", key, i)
		if fgNames[g.Name] {
			p.add(k+".name", "%q is listed twice", g.Name)
		}
		fgNames[g.Name] = true
		switch {
		case g.OnlineStore == OnlineStoreInMemory && g.OfflineStore:
			p.add(k+".offlineStore", "an InMemory online store takes no offline store (Feature Store); set offlineStore: false or onlineStore: standard")
		case g.OnlineStore == OnlineStoreNone && !g.OfflineStore:
			p.add(k+".offlineStore", "a feature group needs an online or an offline store")
		}
		for _, f := range []struct{ field, name string }{{"recordIdentifier", g.RecordIdentifier}, {"eventTime", g.EventTime}} {
			if _, ok := g.Features[f.name]; !ok {
				p.add(k+"."+f.field, "%q is not one of the group's features", f.name)
			}
		}
		if t := g.Features[g.EventTime]; t != "" && t != "String" && t != "Fractional" {
			p.add(k+".eventTime", "%q is %s; the event time feature is String (ISO-8601) or Fractional (seconds)", g.EventTime, t)
		}
	}
	if b := s.BatchInference; b != nil {
		checkBatchModel(c, b, s.ModelPackageGroups, p)
	}
	if s.MLflow != nil {
		if name := MLflowServerName(c.Project, c.Stack); !catalog.MLflowServerName.MatchString(name) {
			p.add(key+".mlflow", "the tracking server would be named %q: letters, digits and single dashes, at most 256; "+
				"rename the project or stack", name)
		}
	}
	if s.Monitoring != nil && !slices.ContainsFunc(s.Endpoints, func(e Endpoint) bool { return e.CapturePercent > 0 }) {
		p.add(key+".monitoring", "checks captured data, but no endpoint captures any (capturePercent)")
	}
}

// checkEndpoint applies an endpoint's defaults, which follow its kind and
// the environment, and the rules that span its keys.
func checkEndpoint(c Context, k string, e *Endpoint, set Set, groups []ModelPackageGroup, promotion bool, p *problems) {
	env := c.Env
	given := func(name string) bool { return set[k+"."+name] }
	checkModelSource(k, e, groups, promotion, p)
	if e.PromoteFrom == "" {
		if msg := ecrImageProblem(c.Region, e.Image); msg != "" {
			p.add(k+".image", "%s", msg)
		}
	}
	switch {
	case e.PromoteFrom != "" || e.ModelPackage != "":
	case e.ModelPath == "" || strings.HasPrefix(e.ModelPath, "/") || strings.Contains(e.ModelPath, "://"):
		p.add(k+".modelPath", "%q must be a key in the stack's models bucket, such as churn/v1/model.tar.gz (or set modelPackage or promoteFrom)", e.ModelPath)
	case strings.HasPrefix(e.ModelPath, conventions.ModelsArchivePrefix) || conventions.ModelsArchivePrefix == e.ModelPath+"/":
		p.add(k+".modelPath", "%q is under %s, which the models bucket's lifecycle moves to Glacier Flexible Retrieval after "+
			"storage.lifecycle.models.glacierDays: endpoints could not load it; serve from another prefix", e.ModelPath, conventions.ModelsArchivePrefix)
	case e.Kind == EndpointMultiModel && !strings.HasSuffix(e.ModelPath, "/"):
		p.add(k+".modelPath", "%q: a multi-model endpoint loads models from a prefix ending in /", e.ModelPath)
	case e.Kind != EndpointMultiModel && strings.HasSuffix(e.ModelPath, "/"):
		p.add(k+".modelPath", "%q is a prefix; a %s endpoint serves one model artifact", e.ModelPath, e.Kind)
	}
	capture := slices.Contains(catalog.SageMakerCaptureKinds, e.Kind)
	if !given("capturePercent") {
		e.CapturePercent = 0
		if capture {
			e.CapturePercent = 20 // capture defaults on only where SageMaker supports it
		}
	} else if !capture && e.CapturePercent != 0 && e.Kind != EndpointServerless {
		p.add(k+".capturePercent", "%s endpoints do not support data capture; allowed on kind: %s", e.Kind, quoteAll(catalog.SageMakerCaptureKinds))
	}
	if e.Kind == EndpointServerless {
		for _, field := range []string{"capturePercent", "gpuUtilizationTarget", "instanceType", "maxInstances", "minInstances"} {
			if given(field) && (field != "capturePercent" || e.CapturePercent != 0) {
				p.add(k+"."+field, "does not apply to a serverless endpoint (no instances, no data capture)")
			}
		}
		e.InstanceType, e.MinInstances, e.MaxInstances, e.TargetInvocationsPerInstance, e.CapturePercent, e.GPUUtilizationTarget, e.AsyncMaxConcurrentInvocations = "", 0, 0, 0, 0, 0, 0
		if !given("serverlessMemoryMB") {
			e.ServerlessMemoryMB = 2048
		}
		if !given("serverlessMaxConcurrency") {
			e.ServerlessMaxConcurrency = 5
		}
		if !slices.Contains(catalog.ServerlessMemorySizesMB, e.ServerlessMemoryMB) {
			p.add(k+".serverlessMemoryMB", "%d is not a serverless memory size; allowed: %s", e.ServerlessMemoryMB, intList(catalog.ServerlessMemorySizesMB))
		}
		if e.ServerlessMaxConcurrency < 1 || e.ServerlessMaxConcurrency > catalog.ServerlessMaxConcurrencyMax {
			p.add(k+".serverlessMaxConcurrency", "%d is outside the allowed 1 to %d", e.ServerlessMaxConcurrency, catalog.ServerlessMaxConcurrencyMax)
		}
		return
	}
	if given("serverlessMemoryMB") || given("serverlessMaxConcurrency") {
		p.add(k+".serverlessMemoryMB", "applies to serverless endpoints only")
	}
	if !given("instanceType") {
		e.InstanceType = "ml.m5.xlarge"
	}
	switch {
	case !catalog.SageMakerTypeFor(e.InstanceType, catalog.SageMakerHosting):
		p.add(k+".instanceType", "%q is not a SageMaker %s instance type; closest: %s", e.InstanceType, catalog.SageMakerHosting,
			strings.Join(catalog.ClosestSageMakerTypes(e.InstanceType, catalog.SageMakerHosting, 3), ", "))
	case e.Kind == EndpointMultiModel && isGPUType(e.InstanceType) && !slices.ContainsFunc(catalog.MultiModelGPUFamilies, func(f string) bool { return strings.HasPrefix(e.InstanceType, f+".") }):
		p.add(k+".instanceType", "%q: multi-model endpoints run on CPU types or on the GPU families %s (Triton)", e.InstanceType, strings.Join(catalog.MultiModelGPUFamilies, ", "))
	}
	minDefault, maxDefault := 1, 2
	if env.ProdLike() {
		minDefault, maxDefault = 2, 4
	}
	if e.Kind == EndpointAsync {
		if !given("asyncMaxConcurrentInvocations") {
			e.AsyncMaxConcurrentInvocations = 4
		}
		if e.AsyncMaxConcurrentInvocations < 1 || e.AsyncMaxConcurrentInvocations > 1000 {
			p.add(k+".asyncMaxConcurrentInvocations", "%d is outside the allowed 1 to 1000", e.AsyncMaxConcurrentInvocations)
		}
		if !env.ProdLike() {
			minDefault = 0 // async endpoints scale to zero outside prod
		}
	} else if given("asyncMaxConcurrentInvocations") {
		p.add(k+".asyncMaxConcurrentInvocations", "applies to async endpoints only")
	}
	if !given("minInstances") {
		e.MinInstances = minDefault
	}
	if !given("maxInstances") {
		e.MaxInstances = maxDefault
	}
	if !given("targetInvocationsPerInstance") {
		e.TargetInvocationsPerInstance = 70
	}
	minAllowed := 1
	if e.Kind == EndpointAsync {
		minAllowed = 0
	}
	switch {
	case e.MinInstances < minAllowed:
		p.add(k+".minInstances", "%d; allowed: %d or more", e.MinInstances, minAllowed)
	case e.MaxInstances < e.MinInstances || e.MaxInstances < 1:
		p.add(k+".maxInstances", "%d is below minInstances (%d); allowed: at least minInstances and 1", e.MaxInstances, e.MinInstances)
	case env.ProdLike() && e.MinInstances < 2:
		p.add(k+".minInstances", "%d is weaker than %s allows (one instance is one AZ); allowed: 2 or more", e.MinInstances, env)
	}
	if e.TargetInvocationsPerInstance < 1 {
		p.add(k+".targetInvocationsPerInstance", "%d; allowed: 1 or more", e.TargetInvocationsPerInstance)
	}
	if g := e.GPUUtilizationTarget; g != 0 && (g < 1 || g > 100 || !isGPUType(e.InstanceType)) {
		p.add(k+".gpuUtilizationTarget", "%d; allowed: 1 to 100, on a GPU instance type", g)
	}
	if e.CapturePercent < 0 || e.CapturePercent > 100 {
		p.add(k+".capturePercent", "%d is outside the allowed 0 to 100", e.CapturePercent)
	}
}

// checkBatchModel: the batch transform's model is one artifact of the
// models bucket with its image, or one model package of the registry.
func checkBatchModel(c Context, b *BatchInference, groups []ModelPackageGroup, p *problems) {
	const k = KeySageMaker + ".batchInference"
	switch {
	case (b.ModelPath == "") == (b.ModelPackage == ""):
		p.add(k, "set modelPath (an artifact of the models bucket, with image) or modelPackage (<group>/<version>), one of them")
	case b.ModelPackage != "":
		e := Endpoint{Kind: EndpointRealtime, ModelPackage: b.ModelPackage, Image: "package"}
		checkModelSource(k, &e, groups, true, p)
		if b.Image != "" {
			p.add(k+".image", "a model package names its own image; remove image")
		}
	default:
		switch {
		case strings.HasPrefix(b.ModelPath, "/") || strings.Contains(b.ModelPath, "://") || strings.HasSuffix(b.ModelPath, "/"):
			p.add(k+".modelPath", "%q must be a key in the stack's models bucket, such as churn/v1/model.tar.gz", b.ModelPath)
		case strings.HasPrefix(b.ModelPath, conventions.ModelsArchivePrefix):
			p.add(k+".modelPath", "%q is under %s, which the models bucket's lifecycle moves to Glacier Flexible Retrieval: "+
				"the transform could not load it", b.ModelPath, conventions.ModelsArchivePrefix)
		}
		if msg := ecrImageProblem(c.Region, b.Image); msg != "" {
			p.add(k+".image", "%s", msg)
		}
	}
}

// MLflowServerName names a stack's MLflow tracking server (and its role).
func MLflowServerName(project, stack string) string { return project + "-" + stack + "-mlflow" }

// isGPUType says whether an ml.* type carries GPUs.
func isGPUType(name string) bool {
	for _, f := range []string{"ml.g", "ml.p"} {
		if strings.HasPrefix(name, f) {
			return true
		}
	}
	return false
}

// requiredEndpoints are the interface endpoints the SageMaker features need
// in a VPC without internet access: the API and runtime for everything, the
// Studio endpoint for a VPC-only domain, the Feature Store runtime for
// online stores.
func (s SageMaker) requiredEndpoints() []string {
	var out []string
	if s.Domain != nil || s.Pipeline != nil || len(s.Endpoints) > 0 || len(s.FeatureGroups) > 0 || s.BatchInference != nil {
		out = append(out, "sagemaker.api", "sagemaker.runtime")
	}
	if s.Domain != nil {
		out = append(out, "sagemaker.studio")
	}
	if s.MLflow != nil {
		out = append(out, "sagemaker.api", catalog.MLflowEndpointService)
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
