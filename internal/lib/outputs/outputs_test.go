package outputs

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestResolved(t *testing.T) {
	v, known, secret := Resolved(pulumi.ToSecret(pulumi.String("x")))
	if v != "x" || !known || !secret {
		t.Errorf("secret string: %v %v %v", v, known, secret)
	}
	v, known, secret = Resolved(pulumi.ToOutput(pulumi.Array{pulumi.String("a")}))
	if a, ok := v.([]any); !ok || len(a) != 1 || !known || secret {
		t.Errorf("array: %#v %v %v", v, known, secret)
	}
	_, known, _ = Resolved(pulumi.UnsafeUnknownOutput(nil))
	if known {
		t.Error("an unknown output read as known")
	}
}
