package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestObservabilityDefaults(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		s, err := Parse("ml-platform", stack, base())
		require.NoError(t, err)
		require.Equal(t, Observability{EndpointErrorRatePercent: 5, EndpointP99LatencyMs: 1000, FSxFreePercent: 10,
			InterruptionBacklog: 10, IdleUtilizationPercent: 10, IdleHours: 3}, s.Observability, "every stack has alarms, %s too", stack)
	}
	s, err := Parse("ml-platform", "dev", with(base(), KeyObservability, obj(map[string]any{"idleHours": 8, "endpointP99LatencyMs": 250})))
	require.NoError(t, err)
	require.Equal(t, 8, s.Observability.IdleHours)
	require.Equal(t, 250, s.Observability.EndpointP99LatencyMs)
}

func TestObservabilityErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"idleHours": 25}`:                "ml-platform:observability.idleHours: 25; allowed: 1 to 24 (a CloudWatch alarm evaluates at most one day)",
		`{"idleHours": 0}`:                 "ml-platform:observability.idleHours: 0; allowed: 1 to 24",
		`{"fsxFreePercent": 100}`:          "ml-platform:observability.fsxFreePercent: 100; allowed: above 0 and below 100 (percent)",
		`{"endpointErrorRatePercent": 0}`:  "ml-platform:observability.endpointErrorRatePercent: 0; allowed: above 0 and below 100",
		`{"endpointP99LatencyMs": 120000}`: "ml-platform:observability.endpointP99LatencyMs: 120000; allowed: 1 to 60000",
		`{"interruptionBacklog": 0}`:       "ml-platform:observability.interruptionBacklog: 0; allowed: 1 or more messages",
		`{"idleHour": 3}`:                  "ml-platform:observability.idleHour: unknown key",
	} {
		_, err := Parse("ml-platform", "dev", with(base(), KeyObservability, in))
		require.ErrorContains(t, err, want, in)
	}
}
