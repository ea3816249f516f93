#!/usr/bin/env bash
# Builds the release artefacts: for each architecture, self-contained single-file executables
# tessera, tessera-auth and tessera-ctl (no .NET needed on the target machine), packed with the
# browser client, the systemd units and the example files into
#   artifacts/tessera-VERSION-linux-ARCH.tar.gz   (and artifacts/SHA256SUMS)
#
#   scripts/release.sh [VERSION]           VERSION like 1.2.0 or 1.2.0-rc.1; default 0.0.0-dev
#   RIDS=linux-x64 scripts/release.sh ...  only some architectures (scripts/check-release.sh does this)
#   ARTIFACTS=DIR scripts/release.sh ...   another output folder than artifacts/ (check-release.sh
#                                          builds in its temporary folder, leaving artifacts/ alone)
#
# Nothing is trimmed: every program reads its JSON files through reflection-based
# System.Text.Json, and the trimmer warns (IL2026) about each of them, so a trimmed build could
# lose the very fields the strict file parsers check (README, "Release").
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-0.0.0-dev}
version=${version#v}
if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    echo "release.sh: VERSION must look like 1.2.0 or 1.2.0-rc.1, not '$version'" >&2
    exit 2
fi
rids=${RIDS:-linux-x64 linux-arm64}

out=${ARTIFACTS:-artifacts}
# The release builds keep their bin/ and obj/ here, apart from the developers' src/*/bin and
# src/*/obj: a RID-specific restore would otherwise rewrite the assets file a plain
# `dotnet build` relies on.
build=$out/build
mkdir -p "$out"

# DebugType=embedded: line numbers in stack traces, without .pdb files beside the executables.
# StaticWebAssetsEnabled=false: wwwroot/ published as it is in the source, without the .gz/.br
# copies and the manifest of ASP.NET's static-assets pipeline, which the server does not use.
publish() { # project rid output-dir
    dotnet publish "src/$1" -c Release -r "$2" --self-contained \
        -p:PublishSingleFile=true -p:PublishTrimmed=false \
        -p:DebugType=embedded -p:StaticWebAssetsEnabled=false \
        -p:Version="$version" \
        --artifacts-path "$build" -o "$3" -nologo -v quiet
}

built=()
for rid in $rids; do
    name=tessera-$version-$rid
    stage=$build/stage/$name
    rm -rf "$stage"
    echo "== $name"
    for project in Tessera.Server Tessera.AuthServer Tessera.Ctl; do
        publish "$project" "$rid" "$stage"
    done
    # The server serves the browser client from wwwroot/ next to its executable
    # (ServerOptions.StaticRoot): it must travel with it.
    for f in tessera tessera-auth tessera-ctl wwwroot/index.html wwwroot/galene.html; do
        [[ -e $stage/$f ]] || { echo "release.sh: $f missing from the $rid publish output" >&2; exit 1; }
    done
    extra=$(cd "$stage" && find . -mindepth 1 -maxdepth 1 ! -name tessera ! -name tessera-auth ! -name tessera-ctl ! -name wwwroot)
    [[ -z $extra ]] || { echo "release.sh: unexpected files in the $rid publish output:" $extra >&2; exit 1; }

    cp -R packaging/systemd "$stage/systemd"
    cp -R packaging/examples "$stage/examples"
    chmod -R u=rwX,go=rX "$stage"
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$build/stage" -czf "$out/$name.tar.gz" "$name"
    ls -l "$out/$name.tar.gz"
    built+=("$name.tar.gz")
done

(cd "$out" && sha256sum "${built[@]}" > SHA256SUMS)
