package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// prodGrafana previews prod with the Grafana workspace on.
func prodGrafana(t *testing.T) *offline.Result {
	t.Helper()
	return edited(t, "prod", config.KeyObservability, func(o map[string]any) {
		o["grafana"] = map[string]any{"enabled": true, "adminGroupIds": []any{"9067ec5a2b-1f3e4d5c-aaaa-bbbb-cccc-123456789012"}}
	})
}

// TestGrafanaWorkspace: prod's workspace reads its Prometheus workspace
// and CloudWatch with a role of its own (no other), answers only through
// the VPC's endpoint, is provisioned from the cluster with a token a job
// rotates, passes every mandatory rule, and is priced.
func TestGrafanaWorkspace(t *testing.T) {
	res := prodGrafana(t)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s (%s)", v.Policy, v.Message, v.URN)
	}
	ws := byType(res, "aws:grafana/workspace:Workspace")
	require.Len(t, ws, 1)
	in := ws[0].Inputs
	require.Equal(t, "CUSTOMER_MANAGED", str(in, "permissionType"))
	require.Equal(t, []string{"CLOUDWATCH", "PROMETHEUS"}, strs(in, "dataSources"))
	endpoint := named(byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint"), "network-grafana-workspace")
	require.NotNil(t, endpoint, "prod reaches the workspace through its endpoint")
	require.Equal(t, []string{str(endpoint.Outputs, "id")}, strs(obj(in, "networkAccessControl"), "vpceIds"))
	require.NotNil(t, named(byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint"), "network-grafana"), "token rotation reaches the Grafana API in the VPC")

	var trust, policy iamdoc.Document
	role := named(byType(res, "aws:iam/role:Role"), "observability-grafana")
	require.NoError(t, json.Unmarshal([]byte(str(role.Inputs, "assumeRolePolicy")), &trust))
	require.Equal(t, []string{"grafana.amazonaws.com"}, trust.Statement[0].Principal.Service)
	require.Equal(t, []string{"123456789012"}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	rp := named(byType(res, "aws:iam/rolePolicy:RolePolicy"), "observability-grafana")
	require.NoError(t, json.Unmarshal([]byte(str(rp.Inputs, "policy")), &policy))
	require.Equal(t, catalog.PrometheusQueryActions, policy.Statement[0].Action)
	require.Contains(t, policy.Statement[0].Resource[0], ":aps:")

	require.Len(t, byType(res, "aws:grafana/roleAssociation:RoleAssociation"), 1)
	boards := byType(res, "kubernetes:"+catalog.GrafanaOperatorAPIVersion+":GrafanaDashboard")
	require.Len(t, boards, 1, "prod runs no LLM server: the accelerator dashboard only")
	rotator := named(byType(res, "aws:iam/rolePolicy:RolePolicy"), "dashboards-rotator")
	require.Contains(t, str(rotator.Inputs, "policy"), "grafana:CreateWorkspaceServiceAccountToken")
	require.NotContains(t, str(rotator.Inputs, "policy"), `"*"`)

	rs := offline.PolicyResources(res.Registered)
	var flows int
	for _, f := range rules.EvaluateFlows(rs) {
		if strings.Contains(f.Name, "Grafana") || strings.Contains(f.Name, "token rotation") {
			require.True(t, f.Holds, f.Explain())
			flows++
		}
	}
	require.Equal(t, 4, flows)
	require.Regexp(t, `^https://`, res.Outputs["grafanaUrl"])
	var priced bool
	for _, item := range res.Cost.Items {
		priced = priced || (item.Type == "aws:grafana/workspace:Workspace" && item.MonthlyUSD == catalog.GrafanaEditorUSDPerMonth)
	}
	require.True(t, priced)
}
