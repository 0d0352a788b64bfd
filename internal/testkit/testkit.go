// Package testkit holds the helpers the component tests share: running a
// program under the recording mock and picking one registration.
package testkit

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/engine/mock"
)

// Run runs a program as the component tests do: project ml-platform,
// stack test, region us-east-1, no configuration, as an update (outputs
// known).
func Run(t testing.TB, program pulumi.RunFunc) (*mock.Recorder, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	return rec, rec.Run(program, nil)
}

// One is the one registration of type typ; the test fails unless there is
// exactly one.
func One(t testing.TB, rec *mock.Recorder, typ string) *mock.Registered {
	t.Helper()
	rs := rec.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("%d registrations of %s, want 1", len(rs), typ)
	}
	return rs[0]
}
