#!/usr/bin/env bash
# The libivs benchmark: ivs_call against a bare libcurl keep-alive loop on one local canned-response
# server, client creation time, multi-threaded throughput, and (with valgrind) the instructions each
# call costs. Figures and method: docs/benchmarks.md.
#
#   ./scripts/bench.sh [--quick] [--no-build] [--no-callgrind] [-- extra bench options]
#
# --quick        fewer rounds and calls (a smoke run, about 10 s)
# --no-build     use the libivs.so at $IVS_LIBRARY (default .build/release/libivs.so) as it is
# --no-callgrind skip the instruction counts under valgrind
# Options after -- go to bench/bench.c (--rounds, --calls, --threads, --mt-calls, --mt-rounds, --create).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

build=1 callgrind=1 quick=0 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --no-callgrind) callgrind=0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ]; then ./scripts/build.sh; fi
lib=${IVS_LIBRARY:-.build/release/libivs.so}
[ -f "$lib" ] || { echo "bench: $lib not found (run ./scripts/build.sh)" >&2; exit 1; }
libdir=$(cd "$(dirname "$lib")" && pwd)
libname=$(basename "$lib" .so); libname=${libname#lib}

out=.build/bench
mkdir -p "$out"
cc -O2 -Wall -Wextra -o "$out/canned_server" bench/canned_server.c -lpthread
cc -O2 -Wall -Wextra -Iinclude -o "$out/bench" bench/bench.c \
   -L"$libdir" -Wl,-rpath,"$libdir" -l"$libname" -ljansson -lcurl -lpthread

# A server on a free port (answers held back $1 microseconds); stopped on exit.
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done' EXIT
start_server() {
  rm -f "$out/port"
  "$out/canned_server" 0 "$1" > "$out/port" &
  servers+=($!)
  for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.05; done
  port=$(head -n1 "$out/port")
  [ -n "$port" ] || { echo "bench: canned_server did not start" >&2; exit 1; }
}
start_server 0

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "library: $lib"
echo
if [ "$quick" = 1 ]; then
  args=(--rounds 4 --calls 1000 --create 1000 --mt-rounds 2 --mt-calls 500)
else
  args=(--rounds 12 --calls 3000 --create 5000 --mt-rounds 6 --mt-calls 2000)
fi
"$out/bench" --port "$port" "${args[@]}" "${extra[@]}"

# The same comparison with 1 ms added to every answer, as a round trip within one AWS region adds.
port0=$port
start_server 1000
echo
echo "with 1 ms of server latency per call (a same-region round trip)"
if [ "$quick" = 1 ]; then args=(--rounds 2 --calls 100); else args=(--rounds 6 --calls 500); fi
"$out/bench" --port "$port" --parts st "${args[@]}" | grep -v '^libivs ' | sed 's/ st_/ lat1ms_st_/g'
port=$port0

if [ "$callgrind" = 1 ]; then
  if ! command -v valgrind >/dev/null; then
    echo; echo "callgrind: valgrind not installed; skipped"
    exit 0
  fi
  n=$([ "$quick" = 1 ] && echo 200 || echo 1000)
  echo
  echo "instructions per call (valgrind --tool=callgrind, $n calls after 200 warm-up calls, client process only)"
  for what in bare ivs create; do
    valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.$what.out" \
      "$out/bench" --port "$port" --only "$what" --calls "$n" --callgrind > /dev/null 2> "$out/callgrind.$what.log"
  done
  python3 bench/callgrind_report.py --calls "$n" --dir "$out"
fi
