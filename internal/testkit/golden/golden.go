// Package golden compares test output with files under testdata/, and
// rewrites them when tests run with -update (review the diff before committing).
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/ instead of comparing")

// Assert compares got with testdata/<name>, or writes it with -update.
func Assert(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the test with -update and review the diff")
	if string(want) != string(got) {
		t.Fatalf("golden file %s differs at line %s\nif the change is intended, run the test with -update and review the diff", path, firstDifference(string(want), string(got)))
	}
}

// firstDifference describes the first differing line, so a failure stays readable.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("%d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return "(none)"
}

// AssertJSON indents a compact JSON document and compares it like Assert,
// so golden policy documents read well in review.
func AssertJSON(t testing.TB, name, doc string) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, []byte(doc), "", "  "), "not JSON: %s", doc)
	out.WriteByte('\n')
	Assert(t, name, out.Bytes())
}
