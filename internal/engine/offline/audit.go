package offline

import (
	"fmt"
	"os"

	"github.com/ml-platform/ml-platform/policies/rules"
)

// Audit evaluates the policies over a `pulumi stack export` file, so stacks
// that already exist can be checked with the same rules as a preview.
// An unreadable or malformed file returns a *ConfigError.
func Audit(path string, settings rules.Settings) ([]rules.Violation, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, &ConfigError{fmt.Errorf("reading the state file: %w", err)}
	}
	resources, err := rules.FromStackExport(data)
	if err != nil {
		return nil, 0, &ConfigError{fmt.Errorf("%s: %w", path, err)}
	}
	v := rules.Evaluate(resources, settings)
	if v == nil {
		v = []rules.Violation{}
	}
	return v, len(resources), nil
}
