#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with the .NET SDK:
# installs test dependencies, restores, builds, runs every test project, prints a total.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-deps.sh
scripts/check-doc-references.sh   # every "protocol.md §N" reference and README link resolves
log=$(mktemp)
release_log=$(mktemp)
trap 'rm -f "$log" "$release_log"' EXIT
# The release check (the linux-x64 tarball runs without .NET, README "Release") builds in its own
# folder, so it runs beside the restore and build: their downloads and single-threaded stretches
# leave a core idle. Its report is printed once both are done; its failure still fails the run.
# A failed build waits for it too, so that nothing is left running.
scripts/check-release.sh > "$release_log" 2>&1 &
release=$!
build_status=0
{ dotnet restore Tessera.slnx && dotnet build Tessera.slnx --no-restore -c Release -nologo -v quiet; } || build_status=$?
release_status=0
wait "$release" || release_status=$?
cat "$release_log"
[ "$build_status" = 0 ] || exit "$build_status"
[ "$release_status" = 0 ] || exit "$release_status"

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
