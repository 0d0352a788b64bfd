//go:build tools

// Package pulumicli pins the pulumi CLI's main package for `go build`.
package pulumicli

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
