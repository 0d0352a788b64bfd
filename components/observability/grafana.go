package observability

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/grafana"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// GrafanaArgs is an Amazon Managed Grafana workspace that reads the
// Prometheus workspace and CloudWatch with the platform's own role
// (catalog.GrafanaSource).
type GrafanaArgs struct {
	spec.Grafana
	// EndpointID is the grafana-workspace interface endpoint, the only
	// way in with PrivateAccess.
	EndpointID pulumi.StringInput
}

// Grafana is the workspace, its role, its group roles and the service
// account (and first token) the in-cluster operator provisions with.
type Grafana struct {
	Workspace      *grafana.Workspace
	Role           *iam.Role
	ServiceAccount *grafana.WorkspaceServiceAccount
	Token          *grafana.WorkspaceServiceAccountToken
}

// GrafanaTrust lets Managed Grafana workspaces of this account assume the
// role (the confused-deputy guard: the account and its workspaces only).
func GrafanaTrust(a awsarn.Account) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Sid: "ManagedGrafana", Effect: "Allow", Action: []string{"sts:AssumeRole"},
		Principal: &iamdoc.Principal{Service: []string{"grafana.amazonaws.com"}},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {a.AccountID}},
			"ArnLike":      {"aws:SourceArn": {a.ARN("grafana", "/workspaces/*")}},
		},
	})
}

// GrafanaReadPolicy reads the Prometheus workspace (the query actions on
// it only) and CloudWatch metrics, whose read actions take no resource.
func GrafanaReadPolicy(workspaceARN string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Allow("QueryPrometheus", catalog.PrometheusQueryActions, workspaceARN),
		iamdoc.Allow("ReadCloudWatchMetrics", []string{"cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarmsForMetric"}, "*"),
	)
}

// grafana registers the workspace after the Prometheus one.
func (o *Observability) grafana(ctx *pulumi.Context, name string, a *Args, parent pulumi.ResourceOption) (*Grafana, error) {
	g := a.Grafana
	acct := awsarn.Account{Partition: a.Prometheus.Partition, Region: a.Region, AccountID: a.Prometheus.AccountID}
	tag := func(n string) pulumi.StringMap { return tags.With(a.Tags, "Name", n) }
	out := &Grafana{}
	roleName := a.Name + "-grafana"
	var err error
	out.Role, err = iam.NewRole(ctx, name+"-grafana", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("The Managed Grafana workspace of " + a.Name + ": read its Prometheus workspace and CloudWatch"),
		AssumeRolePolicy: pulumi.String(GrafanaTrust(acct).JSON()),
		Tags:             tag(roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-grafana", &iam.RolePolicyArgs{
		Role: out.Role.Name,
		Policy: o.Prometheus.Workspace.Arn.ApplyT(func(ws string) string {
			return GrafanaReadPolicy(ws).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	ws := &grafana.WorkspaceArgs{
		Name:                    pulumi.String(a.Name),
		Description:             pulumi.String("Dashboards of " + a.Name + ": accelerators, LLM serving"),
		AccountAccessType:       pulumi.String("CURRENT_ACCOUNT"),
		AuthenticationProviders: pulumi.ToStringArray(g.AuthenticationProviders),
		// CUSTOMER_MANAGED: AWS provisions no permissions for a workspace
		// created through the API; the role above is the workspace's.
		PermissionType: pulumi.String("CUSTOMER_MANAGED"),
		RoleArn:        out.Role.Arn,
		DataSources:    pulumi.ToStringArray([]string{"PROMETHEUS", "CLOUDWATCH"}),
		GrafanaVersion: pulumi.String(g.GrafanaVersion),
		Tags:           tag(a.Name),
	}
	if g.PrivateAccess {
		ws.NetworkAccessControl = &grafana.WorkspaceNetworkAccessControlArgs{
			VpceIds: pulumi.StringArray{g.EndpointID}, PrefixListIds: pulumi.StringArray{},
		}
	}
	out.Workspace, err = grafana.NewWorkspace(ctx, name+"-grafana", ws, parent, pulumi.DependsOn([]pulumi.Resource{policy}),
		// A changed sign-in replaces the workspace, dashboards and users with it.
		pulumi.ReplaceOnChanges([]string{"authenticationProviders"}))
	if err != nil {
		return nil, err
	}
	for role, groups := range map[string][]string{"ADMIN": g.AdminGroupIDs, "VIEWER": g.ViewerGroupIDs} {
		if len(groups) == 0 {
			continue
		}
		if _, err := grafana.NewRoleAssociation(ctx, name+"-grafana-"+role, &grafana.RoleAssociationArgs{
			WorkspaceId: out.Workspace.ID(), Role: pulumi.String(role), GroupIds: pulumi.ToStringArray(groups),
		}, parent); err != nil {
			return nil, err
		}
	}
	// The operator provisions data sources and dashboards as an admin.
	out.ServiceAccount, err = grafana.NewWorkspaceServiceAccount(ctx, name+"-grafana-provisioner", &grafana.WorkspaceServiceAccountArgs{
		WorkspaceId: out.Workspace.ID(), Name: pulumi.String("ml-platform-provisioner"), GrafanaRole: pulumi.String("ADMIN"),
	}, parent)
	if err != nil {
		return nil, err
	}
	// The first token; the cluster's rotation job replaces it weekly.
	out.Token, err = grafana.NewWorkspaceServiceAccountToken(ctx, name+"-grafana-provisioner", &grafana.WorkspaceServiceAccountTokenArgs{
		WorkspaceId: out.Workspace.ID(), ServiceAccountId: out.ServiceAccount.ServiceAccountId,
		Name: pulumi.String("ml-platform-initial"), SecondsToLive: pulumi.Int(catalog.GrafanaTokenSeconds),
	}, parent)
	if err != nil {
		return nil, err
	}
	return out, nil
}
