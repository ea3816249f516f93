#!/usr/bin/env bash
# The release, checked as an operator would use it: builds the linux-x64 tarball with
# scripts/release.sh (linux-arm64 is left to release.sh, to keep CI short) in a temporary
# folder, unpacks it there and runs the executables WITHOUT .NET: DOTNET_ROOT unset, no PATH entry holding
# dotnet, and, where the machine allows a private mount namespace (root, as in CI), the .NET
# installation itself hidden under an empty tmpfs. It checks
#   - each program's --version (one version string for the three),
#   - tessera-ctl hash-password, gen-key and public-key,
#   - tessera on the example config.json, group and ice-servers.json: /public-groups.json, the
#     client page and its files from wwwroot/, the group page and .status, a clean log, exit 0
#     on SIGTERM,
#   - tessera-auth: the example is refused as shipped (no key), and with a generated key it serves
#     its JWKS and portal page, and exits 0 on SIGTERM,
#   - the systemd units with systemd-analyze verify, where systemd-analyze exists,
# and prints each executable's size and the start-up times (process start to first HTTP answer),
# with the machine's load. Servers listen on 127.0.0.1 only (port 0: the system picks a free
# one). Only the processes it started are stopped, by PID; its temporary folder is removed.
# Run by test.sh.
set -euo pipefail
script=$(readlink -f "$0")
cd "$(dirname "$script")/.."

version=0.0.0-check
rid=linux-x64
name=tessera-$version-$rid

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
fail() { echo "check-release: FAILED: $*" >&2; exit 1; }

if [[ ${1:-} != --inside ]]; then
    started=$(now_ms)
    echo "check-release: load before: $(uptime)"
    tmp=$(mktemp -d -t tessera-release-check.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    # Built in the temporary folder, so a release in artifacts/ is left as it is.
    ARTIFACTS=$tmp/artifacts RIDS=$rid scripts/release.sh "$version"
    tarball=$tmp/artifacts/$name.tar.gz
    tar -xzf "$tarball" -C "$tmp"
    dir=$tmp/$name
    for f in tessera tessera-auth tessera-ctl wwwroot/index.html wwwroot/galene.html \
             systemd/tessera.service systemd/tessera-auth.service \
             examples/config.json examples/groups/example.json examples/ice-servers.json \
             examples/tessera-auth/config.json examples/tessera-auth/users.json; do
        [[ -e $dir/$f ]] || fail "the tarball lacks $f"
    done

    if command -v systemd-analyze >/dev/null; then
        # The units as installed: /opt/tessera holding the tarball's contents (hard links, no copy).
        root=$tmp/sdroot
        mkdir -p "$root/opt" "$root/etc/systemd/system" "$root/usr/lib/systemd"
        cp -al "$dir" "$root/opt/tessera"
        cp -R /usr/lib/systemd/system "$root/usr/lib/systemd/"
        cp "$dir"/systemd/*.service "$root/etc/systemd/system/"
        verify=$(cd "$tmp" && systemd-analyze verify --root="$root" --man=no tessera.service tessera-auth.service 2>&1) \
            || fail "systemd-analyze verify: $verify"
        [[ -z $verify ]] || fail "systemd-analyze verify: $verify"
        echo "check-release: systemd units verified (systemd-analyze verify)"
    else
        echo "check-release: systemd-analyze not found: units not verified"
    fi

    # Where .NET is installed, to hide it from the programs under test.
    hide=()
    if command -v dotnet >/dev/null; then hide+=("$(dirname "$(readlink -f "$(command -v dotnet)")")"); fi
    if [[ -n ${DOTNET_ROOT:-} && -d $DOTNET_ROOT ]]; then hide+=("$DOTNET_ROOT"); fi
    if [[ ${#hide[@]} -gt 0 ]] && unshare -m --propagation private mount -t tmpfs none "${hide[0]}" 2>/dev/null; then
        unshare -m --propagation private "$script" --inside "$dir" "${hide[@]}"
    else
        echo "check-release: no private mount namespace here: the .NET installation stays on disk (DOTNET_ROOT and PATH are still cleared)"
        "$script" --inside "$dir"
    fi
    echo "  tarball       $(awk -v b="$(stat -c %s "$tarball")" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
    echo "check-release: load after: $(uptime)"
    echo "check-release: passed in $(( ($(now_ms) - started) / 1000 )) s"
    exit 0
fi

# ---- Inside: run the unpacked programs. Arguments: --inside DIR [FOLDER-TO-HIDE...] ----
dir=$2
shift 2
hidden="no: the .NET installation stays on disk (DOTNET_ROOT and PATH cleared only)"
if [[ $# -gt 0 ]]; then
    for d in "$@"; do mount -t tmpfs -o size=1m,mode=0755 none "$d"; done
    hidden="yes, empty tmpfs over $*"
    if command -v dotnet >/dev/null && dotnet --version >/dev/null 2>&1; then fail "dotnet still runs after hiding $*"; fi
fi
work=$(dirname "$dir")/work
mkdir -p "$work/home"
cd "$work" # not the executables' folder: the server must find wwwroot/ beside itself, not here

clean_path=
IFS=: read -ra entries <<< "$PATH"
for d in "${entries[@]}"; do
    [[ -e $d/dotnet || -L $d/dotnet ]] || clean_path+=${clean_path:+:}$d
done
# The programs run with this environment only: no DOTNET_* variable, no dotnet on PATH.
clean=(env -i "HOME=$work/home" "PATH=$clean_path" LANG=C.UTF-8)

pids=()
stop_all() {
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

# wait_url LOG PID PREFIX: waits for "PREFIX http://..." in LOG and prints the URL.
wait_url() {
    local deadline=$(( $(now_ms) + 60000 )) url
    while :; do
        url=$(grep -o "$3http://[0-9.:]*" "$1" | head -n 1 | sed "s|^$3||") || true
        [[ -n $url ]] && { echo "${url%/}/"; return; }
        kill -0 "$2" 2>/dev/null || fail "$(basename "$1" .log) exited before listening: $(cat "$1")"
        (( $(now_ms) < deadline )) || fail "$(basename "$1" .log) did not start within 60 s: $(cat "$1")"
        sleep 0.01
    done
}

# http_ok URL: the body of a 200 answer, or failure.
http_ok() {
    local body
    body=$(curl -sS --fail --max-time 10 "$1") || fail "GET $1 did not answer 200"
    printf '%s' "$body"
}

# stop PID NAME: SIGTERM, then the exit code must be 0 within 15 s.
stop() {
    kill -TERM "$1"
    local deadline=$(( $(now_ms) + 15000 ))
    while kill -0 "$1" 2>/dev/null; do
        (( $(now_ms) < deadline )) || fail "$2 did not stop within 15 s of SIGTERM"
        sleep 0.05
    done
    local code=0
    wait "$1" || code=$?
    [[ $code -eq 0 ]] || fail "$2 exited with $code on SIGTERM"
}

# --- --version: one string for the three programs, carrying the release's version
v_server=$("${clean[@]}" "$dir/tessera" --version)
v_auth=$("${clean[@]}" "$dir/tessera-auth" --version)
v_ctl=$("${clean[@]}" "$dir/tessera-ctl" --version)
[[ $v_server == "$version" || $v_server == "$version+"* ]] || fail "tessera --version says '$v_server', not $version"
[[ $v_auth == "$v_server" && $v_ctl == "$v_server" ]] \
    || fail "versions differ: tessera '$v_server', tessera-auth '$v_auth', tessera-ctl '$v_ctl'"

# --- tessera-ctl
hash=$(printf 'check-release\n' | "${clean[@]}" "$dir/tessera-ctl" hash-password)
[[ $hash =~ ^\{\"type\":\"bcrypt\",\"key\":\"\$2a\$08\$[./A-Za-z0-9]{53}\"\}$ ]] || fail "hash-password printed '$hash'"
key=$("${clean[@]}" "$dir/tessera-ctl" gen-key --alg ES256 --kid check)
[[ $key == *'"d":'* && $key == *'"kid":"check"'* ]] || fail "gen-key printed '$key'"
public=$(printf '%s\n' "$key" | "${clean[@]}" "$dir/tessera-ctl" public-key)
[[ $public == *'"x":'* && $public != *'"d":'* ]] || fail "public-key printed '$public'"

# --- tessera, on the examples
mkdir -p "$work/data" "$work/groups"
cp "$dir/examples/config.json" "$dir/examples/ice-servers.json" "$work/data/"
cp "$dir/examples/groups/example.json" "$work/groups/"
startups=()
for run in 1 2 3; do
    : > "$work/tessera.log"
    t0=$(now_ms)
    "${clean[@]}" "$dir/tessera" --http 127.0.0.1:0 --insecure --ice-address 127.0.0.1 \
        --data "$work/data" --groups "$work/groups" > "$work/tessera.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    url=$(wait_url "$work/tessera.log" "$pid" "Tessera listening on ")
    groups=$(http_ok "${url}public-groups.json")
    startups+=("$(( $(now_ms) - t0 )) ms")
    if [[ $run == 1 ]]; then
        [[ $groups == *'"name":"example"'* ]] || fail "/public-groups.json lacks the example group: $groups"
        [[ $(http_ok "$url") == *"<title>Tessera"* ]] || fail "GET / is not the client's landing page"
        http_ok "${url}js/protocol.js" > /dev/null
        [[ $(http_ok "${url}group/example/") == *"<title>Tessera"* ]] || fail "the group page is not the client's"
        [[ $(http_ok "${url}group/example/.status") == *'"name":"example"'* ]] || fail "the group's .status is wrong"
        if grep -Eiq '^(warn|fail|crit)|exception' "$work/tessera.log"; then
            fail "tessera logged a problem with the examples: $(cat "$work/tessera.log")"
        fi
    fi
    stop "$pid" tessera
done

# --- tessera-auth, on its example
mkdir -p "$work/auth"
cp "$dir/examples/tessera-auth/config.json" "$dir/examples/tessera-auth/users.json" "$work/auth/"
code=0
"${clean[@]}" "$dir/tessera-auth" --config "$work/auth/config.json" > "$work/auth-refused.log" 2>&1 || code=$?
[[ $code -eq 1 ]] && grep -q "keys\[0\]" "$work/auth-refused.log" \
    || fail "tessera-auth should refuse the example without a key (exit 1, naming keys[0]); exit $code: $(cat "$work/auth-refused.log")"
# The install step of the README: the generated key replaces the placeholder. Here also port 0.
sed -i -e "s|\"REPLACE[^\"]*\"|$key|" -e 's|"listen": "127.0.0.1:8444"|"listen": "127.0.0.1:0"|' "$work/auth/config.json"
t0=$(now_ms)
"${clean[@]}" "$dir/tessera-auth" --config "$work/auth/config.json" > "$work/tessera-auth.log" 2>&1 &
pid=$!
pids+=("$pid")
url=$(wait_url "$work/tessera-auth.log" "$pid" "tessera-auth listening on ")
jwks=$(http_ok "${url}.well-known/jwks.json")
auth_startup="$(( $(now_ms) - t0 )) ms"
[[ $jwks == *'"kid":"check"'* && $jwks != *'"d":'* ]] || fail "the JWKS is wrong: $jwks"
[[ $(http_ok "$url") == *"<form"* ]] || fail "the portal page has no form"
stop "$pid" tessera-auth

# --- report
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo "check-release: $name, version $v_server"
echo "  .NET hidden from the programs: $hidden"
echo "  tessera       $(size "$dir/tessera")"
echo "  tessera-auth  $(size "$dir/tessera-auth")"
echo "  tessera-ctl   $(size "$dir/tessera-ctl")"
echo "  tessera start-up, process start to first HTTP 200 (3 starts): ${startups[*]}"
echo "  tessera-auth start-up: $auth_startup"
