// Command catalog prints the catalog and recommends instance types for a
// workload (the seed's AWSInstanceSelector):
//
//	go run ./cmd/catalog list [--json]
//	go run ./cmd/catalog recommend --workload training --model-size-gb 140 --distributed
package main

import (
	"os"

	"github.com/ml-platform/ml-platform/internal/engine/catalogcli"
)

func main() {
	os.Exit(catalogcli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
