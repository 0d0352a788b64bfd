package rules

import "fmt"

// Managed Grafana (catalog.GrafanaSource).
const grafanaWorkspaceType = "aws:grafana/workspace:Workspace"

func init() {
	register(ConcernDeploy, Rule{
		Name: "grafana-workspace-permissions-provisioned",
		Description: "A Managed Grafana workspace created through the API with SERVICE_MANAGED permissions gets no " +
			"permissions: AWS provisions them only from the console, so every data source fails with access denied " +
			"(hashicorp/terraform-provider-aws#24342). The workspace needs CUSTOMER_MANAGED and a role of its own.",
		Checks: "`aws:grafana/workspace:Workspace` has `permissionType: CUSTOMER_MANAGED` and sets `roleArn`.",
		Level:  Mandatory,
		Types:  []string{grafanaWorkspaceType},
		Check: func(r Resource, _ map[string]any) []string {
			pt, _ := getString(r.Properties, "permissionType")
			var out []string
			if pt != "CUSTOMER_MANAGED" {
				out = append(out, fmt.Sprintf("permissionType is %q: a workspace created through the API gets no permissions "+
					"that way, and its data sources are denied; allowed: CUSTOMER_MANAGED with roleArn", pt))
			} else if !isSet(r.Properties, "roleArn") {
				out = append(out, "CUSTOMER_MANAGED without roleArn: the workspace has no role to read its data sources with; allowed: a role of its own")
			}
			return out
		},
	})
	register(ConcernNetwork, Rule{
		Name: "grafana-workspace-private-prod",
		Description: "A prod or staging Managed Grafana workspace answers only through the VPC's grafana-workspace " +
			"endpoint: its dashboards show the platform's internals.",
		Checks: "In prod and staging `aws:grafana/workspace:Workspace` has `networkAccessControl.vpceIds` with at least one endpoint.",
		Level:  Mandatory,
		Types:  []string{grafanaWorkspaceType},
		Scope:  ScopeProdLike,
		Check: func(r Resource, _ map[string]any) []string {
			ids, p := getStrings(r.Properties, "networkAccessControl", "vpceIds")
			if len(ids) == 0 && p != unknown {
				return []string{"no networkAccessControl.vpceIds: the workspace answers from the internet; allowed: the VPC's grafana-workspace endpoint (observability.grafana.privateAccess)"}
			}
			return nil
		},
	})
}
