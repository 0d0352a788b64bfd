// Package golden compares test output with files under testdata/, and
// rewrites them when tests run with -update (review the diff before committing).
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
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
	require.Equal(t, string(want), string(got), "golden file %s differs; if the change is intended, run with -update and review the diff", path)
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
