package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/config"
)

// Project is what the offline engine needs from Pulumi.yaml.
type Project struct {
	Name string
	// Defaults are the project-level config defaults, by full key.
	Defaults config.Values
	// Required are the keys Pulumi.yaml declares without a default, by
	// full key, each with the name Pulumi.yaml declares it by: the Pulumi
	// CLI refuses to run a stack that does not set them.
	Required map[string]string
	// Types are the types Pulumi.yaml declares, by full key, each with
	// the name it declares it by: the CLI refuses a stack value of
	// another type.
	Types map[string]typed
}

type typed struct{ name, typ string }

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
	p := &Project{Name: doc.Name, Defaults: config.Values{}, Required: map[string]string{}, Types: map[string]typed{}}
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
			if t, ok := spec["type"].(string); ok && strings.HasPrefix(full, doc.Name+":") {
				p.Types[full] = typed{name: key, typ: t}
			}
			if d, ok := spec["default"]; ok {
				value = d
			} else if v, ok := spec["value"]; ok {
				value = v
			} else {
				if strings.HasPrefix(full, doc.Name+":") {
					// The CLI requires only the project's own keys.
					p.Required[full] = key
				}
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
	return p, nil
}

// MissingRequired returns the error the Pulumi CLI gives a stack that
// does not set keys Pulumi.yaml requires, word for word
// (pkg/workspace/config.go, missingStackConfigurationKeysError, CLI
// 3.276.0; tests/engine compares them).
func (p *Project) MissingRequired(stack string, values config.Values) error {
	var missing []string
	for full, declared := range p.Required {
		if _, ok := values[full]; !ok {
			missing = append(missing, declared)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	noun, list := "value", "'"+missing[0]+"'"
	if len(missing) > 1 {
		noun = "values"
		var b strings.Builder
		for i, key := range missing {
			switch {
			case i == len(missing)-1:
				fmt.Fprintf(&b, "and '%s'", key)
			case i == len(missing)-2:
				fmt.Fprintf(&b, "'%s' ", key)
			default:
				fmt.Fprintf(&b, "'%s', ", key)
			}
		}
		list = b.String()
	}
	return fmt.Errorf("Stack '%s' is missing configuration %s %s", stack, noun, list)
}

// WrongTypes returns the error the Pulumi CLI gives a stack whose value
// is not of the type Pulumi.yaml declares, word for word, for the first
// such key in key order (pkg/workspace/config.go, validateStackConfigValue,
// CLI 3.276.0): objects arrive here as JSON objects, lists as JSON lists.
func (p *Project) WrongTypes(stack string, values config.Values) error {
	var names []string
	byName := map[string]string{}
	for full, t := range p.Types {
		names = append(names, t.name)
		byName[t.name] = full
	}
	sort.Strings(names)
	for _, name := range names {
		full := byName[name]
		v, ok := values[full]
		if !ok {
			continue
		}
		var parsed any
		isJSON := json.Unmarshal([]byte(v), &parsed) == nil
		_, isObject := parsed.(map[string]any)
		_, isList := parsed.([]any)
		structured := isJSON && (isObject || isList)
		okType := true
		switch t := p.Types[full].typ; t {
		case "object":
			okType = isObject
		case "string":
			okType = !structured
		case "boolean":
			okType = v == "true" || v == "false"
		case "integer":
			_, err := strconv.Atoi(v)
			okType = err == nil
		}
		if !okType {
			return fmt.Errorf("Stack '%s' with configuration key '%s' must be of type '%s'", stack, name, p.Types[full].typ)
		}
	}
	return nil
}

// LoadStackConfig reads a Pulumi.<stack>.yaml file's config block as the
// engine would pass it to the program (LoadStackFile).
func LoadStackConfig(path string) (config.Values, error) {
	f, err := LoadStackFile(path)
	if err != nil {
		return nil, err
	}
	return f.Values, nil
}

// StackFile is a stack file's config as the engine passes it.
type StackFile struct {
	// Values are scalars as strings, objects and lists as JSON.
	Values config.Values
	// SecretKeys are the keys holding a secure value, at the top or
	// anywhere inside (`pulumi config set --secret --path`): the engine
	// tells the program they are secret, and so does the offline engine.
	SecretKeys []string
}

// securePlaceholder stands for a secure value, which cannot be decrypted
// offline.
const securePlaceholder = "offline-placeholder-secret"

// LoadStackFile reads a Pulumi.<stack>.yaml file's config block. Secure
// values, top-level or nested, cannot be decrypted offline: each becomes
// a placeholder and its key is listed as secret.
func LoadStackFile(path string) (*StackFile, error) {
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
	out := &StackFile{Values: config.Values{}}
	for _, key := range sortedKeys(doc.Config) {
		if !strings.Contains(key, ":") {
			return nil, fmt.Errorf("%s: config key %q needs a namespace (for example %s:%s)", path, key, config.Namespace, key)
		}
		v, secret := unsecure(normalize(doc.Config[key]))
		if secret {
			out.SecretKeys = append(out.SecretKeys, key)
		}
		s, err := configString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		out.Values[key] = s
	}
	return out, nil
}

// unsecure replaces every {secure: ...} in v with the placeholder and says
// whether there was one.
func unsecure(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["secure"]; ok && len(x) == 1 {
			return securePlaceholder, true
		}
		found := false
		for k, e := range x {
			var s bool
			x[k], s = unsecure(e)
			found = found || s
		}
		return x, found
	case []any:
		found := false
		for i, e := range x {
			var s bool
			x[i], s = unsecure(e)
			found = found || s
		}
		return x, found
	}
	return v, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
