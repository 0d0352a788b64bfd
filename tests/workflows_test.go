package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// workflow is the part of a GitHub Actions workflow these tests read.
type workflow struct {
	On          map[string]any `yaml:"on"`
	Permissions any            `yaml:"permissions"`
	Jobs        map[string]struct {
		If          string            `yaml:"if"`
		Needs       any               `yaml:"needs"`
		Environment any               `yaml:"environment"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
			If   string            `yaml:"if"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
	require.NoError(t, err)
	var w workflow
	require.NoError(t, yaml.Unmarshal(data, &w))
	return w
}

// pinned is an action pinned to a full commit SHA with its tag noted.
var pinned = regexp.MustCompile(`^[a-z0-9-]+/[a-z0-9-]+@[0-9a-f]{40}$`)

// TestWorkflowsKeepTheirPromises checks what actionlint cannot: the
// workflows do what README's "CI/CD and promotion" says.
func TestWorkflowsKeepTheirPromises(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.Len(t, files, 4, "preview, preview-comment, deploy, promote")
	for _, f := range files {
		w := readWorkflow(t, filepath.Base(f))
		require.NotNil(t, w.Permissions, "%s: workflow permissions are explicit", f)
		for name, job := range w.Jobs {
			for _, s := range job.Steps {
				if s.Uses != "" {
					require.Regexp(t, pinned, s.Uses, "%s/%s: actions are pinned to a commit", f, name)
				}
				if s.With["command"] == "up" || s.With["command"] == "preview" {
					require.Equal(t, "policies", s.With["policyPacks"], "%s/%s: every pulumi %s runs the policy pack", f, name, s.With["command"])
				}
			}
		}
	}

	preview := readWorkflow(t, "preview.yml")
	require.Contains(t, preview.On, "pull_request")
	offline := preview.Jobs["offline"]
	require.Empty(t, offline.Permissions, "the offline job uses no credentials (forks)")
	var runs []string
	for _, s := range offline.Steps {
		runs = append(runs, s.Run)
	}
	all := strings.Join(runs, "\n")
	require.Contains(t, all, "./.ci/run")
	require.Contains(t, all, "go run ./cmd/offline report --stack dev --stack prod --diff dev:prod > report.md")
	require.Contains(t, all, `--full >> "$GITHUB_STEP_SUMMARY"`)
	cloud := preview.Jobs["cloud"]
	require.Contains(t, cloud.If, "github.event.pull_request.head.repo.full_name == github.repository", "no credentials for forks")
	require.Equal(t, "write", cloud.Permissions["id-token"])

	comment := readWorkflow(t, "preview-comment.yml")
	require.Contains(t, comment.On, "workflow_run")
	for _, s := range comment.Jobs["comment"].Steps {
		require.NotContains(t, s.Uses, "actions/checkout", "the privileged job runs no pull request code")
	}

	deploy := readWorkflow(t, "deploy.yml")
	require.Contains(t, deploy.On, "push")
	dev := deploy.Jobs["dev"]
	require.Equal(t, "checks", dev.Needs)
	var tagged bool
	for _, s := range dev.Steps {
		if s.With["command"] == "up" {
			require.Contains(t, s.With["stack-name"], "/ml-platform/dev")
		}
		tagged = tagged || strings.Contains(s.Run, "pulumi stack tag set deployed-commit")
	}
	require.True(t, tagged, "deploy records the commit dev runs")

	promote := readWorkflow(t, "promote.yml")
	require.Contains(t, promote.On, "workflow_dispatch")
	require.NotContains(t, promote.On, "push", "prod is never updated on push")
	up := promote.Jobs["promote"]
	require.Equal(t, "production", up.Environment, "a protected environment with required reviewers")
	require.Equal(t, "plan", up.Needs)
	var checked, updated, recorded bool
	for _, s := range up.Steps {
		if s.With["command"] == "up" {
			require.True(t, checked, "dev's commit is re-checked before the update")
			require.Contains(t, s.With["stack-name"], "/ml-platform/prod")
			updated = true
		}
		checked = checked || strings.Contains(s.Run, "pulumi stack tag get deployed-commit")
		recorded = recorded || (updated && strings.Contains(s.Run, "pulumi stack tag set promoted-commit") && strings.Contains(s.Run, "git push origin"))
	}
	require.True(t, updated)
	require.True(t, recorded, "the promotion is recorded after the update")
	var diffed bool
	for _, s := range promote.Jobs["plan"].Steps {
		diffed = diffed || strings.Contains(s.Run, "go run ./cmd/offline diff --from dev --to prod")
	}
	require.True(t, diffed, "reviewers see the offline diff")
}
