#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with the .NET SDK:
# installs test dependencies, restores, builds, runs every test project, prints a total.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-deps.sh
scripts/check-doc-references.sh   # every "protocol.md §N" reference and README link resolves
scripts/check-release.sh          # the linux-x64 release tarball runs without .NET (README, "Release")
dotnet restore Tessera.slnx
dotnet build Tessera.slnx --no-restore -c Release -nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Tessera.slnx --no-build -c Release -nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the per-project summaries.
awk '/^(Passed!|Failed!)/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:")  f += $(i+1);
         if ($i == "Passed:")  p += $(i+1);
         if ($i == "Skipped:") s += $(i+1);
       }
     }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
