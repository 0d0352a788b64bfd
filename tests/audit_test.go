package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/internal/engine/offline"
)

// TestAuditFixtures runs the real `offline audit --json` over every stack
// export in policies/testdata/audit-fixtures.json: an export with one
// misconfiguration exits 1 and names its rule, as a mandatory violation and
// the only one; a clean export exits 0.
func TestAuditFixtures(t *testing.T) {
	dir := filepath.Join(root, "policies", "testdata")
	data, err := os.ReadFile(filepath.Join(dir, "audit-fixtures.json"))
	require.NoError(t, err)
	var manifest struct {
		Fixtures []struct{ File, Rule, Profile, About string }
	}
	require.NoError(t, json.Unmarshal(data, &manifest))
	require.GreaterOrEqual(t, len(manifest.Fixtures), 12, "a set of misconfigured exports")

	misconfigured, clean, profiled := 0, 0, 0
	for _, f := range manifest.Fixtures {
		t.Run(f.File, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := []string{"audit", "--state", filepath.Join(dir, f.File), "--json"}
			if f.Profile != "" {
				// A profile is a --policy-pack-config file, for the CLI and offline.
				args = append(args, "--policy-pack-config", filepath.Join(root, "policies", "profiles", f.Profile+".json"))
			}
			code := offline.Main(args, &stdout, &stderr)
			var doc struct {
				Violations []struct{ Policy, EnforcementLevel, URN, Message string }
			}
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &doc), "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			var mandatory []string
			for _, v := range doc.Violations {
				if v.EnforcementLevel == "mandatory" {
					mandatory = append(mandatory, v.Policy)
				}
			}
			mandatory = slices.Compact(slices.Sorted(slices.Values(mandatory)))
			if f.Rule == "" {
				require.Equal(t, 0, code, "a clean export passes; stderr: %s", stderr.String())
				require.Empty(t, mandatory)
				clean++
				return
			}
			require.Equal(t, 1, code, "%s (%s) fails the audit; stderr: %s", f.File, f.About, stderr.String())
			require.Equal(t, []string{f.Rule}, mandatory, "%s: %s", f.File, stdout.String())
			require.Contains(t, stdout.String(), `"policy": "`+f.Rule+`"`)
			misconfigured++
			if f.Profile != "" {
				profiled++
			}
		})
	}
	require.GreaterOrEqual(t, misconfigured, 10)
	require.Positive(t, clean)
	require.Positive(t, profiled, "some fixtures are judged under a compliance profile")
}
