// Command ml-platform is the Pulumi program: `pulumi up` runs it.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/platform"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// pulumi-eks runs aws and kubectl on this machine: say so before
		// anything is registered rather than deep in the update.
		if err := platform.CheckDeployTools(platform.HostTools); err != nil {
			return err
		}
		return platform.Run(ctx)
	})
}
