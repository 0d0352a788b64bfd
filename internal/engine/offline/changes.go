package offline

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// A reviewed promotion must be the update that runs: update plans
// (`pulumi preview --save-plan`, `up --plan`) refuse this program (the
// real-engine test, tests/engine, shows why), so promote.yml keeps the
// change set of the reviewed preview (`pulumi preview --json`) and, right
// before `pulumi up`, previews again and compares: a change set that moved
// while the plan waited for review stops the update.

// change is one step of a preview: what happens to which resource and
// which properties make it happen.
type change struct {
	Op      string   `json:"op"`
	URN     string   `json:"urn"`
	Diff    []string `json:"diffReasons,omitempty"`
	Replace []string `json:"replaceReasons,omitempty"`
}

func (c change) String() string {
	s := c.Op + " " + c.URN
	if keys := append(slices.Clone(c.Replace), c.Diff...); len(keys) > 0 {
		slices.Sort(keys)
		s += " [" + strings.Join(slices.Compact(keys), ", ") + "]"
	}
	return s
}

// readChanges reads the steps of a `pulumi preview --json` document (the
// CLI's display.PreviewDigest: steps[].op, urn, diffReasons,
// replaceReasons) that change something: not same, nor the reads of stack
// references and data the engine repeats on every run.
func readChanges(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Steps *[]change `json:"steps"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not the output of `pulumi preview --json`: %w", path, err)
	}
	if doc.Steps == nil {
		// An empty preview has no steps key; anything else is not a preview.
		var top map[string]json.RawMessage
		if json.Unmarshal(data, &top) != nil || top["changeSummary"] == nil {
			return nil, fmt.Errorf("%s: not the output of `pulumi preview --json` (no steps, no changeSummary)", path)
		}
		return []string{}, nil
	}
	out := []string{}
	for _, c := range *doc.Steps {
		switch c.Op {
		case "same", "read", "refresh", "":
			continue
		}
		out = append(out, c.String())
	}
	slices.Sort(out)
	return out, nil
}

// changesCmd prints a preview's change set, or compares the current one
// with the reviewed one.
func changesCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("changes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reviewed := fs.String("reviewed", "", "`pulumi preview --json` output that was reviewed")
	current := fs.String("current", "", "`pulumi preview --json` output of now, to compare with --reviewed")
	if err := fs.Parse(args); err != nil || *reviewed == "" {
		fmt.Fprintf(stderr, "changes needs --reviewed FILE\n%s", usage)
		return exitBadInput
	}
	want, err := readChanges(*reviewed)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	if *current == "" {
		fmt.Fprintf(stdout, "%d change(s)\n", len(want))
		for _, c := range want {
			fmt.Fprintf(stdout, "  %s\n", c)
		}
		return exitClean
	}
	got, err := readChanges(*current)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	var gone, added []string
	for _, c := range want {
		if !slices.Contains(got, c) {
			gone = append(gone, c)
		}
	}
	for _, c := range got {
		if !slices.Contains(want, c) {
			added = append(added, c)
		}
	}
	if len(gone)+len(added) == 0 {
		fmt.Fprintf(stdout, "the update makes the %d reviewed change(s)\n", len(want))
		return exitClean
	}
	fmt.Fprintf(stdout, "the update no longer makes the reviewed changes; review again:\n")
	for _, c := range gone {
		fmt.Fprintf(stdout, "  reviewed, not planned now: %s\n", c)
	}
	for _, c := range added {
		fmt.Fprintf(stdout, "  planned now, not reviewed: %s\n", c)
	}
	return exitMandatory
}
