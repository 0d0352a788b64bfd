//go:build engine

// Package engine is the real-engine conformance test: the program runs
// under the real `pulumi` CLI (built from the module proxy by
// tools/pulumicli/build.sh, pinned there) through the Automation API with
// an inline program, against the local file backend, with the policy pack
// as a prebuilt binary and stand-in provider plugins (internal/engine/standin).
// It checks what the offline engine can only model: that both engines plan
// the same resources and the pack finds the same things, that the stack
// reference to dev resolves through a real backend, that the pack fails a
// preview under the CLI, that `up` refuses placeholders and that destroy
// completes.
//
// It is not part of `go test ./...`: run it with
//
//	tools/pulumicli/build.sh   # prints the CLI's path; cached
//	PULUMI_CLI=<that path> go test -tags engine ./tests/engine
//
// .ci/run does both (skip locally with ML_PLATFORM_SKIP_ENGINE=1).
package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// cliVersion is the CLI tools/pulumicli builds.
const cliVersion = "3.276.0"

// env is one run's machine: the CLI, the plugins and the pack.
type env struct {
	cli      auto.PulumiCommand
	vars     map[string]string
	pack     string
	project  string // the repository root (Pulumi.yaml and stack files)
	scratch  string
	stateDir string
}

func setup(t *testing.T) *env {
	t.Helper()
	bin := os.Getenv("PULUMI_CLI")
	if bin == "" {
		t.Fatal("PULUMI_CLI is not set: build the CLI with tools/pulumicli/build.sh and set PULUMI_CLI to the path it prints")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	e := &env{project: root, scratch: scratch, stateDir: filepath.Join(scratch, "state")}

	// The CLI as the Automation API finds it: <root>/bin/pulumi.
	cliRoot := filepath.Join(scratch, "cli")
	link(t, bin, filepath.Join(cliRoot, "bin", "pulumi"))
	e.cli, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot, Version: semver.MustParse(cliVersion)})
	if err != nil {
		t.Fatalf("the CLI at %s: %v", bin, err)
	}

	// Stand-in plugins, one binary under three names, and the pack.
	plugins := filepath.Join(scratch, "plugins")
	standin := filepath.Join(plugins, "pulumi-resource-aws")
	build(t, root, standin, "./tests/engine/standin")
	for _, pkg := range []string{"eks", "kubernetes"} {
		link(t, standin, filepath.Join(plugins, "pulumi-resource-"+pkg))
	}
	packDir := filepath.Join(scratch, "pack")
	e.pack = filepath.Join(packDir, "ml-platform-policies")
	build(t, root, e.pack, "./policies")
	data, err := os.ReadFile(filepath.Join(root, "policies", "PulumiPolicy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(packDir, "PulumiPolicy.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}

	if err := os.MkdirAll(e.stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.vars = map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + e.stateDir,
		"PULUMI_CONFIG_PASSPHRASE":                    "conformance",
		"PULUMI_HOME":                                 filepath.Join(scratch, "home"),
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_SKIP_CONFIRMATIONS":                   "true",
		"PATH":                                        plugins + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	return e
}

func link(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(from, to); err != nil {
		t.Fatal(err)
	}
}

func build(t *testing.T, root, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
}

// program is the inline program: main.go's, without the check for aws
// and kubectl (pulumi-eks needs them; its stand-in does not). mutate, when
// set, transforms every resource as the program registers it.
func program(mutate pulumi.ResourceTransform) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if mutate != nil {
			if err := ctx.RegisterResourceTransform(mutate); err != nil {
				return err
			}
		}
		return platform.Run(ctx)
	}
}

// stack creates (or selects) a stack from the repository's stack file in a
// work directory of its own.
func (e *env) stack(t *testing.T, name string, run pulumi.RunFunc) auto.Stack {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(e.project, "Pulumi."+name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return e.stackFile(t, name, string(data), run)
}

// stackFile creates (or selects) a stack whose stack file is body.
func (e *env) stackFile(t *testing.T, name, body string, run pulumi.RunFunc) auto.Stack {
	t.Helper()
	work := filepath.Join(e.scratch, "work-"+name)
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	project, err := os.ReadFile(filepath.Join(e.project, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for f, data := range map[string][]byte{"Pulumi.yaml": project, "Pulumi." + name + ".yaml": []byte(body)} {
		if err := os.WriteFile(filepath.Join(work, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	s, err := auto.UpsertStackInlineSource(ctx, name, "ml-platform", run,
		auto.WorkDir(work), auto.Pulumi(e.cli), auto.EnvVars(e.vars), auto.SecretsProvider("passphrase"))
	if err != nil {
		t.Fatalf("stack %s: %v", name, err)
	}
	return s
}

// run is what one engine operation showed: its steps and the pack's
// findings.
type run struct {
	mu        sync.Mutex
	steps     map[string]string // URN -> op
	types     map[string]string // URN -> type
	findings  []rules.Violation
	diagnoses []string
}

func newRun() (*run, chan events.EngineEvent, *sync.WaitGroup) {
	r := &run{steps: map[string]string{}, types: map[string]string{}}
	ch := make(chan events.EngineEvent)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev := range ch {
			r.mu.Lock()
			switch {
			case ev.ResourcePreEvent != nil:
				m := ev.ResourcePreEvent.Metadata
				r.steps[m.URN], r.types[m.URN] = string(m.Op), m.Type
			case ev.PolicyEvent != nil:
				p := ev.PolicyEvent
				var ids []string
				for _, x := range p.Exceptions {
					ids = append(ids, x.ID)
				}
				r.findings = append(r.findings, rules.Violation{Policy: p.PolicyName, URN: p.ResourceURN,
					EnforcementLevel: rules.Level(p.EnforcementLevel), Message: p.Message, ExceptedBy: strings.Join(ids, ", ")})
			case ev.DiagnosticEvent != nil && ev.DiagnosticEvent.Severity == "error":
				r.diagnoses = append(r.diagnoses, ev.DiagnosticEvent.Message)
			}
			r.mu.Unlock()
		}
	}()
	return r, ch, &wg
}

// drain waits for the event stream to end. A run that fails before the
// engine starts (bad configuration) never opens it, and the Automation
// API then never closes it: wait a little, not forever.
func drain(wg *sync.WaitGroup, err error) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if err == nil {
		<-done
		return
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}

// resources is the planned resource set as "type name" lines: what the
// program registers, without the stack, the engine's default providers and
// the stack references it reads.
func (r *run) resources() []string {
	var out []string
	for urn, typ := range r.types {
		name := resource.URN(urn).Name()
		switch {
		case typ == "pulumi:pulumi:Stack", typ == "pulumi:pulumi:StackReference":
			continue
		case strings.HasPrefix(typ, "pulumi:providers:") && strings.HasPrefix(name, "default"):
			continue
		}
		out = append(out, typ+" "+name)
	}
	sort.Strings(out)
	return out
}

// key is how findings compare: rule, level, resource and the exceptions
// that exempt it.
func key(v rules.Violation) string {
	return fmt.Sprintf("%s %s %s %s", v.Policy, v.EnforcementLevel, v.URN, v.ExceptedBy)
}

func findingKeys(vs []rules.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, key(v))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func (e *env) preview(t *testing.T, s auto.Stack, more ...optpreview.Option) (*run, error) {
	t.Helper()
	r, ch, wg := newRun()
	start := time.Now()
	_, err := s.Preview(context.Background(), append([]optpreview.Option{optpreview.PolicyPacks(e.pack), optpreview.EventStreams(ch)}, more...)...)
	drain(wg, err)
	t.Logf("preview of %s: %s", s.Name(), time.Since(start).Round(time.Second))
	return r, err
}

// offlinePreview is cmd/offline's preview of the same stack file.
func (e *env) offlinePreview(t *testing.T, name string, pack ...rules.PackConfig) *offline.Result {
	t.Helper()
	project, err := offline.LoadProject(e.project)
	if err != nil {
		t.Fatal(err)
	}
	values, err := offline.LoadStackConfig(filepath.Join(e.project, "Pulumi."+name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	opts := offline.Options{Project: project, Stack: name, Values: values, Dir: e.project}
	for _, p := range pack {
		opts.Settings, opts.Exceptions = p.Settings, p.Exceptions
	}
	res, err := offline.Preview(opts)
	if err != nil {
		t.Fatalf("offline preview of %s: %v", name, err)
	}
	return res
}

func offlineResources(res *offline.Result) []string {
	var out []string
	for _, r := range res.Resources {
		out = append(out, r.Type+" "+r.Name)
	}
	sort.Strings(out)
	return out
}

// sameSet fails with what only one side has.
func sameSet(t *testing.T, what string, engine, off []string) {
	t.Helper()
	var onlyReal, onlyOffline []string
	for _, x := range engine {
		if !slices.Contains(off, x) {
			onlyReal = append(onlyReal, x)
		}
	}
	for _, x := range off {
		if !slices.Contains(engine, x) {
			onlyOffline = append(onlyOffline, x)
		}
	}
	if len(onlyReal)+len(onlyOffline) > 0 {
		t.Errorf("%s differ between the real engine (%d) and cmd/offline (%d)\nonly under the real engine:\n  %s\nonly offline:\n  %s",
			what, len(engine), len(off), strings.Join(onlyReal, "\n  "), strings.Join(onlyOffline, "\n  "))
	}
}

func setConfig(t *testing.T, s auto.Stack, key, value string) {
	t.Helper()
	if err := s.SetConfigWithOptions(context.Background(), key, auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatalf("config set %s: %v", key, err)
	}
}

// TestRealEngine runs the scenarios in order: they share one backend.
func TestRealEngine(t *testing.T) {
	e := setup(t)
	dev := e.stack(t, "dev", program(nil))

	t.Run("preview of dev matches cmd/offline", func(t *testing.T) {
		r, err := e.preview(t, dev)
		if err != nil {
			t.Fatalf("preview of dev failed: %v\n%s", err, strings.Join(r.diagnoses, "\n"))
		}
		off := e.offlinePreview(t, "dev")
		t.Logf("dev: %d resources, %d findings under the real engine", len(r.resources()), len(findingKeys(r.findings)))
		sameSet(t, "planned resources of dev", r.resources(), offlineResources(off))
		sameSet(t, "policy findings of dev", findingKeys(r.findings), findingKeys(off.Violations))
		if len(r.resources()) < 100 {
			t.Errorf("the real preview planned %d resources; the stack has hundreds", len(r.resources()))
		}
	})

	// A version 2 policy config, as the CLI reads it: a required tag no
	// resource carries (hundreds of findings, judged on tagsAll as the
	// provider's Check gives it), a rule made mandatory and one of its
	// findings excepted (the preview still passes).
	t.Run("a version 2 policy config gives the same findings", func(t *testing.T) {
		probe := e.offlinePreview(t, "dev", rules.PackConfig{Settings: rules.Settings{"resource-customer-key-required": {Level: rules.Mandatory}}})
		var target string
		for _, v := range probe.Violations {
			if v.Policy == "resource-customer-key-required" {
				target = v.URN
			}
		}
		if target == "" {
			t.Fatal("no resource-customer-key-required finding in dev to except")
		}
		required, err := json.Marshal(append(slices.Clone(rules.DefaultRequiredTags), "DataClassification"))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(e.scratch, "policy-config.json")
		doc := fmt.Sprintf(`{"version": 2,
  "policies": {"resource-tags-required": {"enforcementLevel": "advisory", "requiredTags": %s},
               "resource-customer-key-required": "mandatory"},
  "exceptions": {"EXC-1": {"reason": "conformance test", "match": [{"policies": ["resource-customer-key-required"], "targets": [%q]}]}}}`,
			required, target)
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := e.preview(t, dev, optpreview.PolicyPackConfigs(file))
		if err != nil {
			t.Fatalf("preview with an excepted mandatory finding failed: %v\n%s", err, strings.Join(r.diagnoses, "\n"))
		}
		pack, err := rules.ParsePackConfig([]byte(doc))
		if err != nil {
			t.Fatalf("cmd/offline refuses the config the CLI takes: %v", err)
		}
		off := e.offlinePreview(t, "dev", pack)
		if rules.HasMandatory(off.Violations) {
			t.Error("cmd/offline counts the excepted finding as mandatory")
		}
		tagged := 0
		for _, v := range r.findings {
			if v.Policy == "resource-tags-required" {
				tagged++
			}
		}
		t.Logf("dev with the config: %d findings, %d of them resource-tags-required", len(findingKeys(r.findings)), tagged)
		if tagged < 100 {
			t.Errorf("the real engine found %d resources without DataClassification; want every taggable one", tagged)
		}
		sameSet(t, "policy findings of dev under a version 2 config", findingKeys(r.findings), findingKeys(off.Violations))
	})

	t.Run("preview of prod fails before dev exists", func(t *testing.T) {
		prod := e.stack(t, "prod", program(nil))
		_, err := e.preview(t, prod)
		if err == nil || !strings.Contains(err.Error(), "ml-platform:promotion") {
			t.Fatalf("prod's preview with no dev stack: want an error naming ml-platform:promotion, got %v", err)
		}
	})

	// Pulumi.yaml (generated from the declarations) declares costCenter
	// without a default and every key's type: the CLI refuses a stack
	// without it, or with a value of another type, and cmd/offline says
	// the same words.
	for _, c := range []struct {
		name, stack string
		edit        func(lines []string) []string
	}{
		{"a missing costCenter is refused in the CLI's words", "costless", func(lines []string) []string {
			var kept []string
			for _, line := range lines {
				if !strings.HasPrefix(line, "  ml-platform:costCenter:") {
					kept = append(kept, line)
				}
			}
			return kept
		}},
		{"an area that is not an object is refused in the CLI's words", "typeless", func(lines []string) []string {
			return append(lines, "  ml-platform:observability: high")
		}},
		{"a string key given an object is refused in the CLI's words", "objectful", func(lines []string) []string {
			return append(lines, "  ml-platform:compliance:", "    profile: hipaa")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(e.project, "Pulumi.dev.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			body := strings.Join(c.edit(strings.Split(strings.TrimRight(string(data), "\n"), "\n")), "\n") + "\n"
			s := e.stackFile(t, c.stack, body, program(nil))
			_, cliErr := e.preview(t, s)
			if cliErr == nil {
				t.Fatalf("the CLI previewed the stack (%s)", c.name)
			}
			path := filepath.Join(e.scratch, "Pulumi."+c.stack+".yaml")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			project, err := offline.LoadProject(e.project)
			if err != nil {
				t.Fatal(err)
			}
			values, err := offline.LoadStackConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			_, offErr := offline.Preview(offline.Options{Project: project, Stack: c.stack, Values: values, Dir: e.project})
			if offErr == nil || !strings.Contains(cliErr.Error(), offErr.Error()) {
				t.Fatalf("cmd/offline says %v; the CLI says:\n%v", offErr, cliErr)
			}
		})
	}

	t.Run("up refuses the shipped placeholder", func(t *testing.T) {
		_, err := dev.Up(context.Background())
		if err == nil {
			t.Fatal("up of the shipped dev stack file succeeded; it holds a documentation range as publicAccessCidrs")
		}
		if !strings.Contains(err.Error(), "ml-platform:cluster.publicAccessCidrs") {
			t.Fatalf("up refused the placeholder without naming its key: %v", err)
		}
	})

	t.Run("up of dev, then preview of prod reads dev through the backend", func(t *testing.T) {
		setConfig(t, dev, "ml-platform:cluster.publicAccessCidrs[0]", "198.18.0.0/24")
		// An alert address set as a secret, by path, as docs/configuration.md (Secret values) says to.
		const secretEmail = "ml-alerts@acme-corp.io"
		if err := dev.SetConfigWithOptions(context.Background(), "ml-platform:cost.alertEmails[0]",
			auto.ConfigValue{Value: secretEmail, Secret: true}, &auto.ConfigOptions{Path: true}); err != nil {
			t.Fatal(err)
		}
		// Update plans (preview --save-plan, up --plan) cannot carry this
		// program: in an update the Go SDK rehydrates the resource
		// references among pulumi-eks's outputs (the node role, the
		// control-plane security group) through the pulumi:pulumi:getResource
		// invoke, which loads the engine's builtin default provider, a
		// resource no preview plans; the update is refused. The workflows
		// preview with the pack right before up instead (docs/cicd.md, "The
		// update is the one judged"). If this starts passing, plans have
		// become usable.
		plan := filepath.Join(e.scratch, "dev-plan.json")
		if pr, err := e.preview(t, dev, optpreview.Plan(plan)); err != nil {
			t.Fatalf("preview --save-plan of dev: %v\n%s", err, strings.Join(pr.diagnoses, "\n"))
		}
		_, err := dev.Up(context.Background(), optup.PolicyPacks(e.pack), optup.Plan(plan))
		if err == nil || !strings.Contains(err.Error(), "create is not allowed by the plan") {
			t.Errorf("up --plan of dev: want the plan to refuse the builtin provider, got %v", err)
		}

		r, ch, wg := newRun()
		res, err := dev.Up(context.Background(), optup.PolicyPacks(e.pack), optup.EventStreams(ch))
		drain(wg, err)
		if err != nil {
			t.Fatalf("up of dev: %v\n%s", err, strings.Join(r.diagnoses, "\n"))
		}
		// The checkpoint as the backend stores it (`stack export`, as the
		// Automation API runs it, decrypts secrets with --show-secrets).
		checkpoint, err := os.ReadFile(filepath.Join(e.stateDir, ".pulumi", "stacks", "ml-platform", "dev.json"))
		if err != nil {
			t.Fatal(err)
		}
		var stored struct {
			Checkpoint struct {
				Latest json.RawMessage `json:"latest"`
			} `json:"checkpoint"`
		}
		if err := json.Unmarshal(checkpoint, &stored); err != nil {
			t.Fatal(err)
		}
		state := struct{ Deployment json.RawMessage }{stored.Checkpoint.Latest}
		if strings.Contains(string(state.Deployment), secretEmail) {
			var doc struct {
				Resources []struct {
					URN     string         `json:"urn"`
					Inputs  map[string]any `json:"inputs"`
					Outputs map[string]any `json:"outputs"`
				} `json:"resources"`
			}
			_ = json.Unmarshal(state.Deployment, &doc)
			var where []string
			for _, r := range doc.Resources {
				for kind, props := range map[string]map[string]any{"inputs": r.Inputs, "outputs": r.Outputs} {
					for k, v := range props {
						if data, _ := json.Marshal(v); strings.Contains(string(data), secretEmail) {
							where = append(where, fmt.Sprintf("%s %s.%s", r.URN, kind, k))
						}
					}
				}
			}
			sort.Strings(where)
			t.Errorf("the secret alert address is in dev's state in the clear:\n  %s", strings.Join(where, "\n  "))
		}
		if !strings.Contains(string(state.Deployment), "ciphertext") {
			t.Errorf("dev's state holds no secret at all")
		}
		if _, ok := res.Outputs[platform.PromotionOutput]; !ok {
			t.Fatalf("dev exports no %q output after up; outputs: %v", platform.PromotionOutput, slices.Sorted(maps.Keys(res.Outputs)))
		}
		prod := e.stack(t, "prod", program(nil))
		pr, err := e.preview(t, prod)
		if err != nil {
			t.Fatalf("preview of prod after dev's up: %v\n%s", err, strings.Join(pr.diagnoses, "\n"))
		}
		if pr.steps["urn:pulumi:prod::ml-platform::pulumi:pulumi:StackReference::promotion-source"] == "" {
			t.Errorf("prod's preview read no stack reference promotion-source")
		}
		off := e.offlinePreview(t, "prod")
		t.Logf("prod: %d resources, %d findings under the real engine", len(pr.resources()), len(findingKeys(pr.findings)))
		sameSet(t, "planned resources of prod", pr.resources(), offlineResources(off))
		sameSet(t, "policy findings of prod", findingKeys(pr.findings), findingKeys(off.Violations))
	})

	// Once dev exists, stack rules see each resource's state (IDs, ARNs,
	// what the provider computed): the offline preview models that state.
	t.Run("preview of the deployed dev matches cmd/offline", func(t *testing.T) {
		r, err := e.preview(t, dev)
		if err != nil {
			t.Fatalf("preview of the deployed dev: %v\n%s", err, strings.Join(r.diagnoses, "\n"))
		}
		// The builtin provider an update loaded to rehydrate references
		// (above) shows as a delete in every preview: not a change of the
		// program's.
		builtin := "urn:pulumi:dev::ml-platform::pulumi:providers:pulumi::default"
		delete(r.steps, builtin)
		changed := 0
		for _, op := range r.steps {
			if op != "same" && op != "read" {
				changed++
			}
		}
		t.Logf("deployed dev: %d resources, %d not unchanged", len(r.steps), changed)
		if changed > 0 {
			var ops []string
			for urn, op := range r.steps {
				if op != "same" && op != "read" {
					ops = append(ops, op+" "+urn)
				}
			}
			sort.Strings(ops)
			t.Errorf("a preview right after up plans changes (the program is not stable across runs):\n  %s", strings.Join(ops, "\n  "))
		}
		dev := e.offlinePreview(t, "dev")
		sameSet(t, "policy findings of the deployed dev", findingKeys(r.findings), findingKeys(dev.Violations))
	})

	t.Run("the pack fails a preview with key rotation off", func(t *testing.T) {
		noRotation := func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if args.Type == "aws:kms/key:Key" {
				args.Props["enableKeyRotation"] = pulumi.Bool(false)
				return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
			}
			return nil
		}
		mutated := e.stack(t, "dev", program(noRotation))
		r, err := e.preview(t, mutated)
		if err == nil {
			t.Fatal("preview with key rotation off passed the pack")
		}
		var fired bool
		for _, v := range r.findings {
			fired = fired || v.Policy == "kms-key-rotation-enabled" && v.EnforcementLevel == rules.Mandatory
		}
		if !fired {
			t.Fatalf("preview failed (%v) without a mandatory kms-key-rotation-enabled finding; findings: %v", err, findingKeys(r.findings))
		}
	})

	// Day 2: prod promoted dev's models into its own bucket; destroying
	// dev must not take them away. After dev is gone, prod plans from its
	// own last promotion (promotedFrom) and changes nothing.
	prod := e.stack(t, "prod", program(nil))
	t.Run("up of prod promotes dev's models", func(t *testing.T) {
		setConfig(t, prod, "ml-platform:cluster.deployerCidrs[0]", "10.30.0.0/16")
		res, err := prod.Up(context.Background(), optup.PolicyPacks(e.pack))
		if err != nil {
			t.Fatalf("up of prod: %v", err)
		}
		if _, ok := res.Outputs[platform.PromotedFromOutput]; !ok {
			t.Fatalf("prod exports no %s after up", platform.PromotedFromOutput)
		}
	})

	t.Run("destroy of dev completes", func(t *testing.T) {
		if _, err := dev.Destroy(context.Background(), optdestroy.Remove()); err != nil {
			t.Fatalf("destroy of dev: %v", err)
		}
	})

	t.Run("prod keeps serving its copies once dev is gone", func(t *testing.T) {
		// A reference to a removed stack fails the whole preview: the
		// program cannot catch it.
		if _, err := e.preview(t, prod); err == nil || !strings.Contains(err.Error(), `unknown stack "organization/ml-platform/dev"`) {
			t.Fatalf("preview of prod with dev removed: want the engine's unknown stack error, got %v", err)
		}
		// promotion.keepLast: plan from prod's own last promotion.
		if err := prod.SetConfigWithOptions(context.Background(), "ml-platform:promotion.keepLast",
			auto.ConfigValue{Value: "true"}, &auto.ConfigOptions{Path: true}); err != nil {
			t.Fatal(err)
		}
		r, err := e.preview(t, prod)
		if err != nil {
			t.Fatalf("preview of prod with keepLast: %v\n%s", err, strings.Join(r.diagnoses, "\n"))
		}
		delete(r.steps, "urn:pulumi:prod::ml-platform::pulumi:providers:pulumi::default")
		var changed []string
		for urn, op := range r.steps {
			retainedCopy := op == "delete" && r.types[urn] == "aws:s3/objectCopy:ObjectCopy" // RetainOnDelete: the object stays
			sourceRead := r.types[urn] == "pulumi:pulumi:StackReference" && strings.HasSuffix(urn, "::promotion-source")
			if op != "same" && op != "read" && !retainedCopy && !sourceRead {
				changed = append(changed, op+" "+urn)
			}
		}
		sort.Strings(changed)
		if len(changed) > 0 {
			t.Errorf("with dev gone, prod would change:\n  %s", strings.Join(changed, "\n  "))
		}
		if r.steps["urn:pulumi:prod::ml-platform::pulumi:pulumi:StackReference::promotion-kept"] == "" {
			t.Errorf("prod did not read its own last promotion (promotion-kept)")
		}
		if _, err := prod.Destroy(context.Background(), optdestroy.Remove()); err == nil {
			t.Errorf("prod's protected resources were destroyed")
		}
	})
}
