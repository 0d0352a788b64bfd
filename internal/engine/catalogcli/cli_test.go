package catalogcli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRecommendTraining(t *testing.T) {
	code, out, errOut := run("recommend", "--workload", "training", "--model-size-gb", "140", "--distributed")
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{
		"Rule: training: 140 GB of weights x 8",
		"Ranked by on-demand price an hour (all nodes):",
		"3 x p5.48xlarge: 8 x NVIDIA H100 with 80 GB each",
		"usually only through a capacity reservation or Capacity Block",
		"Skipped:",
		"g5.xlarge          needs 61 nodes but has no EFA to connect them",
		"inf2.48xlarge      Inferentia serves models; it does not train them",
	} {
		require.Contains(t, out, want)
	}
}

// TestRecommendSaysWhenReservationsAreNeeded: p5 is marked, p4d is not.
func TestRecommendSaysWhenReservationsAreNeeded(t *testing.T) {
	code, out, _ := run("recommend", "--workload", "training", "--model-size-gb", "140", "--distributed", "--json", "--top", "0")
	require.Equal(t, 0, code)
	var doc struct {
		Ranked []struct {
			InstanceType       string `json:"instanceType"`
			ReservationUsually bool   `json:"reservationUsually"`
		} `json:"ranked"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	seen := map[string]bool{}
	for _, c := range doc.Ranked {
		seen[c.InstanceType] = true
		family, _, _ := strings.Cut(c.InstanceType, ".")
		want := family == "p5" || family == "p5en" || family == "p4de" || family == "p5e" || family == "p6" || family == "trn2"
		require.Equal(t, want, c.ReservationUsually, c.InstanceType)
	}
	require.True(t, seen["p5.48xlarge"] && seen["p4d.24xlarge"], "%v", seen)
}

func TestRecommendJSON(t *testing.T) {
	code, out, _ := run("recommend", "--workload", "inference", "--model-size-gb", "14", "--json")
	require.Equal(t, 0, code)
	var doc struct {
		Rule   string
		Ranked []struct {
			InstanceType string
			Nodes        int
			UsdPerHour   float64
			Why          string
		}
		Skipped []struct{ InstanceType, Why string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.NotEmpty(t, doc.Ranked)
	require.Equal(t, 1, doc.Ranked[0].Nodes)
	require.NotEmpty(t, doc.Skipped)
}

func TestRecommendNothingFits(t *testing.T) {
	code, out, _ := run("recommend", "--workload", "inference", "--model-size-gb", "2000")
	require.Equal(t, 0, code)
	require.Contains(t, out, "No catalogued type holds it under these constraints; why each was skipped:")
	require.Contains(t, out, "one node has")
}

func TestRecommendBadInput(t *testing.T) {
	for args, want := range map[string]string{
		"recommend --workload serving --model-size-gb 1":                    `--workload "serving"; allowed: training, inference`,
		"recommend --workload training":                                     "--model-size-gb: required",
		"recommend --workload training --model-size-gb 1 --region eu-west9": `--region "eu-west9" is not a commercial region; closest: eu-west-1`,
		"bogus": `unknown command "bogus"`,
	} {
		code, _, errOut := run(strings.Fields(args)...)
		require.Equal(t, 2, code, args)
		require.Contains(t, errOut, want, args)
	}
}

func TestList(t *testing.T) {
	code, out, _ := run("list")
	require.Equal(t, 0, code)
	require.Contains(t, out, "g6e.12xlarge")
	require.Contains(t, out, "4 x NVIDIA L40S 45 GB")
	require.Contains(t, out, "trn2.48xlarge")
	require.Contains(t, out, "unpriced")
	require.Contains(t, out, "Sources:")
	code, out, _ = run("list", "--json")
	require.Equal(t, 0, code)
	require.True(t, json.Valid([]byte(out)))
}
