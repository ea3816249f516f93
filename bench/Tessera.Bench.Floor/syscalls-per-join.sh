#!/bin/bash
# System calls per join of one server, counted with strace: a figure that does not move with the
# machine's load, unlike CPU time. Run from the repository root after building the server, the
# join bench and this floor in Release:
#   bench/Tessera.Bench.Floor/syscalls-per-join.sh src/Tessera.Server/bin/Release/net10.0/tessera.dll
#   bench/Tessera.Bench.Floor/syscalls-per-join.sh bench/Tessera.Bench.Floor/bin/Release/net10.0/Tessera.Bench.Floor.dll --fanout
# It starts the server on a free loopback port, warms it with 4 joiners for 3 s, then counts
# every thread's system calls while 4 joiners join and drop for 3 s, and prints the calls per join.
set -euo pipefail
dll=$1; shift
J=bench/Tessera.Bench.Join/bin/Release/net10.0/Tessera.Bench.Join.dll
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet "$J" --write-setup "$work/setup" > /dev/null
dotnet "$dll" --insecure --http "127.0.0.1:$port" --data "$work/setup/data" --groups "$work/setup/groups" "$@" > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.2; done
bench() { dotnet "$J" --server-url "http://127.0.0.1:$port/" --setup-dir "$work/setup" --phases password --modes abrupt \
                --warmup 0 --duration "$1" --runs 1 --joiners 4 2>&1; }
bench 3 > /dev/null
timeout 6 strace -f -c -p $pid -o "$work/strace.txt" 2> /dev/null &
tracer=$!
sleep 1
joins=$(bench 3 | grep -oP 'run 1: +[0-9,]+ joins/s \(\K[0-9]+')
wait $tracer || true
echo "$joins joins while traced; system calls per join:"
awk -v j="$joins" '$NF == "total" { printf "  %-14s %6.1f\n", "all", $(NF-2) / j; next }
                   NR > 2 && $4 ~ /^[0-9]+$/ && $4 / j >= 0.2 { printf "  %-14s %6.1f\n", $NF, $4 / j }' "$work/strace.txt"
