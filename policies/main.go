// Command policies is the ml-platform policy pack that the Pulumi CLI runs
// with `pulumi preview --policy-pack policies`. The rules live in
// policies/rules; package pack serves them over policyx.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/ml-platform/ml-platform/policies/pack"
)

func main() {
	if err := policyx.Main(pack.New); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
