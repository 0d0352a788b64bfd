// Command ml-platform is the Pulumi program: `pulumi up` runs it.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/platform"
)

func main() {
	pulumi.Run(platform.Run)
}
