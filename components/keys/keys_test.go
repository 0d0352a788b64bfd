package keys_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/components/keys"
	"github.com/ml-platform/ml-platform/internal/golden"
	"github.com/ml-platform/ml-platform/internal/mock"
)

func args() *keys.KeysArgs {
	return &keys.KeysArgs{
		Domains: []keys.Domain{
			{Name: "data", Description: "data"},
			{Name: "logs", Description: "logs", AllowCloudWatchLogs: true},
		},
		AliasPrefix: "ml-platform-dev",
		Partition:   "aws",
		Region:      "us-east-1",
		AccountID:   mock.AccountID,
		Tags:        map[string]string{"Team": "ml"},
	}
}

func build(t *testing.T, a *keys.KeysArgs) (*mock.Recorder, *keys.Keys, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	var k *keys.Keys
	err := rec.Run(func(ctx *pulumi.Context) error {
		var err error
		k, err = keys.NewKeys(ctx, "keys", a)
		return err
	}, nil)
	return rec, k, err
}

func TestKeys(t *testing.T) {
	rec, k, err := build(t, args())
	require.NoError(t, err)
	created := rec.ByType("aws:kms/key:Key")
	require.Len(t, created, 2)
	for _, key := range created {
		require.True(t, key.Inputs["enableKeyRotation"].BoolValue(), key.Name)
		require.Equal(t, 30.0, key.Inputs["deletionWindowInDays"].NumberValue())
		require.Equal(t, "ml", key.Inputs["tags"].ObjectValue()["Team"].StringValue())
		require.False(t, key.Protect, "not protected unless asked")
		require.Equal(t, "ml-platform:keys:Keys", rec.ByName("ml-platform:keys:Keys", "keys").Type)
	}
	require.Contains(t, k.ARNs, "data")
	aliases := map[string]bool{}
	for _, a := range rec.ByType("aws:kms/alias:Alias") {
		aliases[a.Inputs["name"].StringValue()] = true
	}
	require.Equal(t, map[string]bool{"alias/ml-platform-dev-data": true, "alias/ml-platform-dev-logs": true}, aliases)

	data := rec.ByName("aws:kms/key:Key", "keys-data").Inputs["policy"].StringValue()
	logs := rec.ByName("aws:kms/key:Key", "keys-logs").Inputs["policy"].StringValue()
	golden.AssertJSON(t, "key-policy-data.json", data)
	golden.AssertJSON(t, "key-policy-logs.json", logs)

	var doc struct {
		Statement []struct {
			Principal map[string][]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(data), &doc))
	require.Len(t, doc.Statement, 1, "the data key admits no service principal")
	require.Equal(t, []string{"arn:aws:iam::123456789012:root"}, doc.Statement[0].Principal["AWS"])
	require.NoError(t, json.Unmarshal([]byte(logs), &doc))
	require.Len(t, doc.Statement, 2)
	require.Equal(t, []string{"logs.us-east-1.amazonaws.com"}, doc.Statement[1].Principal["Service"])
}

func TestProtect(t *testing.T) {
	a := args()
	a.Protect = true
	rec, _, err := build(t, a)
	require.NoError(t, err)
	for _, key := range rec.ByType("aws:kms/key:Key") {
		require.True(t, key.Protect, key.Name)
		require.True(t, key.RetainOnDelete, key.Name)
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*keys.KeysArgs)
		want   string
	}{
		{"no domains", func(a *keys.KeysArgs) { a.Domains = nil }, "Domains: at least one domain is required"},
		{"bad name", func(a *keys.KeysArgs) { a.Domains[0].Name = "Data" }, `Domains[0].Name: "Data" must be lowercase`},
		{"duplicate", func(a *keys.KeysArgs) { a.Domains[1].Name = "data" }, `Domains[1].Name: "data" is listed twice`},
		{"no description", func(a *keys.KeysArgs) { a.Domains[0].Description = "" }, "Domains[0].Description: required"},
		{"no account", func(a *keys.KeysArgs) { a.AccountID = "" }, "AccountID: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			tc.mutate(a)
			rec, _, err := build(t, a)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources())
		})
	}
}
