package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/config"
)

// Project is what the offline engine needs from Pulumi.yaml.
type Project struct {
	Name string
	// Defaults are the project-level config defaults, by full key.
	Defaults config.Values
	// Required are the keys Pulumi.yaml declares without a default: the
	// Pulumi CLI refuses to run a stack that does not set them.
	Required []string
}

// LoadProject reads Pulumi.yaml in dir: the project name and the defaults of
// its typed config (keys without a namespace belong to the project).
func LoadProject(dir string) (*Project, error) {
	path := filepath.Join(dir, "Pulumi.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the project file: %w", err)
	}
	var doc struct {
		Name    string               `yaml:"name"`
		Runtime any                  `yaml:"runtime"`
		Config  map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Name == "" {
		return nil, fmt.Errorf("%s: name is required", path)
	}
	p := &Project{Name: doc.Name, Defaults: config.Values{}}
	for key, node := range doc.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = doc.Name + ":" + key
		}
		var value any
		if node.Kind == yaml.MappingNode {
			var spec map[string]any
			if err := node.Decode(&spec); err != nil {
				return nil, fmt.Errorf("%s: config.%s: %w", path, key, err)
			}
			if d, ok := spec["default"]; ok {
				value = d
			} else if v, ok := spec["value"]; ok {
				value = v
			} else {
				p.Required = append(p.Required, full)
				continue
			}
		} else if err := node.Decode(&value); err != nil {
			return nil, fmt.Errorf("%s: config.%s: %w", path, key, err)
		}
		s, err := configString(value)
		if err != nil {
			return nil, fmt.Errorf("%s: config.%s: %w", path, key, err)
		}
		p.Defaults[full] = s
	}
	sort.Strings(p.Required)
	return p, nil
}

// MissingRequired returns an error naming the keys Pulumi.yaml requires
// that values do not set, as the Pulumi CLI would refuse them.
func (p *Project) MissingRequired(values config.Values) error {
	var missing []string
	for _, key := range p.Required {
		if _, ok := values[key]; !ok {
			missing = append(missing, key)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s: required by Pulumi.yaml (declared without a default); set it in the stack file", strings.Join(missing, ", "))
}

// LoadStackConfig reads a Pulumi.<stack>.yaml file's config block as the
// engine would pass it to the program: scalars as strings, objects and
// lists as JSON. Secure values cannot be decrypted offline and become a
// placeholder.
func LoadStackConfig(path string) (config.Values, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the stack file: %w", err)
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s is not a stack file: %w", path, err)
	}
	values := config.Values{}
	for key, v := range doc.Config {
		if !strings.Contains(key, ":") {
			return nil, fmt.Errorf("%s: config key %q needs a namespace (for example %s:%s)", path, key, config.Namespace, key)
		}
		if m, ok := v.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			values[key] = "offline-placeholder-secret"
			continue
		}
		s, err := configString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		values[key] = s
	}
	return values, nil
}

// StackNameFromPath returns NAME for a Pulumi.NAME.yaml file, or the file's
// base name without extension.
func StackNameFromPath(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
	return strings.TrimPrefix(base, "Pulumi.")
}

// Merge returns defaults overlaid by values.
func Merge(defaults, values config.Values) config.Values {
	out := config.Values{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range values {
		out[k] = v
	}
	return out
}

func configString(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool, int, int64, float64, uint64:
		return fmt.Sprint(x), nil
	default:
		out, err := json.Marshal(normalize(x))
		if err != nil {
			return "", err
		}
		return string(out), nil
	}
}

// normalize turns YAML's map[any]any into JSON-encodable values.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = normalize(val)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[fmt.Sprint(k)] = normalize(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalize(val)
		}
		return out
	}
	return v
}
