// Command standin is the stand-in provider plugin of the real-engine
// conformance test: installed as pulumi-resource-aws, -eks and -kubernetes,
// it serves the package its file name names (internal/engine/standin).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/ml-platform/ml-platform/internal/engine/standin"
)

func main() {
	pkg := strings.TrimPrefix(strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe"), "pulumi-resource-")
	err := provider.Main(pkg, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return standin.New(pkg)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
