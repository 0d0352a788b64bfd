package account_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/account"
	"github.com/ml-platform/ml-platform/internal/mock"
)

func build(t *testing.T, a *account.ServiceLinkedRolesArgs) (*mock.Recorder, *account.ServiceLinkedRoles, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	var s *account.ServiceLinkedRoles
	err := rec.Run(func(ctx *pulumi.Context) error {
		var err error
		s, err = account.NewServiceLinkedRoles(ctx, "account", a)
		return err
	}, nil)
	return rec, s, err
}

func TestServiceLinkedRoles(t *testing.T) {
	rec, s, err := build(t, &account.ServiceLinkedRolesArgs{Keys: []string{"spot", "autoscaling"}, Tags: map[string]string{"Team": "ml"}})
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
		{[]string{"fleet"}, `Keys[0]: "fleet" is not in catalog.ServiceLinkedRoles`},
		{[]string{"spot", "spot"}, `Keys[1]: "spot" is listed twice`},
	} {
		rec, _, err := build(t, &account.ServiceLinkedRolesArgs{Keys: tc.keys})
		require.ErrorContains(t, err, tc.want)
		require.Empty(t, rec.Resources())
	}
}
