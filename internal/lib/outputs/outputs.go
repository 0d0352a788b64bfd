// Package outputs reads outputs whose value is already settled: the values
// a resource transform is handed and the values the mock builds from
// them. Such an output resolves at once; one that is unknown (a preview)
// reports so instead of waiting forever.
package outputs

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Resolved is the value of a settled output, whether it is known, and
// whether it is secret.
func Resolved(o pulumi.Output) (value any, known, secret bool) {
	secret = pulumi.IsSecret(o) // waits for o
	done := o.ApplyT(func(v any) any { value, known = v, true; return nil })
	pulumi.IsSecret(done) // waits for the apply, or its skipping when o is unknown
	return value, known, secret
}
