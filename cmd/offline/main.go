// Command offline previews and audits the platform without AWS credentials
// or the Pulumi CLI: our `cdk synth`.
//
//	go run ./cmd/offline preview --stack dev [--json]
//	go run ./cmd/offline preview --config FILE [--stack NAME] [--json]
//	go run ./cmd/offline audit --state FILE [--json]
//
// Exit codes: 0 clean (advisory findings allowed), 1 mandatory policy
// violations, 2 bad input (unreadable file, invalid configuration), 3 the
// program itself failed.
package main

import (
	"os"

	"github.com/ml-platform/ml-platform/internal/engine/offline"
)

func main() {
	os.Exit(offline.Main(os.Args[1:], os.Stdout, os.Stderr))
}
