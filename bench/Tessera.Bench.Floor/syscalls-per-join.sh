#!/bin/bash
# System calls and context switches per join of one server, counted by the kernel's tracepoints
# (perf stat): figures that move far less with the machine's load than CPU time does. (strace
# would slow every call down enough to add lock contention, and futex calls with it.) Run from the repository root after building the server, the
# join bench and this floor in Release:
#   bench/Tessera.Bench.Floor/syscalls-per-join.sh src/Tessera.Server/bin/Release/net10.0/tessera.dll
#   bench/Tessera.Bench.Floor/syscalls-per-join.sh bench/Tessera.Bench.Floor/bin/Release/net10.0/Tessera.Bench.Floor.dll --fanout
# It starts the server on a free loopback port, warms it with 4 joiners for 3 s, then counts
# every thread's system calls while 4 joiners join and drop for 3 s, and prints them per join.
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
calls="futex epoll_wait sched_yield recvfrom sendto sendmsg write newlstat geteuid accept4 setsockopt fcntl epoll_ctl close"
events="raw_syscalls:sys_enter,context-switches"
for c in $calls; do events="$events,syscalls:sys_enter_$c"; done
# Counting starts before the measured joins and stops after them: only joins happen meanwhile.
perf stat -x, -e "$events" -p $pid -o "$work/counts.csv" &
counter=$!
sleep 0.5
joins=$(bench 3 | grep -oP 'run 1: +[0-9,]+ joins/s \(\K[0-9]+')
kill -INT $counter; wait $counter || true
echo "$joins joins counted; per join:"
awk -F, -v j="$joins" '$1 ~ /^[0-9]+$/ { name = $3; sub(/^syscalls:sys_enter_/, "", name); sub(/^raw_syscalls:sys_enter$/, "all system calls", name)
                                         printf "  %-18s %6.1f\n", name, $1 / j }' "$work/counts.csv"
