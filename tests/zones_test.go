package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/platform"
)

// shuffled is an account where us-east-1a is use1-az3 (EKS refuses
// control-plane subnets there) and the other names are shifted.
var shuffled = map[string]string{
	"us-east-1a": "use1-az3", "us-east-1b": "use1-az1", "us-east-1c": "use1-az2",
	"us-east-1d": "use1-az4", "us-east-1e": "use1-az6", "us-east-1f": "use1-az5",
}

// runZones runs the dev program in an account with the given zone IDs,
// the network config changed by change; it returns the recorder and the
// program's error.
func runZones(t *testing.T, zoneIDs map[string]string, serviceZones map[string][]string, change func(map[string]any)) (*mock.Recorder, error) {
	t.Helper()
	project, values := shipped(t, "dev")
	var n map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:network"]), &n))
	if change != nil {
		change(n)
	}
	raw, err := json.Marshal(n)
	require.NoError(t, err)
	values["ml-platform:network"] = string(raw)
	rec := mock.NewRecorder(project.Name, "dev", "us-east-1")
	rec.DryRun, rec.ZoneIDs, rec.EndpointServiceZones = true, zoneIDs, serviceZones
	return rec, rec.Run(platform.Run, offline.Merge(project.Defaults, values))
}

func subnetZones(rec *mock.Recorder) []string {
	var out []string
	for _, s := range rec.ByType("aws:ec2/subnet:Subnet") {
		if strings.HasPrefix(s.Name, "network-private-") {
			out = append(out, mock.String(s.Inputs, "availabilityZone"))
		}
	}
	return out
}

// TestZonesChosenByID: zones are chosen by zone ID, never use1-az3, which
// a name may map to in any account.
func TestZonesChosenByID(t *testing.T) {
	rec, err := runZones(t, shuffled, nil, nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"us-east-1b", "us-east-1c"}, subnetZones(rec), "use1-az1 and use1-az2, not us-east-1a (use1-az3)")

	// Pinned by ID: the same physical zones in every account.
	rec, err = runZones(t, shuffled, nil, func(n map[string]any) { n["availabilityZoneIds"] = []string{"use1-az4", "use1-az6"} })
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"us-east-1d", "us-east-1e"}, subnetZones(rec))

	// A pinned name or ID EKS refuses, before anything is registered.
	rec, err = runZones(t, shuffled, nil, func(n map[string]any) { n["availabilityZones"] = []string{"us-east-1a", "us-east-1b"} })
	require.ErrorContains(t, err, "ml-platform:network.availabilityZones[0]: us-east-1a is zone use1-az3 in this account, where EKS refuses control-plane subnets")
	require.Empty(t, rec.ByType("aws:ec2/vpc:Vpc"))
	_, err = runZones(t, shuffled, nil, func(n map[string]any) { n["availabilityZoneIds"] = []string{"use1-az1", "use1-az3"} })
	require.ErrorContains(t, err, "ml-platform:network.availabilityZoneIds[1]: use1-az3 is zone use1-az3 in this account, where EKS refuses")
	_, err = runZones(t, shuffled, nil, func(n map[string]any) { n["availabilityZoneIds"] = []string{"use1-az1", "use1-az9"} })
	require.ErrorContains(t, err, `ml-platform:network.availabilityZoneIds[1]: "use1-az9" is not available in this account and region; allowed: use1-az1, use1-az2, use1-az4, use1-az5, use1-az6`)
}

// TestEndpointServicesOfferedInTheZones: an interface endpoint whose
// service does not serve one of the chosen zones is refused, naming it.
func TestEndpointServicesOfferedInTheZones(t *testing.T) {
	rec, err := runZones(t, nil, map[string][]string{
		"com.amazonaws.us-east-1.sagemaker.api": {"us-east-1a", "us-east-1c", "us-east-1d"},
	}, nil)
	require.ErrorContains(t, err, "ml-platform:network.interfaceEndpoints: sagemaker.api is not offered in us-east-1b, one of the stack's zones; "+
		"it serves us-east-1a, us-east-1c, us-east-1d")
	require.Empty(t, rec.ByType("aws:ec2/vpc:Vpc"))

	// Pinning zones it serves fixes it.
	_, err = runZones(t, nil, map[string][]string{
		"com.amazonaws.us-east-1.sagemaker.api": {"us-east-1a", "us-east-1c", "us-east-1d"},
	}, func(n map[string]any) { n["availabilityZoneIds"] = []string{"use1-az1", "use1-az4"} })
	require.NoError(t, err)
}
