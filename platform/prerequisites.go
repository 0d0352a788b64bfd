package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
)

// Tools finds and runs the commands the deploy machine must have.
type Tools struct {
	// LookPath finds a command on PATH (exec.LookPath).
	LookPath func(string) (string, error)
	// Output runs a command and returns its standard output.
	Output func(name string, args ...string) (string, error)
}

// HostTools are the machine's own.
var HostTools = Tools{
	LookPath: exec.LookPath,
	Output: func(name string, args ...string) (string, error) {
		out, err := exec.Command(name, args...).Output()
		return string(out), err
	},
}

// CheckDeployTools says, before anything is registered, which of the
// commands pulumi-eks needs on the machine running `pulumi preview` or
// `pulumi up` (catalog.DeployTools) are missing or too old. pulumi-eks
// checks the same, but only once the engine constructs the cluster, deep
// in the update's output. main.go calls it; the offline engine, which
// builds no cluster, does not.
func CheckDeployTools(t Tools) error {
	var errs []error
	for _, tool := range catalog.DeployTools {
		if _, err := t.LookPath(tool.Command); err != nil {
			errs = append(errs, fmt.Errorf("%s: not found on PATH; pulumi-eks needs it for %s (install: %s)", tool.Command, tool.Why, tool.Install))
			continue
		}
		out, err := t.Output(tool.Command, tool.VersionArgs...)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %v", tool.Command, strings.Join(tool.VersionArgs, " "), err))
			continue
		}
		version, err := toolVersion(tool.Command, out)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", tool.Command, err))
			continue
		}
		least, ok := tool.MinVersions[version[0]]
		if !ok {
			least = tool.MinVersions[0]
		}
		if older(version, parseVersion(least)) {
			errs = append(errs, fmt.Errorf("%s: version %d.%d.%d; pulumi-eks needs at least %s (install: %s)",
				tool.Command, version[0], version[1], version[2], least, tool.Install))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("this machine cannot run the cluster's deployment (catalog.DeployToolsSource):\n%w", errors.Join(errs...))
	}
	return nil
}

// toolVersion reads a version from `aws --version` ("aws-cli/2.22.0
// Python/...") or `kubectl version --client=true --output=json`.
func toolVersion(command, out string) ([3]int, error) {
	var raw string
	switch command {
	case "kubectl":
		var v struct {
			ClientVersion struct {
				GitVersion string `json:"gitVersion"`
			} `json:"clientVersion"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			return [3]int{}, fmt.Errorf("cannot read the version from %q", strings.TrimSpace(out))
		}
		raw = v.ClientVersion.GitVersion
	case "aws":
		fields := strings.Fields(out)
		if len(fields) > 0 {
			raw = strings.TrimPrefix(fields[0], "aws-cli/")
		}
	}
	v := parseVersion(raw)
	if v == ([3]int{}) {
		return v, fmt.Errorf("cannot read the version from %q", strings.TrimSpace(out))
	}
	return v, nil
}

// parseVersion reads "v1.31.2", "2.22.0" or "1.35.0-eks-abc"; zeros when
// it is not a version.
func parseVersion(s string) [3]int {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	var v [3]int
	for i := 0; i < 3 && i < len(parts); i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return [3]int{}
		}
		v[i] = n
	}
	return v
}

func older(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
