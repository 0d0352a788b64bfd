package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/access"
)

// workflow is the part of a GitHub Actions workflow these tests read.
type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions any               `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]struct {
		If          string            `yaml:"if"`
		Needs       any               `yaml:"needs"`
		Environment any               `yaml:"environment"`
		Permissions map[string]string `yaml:"permissions"`
		Env         map[string]string `yaml:"env"`
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress bool   `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
		Steps []struct {
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
// workflows do what docs/cicd.md says.
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
	require.Contains(t, dev.If, "github.ref == 'refs/heads/main'", "a dispatch from another branch never deploys nor records deployed-commit")
	var tagged, devUpdated bool
	for _, s := range dev.Steps {
		if strings.Contains(s.Run, "pulumi up") {
			require.Contains(t, dev.Env["STACK"], "/ml-platform/dev")
			devUpdated = true
		}
		tagged = tagged || devUpdated && strings.Contains(s.Run, "pulumi stack tag set deployed-commit")
	}
	require.True(t, tagged, "deploy records the commit dev runs, after the update")

	promote := readWorkflow(t, "promote.yml")
	require.Contains(t, promote.On, "workflow_dispatch")
	require.NotContains(t, promote.On, "push", "prod is never updated on push")
	up := promote.Jobs["promote"]
	require.Equal(t, "production", up.Environment, "a protected environment with required reviewers")
	require.Equal(t, "plan", up.Needs)
	var checked, updated, recorded bool
	for _, s := range up.Steps {
		if strings.Contains(s.Run, "pulumi up") {
			require.True(t, checked, "dev's commit is re-checked before the update")
			require.Contains(t, up.Env["STACK"], "/ml-platform/prod")
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

// TestStackChangesAreJudgedFirst: pulumi/actions' `command: up` runs
// `up --skip-preview`, so the pack's stack rules would judge a stack only
// after it changed. Every update runs right after a preview with the
// policy pack of the same stack in the same job; prod's update also
// checks that this preview makes the changes reviewed in the plan job
// (update plans cannot carry the program: tests/engine). Every job that
// changes a stack holds that stack's one concurrency group.
func TestStackChangesAreJudgedFirst(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	reviewedFlags := regexp.MustCompile(`offline changes --reviewed (\S+) --current (\S+)`)
	updates := 0
	for _, f := range files {
		w := readWorkflow(t, filepath.Base(f))
		for name, job := range w.Jobs {
			previewed, compared := false, false
			for _, s := range job.Steps {
				require.NotEqual(t, "up", s.With["command"], "%s/%s: pulumi/actions' up skips the preview", f, name)
				if strings.Contains(s.Run, "pulumi preview") && strings.Contains(s.Run, "--policy-pack policies") &&
					strings.Contains(s.Run, `--stack "$STACK"`) {
					previewed = true
				}
				if m := reviewedFlags.FindStringSubmatch(s.Run); m != nil {
					require.Contains(t, s.Run, "> "+m[2], "%s/%s: the current change set is this job's preview", f, name)
					// The reviewed one is the plan job's preview, handed over as an artifact.
					plan := w.Jobs[fmt.Sprint(job.Needs)]
					var saved, uploaded bool
					for _, p := range plan.Steps {
						saved = saved || strings.Contains(p.Run, "pulumi preview") && strings.Contains(p.Run, "--policy-pack policies") &&
							strings.Contains(p.Run, "--json") && strings.Contains(p.Run, "> "+m[1])
						uploaded = uploaded || strings.HasPrefix(p.Uses, "actions/upload-artifact@") && p.With["path"] == m[1]
					}
					require.True(t, saved && uploaded, "%s/%s: %s is the reviewed preview of the job it needs", f, name, m[1])
					compared = true
				}
				if !strings.Contains(s.Run, "pulumi up") {
					continue
				}
				updates++
				require.Contains(t, s.Run, "--policy-pack policies")
				require.Contains(t, s.Run, `--stack "$STACK"`)
				require.True(t, previewed, "%s/%s: the update follows a preview with the pack in its job", f, name)
				stack := "dev"
				if strings.Contains(job.Env["STACK"], "/prod") {
					stack = "prod"
					require.True(t, compared, "%s/%s: prod's update makes the reviewed changes", f, name)
				}
				require.Equal(t, "pulumi-"+stack, job.Concurrency.Group, "%s/%s: one concurrency group per stack", f, name)
				require.False(t, job.Concurrency.CancelInProgress, "%s/%s: an update is never cancelled half-way", f, name)
			}
		}
	}
	require.Equal(t, 2, updates, "dev (deploy.yml) and prod (promote.yml)")
}

// TestWorkflowSecretsStayInEnvironments: the Pulumi secrets are read only
// by jobs in an environment (whose secrets they are), never at workflow
// level where every job, pull requests' included, would see them.
func TestWorkflowSecretsStayInEnvironments(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	for _, f := range files {
		w := readWorkflow(t, filepath.Base(f))
		for k, v := range w.Env {
			require.NotContains(t, v, "secrets.", "%s: env %s exposes a secret to every job", f, k)
		}
		for name, job := range w.Jobs {
			for k, v := range job.Env {
				if strings.Contains(v, "secrets.PULUMI_") {
					require.NotNil(t, job.Environment, "%s/%s: %s is an environment's secret: the job runs in one", f, name, k)
				}
			}
		}
	}
}

// TestCIRolesTrustTheirJobs pairs every credentialed job's OIDC subject
// (GitHub: environment:<name> for a job in an environment, else
// pull_request for pull requests, else ref:<ref>) with the trust policy
// of the role it assumes (.github/oidc-trust), evaluated by the IAM
// evaluator: each job is admitted, and no role admits a pull request's
// or a branch's subject.
func TestCIRolesTrustTheirJobs(t *testing.T) {
	const repo = "repo:example-org/ml-platform"
	trusts := map[string]string{
		"AWS_PREVIEW_ROLE_ARN": "preview.json", "AWS_DEPLOY_ROLE_ARN": "deploy-dev.json", "AWS_PROD_ROLE_ARN": "prod.json",
	}
	roleVar := regexp.MustCompile(`vars\.(AWS_[A-Z_]+_ROLE_ARN)`)
	assume := func(file, subject string) access.Decision {
		data, err := os.ReadFile(filepath.Join(root, ".github", "oidc-trust", file))
		require.NoError(t, err)
		text := strings.NewReplacer("<account>", "123456789012", "<owner>/<repo>", "example-org/ml-platform").Replace(string(data))
		policy, err := access.ParseJSON(file, text)
		require.NoError(t, err)
		role := "arn:aws:iam::123456789012:role/ci-" + strings.TrimSuffix(file, ".json")
		world := &access.World{Partition: "aws", Region: "us-east-1", Account: "123456789012",
			Roles: map[string]*access.Role{role: {ARN: role, Trust: policy}}}
		return world.Evaluate(access.Request{
			Principal: "federated:arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
			Action:    "sts:AssumeRoleWithWebIdentity", Resource: role,
			Context: access.Context{
				"token.actions.githubusercontent.com:sub": {subject},
				"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
			},
		}).Decision
	}
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	paired := 0
	for _, f := range files {
		w := readWorkflow(t, filepath.Base(f))
		for name, job := range w.Jobs {
			for _, s := range job.Steps {
				m := roleVar.FindStringSubmatch(s.With["role-to-assume"])
				if m == nil {
					continue
				}
				require.Equal(t, "write", job.Permissions["id-token"], "%s/%s: OIDC needs id-token: write", f, name)
				var subject string
				switch env, _ := job.Environment.(string); {
				case env != "":
					subject = repo + ":environment:" + env
				case hasKey(w.On, "pull_request"):
					subject = repo + ":pull_request"
				default:
					subject = repo + ":ref:refs/heads/main"
				}
				file, ok := trusts[m[1]]
				require.True(t, ok, "%s/%s: %s has a documented trust policy", f, name, m[1])
				require.Equal(t, access.Allow, assume(file, subject), "%s/%s: %s's trust admits %s", f, name, m[1], subject)
				paired++
			}
		}
	}
	require.Equal(t, 4, paired, "preview (cloud), deploy (dev), promote (plan, promote)")
	for _, file := range trusts {
		for _, other := range []string{repo + ":pull_request", repo + ":ref:refs/heads/main", repo + ":ref:refs/heads/feature",
			"repo:someone-else/ml-platform:environment:production", repo + ":environment:staging"} {
			require.NotEqual(t, access.Allow, assume(file, other), "%s admits %s", file, other)
		}
	}
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}
