package config

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQueuesConfig(t *testing.T) {
	s, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Nil(t, s.Cluster.Queues, "off unless a stack turns it on")
	s, err = Parse("ml-platform", "dev", with(base(), KeyCluster, clusterObj(map[string]any{
		"queues": map[string]any{"enabled": true, "teams": []string{"research"}}})))
	require.NoError(t, err)
	require.Equal(t, &Queues{Teams: []string{"research"}, Preemption: "LowerPriority"}, s.Cluster.Queues)
	for in, want := range map[string]string{
		`{"enabled": true, "preemption": "Any"}`:                    `ml-platform:cluster.queues.preemption: "Any" is not a preemption policy; allowed: "LowerOrNewerEqualPriority", "LowerPriority", "Never"`,
		`{"enabled": true, "teams": ["a", "a"]}`:                    `ml-platform:cluster.queues.teams[1]: "a" is listed twice`,
		`{"enabled": true, "teams": ["Vision"]}`:                    `ml-platform:cluster.queues.teams[0]: "Vision" is not a team name`,
		`{"enabled": true, "teams": ["` + string(make58()) + `x"]}`: `is not a team name; allowed: lowercase letters, digits and dashes, at most 58`,
	} {
		_, err := Parse("ml-platform", "dev", with(base(), KeyCluster, clusterObj(map[string]any{"queues": json.RawMessage(in)})))
		require.ErrorContains(t, err, want, in)
	}
	_, err = Parse("ml-platform", "dev", with(base(), KeyCluster, clusterObj(map[string]any{
		"karpenter": map[string]any{"enabled": false}, "queues": map[string]any{"enabled": true}})))
	require.ErrorContains(t, err, "ml-platform:cluster.queues: admits work to Karpenter's pools: enable ml-platform:cluster.karpenter, or turn queues off")
}

// make58 is the longest team name: team-<58> is a 63-character namespace.
func make58() []byte {
	b := make([]byte, 58)
	for i := range b {
		b[i] = 'a'
	}
	return b
}
