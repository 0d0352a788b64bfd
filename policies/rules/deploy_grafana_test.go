package rules

import "testing"

func TestGrafanaWorkspaceRules(t *testing.T) {
	ws := func(env string, props map[string]any) Resource {
		p := map[string]any{"permissionType": "CUSTOMER_MANAGED", "roleArn": "arn:aws:iam::123456789012:role/ml-platform-prod-grafana",
			"networkAccessControl": map[string]any{"vpceIds": []any{"vpce-0abc"}}, "tags": envTags(env)}
		for k, v := range props {
			if v == nil {
				delete(p, k)
				continue
			}
			p[k] = v
		}
		return mk(grafanaWorkspaceType, "observability-grafana", p)
	}
	runRuleCases(t, "grafana-workspace-permissions-provisioned", []ruleCase{
		{name: "customer managed with a role", r: ws("prod", nil)},
		{name: "service managed", r: ws("prod", map[string]any{"permissionType": "SERVICE_MANAGED"}), want: []string{`permissionType is "SERVICE_MANAGED"`}},
		{name: "no role", r: ws("prod", map[string]any{"roleArn": nil}), want: []string{"CUSTOMER_MANAGED without roleArn"}},
	})
	runRuleCases(t, "grafana-workspace-private-prod", []ruleCase{
		{name: "through the endpoint", r: ws("prod", nil)},
		{name: "open", r: ws("prod", map[string]any{"networkAccessControl": nil}), want: []string{"no networkAccessControl.vpceIds"}},
	})
}
