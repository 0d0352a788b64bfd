#!/usr/bin/env bash
# Builds the pinned pulumi CLI for the real-engine conformance test
# (tests/engine) from the Go module proxy and prints the binary's path.
#
# The binary is cached across runs beside the Go build cache, keyed by the
# version and this module's go.sum, so a second run only prints the path:
#   cold (module cache and build cache empty): downloads ~600 modules, then
#   compiles ~1,500 packages; warm: nothing. See README, Development.
# Set ML_PLATFORM_CACHE to cache it elsewhere.
set -euo pipefail
cd "$(dirname "$0")"

version=v3.276.0   # the CLI tests/engine asks for (cliVersion there)
grep -q "github.com/pulumi/pulumi/pkg/v3 $version" go.mod || {
  echo "tools/pulumicli/go.mod does not require pkg/v3 $version" >&2; exit 1; }

key=$(cat go.mod go.sum | sha256sum | cut -c1-12)
cache="${ML_PLATFORM_CACHE:-$(dirname "$(go env GOCACHE)")/ml-platform}"
out="$cache/pulumi-$version-$key/pulumi"
if [ ! -x "$out" ]; then
  mkdir -p "$(dirname "$out")"
  # The version is stamped so the CLI reports it (the pack's
  # requiredPulumiVersion and the Automation API compare it).
  go build \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$out.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv "$out.tmp" "$out"
fi
echo "$out"
