package standin

import (
	"os"
	"regexp"
	"testing"
)

// TestVersionsAreThePinnedSDKs: the engine asks for the plugin version of
// the SDK that registered a resource; the stand-ins report those versions.
func TestVersionsAreThePinnedSDKs(t *testing.T) {
	data, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	modules := map[string]string{
		"aws":        `github.com/pulumi/pulumi-aws/sdk/v6 v([0-9.]+)`,
		"eks":        `github.com/pulumi/pulumi-eks/sdk/v2 v([0-9.]+)`,
		"kubernetes": `github.com/pulumi/pulumi-kubernetes/sdk/v4 v([0-9.]+)`,
	}
	for pkg, pattern := range modules {
		m := regexp.MustCompile(pattern).FindSubmatch(data)
		if m == nil {
			t.Fatalf("go.mod does not require %s", pattern)
		}
		if Versions[pkg] != string(m[1]) {
			t.Errorf("stand-in %s reports %s; go.mod pins %s", pkg, Versions[pkg], m[1])
		}
	}
	if _, err := New("gcp"); err == nil {
		t.Error("New accepted a package it has no stand-in for")
	}
}
