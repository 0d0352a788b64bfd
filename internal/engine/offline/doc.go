// Package offline is the in-process engine behind `go run ./cmd/offline`
// and the whole-stack tests: it runs the real program against the Go SDK's
// mock monitor (a recording mock that returns realistic computed outputs
// and answers invokes), evaluates the real policy rules on every resource
// and estimates the monthly cost. It needs no credentials and no network.
package offline
