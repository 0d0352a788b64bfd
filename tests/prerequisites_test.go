package tests

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/platform"
)

// fakeTools answers LookPath and version commands from a table: a
// command without an entry is not installed.
func fakeTools(versions map[string]string) platform.Tools {
	return platform.Tools{
		LookPath: func(c string) (string, error) {
			if _, ok := versions[c]; !ok {
				return "", errors.New("executable file not found in $PATH")
			}
			return "/usr/local/bin/" + c, nil
		},
		Output: func(c string, _ ...string) (string, error) { return versions[c], nil },
	}
}

const kubectl131 = `{"clientVersion":{"major":"1","minor":"31","gitVersion":"v1.31.2"},"kustomizeVersion":"v5.4.2"}`

// TestDeployTools: pulumi-eks needs aws and kubectl where `pulumi up`
// runs; the program says which are missing or too old before anything is
// registered.
func TestDeployTools(t *testing.T) {
	require.NoError(t, platform.CheckDeployTools(fakeTools(map[string]string{
		"aws": "aws-cli/2.22.0 Python/3.12.6 Linux/6.8.0 exe/x86_64.ubuntu.24", "kubectl": kubectl131})))
	require.NoError(t, platform.CheckDeployTools(fakeTools(map[string]string{
		"aws": "aws-cli/1.36.0 Python/3.11.2 Linux/6.1.0 botocore/1.35.0", "kubectl": kubectl131})), "a recent v1 CLI is enough")

	for _, tc := range []struct {
		name     string
		versions map[string]string
		want     []string
	}{
		{"nothing installed", map[string]string{}, []string{
			"aws: not found on PATH; pulumi-eks needs it for the kubeconfig's exec credential",
			"kubectl: not found on PATH"}},
		{"old v2 CLI", map[string]string{"aws": "aws-cli/2.6.4 Python/3.9.11", "kubectl": kubectl131},
			[]string{"aws: version 2.6.4; pulumi-eks needs at least 2.7.0"}},
		{"old v1 CLI", map[string]string{"aws": "aws-cli/1.22.0 Python/3.8", "kubectl": kubectl131},
			[]string{"aws: version 1.22.0; pulumi-eks needs at least 1.24.0"}},
		{"old kubectl", map[string]string{"aws": "aws-cli/2.22.0", "kubectl": `{"clientVersion":{"gitVersion":"v1.23.17"}}`},
			[]string{"kubectl: version 1.23.17; pulumi-eks needs at least 1.24.0"}},
		{"unreadable", map[string]string{"aws": "aws-cli/2.22.0", "kubectl": "Client Version: v1.31"},
			[]string{`kubectl: cannot read the version from "Client Version: v1.31"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := platform.CheckDeployTools(fakeTools(tc.versions))
			require.Error(t, err)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}
