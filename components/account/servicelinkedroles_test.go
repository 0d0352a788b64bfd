package account_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/account"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
)

func build(t *testing.T, a *account.ServiceLinkedRolesArgs, has ...map[string]mock.AccountRole) (*mock.Recorder, *account.ServiceLinkedRoles, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	if len(has) > 0 {
		rec.AccountRoles = has[0]
	}
	var s *account.ServiceLinkedRoles
	err := rec.Run(func(ctx *pulumi.Context) error {
		var err error
		s, err = account.NewServiceLinkedRoles(ctx, "account", a)
		return err
	}, nil)
	return rec, s, err
}

func TestServiceLinkedRoles(t *testing.T) {
	rec, s, err := build(t, &account.ServiceLinkedRolesArgs{Keys: []string{"spot", "autoscaling"}, Tags: stackTags})
	require.NoError(t, err)
	roles := rec.ByType("aws:iam/serviceLinkedRole:ServiceLinkedRole")
	require.Len(t, roles, 2)
	services := map[string]string{}
	for _, r := range roles {
		services[mock.String(r.Inputs, "awsServiceName")] = mock.String(r.Outputs, "arn")
		require.True(t, r.RetainOnDelete, "%s belongs to the account: kept when the stack goes", r.Name)
		require.Equal(t, "ml", mock.Object(r.Inputs, "tags")["Team"].StringValue())
	}
	for _, key := range []string{"autoscaling", "spot"} {
		want, _ := catalog.LookupServiceLinkedRole(key)
		require.Equal(t, want.ARN("aws", mock.AccountID), services[want.Service], "%s has the ARN key policies name", key)
	}
	require.Len(t, s.Resources([]string{"spot", "autoscaling", "none"}), 2)
}

func TestServiceLinkedRolesValidation(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{nil, "Keys: at least one role is required"},
		{[]string{"spot"}, `Tags: "Stack" is required`},
		{[]string{"fleet"}, `Keys[0]: "fleet" is not in catalog.ServiceLinkedRoles`},
		{[]string{"spot", "spot"}, `Keys[1]: "spot" is listed twice`},
	} {
		a := &account.ServiceLinkedRolesArgs{Keys: tc.keys, Tags: stackTags}
		if tc.want == `Tags: "Stack" is required` {
			a.Tags = map[string]string{"Team": "ml"}
		}
		rec, _, err := build(t, a)
		require.ErrorContains(t, err, tc.want)
		require.Empty(t, rec.Resources())
	}
}

var stackTags = map[string]string{"Team": "ml", "Stack": "ml-platform-test"}

// TestServiceLinkedRolesInAnAccountWithHistory: the account already has
// the Auto Scaling role (AWS made it with some earlier Auto Scaling group)
// and this stack's own Spot role from an earlier life of the stack. The
// first is used as it is; the second is adopted, not created again (IAM
// would refuse: the name is taken).
func TestServiceLinkedRolesInAnAccountWithHistory(t *testing.T) {
	asg, _ := catalog.LookupServiceLinkedRole("autoscaling")
	spot, _ := catalog.LookupServiceLinkedRole("spot")
	rec, s, err := build(t, &account.ServiceLinkedRolesArgs{Keys: []string{"autoscaling", "spot"}, Tags: stackTags},
		map[string]mock.AccountRole{
			asg.RoleName:  {Path: asg.Path()},
			spot.RoleName: {Path: spot.Path(), Tags: map[string]string{"Stack": "ml-platform-test"}},
			// A customer role of the same name elsewhere is not the service's.
			"AWSServiceRoleForEC2Spot-lookalike": {Path: "/"},
		})
	require.NoError(t, err)
	roles := rec.ByType("aws:iam/serviceLinkedRole:ServiceLinkedRole")
	require.Len(t, roles, 1, "only the stack's own role is managed")
	require.Equal(t, spot.Service, mock.String(roles[0].Inputs, "awsServiceName"))
	require.Equal(t, spot.ARN("aws", mock.AccountID), roles[0].ImportID, "the stack's own role is adopted, not created again")
	require.Equal(t, map[string]string{"autoscaling": asg.ARN("aws", mock.AccountID)}, s.Existing)
	require.Len(t, s.Resources([]string{"autoscaling", "spot"}), 1)
	require.Equal(t, 1, rec.Invokes()["aws:iam/getRoles:getRoles"], "one listing answers for both")
}

// TestServiceLinkedRolesOfAnotherStack: a second stack in the account
// leaves the first stack's roles alone.
func TestServiceLinkedRolesOfAnotherStack(t *testing.T) {
	spot, _ := catalog.LookupServiceLinkedRole("spot")
	rec, s, err := build(t, &account.ServiceLinkedRolesArgs{Keys: []string{"spot"}, Tags: stackTags},
		map[string]mock.AccountRole{spot.RoleName: {Path: spot.Path(), Tags: map[string]string{"Stack": "ml-platform-prod"}}})
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:iam/serviceLinkedRole:ServiceLinkedRole"))
	require.Equal(t, spot.ARN("aws", mock.AccountID), s.Existing["spot"])
}

// TestServiceLinkedRolesFreshAccount: nothing exists, both are created
// (and nothing is imported).
func TestServiceLinkedRolesFreshAccount(t *testing.T) {
	rec, s, err := build(t, &account.ServiceLinkedRolesArgs{Keys: []string{"autoscaling", "spot"}, Tags: stackTags})
	require.NoError(t, err)
	roles := rec.ByType("aws:iam/serviceLinkedRole:ServiceLinkedRole")
	require.Len(t, roles, 2)
	for _, r := range roles {
		require.Empty(t, r.ImportID)
	}
	require.Empty(t, s.Existing)
}
