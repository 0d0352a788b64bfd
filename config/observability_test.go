package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/spec"
)

func TestObservabilityDefaults(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		s, err := Parse("ml-platform", stack, base())
		require.NoError(t, err)
		require.Equal(t, Observability{Alarms: spec.Alarms{EndpointErrorRatePercent: 5, EndpointP99LatencyMs: 1000, FSxFreePercent: 10,
			InterruptionBacklog: 10, IdleUtilizationPercent: 10, IdleHours: 3}}, s.Observability, "every stack has alarms, %s too", stack)
	}
	s, err := Parse("ml-platform", "dev", with(base(), KeyObservability, obj(map[string]any{"idleHours": 2, "endpointP99LatencyMs": 250})))
	require.NoError(t, err)
	require.Equal(t, 2, s.Observability.IdleHours)
	require.Equal(t, 250, s.Observability.EndpointP99LatencyMs)
}

func TestObservabilityErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"idleHours": 4}`: "ml-platform:observability.idleHours: 4; allowed: 1 to 3 (the idle alarm watches every node with a " +
			"Metrics Insights query, and such an alarm evaluates the latest 3 hours only)",
		`{"idleHours": 0}`:                 "ml-platform:observability.idleHours: 0; allowed: 1 to 3",
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

func TestPrometheusConfig(t *testing.T) {
	s, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.Nil(t, s.Observability.Prometheus, "off unless enabled")
	require.NotContains(t, s.Network.InterfaceEndpoints, "aps-workspaces")

	s, err = Parse("ml-platform", "prod", with(base(), KeyObservability, `{"prometheus": {"enabled": true}}`))
	require.NoError(t, err)
	require.Equal(t, &Prometheus{ScrapeIntervalSeconds: 60}, s.Observability.Prometheus)
	require.Contains(t, s.Network.InterfaceEndpoints, "aps-workspaces", "the workspace is reached privately")

	s, err = Parse("ml-platform", "prod", with(base(), KeyObservability, `{"prometheus": {"enabled": false, "scrapeIntervalSeconds": 5}}`))
	require.NoError(t, err, "a disabled collector's settings are not checked")
	require.Nil(t, s.Observability.Prometheus)

	// A CPU-only cluster has no exporter to scrape.
	cpuOnly := with(base(), KeyCluster, clusterObj(map[string]any{"karpenter": map[string]any{"enabled": false}}),
		KeyObservability, `{"prometheus": {"enabled": true}}`)
	_, err = Parse("ml-platform", "dev", cpuOnly)
	require.ErrorContains(t, err, "ml-platform:observability.prometheus.enabled: true, but no node group or Karpenter pool has NVIDIA GPUs")
	withTrainium := with(cpuOnly, KeyCluster, clusterObj(map[string]any{"karpenter": map[string]any{"enabled": false},
		"nodeGroups": nodeGroups(
			map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}},
			map[string]any{"name": "trn", "role": "training", "instanceTypes": []string{"trn1.32xlarge"}, "availabilityZone": "us-east-1b"},
		)}))
	// Trainium alone: the Neuron monitor is not scraped (HTTPS with a
	// self-signed certificate needs tls_config, which the managed collector
	// does not document), so there is still nothing to scrape.
	_, err = Parse("ml-platform", "dev", withTrainium)
	require.ErrorContains(t, err, "Neuron metrics reach CloudWatch through the add-on")

	for in, want := range map[string]string{
		`{"prometheus": {"enabled": true, "scrapeIntervalSeconds": 15}}`: "ml-platform:observability.prometheus.scrapeIntervalSeconds: 15; allowed: 30 to 3600",
		`{"prometheus": {"enabled": true, "interval": 60}}`:              "ml-platform:observability.prometheus.interval: unknown key",
	} {
		_, err := Parse("ml-platform", "prod", with(base(), KeyObservability, in))
		require.ErrorContains(t, err, want, in)
	}
}

func TestGrafanaConfig(t *testing.T) {
	prom := map[string]any{"enabled": true}
	s, err := Parse("ml-platform", "dev", with(base(), KeyObservability, obj(map[string]any{"prometheus": prom, "grafana": map[string]any{"enabled": true}})))
	require.NoError(t, err)
	require.Equal(t, &Grafana{AuthenticationProviders: []string{"AWS_SSO"}, GrafanaVersion: "10.4"}, s.Observability.Grafana)
	require.NotContains(t, s.Network.InterfaceEndpoints, "grafana-workspace", "dev reaches it from the internet")
	for in, want := range map[string]string{
		`{"enabled": true}`: "ml-platform:observability.grafana: its data source is the Prometheus workspace: enable ml-platform:observability.prometheus",
		`{"enabled": true, "authenticationProviders": ["OKTA"]}`: `ml-platform:observability.grafana.authenticationProviders[0]: "OKTA" is not an authentication provider; allowed: "AWS_SSO", "SAML"`,
		`{"enabled": true, "grafanaVersion": "7.5"}`:             `ml-platform:observability.grafana.grafanaVersion: "7.5" is not a Grafana version`,
		`{"enabled": true, "adminGroupIds": ["admins"]}`:         `ml-platform:observability.grafana.adminGroupIds[0]: "admins" is not an Identity Center group ID`,
	} {
		o := `{"grafana": ` + in + `}`
		if !strings.Contains(want, "its data source") {
			o = `{"prometheus": {"enabled": true}, "grafana": ` + in + `}`
		}
		_, err := Parse("ml-platform", "dev", with(base(), KeyObservability, o))
		require.ErrorContains(t, err, want, in)
	}
	_, err = Parse("ml-platform", "a-rather-long-stack-name-for-grafana-x", with(base(), KeyEnvironment, "dev", KeyObservability,
		obj(map[string]any{"prometheus": prom, "grafana": map[string]any{"enabled": true}})))
	require.ErrorContains(t, err, `ml-platform:observability.grafana: the stack's name makes the role name "ml-platform-a-rather-long-stack-name-for-grafana-x-grafana-rotator", longer than IAM's 64 characters`)
	group := "9067ec5a2b-1f3e4d5c-aaaa-bbbb-cccc-123456789012"
	_, err = Parse("ml-platform", "dev", with(base(), KeyObservability, obj(map[string]any{"prometheus": prom,
		"grafana": map[string]any{"enabled": true, "authenticationProviders": []string{"SAML"}, "adminGroupIds": []string{group}}})))
	require.ErrorContains(t, err, `ml-platform:observability.grafana.authenticationProviders: "SAML" without AWS_SSO, but adminGroupIds`)
	_, err = Parse("ml-platform", "dev", with(base(), KeyObservability, obj(map[string]any{"prometheus": prom,
		"grafana": map[string]any{"enabled": true, "adminGroupIds": []string{group}, "viewerGroupIds": []string{group}}})))
	require.ErrorContains(t, err, "ml-platform:observability.grafana.viewerGroupIds[0]: \""+group+"\" is in adminGroupIds too")

	prodCluster := clusterObj(map[string]any{"nodeGroups": []any{
		map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}},
		map[string]any{"name": "gpu", "role": "inference", "instanceTypes": []string{"g5.xlarge"}, "minSize": 2, "maxSize": 2}}})
	s, err = Parse("ml-platform", "prod", with(base(), KeyCluster, prodCluster, KeyObservability, obj(map[string]any{"prometheus": prom, "grafana": map[string]any{"enabled": true}})))
	require.NoError(t, err)
	require.True(t, s.Observability.Grafana.PrivateAccess, "prod reaches it through the VPC only")
	require.Contains(t, s.Network.InterfaceEndpoints, "grafana-workspace")
	require.Contains(t, s.Network.InterfaceEndpoints, "grafana", "the token rotation job's API calls stay in the VPC")
	_, err = Parse("ml-platform", "prod", with(base(), KeyCluster, prodCluster, KeyObservability, obj(map[string]any{"prometheus": prom,
		"grafana": map[string]any{"enabled": true, "privateAccess": false}})))
	require.ErrorContains(t, err, "ml-platform:observability.grafana.privateAccess: false is weaker than prod allows")
}
