package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/platform"
)

// withSecretEmail is dev's configuration with an alert address set by
// `pulumi config set --secret --path 'ml-platform:cost.alertEmails[0]'`:
// the engine hands the program the plain object and lists the key as
// secret.
func withSecretEmail(t *testing.T) (config.Values, []string) {
	t.Helper()
	_, values := shipped(t, "dev")
	var cost map[string]any
	require.NoError(t, json.Unmarshal([]byte(values[config.KeyCost]), &cost))
	cost["alertEmails"] = []any{"ml-alerts@acme-corp.io"}
	data, err := json.Marshal(cost)
	require.NoError(t, err)
	values[config.KeyCost] = string(data)
	return values, []string{config.KeyCost}
}

// TestSecretConfigStaysSecret: a value set as a secret reaches the program
// in the clear; every input holding it is registered as a secret (the
// budget's and the anomaly subscription's addresses), and nothing else is.
func TestSecretConfigStaysSecret(t *testing.T) {
	project, _ := shipped(t, "dev")
	values, secretKeys := withSecretEmail(t)
	run := func(secret []string) *offline.Result {
		res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values, SecretKeys: secret, Dir: root})
		require.NoError(t, err)
		return res
	}
	res := run(secretKeys)
	budget := byType(res, "aws:budgets/budget:Budget")
	require.NotEmpty(t, budget)
	require.True(t, budget[0].Inputs["notifications"].ContainsSecrets(), "the budget's subscriber addresses are secret in state")
	require.False(t, budget[0].Inputs["limitAmount"].ContainsSecrets(), "only what holds the secret")
	secretProps := 0
	for _, r := range res.Registered {
		for _, v := range r.Inputs {
			if v.ContainsSecrets() {
				secretProps++
			}
		}
	}
	require.Positive(t, secretProps)

	plain := run(nil)
	for _, r := range plain.Registered {
		for k, v := range r.Inputs {
			require.False(t, v.ContainsSecrets(), "%s.%s is secret though no configuration is", r.URN, k)
		}
	}
}

// TestPromotionOutputKeepsSecrets: the promotion output is made from the
// SageMaker configuration; when that key is secret, so is the output
// (another stack reads it through a StackReference, as a secret).
func TestPromotionOutputKeepsSecrets(t *testing.T) {
	_, values := shipped(t, "dev")
	for _, secret := range [][]string{nil, {config.KeySageMaker}} {
		rec := mock.NewRecorder("ml-platform", "dev", "us-east-1")
		rec.DryRun = true
		rec.SecretKeys = secret
		var exported pulumi.Map
		require.NoError(t, rec.Run(func(ctx *pulumi.Context) error {
			out, err := platform.Program(ctx)
			exported = out
			return err
		}, values))
		promotion, ok := exported[platform.PromotionOutput]
		require.True(t, ok)
		require.Equal(t, secret != nil, pulumi.IsSecret(pulumi.ToOutput(promotion)), "secret keys %v", secret)
	}
}

// TestPromotionOrganizationIsTheStacks: without an organization in
// ml-platform:promotion, prod reads dev in its own organization (Pulumi
// Cloud's, not the self-managed backends' "organization").
func TestPromotionOrganizationIsTheStacks(t *testing.T) {
	_, values := shipped(t, "prod")
	rec := mock.NewRecorder("ml-platform", "prod", "us-east-1")
	rec.DryRun = true
	rec.Organization = "acme"
	rec.StackOutputs = map[string]map[string]any{"acme/ml-platform/dev": stubbedDev(mock.AccountID, "us-east-1")}
	require.NoError(t, rec.Run(func(ctx *pulumi.Context) error { return platform.Run(ctx) }, values))
	require.Contains(t, rec.References(), "acme/ml-platform/dev")
}

// TestOfflineReadsNestedSecrets: a stack file with a secret set by --path
// (a secure value inside an object) loads; the key is listed as secret and
// the value stands in as a placeholder, and a preview names both when the
// placeholder cannot pass for the value.
func TestOfflineReadsNestedSecrets(t *testing.T) {
	body := `config:
  aws:region: us-east-1
  ml-platform:costCenter: research
  ml-platform:cluster:
    endpointPublicAccess: true
    publicAccessCidrs: [198.18.0.0/24]
  ml-platform:cost:
    monthlyBudgetUsd: 3000
    alertEmails:
      - secure: v1:4Zk8cW2Q1bIAAAAA:bm90LXJlYWxseS1jaXBoZXJ0ZXh0
`
	path := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	file, err := offline.LoadStackFile(path)
	require.NoError(t, err)
	require.Equal(t, []string{config.KeyCost}, file.SecretKeys)
	require.Contains(t, file.Values[config.KeyCost], `"alertEmails":["offline-placeholder-secret"]`)

	code, _, errOut := cli(t, "preview", "--config", path, "--stack", "dev")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "ml-platform:cost.alertEmails[0]")
	require.Contains(t, errOut, "ml-platform:cost hold secure values, which the offline preview cannot decrypt")
}

// TestMissingRequiredKeyAsTheCLISaysIt: the Pulumi CLI refuses a stack
// without costCenter (Pulumi.yaml declares it without a default) with
// its own words; the offline engine gives the same (tests/engine checks
// them against the CLI).
func TestMissingRequiredKeyAsTheCLISaysIt(t *testing.T) {
	project, values := shipped(t, "dev")
	delete(values, config.KeyCostCenter)
	_, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values, Dir: root})
	require.EqualError(t, err, "Stack 'dev' is missing configuration value 'costCenter'")
}
