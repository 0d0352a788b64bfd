package workloads_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/workloads"
)

func scheduling(t *testing.T, key string) *catalog.ChartScheduling {
	t.Helper()
	c, ok := catalog.LookupChart(key)
	require.True(t, ok)
	require.NotNil(t, c.Scheduling, key)
	return c.Scheduling
}

var (
	gpuTaint    = []workloads.NodeTaint{{Key: conventions.TaintNvidiaGPU, Value: "true", Effect: "NoSchedule"}}
	neuronTaint = []workloads.NodeTaint{{Key: conventions.TaintNeuron, Value: "true", Effect: "NoSchedule"}}
)

// TestChartDefaultsScheduleNowhereOnPlainNodes: what the issue found. With
// its default values the NVIDIA device plugin needs an NFD label or
// nvidia.com/gpu.present, and the EFA plugin an instance type from its list.
func TestChartDefaultsScheduleNowhereOnPlainNodes(t *testing.T) {
	p, err := workloads.Render(scheduling(t, "nvidia-device-plugin"), map[string]any{})
	require.NoError(t, err)
	ok, why := p.Admits(map[string]string{conventions.LabelAccelerator: "nvidia-gpu"}, gpuTaint)
	require.False(t, ok)
	require.Equal(t, "no required node-affinity term matches", why)
	ok, _ = p.Admits(map[string]string{conventions.LabelNvidiaGPUPresent: "true"}, gpuTaint)
	require.True(t, ok, "the label the platform puts on NVIDIA nodes")

	dcgm, err := workloads.Render(scheduling(t, "dcgm-exporter"), map[string]any{})
	require.NoError(t, err)
	ok, why = dcgm.Admits(map[string]string{conventions.LabelNvidiaGPUPresent: "true"}, gpuTaint)
	require.False(t, ok, "DCGM's defaults do not tolerate the GPU taint")
	require.Contains(t, why, "taint nvidia.com/gpu=true:NoSchedule is not tolerated")
	ok, _ = dcgm.Admits(map[string]string{}, nil)
	require.True(t, ok, "and land on every untainted node, CPU nodes included")
}

func TestHelmMergeRules(t *testing.T) {
	s := scheduling(t, "aws-efa-k8s-device-plugin")
	p, err := workloads.Render(s, map[string]any{
		"supportedInstanceLabels": map[string]any{"keys": []any{conventions.LabelEFA}, "values": []any{"true"}},
		"tolerations":             []any{map[string]any{"key": conventions.TaintNeuron, "operator": "Exists", "effect": "NoSchedule"}},
		"nodeSelector":            map[string]any{"team": "ml"},
	})
	require.NoError(t, err)
	efaNode := map[string]string{conventions.LabelEFA: "true", "team": "ml"}
	ok, _ := p.Admits(efaNode, neuronTaint)
	require.True(t, ok)
	ok, why := p.Admits(efaNode, gpuTaint)
	require.False(t, ok, "tolerations replace the list: only what is given, plus the template's fixed ones")
	require.Contains(t, why, "nvidia.com/gpu")
	ok, _ = p.Admits(map[string]string{conventions.LabelEFA: "true", "team": "ml"}, []workloads.NodeTaint{{Key: "CriticalAddonsOnly", Effect: "NoSchedule"}})
	require.True(t, ok, "the template's fixed toleration stays")
	ok, _ = p.Admits(map[string]string{conventions.LabelEFA: "true", "team": "ml", "eks.amazonaws.com/compute-type": "auto"}, nil)
	require.False(t, ok, "the template's fixed compute-type expression stays")
	ok, why = p.Admits(map[string]string{conventions.LabelEFA: "true"}, nil)
	require.False(t, ok)
	require.Contains(t, why, "nodeSelector team=ml")

	_, err = workloads.Render(s, map[string]any{"tolerations": "none"})
	require.ErrorContains(t, err, "want a list")
}

// TestReleasesSelectTheirHardware renders the platform's own releases
// against nodes labelled as the cluster component labels them.
func TestReleasesSelectTheirHardware(t *testing.T) {
	nvidia := map[string]string{conventions.LabelAccelerator: "nvidia-gpu", conventions.LabelNvidiaGPUPresent: "true"}
	efaGPU := map[string]string{conventions.LabelAccelerator: "nvidia-gpu", conventions.LabelNvidiaGPUPresent: "true", conventions.LabelEFA: "true"}
	trainium := map[string]string{conventions.LabelAccelerator: "aws-trainium", conventions.LabelEFA: "true"}
	inferentia := map[string]string{conventions.LabelAccelerator: "aws-inferentia"}
	cpu := map[string]string{conventions.LabelAccelerator: "none", conventions.LabelWorkloadType: "system"}
	type node struct {
		labels map[string]string
		taints []workloads.NodeTaint
	}
	nodes := map[string]node{"nvidia": {nvidia, gpuTaint}, "efa-gpu": {efaGPU, gpuTaint}, "trainium": {trainium, neuronTaint},
		"inferentia": {inferentia, neuronTaint}, "cpu": {cpu, nil}}
	want := map[string][]string{
		"nvidia-device-plugin":      {"efa-gpu", "nvidia"},
		"dcgm-exporter":             {"efa-gpu", "nvidia"},
		"neuron":                    {"inferentia", "trainium"},
		"aws-efa-k8s-device-plugin": {"efa-gpu", "trainium"},
	}
	releases := workloads.AcceleratorReleases(true, true, true)
	require.Len(t, releases, len(want))
	for _, r := range releases {
		p, err := workloads.Render(scheduling(t, r.Chart), r.Values)
		require.NoError(t, err)
		var got []string
		for _, name := range []string{"cpu", "efa-gpu", "inferentia", "nvidia", "trainium"} {
			if ok, _ := p.Admits(nodes[name].labels, nodes[name].taints); ok {
				got = append(got, name)
			}
		}
		require.Equal(t, want[r.Chart], got, "%s runs exactly where its hardware is", r.Chart)
	}
}

// TestNeuronSchedulerExtensionOff: the extension only acts for pods that
// name its scheduler, which none of the platform's does, so the chart
// installs no scheduler at all (catalog.NeuronSchedulerSource).
func TestNeuronSchedulerExtensionOff(t *testing.T) {
	for _, r := range workloads.AcceleratorReleases(false, true, false) {
		if r.Chart != "neuron" {
			continue
		}
		for _, key := range []string{"scheduler", "defaultScheduler"} {
			v, ok := r.Values[key].(map[string]any)
			require.True(t, ok, key)
			require.Equal(t, false, v["enabled"], key)
		}
		return
	}
	t.Fatal("no neuron release")
}
