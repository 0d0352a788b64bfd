package offline

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/policies/rules"
)

const usage = `usage:
  offline preview --stack NAME [--dir DIR] [--json] [--on-demand] [--policy-pack-config FILE] [--reference ORG/PROJECT/STACK=FILE] [--account-role ROLE[=STACK]]
  offline preview --config FILE [--stack NAME] [--dir DIR] [--json] [--on-demand] [--policy-pack-config FILE] [--reference ...]
  offline diff --from STACK --to STACK [--from-config FILE] [--to-config FILE] [--dir DIR] [--json] [--raw] [--reference ...]
  offline report --stack NAME [--stack NAME ...] [--diff FROM:TO] [--dir DIR] [--max-bytes N] [--full] [--reference ...]
  offline audit --state FILE [--json] [--policy-pack-config FILE]
  offline access --stack NAME [--config FILE] [--dir DIR] [--json] [--query FILE] [--reference ...] [--account-role ...]
  offline changes --reviewed FILE [--current FILE]   (files: pulumi preview --json)
`

// Exit codes (docs/offline.md).
const (
	exitClean     = 0
	exitMandatory = 1
	exitBadInput  = 2
	// exitEngine is a failure of the program itself under the mock (a bug, not bad input).
	exitEngine = 3
)

// Main runs the offline CLI with the given arguments and returns its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBadInput
	}
	switch args[0] {
	case "preview":
		return preview(args[1:], stdout, stderr)
	case "audit":
		return audit(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "report":
		return report(args[1:], stdout, stderr)
	case "access":
		return accessCmd(args[1:], stdout, stderr)
	case "changes":
		return changesCmd(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitClean
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
	return exitBadInput
}

// stackFlags are the flags every command that previews one stack takes.
type stackFlags struct {
	stack, configFile, dir *string
	asJSON                 *bool
	refs                   referenceFlags
	roles                  accountRoleFlags
}

func addStackFlags(fs *flag.FlagSet) *stackFlags {
	f := &stackFlags{roles: accountRoleFlags{}}
	f.stack = fs.String("stack", "", "stack name; reads Pulumi.NAME.yaml from --dir unless --config is given")
	f.configFile = fs.String("config", "", "stack config file to read instead of Pulumi.NAME.yaml")
	f.dir = fs.String("dir", ".", "project directory holding Pulumi.yaml")
	f.asJSON = fs.Bool("json", false, "print one JSON object")
	fs.Var(&f.refs, "reference", "ORG/PROJECT/STACK=FILE: answer a stack reference from `pulumi stack output --json` or `pulumi stack export` (repeatable)")
	fs.Var(f.roles, "account-role", "ROLE[=STACK]: the account already has this IAM role (a service-linked role by its name, "+
		"e.g. AWSServiceRoleForEC2Spot), tagged Stack=STACK when given (repeatable); default: a fresh account")
	return f
}

// parse parses args and checks that a stack is named; false when the
// command should exit with bad input.
func (f *stackFlags) parse(cmd string, fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if *f.stack == "" && *f.configFile == "" {
		fmt.Fprintf(stderr, "%s needs --stack NAME or --config FILE\n%s", cmd, usage)
		return false
	}
	return true
}

// input is the stack the flags name.
func (f *stackFlags) input() stackInput {
	path := *f.configFile
	if path == "" {
		path = filepath.Join(*f.dir, "Pulumi."+*f.stack+".yaml")
	}
	name := *f.stack
	if name == "" {
		name = StackNameFromPath(path)
	}
	return stackInput{name: name, path: path}
}

func preview(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStackFlags(fs)
	packConfig := fs.String("policy-pack-config", "", "policy config JSON, as `pulumi preview --policy-pack-config`")
	onDemand := fs.Bool("on-demand", false, "price spot capacity at on-demand prices")
	if !sf.parse("preview", fs, args, stderr) {
		return exitBadInput
	}
	in := sf.input()
	path, name, dir, asJSON, refs, roles := in.path, in.name, sf.dir, sf.asJSON, sf.refs, sf.roles
	settings, err := loadSettings(*packConfig)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	res, _, code := previewStack(stackInput{name: name, path: path}, *dir, refs, stderr, func(o *Options) {
		o.Settings, o.Exceptions, o.OnDemand, o.AccountRoles = settings.Settings, settings.Exceptions, *onDemand, roles
	})
	if code != exitClean {
		return code
	}
	if *asJSON {
		if err := res.WriteJSON(stdout); err != nil {
			fmt.Fprintln(stderr, err)
			return exitBadInput
		}
	} else {
		res.WriteText(stdout)
	}
	if rules.HasMandatory(res.Violations) {
		return exitMandatory
	}
	return exitClean
}

func audit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "", "a `pulumi stack export` file")
	asJSON := fs.Bool("json", false, "print {\"violations\": [...]}")
	packConfig := fs.String("policy-pack-config", "", "policy config JSON, as `pulumi preview --policy-pack-config`")
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	if *state == "" {
		fmt.Fprintf(stderr, "audit needs --state FILE\n%s", usage)
		return exitBadInput
	}
	settings, err := loadSettings(*packConfig)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	violations, count, err := Audit(*state, settings.Settings)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	rules.ApplyExceptions(violations, settings.Exceptions)
	if *asJSON {
		if code := writeJSON(stdout, stderr, map[string]any{"violations": violations}); code != exitClean {
			return code
		}
	} else {
		fmt.Fprintf(stdout, "Audited %d resources from %s\n", count, *state)
		WriteViolations(stdout, violations)
	}
	if rules.HasMandatory(violations) {
		return exitMandatory
	}
	return exitClean
}

// stackInput is one stack to preview: its name and stack file.
type stackInput struct {
	name, path string
}

// previewStack loads a stack file and previews it; the exit code is
// non-zero on failure, with the error printed.
// previewStack loads a stack file and previews it; tune sets the options
// a command adds (policy settings, account roles).
func previewStack(in stackInput, dir string, refs referenceFlags, stderr io.Writer, tune ...func(*Options)) (*Result, config.Values, int) {
	path := in.path
	if path == "" {
		path = filepath.Join(dir, "Pulumi."+in.name+".yaml")
	}
	project, err := LoadProject(dir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, exitBadInput
	}
	file, err := LoadStackFile(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, exitBadInput
	}
	opts := Options{Project: project, Stack: in.name, Values: file.Values, SecretKeys: file.SecretKeys, Dir: dir,
		References: refs.outputs, ReferenceSources: refs.sources}
	for _, t := range tune {
		t(&opts)
	}
	res, err := Preview(opts)
	if err != nil {
		fmt.Fprintf(stderr, "stack %s: %v\n", in.name, err)
		var ce *ConfigError
		if errors.As(err, &ce) {
			return nil, nil, exitBadInput
		}
		return nil, nil, exitEngine
	}
	return res, Merge(project.Defaults, file.Values), exitClean
}

func diff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the stack promoted from (reads Pulumi.FROM.yaml)")
	to := fs.String("to", "", "the stack promoted to (reads Pulumi.TO.yaml)")
	fromConfig := fs.String("from-config", "", "stack file of --from instead of Pulumi.FROM.yaml")
	toConfig := fs.String("to-config", "", "stack file of --to instead of Pulumi.TO.yaml")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	asJSON := fs.Bool("json", false, "print one JSON object")
	raw := fs.Bool("raw", false, "compare values as they are, stack names included")
	var refs referenceFlags
	fs.Var(&refs, "reference", "ORG/PROJECT/STACK=FILE: answer a stack reference from a file (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	if *from == "" || *to == "" {
		fmt.Fprintf(stderr, "diff needs --from STACK and --to STACK\n%s", usage)
		return exitBadInput
	}
	a, aValues, code := previewStack(stackInput{*from, *fromConfig}, *dir, refs, stderr)
	if code != exitClean {
		return code
	}
	b, bValues, code := previewStack(stackInput{*to, *toConfig}, *dir, refs, stderr)
	if code != exitClean {
		return code
	}
	d := DiffStacks(a, b, aValues, bValues, !*raw)
	if *asJSON {
		if code := writeJSON(stdout, stderr, d); code != exitClean {
			return code
		}
	} else {
		d.WriteText(stdout)
	}
	if rules.HasMandatory(b.Violations) {
		return exitMandatory
	}
	return exitClean
}

// referenceFlags collects --reference NAME=FILE.
// accountRoleFlags are --account-role values: ROLE or ROLE=STACK. A
// service-linked role gets its service's path.
type accountRoleFlags map[string]mock.AccountRole

func (a accountRoleFlags) String() string { return "" }

func (a accountRoleFlags) Set(v string) error {
	name, stack, _ := strings.Cut(v, "=")
	if !validRoleName.MatchString(name) {
		return fmt.Errorf("%q is not an IAM role name", name)
	}
	role := mock.AccountRole{Path: "/"}
	for _, r := range catalog.ServiceLinkedRoles() {
		if r.RoleName == name {
			role.Path = r.Path()
		}
	}
	if stack != "" {
		role.Tags = map[string]string{conventions.TagStack: stack}
	}
	a[name] = role
	return nil
}

var validRoleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

type referenceFlags struct {
	outputs map[string]map[string]any
	sources map[string]string
}

func (r *referenceFlags) String() string { return "" }

func (r *referenceFlags) Set(v string) error {
	name, file, err := ParseReferenceFlag(v)
	if err != nil {
		return err
	}
	outs, err := LoadReference(file)
	if err != nil {
		return err
	}
	if r.outputs == nil {
		r.outputs, r.sources = map[string]map[string]any{}, map[string]string{}
	}
	r.outputs[name], r.sources[name] = outs, "file "+file
	return nil
}

// loadSettings reads a --policy-pack-config file in either of the
// formats the CLI reads (rules.ParsePackConfig).
func loadSettings(path string) (rules.PackConfig, error) {
	if path == "" {
		return rules.PackConfig{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return rules.PackConfig{}, fmt.Errorf("reading the policy config: %w", err)
	}
	c, err := rules.ParsePackConfig(data)
	if err != nil {
		return rules.PackConfig{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// writeJSON prints v as indented JSON.
func writeJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	return exitClean
}
