#!/usr/bin/env bash
# Instructions per call under callgrind, the figure that does not move with the machine's load:
# the blocking ivs_call beside the bare libcurl easy loop (bench/bench.c, with the report of
# bench/callgrind_report.py), and ivs_call_async with 64 in flight beside the bare libcurl multi loop
# (bench/async_bench.c; both threads of the client counted, the server is another process).
#
#   bench/callgrind.sh [LIBDIR] [--calls N]     (LIBDIR: .build/release by default)
#   IVS_CALLGRIND_KEEP=DIR keeps the profiles there.
set -euo pipefail
cd "$(dirname "$0")/.."
libdir=.build/release calls=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) calls=$2; shift 2 ;;
    *) libdir=$1; shift ;;
  esac
done
libdir=$(cd "$libdir" && pwd)
out=$(mktemp -d)
keep=${IVS_CALLGRIND_KEEP:-} # a directory to copy the profiles into, for callgrind_annotate
cc -O2 -o "$out/canned_server" bench/canned_server.c -lpthread
cc -O2 -Iinclude -o "$out/bench" bench/bench.c -L"$libdir" -Wl,-rpath,"$libdir" -livs -ljansson -lcurl -lpthread
cc -O2 -Iinclude -o "$out/async_bench" bench/async_bench.c -L"$libdir" -Wl,-rpath,"$libdir" -livs -lcurl -lpthread
"$out/canned_server" 0 0 > "$out/port" &
server=$!
trap 'kill $server 2>/dev/null; [ -n "$keep" ] && mkdir -p "$keep" && cp "$out"/callgrind.* "$keep"/; rm -rf "$out"' EXIT
for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.05; done
port=$(head -n1 "$out/port")
cg() { # NAME COMMAND...
  local name=$1; shift
  valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.$name.out" "$@" \
    >/dev/null 2>"$out/callgrind.$name.log" || { echo "valgrind $name failed"; tail "$out/callgrind.$name.log"; exit 1; }
}
for what in bare ivs create; do
  cg "$what" "$out/bench" --port "$port" --only "$what" --calls "$calls" --callgrind
done
# Calls in flight: callgrind's collection switch and its zeroing of counts are the calling thread's,
# and the loop thread runs from the first call, so async_bench dumps the counts of every thread after
# N and after 2N calls (two runs): the difference over N is per call, the warm-up cancelled out.
for what in bare ivs; do
  for n in "$calls" $((2 * calls)); do
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.async-$what-$n.out" "$out/async_bench" --port "$port" \
      --mode cpu --inflight 64 --only "$what" --calls "$n" --callgrind >/dev/null 2>"$out/callgrind.async-$what-$n.log" \
      || { echo "valgrind async-$what failed"; tail "$out/callgrind.async-$what-$n.log"; exit 1; }
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (instruction counts do not depend on it)"
python3 bench/callgrind_report.py --calls "$calls" --dir "$out"
summary() { sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out/callgrind.$1.out.1"; }
ab=$(( $(summary async-bare-$((2 * calls))) - $(summary async-bare-$calls) ))
ai=$(( $(summary async-ivs-$((2 * calls))) - $(summary async-ivs-$calls) ))
echo
python3 - "$ab" "$ai" "$calls" <<'PY'
import sys
b, i, n = (int(x) for x in sys.argv[1:])
print(f"  {'bare libcurl multi, 64 handles':40} {b / n:14,.0f}")
print(f"  {'ivs_call_async, 64 in flight':40} {i / n:14,.0f}   ({i / b:.2f}x bare multi)")
print(f"RESULT callgrind_async bare_multi={b / n:.0f} ivs_async={i / n:.0f} ratio={i / b:.3f}")
PY
