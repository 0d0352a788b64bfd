package offline

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ml-platform/ml-platform/access"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// AccessReport is what `offline access --json` prints: the declared flows
// with their decisions, and the answers to --query requests.
type AccessReport struct {
	Stack   string             `json:"stack"`
	Flows   []rules.FlowResult `json:"flows"`
	Answers []access.Result    `json:"answers,omitempty"`
}

func accessCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("access", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStackFlags(fs)
	query := fs.String("query", "", "a JSON list of {principal, action, resource, context} requests to answer")
	if !sf.parse("access", fs, args, stderr) {
		return exitBadInput
	}
	asJSON := sf.asJSON
	var requests []access.Request
	if *query != "" {
		data, err := os.ReadFile(*query)
		if err != nil {
			fmt.Fprintf(stderr, "--query: %v\n", err)
			return exitBadInput
		}
		if requests, err = ParseQuery(data); err != nil {
			fmt.Fprintf(stderr, "--query %s: %v\n", *query, err)
			return exitBadInput
		}
	}
	res, _, code := previewStack(sf.input(), *sf.dir, sf.refs, stderr, func(o *Options) { o.AccountRoles = sf.roles })
	if code != exitClean {
		return code
	}
	rs := PolicyResources(res.Registered)
	report := AccessReport{Stack: res.Stack, Flows: rules.EvaluateFlows(rs)}
	if len(requests) > 0 {
		w := rules.NewWorld(rs)
		for _, q := range requests {
			report.Answers = append(report.Answers, w.Evaluate(q))
		}
	}
	if *asJSON {
		if code := writeJSON(stdout, stderr, report); code != exitClean {
			return code
		}
	} else {
		report.WriteText(stdout, requests)
	}
	for _, f := range report.Flows {
		if !f.Holds && f.Decision != access.Undecided {
			return exitMandatory
		}
	}
	return exitClean
}

// ParseQuery reads a --query file: a JSON list of requests. Each needs a
// principal, an action and a resource; the message names the entry.
func ParseQuery(data []byte) ([]access.Request, error) {
	var reqs []access.Request
	if err := json.Unmarshal(data, &reqs); err != nil {
		return nil, fmt.Errorf("want a JSON list of {\"principal\", \"action\", \"resource\", \"context\"}: %w", err)
	}
	for i, r := range reqs {
		switch {
		case r.Principal == "":
			return nil, fmt.Errorf("request %d: principal is required (a role or user ARN, service:<name>, account:<id>)", i)
		case r.Action == "":
			return nil, fmt.Errorf("request %d: action is required (service:Action)", i)
		case r.Resource == "":
			return nil, fmt.Errorf("request %d: resource is required (an ARN)", i)
		}
		if _, err := access.ParsePrincipal(r.Principal); err != nil {
			return nil, fmt.Errorf("request %d: %w", i, err)
		}
	}
	return reqs, nil
}

// WriteText prints the matrix: one line per flow with its decision, then
// the statements or reasons behind each request that did not go as
// declared, then the answers to the queries.
func (a AccessReport) WriteText(w io.Writer, queries []access.Request) {
	held := 0
	for _, f := range a.Flows {
		if f.Holds {
			held++
		}
	}
	fmt.Fprintf(w, "Access flows of stack %s: %d declared, %d as intended\n", a.Stack, len(a.Flows), held)
	component := ""
	for _, f := range a.Flows {
		if f.Component != component {
			component = f.Component
			fmt.Fprintf(w, "\n%s\n", component)
		}
		mark := "ok  "
		switch {
		case f.Decision == access.Undecided:
			mark = "??  "
		case !f.Holds:
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %-6s %-14s %s\n", mark, f.Expect, f.Decision, f.Name)
		if f.Holds {
			continue
		}
		for _, r := range f.Requests {
			fmt.Fprintf(w, "         %s %s %s -> %s\n", shortPrincipal(r.Request.Principal), r.Request.Action, r.Request.Resource, r.Result.Decision)
			for _, s := range r.Result.Statements {
				fmt.Fprintf(w, "           by %s\n", shortURNs(s))
			}
			for _, s := range r.Result.Reasons {
				fmt.Fprintf(w, "           %s\n", s)
			}
		}
	}
	for i, ans := range a.Answers {
		q := queries[i]
		fmt.Fprintf(w, "\nquery %d: %s %s %s -> %s\n", i, q.Principal, q.Action, q.Resource, ans.Decision)
		for _, s := range ans.Statements {
			fmt.Fprintf(w, "  by %s\n", shortURNs(s))
		}
		for _, s := range ans.Reasons {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
}

// urnPrefix is the stack and project part of a URN.
var urnPrefix = regexp.MustCompile(`urn:pulumi:[^:]+::[^:]+::`)

// shortURNs drops the stack and project from every URN in s.
func shortURNs(s string) string { return urnPrefix.ReplaceAllString(s, "") }

func shortPrincipal(p string) string {
	if i := strings.LastIndex(p, ":role/"); i >= 0 {
		return "role/" + filepath.Base(p[i+len(":role/"):])
	}
	return p
}
