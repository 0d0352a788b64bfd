package workloads

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
)

// The dashboards' Kubernetes names.
const (
	// GrafanaTokenSecret holds the workspace service account token the
	// operator calls Grafana's API with.
	GrafanaTokenSecret = "grafana-token"
	// GrafanaTokenRotator is the service account of the job that replaces
	// the token before it expires.
	GrafanaTokenRotator = "grafana-token-rotator"
	// AnnotationWorkspace on the token's Secret names the workspace the
	// token is for: a new workspace replaces the Secret.
	AnnotationWorkspace = "ml-platform/grafana-workspace-id"
	// Data source UIDs the dashboards name.
	PrometheusDatasourceUID = "amp"
	CloudWatchDatasourceUID = "cloudwatch"
	instanceLabel           = "ml-platform-grafana"
)

// DashboardsArgs provisions an Amazon Managed Grafana workspace from the
// cluster with the Grafana operator.
type DashboardsArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// WorkspaceURL is https://<workspace endpoint>, WorkspaceID its ID,
	// Token the first service account token, ServiceAccountID the
	// account new tokens are minted for (required).
	WorkspaceURL, WorkspaceID, Token, ServiceAccountID pulumi.StringInput
	// PrometheusURL is the Prometheus workspace's query endpoint
	// (prometheusEndpoint), Region and ClusterName the CloudWatch
	// dimensions (required).
	PrometheusURL       pulumi.StringInput
	Region, ClusterName string
	// NVIDIA, Neuron and LLMServers say which dashboards have data.
	NVIDIA, Neuron, LLMServers bool
	// DependsOn are what the operator needs first (the rotator's Pod
	// Identity association, add-ons).
	DependsOn []pulumi.Resource
}

// Dashboards are the operator, its link to the workspace, the data
// sources, the dashboards and the token rotation.
type Dashboards struct {
	pulumi.ResourceState

	Operator   *helmv4.Chart
	Dashboards map[string]*apiextensions.CustomResource
	Rotation   *apiextensions.CustomResource
}

// NewDashboards installs the Grafana operator and points it at the
// workspace, with the Prometheus workspace and CloudWatch as data sources
// and a dashboard for each kind of metric the stack produces.
func NewDashboards(ctx *pulumi.Context, name string, args *DashboardsArgs, opts ...pulumi.ResourceOption) (*Dashboards, error) {
	if args == nil || args.Provider == nil || args.WorkspaceURL == nil || args.WorkspaceID == nil || args.Token == nil ||
		args.ServiceAccountID == nil || args.PrometheusURL == nil || args.Region == "" || args.ClusterName == "" {
		return nil, errors.New("dashboards: Provider, WorkspaceURL, WorkspaceID, Token, ServiceAccountID, PrometheusURL, Region, ClusterName: required")
	}
	chart, ok := catalog.LookupChart("grafana-operator")
	if !ok {
		return nil, errors.New("dashboards: the catalog has no grafana-operator chart")
	}
	d := &Dashboards{Dashboards: map[string]*apiextensions.CustomResource{}}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:Dashboards", name, d, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(d), pulumi.Provider(args.Provider)}
	ns := pulumi.String(chart.Namespace)
	var namespace *corev1.Namespace
	var err error
	d.Operator, namespace, err = chartInNamespace(ctx, name+"-namespace", name+"-operator", "grafana-operator", map[string]any{}, k8s, args.DependsOn, nil)
	if err != nil {
		return nil, err
	}
	// The rotation job replaces the token weekly: Pulumi seeds it and then
	// leaves its value alone, unless the workspace itself is replaced (a
	// changed sign-in): then the old token is worthless, and the Secret
	// is replaced with the new workspace's first token.
	secret, err := corev1.NewSecret(ctx, name+"-token", &corev1.SecretArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(GrafanaTokenSecret), Namespace: ns,
			Annotations: pulumi.StringMap{AnnotationWorkspace: args.WorkspaceID}},
		StringData: pulumi.StringMap{"token": args.Token},
	}, append(k8s, pulumi.DependsOn([]pulumi.Resource{namespace}), pulumi.IgnoreChanges([]string{"data", "stringData"}),
		pulumi.ReplaceOnChanges([]string{"metadata.annotations"}), pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return nil, err
	}
	afterOperator := append(k8s, pulumi.DependsOn([]pulumi.Resource{d.Operator, secret}))
	custom := func(logical, kind, objName string, spec pulumi.Map, labels pulumi.StringMap, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
		return apiextensions.NewCustomResource(ctx, logical, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(catalog.GrafanaOperatorAPIVersion), Kind: pulumi.String(kind),
			Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: ns, Labels: labels},
			OtherFields: kubernetes.UntypedArgs{"spec": spec},
		}, append(afterOperator, opts...)...)
	}
	selector := pulumi.Map{"matchLabels": pulumi.Map{"dashboards": pulumi.String(instanceLabel)}}
	if _, err := custom(name+"-grafana", "Grafana", "managed-grafana", pulumi.Map{
		"external": pulumi.Map{
			"url":    args.WorkspaceURL,
			"apiKey": pulumi.Map{"name": pulumi.String(GrafanaTokenSecret), "key": pulumi.String("token")},
		},
	}, pulumi.StringMap{"dashboards": pulumi.String(instanceLabel)}); err != nil {
		return nil, err
	}
	prom := pulumi.ToMap(PrometheusDatasource(args.Region))
	prom["url"] = args.PrometheusURL
	sources := map[string]pulumi.Map{"amp": prom}
	if args.Neuron {
		sources["cloudwatch"] = pulumi.ToMap(CloudWatchDatasource(args.Region))
	}
	var deps []pulumi.Resource
	for _, src := range []struct{ logical, name string }{{"-prometheus", "amp"}, {"-cloudwatch", "cloudwatch"}} {
		spec, ok := sources[src.name]
		if !ok {
			continue
		}
		ds, err := custom(name+src.logical, "GrafanaDatasource", src.name, pulumi.Map{"instanceSelector": selector, "datasource": spec}, nil)
		if err != nil {
			return nil, err
		}
		deps = append(deps, ds)
	}
	boards := map[string]string{}
	if args.NVIDIA || args.Neuron {
		boards["accelerators"] = AcceleratorDashboard(args.NVIDIA, args.Neuron, args.Region, args.ClusterName)
	}
	if args.LLMServers {
		boards["llm-serving"] = ServingDashboard()
	}
	for _, b := range []string{"accelerators", "llm-serving"} {
		model, ok := boards[b]
		if !ok {
			continue
		}
		d.Dashboards[b], err = custom(name+"-"+b, "GrafanaDashboard", b, pulumi.Map{
			"instanceSelector": selector, "folder": pulumi.String("ml-platform"), "json": pulumi.String(model),
		}, nil, pulumi.DependsOn(deps))
		if err != nil {
			return nil, err
		}
	}
	if err := d.rotation(ctx, name, args, k8s, namespace, secret); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{}); err != nil {
		return nil, err
	}
	return d, nil
}

// rotation replaces the token every week: a workspace service account
// token lives 30 days at most. An init container mints one with the AWS
// CLI (its Pod Identity role may do that for this workspace only), kubectl
// writes it into the Secret (its Role may update that Secret only).
func (d *Dashboards) rotation(ctx *pulumi.Context, name string, args *DashboardsArgs, k8s []pulumi.ResourceOption,
	namespace *corev1.Namespace, secret *corev1.Secret) error {
	ns := namespace.Metadata.Name()
	meta := func(n string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: ns}
	}
	sa, err := corev1.NewServiceAccount(ctx, name+"-rotator", &corev1.ServiceAccountArgs{Metadata: meta(GrafanaTokenRotator)}, k8s...)
	if err != nil {
		return err
	}
	role, err := rbacv1.NewRole(ctx, name+"-rotator", &rbacv1.RoleArgs{
		Metadata: meta(GrafanaTokenRotator),
		Rules: rbacv1.PolicyRuleArray{rbacv1.PolicyRuleArgs{
			ApiGroups: pulumi.StringArray{pulumi.String("")}, Resources: pulumi.StringArray{pulumi.String("secrets")},
			ResourceNames: pulumi.StringArray{pulumi.String(GrafanaTokenSecret)}, Verbs: pulumi.ToStringArray([]string{"get", "update"}),
		}},
	}, k8s...)
	if err != nil {
		return err
	}
	binding, err := rbacv1.NewRoleBinding(ctx, name+"-rotator", &rbacv1.RoleBindingArgs{
		Metadata: meta(GrafanaTokenRotator),
		RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"), Name: pulumi.String(GrafanaTokenRotator)},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: pulumi.String(GrafanaTokenRotator), Namespace: ns}},
	}, append(k8s, pulumi.DependsOn([]pulumi.Resource{role, sa}))...)
	if err != nil {
		return err
	}
	job := pulumi.ToMap(RotationJob())
	env := pulumi.Array{
		pulumi.Map{"name": pulumi.String("WORKSPACE_ID"), "value": args.WorkspaceID},
		pulumi.Map{"name": pulumi.String("SERVICE_ACCOUNT_ID"), "value": args.ServiceAccountID},
		pulumi.Map{"name": pulumi.String("AWS_REGION"), "value": pulumi.String(args.Region)},
	}
	d.Rotation, err = apiextensions.NewCustomResource(ctx, name+"-rotation", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("batch/v1"), Kind: pulumi.String("CronJob"),
		Metadata: meta(GrafanaTokenRotator),
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.All(job, env).ApplyT(func(v []any) map[string]any {
			spec := v[0].(map[string]any)
			pod := spec["jobTemplate"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
			pod["initContainers"].([]any)[0].(map[string]any)["env"] = v[1]
			return spec
		}).(pulumi.MapOutput)},
	}, append(k8s, pulumi.DependsOn([]pulumi.Resource{binding, secret}))...)
	return err
}

// RotationJob is the weekly CronJob spec, without the init container's
// environment (the workspace and service account IDs are outputs).
func RotationJob() map[string]any {
	chart, _ := catalog.LookupChart("grafana-operator")
	// The CLI image has a shell; kubectl's need not: the init container
	// writes the whole Secret, kubectl only replaces it.
	mint := fmt.Sprintf(`set -eu
token=$(aws grafana create-workspace-service-account-token --workspace-id "$WORKSPACE_ID" `+
		`--service-account-id "$SERVICE_ACCOUNT_ID" --name "rotated-$(date +%%s)" --seconds-to-live %d `+
		`--query serviceAccountToken.key --output text)
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\nstringData:\n  token: %%s\n' "$token" > /work/secret.yaml`,
		catalog.GrafanaTokenSeconds, GrafanaTokenSecret, chart.Namespace)
	work := []any{map[string]any{"name": "work", "mountPath": "/work"}}
	return map[string]any{
		"schedule": "0 3 * * 1", "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 1, "failedJobsHistoryLimit": 3,
		"jobTemplate": map[string]any{"spec": map[string]any{"backoffLimit": 3, "template": map[string]any{"spec": map[string]any{
			"serviceAccountName": GrafanaTokenRotator,
			"restartPolicy":      "OnFailure",
			"initContainers": []any{map[string]any{"name": "mint", "image": catalog.ModelSyncImage,
				"command": []any{"/bin/sh", "-c", mint}, "volumeMounts": work}},
			"containers": []any{map[string]any{"name": "store", "image": catalog.KubectlImage,
				"command": []any{"kubectl", "replace", "-f", "/work/secret.yaml"}, "volumeMounts": work}},
			"volumes": []any{map[string]any{"name": "work", "emptyDir": map[string]any{"medium": "Memory"}}},
		}}}},
	}
}

// PrometheusDatasource is the Prometheus workspace as a Grafana data source,
// signed with the workspace's own role (SigV4, ec2_iam_role in Managed
// Grafana), without its URL.
func PrometheusDatasource(region string) map[string]any {
	return map[string]any{
		"name": "Amazon Managed Prometheus", "uid": PrometheusDatasourceUID, "type": "prometheus", "access": "proxy", "isDefault": true,
		"jsonData": map[string]any{"sigV4Auth": true, "sigV4AuthType": "ec2_iam_role", "sigV4Region": region, "httpMethod": "POST"},
	}
}

// CloudWatchDatasource is CloudWatch as a Grafana data source (Container
// Insights' Neuron metrics), read with the workspace's role.
func CloudWatchDatasource(region string) map[string]any {
	return map[string]any{
		"name": "CloudWatch", "uid": CloudWatchDatasourceUID, "type": "cloudwatch", "access": "proxy",
		"jsonData": map[string]any{"authType": "ec2_iam_role", "defaultRegion": region},
	}
}

// panel is one time-series panel.
type panel struct {
	title, unit string
	// exprs are PromQL queries with their legends; cloudwatch a
	// CloudWatch metric query instead.
	exprs      [][2]string
	cloudwatch map[string]any
}

// dashboard renders a Grafana dashboard model with panels two by row.
func dashboard(uid, title string, panels []panel) string {
	var out []any
	for i, p := range panels {
		var targets []any
		ds := map[string]any{"type": "prometheus", "uid": PrometheusDatasourceUID}
		for j, e := range p.exprs {
			targets = append(targets, map[string]any{"refId": string(rune('A' + j)), "expr": e[0], "legendFormat": e[1], "datasource": ds})
		}
		if p.cloudwatch != nil {
			ds = map[string]any{"type": "cloudwatch", "uid": CloudWatchDatasourceUID}
			q := map[string]any{"refId": "A", "datasource": ds, "queryMode": "Metrics", "metricQueryType": 0, "matchExact": true}
			for k, v := range p.cloudwatch {
				q[k] = v
			}
			targets = append(targets, q)
		}
		out = append(out, map[string]any{
			"id": i + 1, "type": "timeseries", "title": p.title, "datasource": ds, "targets": targets,
			"fieldConfig": map[string]any{"defaults": map[string]any{"unit": p.unit}, "overrides": []any{}},
			"gridPos":     map[string]any{"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
		})
	}
	b, _ := json.Marshal(map[string]any{
		"uid": uid, "title": title, "tags": []any{"ml-platform"}, "schemaVersion": 39, "editable": false,
		"time": map[string]any{"from": "now-6h", "to": "now"}, "refresh": "1m", "panels": out,
	})
	return string(b)
}

// AcceleratorDashboard is GPU (DCGM, from Prometheus) and Neuron
// (Container Insights, from CloudWatch) utilisation, for the kinds the
// cluster runs.
func AcceleratorDashboard(nvidia, neuron bool, region, clusterName string) string {
	var panels []panel
	if nvidia {
		panels = append(panels,
			panel{title: "GPU utilisation by node", unit: "percent", exprs: [][2]string{{"avg by (node) (DCGM_FI_DEV_GPU_UTIL)", "{{node}}"}}},
			panel{title: "Tensor core activity by node", unit: "percentunit", exprs: [][2]string{{"avg by (node) (DCGM_FI_PROF_PIPE_TENSOR_ACTIVE)", "{{node}}"}}},
			panel{title: "GPU memory used by node", unit: "decmbytes", exprs: [][2]string{{"sum by (node) (DCGM_FI_DEV_FB_USED)", "{{node}}"}}},
			panel{title: "GPU power by node", unit: "watt", exprs: [][2]string{{"sum by (node) (DCGM_FI_DEV_POWER_USAGE)", "{{node}}"}}},
			panel{title: "XID errors (a non-zero value is a failing GPU)", unit: "short", exprs: [][2]string{{"max by (node, gpu) (DCGM_FI_DEV_XID_ERRORS)", "{{node}} GPU {{gpu}}"}}},
		)
	}
	if neuron {
		m := catalog.MetricNeuronCoreUtilization
		panels = append(panels, panel{title: "NeuronCore utilisation (cluster)", unit: "percent", cloudwatch: map[string]any{
			"region": region, "namespace": m.Namespace, "metricName": m.Name, "statistic": m.Statistic,
			"dimensions": map[string]any{"ClusterName": clusterName},
		}})
	}
	return dashboard("ml-platform-accelerators", "Accelerators", panels)
}

// ServingDashboard is the LLM servers' queue, latency and throughput, from
// vLLM's metrics.
func ServingDashboard() string {
	hq := func(q, metric string) string {
		return fmt.Sprintf("histogram_quantile(%s, sum by (le, model_name) (rate(%s_bucket[5m])))", q, metric)
	}
	return dashboard("ml-platform-llm-serving", "LLM serving", []panel{
		{title: "Requests waiting (what KEDA scales on)", unit: "short", exprs: [][2]string{{"sum by (model_name) (" + catalog.VLLMWaitingMetric + ")", "{{model_name}}"}}},
		{title: "Requests running", unit: "short", exprs: [][2]string{{"sum by (model_name) (" + catalog.VLLMRunningMetric + ")", "{{model_name}}"}}},
		{title: "Time to first token", unit: "s", exprs: [][2]string{
			{hq("0.5", catalog.VLLMTimeToFirstToken), "{{model_name}} p50"}, {hq("0.95", catalog.VLLMTimeToFirstToken), "{{model_name}} p95"}}},
		{title: "Request latency", unit: "s", exprs: [][2]string{
			{hq("0.5", catalog.VLLMRequestLatency), "{{model_name}} p50"}, {hq("0.95", catalog.VLLMRequestLatency), "{{model_name}} p95"}}},
		{title: "Generated tokens per second", unit: "short", exprs: [][2]string{{"sum by (model_name) (rate(" + catalog.VLLMGenerationTokens + "[5m]))", "{{model_name}}"}}},
	})
}
