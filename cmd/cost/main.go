// Command cost compares a stack's estimate with what it actually spends.
//
//	go run ./cmd/cost actual --stack prod [--days 30] [--scope stack|account] [--json]
//
// It previews the stack offline for its estimate, reads Cost Explorer
// (credentials from the usual AWS chain; ce:GetCostAndUsage, $0.01 a
// request) for the stack's spend by service over the last N days, and
// prints both with the difference. Exit codes as cmd/offline: 2 bad
// input, 3 Cost Explorer or the program failed.
package main

import (
	"os"
	"time"

	"github.com/ml-platform/ml-platform/internal/engine/offline"
)

func main() {
	os.Exit(offline.CostMain(os.Args[1:], os.Stdout, os.Stderr, offline.NewCostExplorer, time.Now().UTC()))
}
