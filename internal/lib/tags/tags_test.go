package tags

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

func TestWithDoesNotMutateBase(t *testing.T) {
	base := map[string]string{"Team": "ml", "Name": "base"}
	got := With(base, "Name", "vpc", "Tier", "private")
	require.Equal(t, pulumi.StringMap{"Team": pulumi.String("ml"), "Name": pulumi.String("vpc"), "Tier": pulumi.String("private")}, got)
	require.Equal(t, map[string]string{"Team": "ml", "Name": "base"}, base)
	require.Panics(t, func() { With(base, "odd") }) //nolint:staticcheck // SA5012: the odd count is what the test passes
}

func TestMerge(t *testing.T) {
	base := map[string]string{"a": "1"}
	got := Merge(base, map[string]string{"a": "2", "b": "3"})
	require.Equal(t, map[string]string{"a": "2", "b": "3"}, got)
	require.Equal(t, map[string]string{"a": "1"}, base)
}
