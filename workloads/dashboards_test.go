package workloads_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/workloads"
)

func dashboardArgs(p *kubernetes.Provider) *workloads.DashboardsArgs {
	return &workloads.DashboardsArgs{
		Provider: p, WorkspaceURL: pulumi.String("https://g-abc.grafana-workspace.us-east-1.amazonaws.com"), WorkspaceID: pulumi.String("g-abc"),
		Token: pulumi.String("glsa_x"), ServiceAccountID: pulumi.String("7"),
		PrometheusURL: pulumi.String("https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/"),
		Region:        "us-east-1", ClusterName: "ml-platform-prod", NVIDIA: true, LLMServers: true,
	}
}

// queries are every PromQL expression of a dashboard model.
func queries(t *testing.T, model string) []string {
	t.Helper()
	var d struct {
		Panels []struct {
			Title   string           `json:"title"`
			Targets []map[string]any `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal([]byte(model), &d))
	var out []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			if e, ok := tg["expr"].(string); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

func TestDashboards(t *testing.T) {
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		_, err := workloads.NewDashboards(ctx, "dashboards", dashboardArgs(p))
		return err
	})
	require.NoError(t, err)
	kind := func(k string) []*mock.Registered {
		return rec.ByType("kubernetes:" + catalog.GrafanaOperatorAPIVersion + ":" + k)
	}
	g := kind("Grafana")
	require.Len(t, g, 1)
	ext := mock.Object(mock.Object(g[0].Inputs, "spec"), "external")
	require.Equal(t, "https://g-abc.grafana-workspace.us-east-1.amazonaws.com", mock.String(ext, "url"))
	require.Equal(t, workloads.GrafanaTokenSecret, mock.String(mock.Object(ext, "apiKey"), "name"))

	ds := kind("GrafanaDatasource")
	require.Len(t, ds, 1, "no Neuron nodes: no CloudWatch data source")
	src := mock.Object(mock.Object(ds[0].Inputs, "spec"), "datasource")
	require.Equal(t, "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/", mock.String(src, "url"))
	require.Equal(t, true, mock.Object(src, "jsonData")["sigV4Auth"].BoolValue())
	require.Equal(t, "ec2_iam_role", mock.String(mock.Object(src, "jsonData"), "sigV4AuthType"), "the workspace's own role signs")

	boards := kind("GrafanaDashboard")
	require.Len(t, boards, 2)
	all := map[string][]string{}
	for _, b := range boards {
		all[b.Name] = queries(t, mock.String(mock.Object(b.Inputs, "spec"), "json"))
	}
	require.Contains(t, strings.Join(all["dashboards-accelerators"], "\n"), "DCGM_FI_DEV_GPU_UTIL")
	require.Contains(t, strings.Join(all["dashboards-llm-serving"], "\n"), "vllm:num_requests_waiting")
	require.Contains(t, strings.Join(all["dashboards-llm-serving"], "\n"), "vllm:time_to_first_token_seconds_bucket")

	// The token is seeded, then rotated weekly by a job that can touch
	// that Secret only; Pulumi leaves its value alone afterwards.
	secret := rec.ByName("kubernetes:core/v1:Secret", "dashboards-token")
	require.NotNil(t, secret)
	require.Equal(t, "g-abc", mock.String(mock.Object(mock.Object(secret.Inputs, "metadata"), "annotations"), workloads.AnnotationWorkspace),
		"a replaced workspace replaces the Secret with its new token")
	cron := rec.ByName("kubernetes:batch/v1:CronJob", "dashboards-rotation")
	require.NotNil(t, cron)
	spec := mock.Object(cron.Inputs, "spec")
	require.Equal(t, "0 3 * * 1", mock.String(spec, "schedule"))
	pod := mock.Object(mock.Object(mock.Object(mock.Object(spec, "jobTemplate"), "spec"), "template"), "spec")
	mint := mock.Array(mock.Array(pod, "initContainers")[0].ObjectValue(), "command")[2].StringValue()
	require.Contains(t, mint, "create-workspace-service-account-token")
	require.Contains(t, mint, "--seconds-to-live 2592000")
	env := map[string]string{}
	for _, e := range mock.Array(mock.Array(pod, "initContainers")[0].ObjectValue(), "env") {
		env[mock.String(e.ObjectValue(), "name")] = mock.String(e.ObjectValue(), "value")
	}
	require.Equal(t, "g-abc", env["WORKSPACE_ID"])
	require.Equal(t, "7", env["SERVICE_ACCOUNT_ID"])
	role := rec.ByName("kubernetes:rbac.authorization.k8s.io/v1:Role", "dashboards-rotator")
	rule := mock.Array(role.Inputs, "rules")[0].ObjectValue()
	require.Equal(t, []string{workloads.GrafanaTokenSecret}, mock.Strings(rule, "resourceNames"))
	require.Equal(t, []string{"get", "update"}, mock.Strings(rule, "verbs"))
}

func TestAcceleratorDashboardFollowsTheHardware(t *testing.T) {
	neuronOnly := workloads.AcceleratorDashboard(false, true, "us-east-1", "c")
	require.Empty(t, queries(t, neuronOnly), "no DCGM panels without NVIDIA nodes")
	require.Contains(t, neuronOnly, "node_neuroncore_utilization")
	require.NotContains(t, workloads.AcceleratorDashboard(true, false, "us-east-1", "c"), "neuroncore")
}
