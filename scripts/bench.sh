#!/usr/bin/env bash
# The libivs benchmark: ivs_call against a bare libcurl keep-alive loop on one local canned-response
# server, client creation time (the first of a process too), multi-threaded throughput, memory (RSS
# across calls, per client, per pooled connection), the Python binding against boto3, the library's
# size, and (with valgrind) the instructions each call costs. Figures and method: docs/benchmarks.md.
#
#   ./scripts/bench.sh [--quick] [--no-build] [--no-callgrind] [--no-python] [-- extra bench options]
#
# --quick        fewer rounds and calls (a smoke run, about 30 s)
# --no-build     use the libivs.so at $IVS_LIBRARY (default .build/release/libivs.so) as it is
# --no-callgrind skip the instruction counts under valgrind
# --no-python    skip the Python binding against boto3
# Options after -- go to bench/bench.c (--parts, --rounds, --calls, --threads, --mt-calls, --mt-rounds,
# --create, --rss-calls, --conns).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

build=1 callgrind=1 python=1 quick=0 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --no-callgrind) callgrind=0 ;;
    --no-python) python=0 ;;
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
cc -O2 -Wall -Wextra -Iinclude -o "$out/first_client" bench/first_client.c \
   -L"$libdir" -Wl,-rpath,"$libdir" -l"$libname" -lcurl

# A server on a free port (answers held back $1 microseconds; pinned to CPU $2 with taskset if given),
# its port in $port; stopped on exit.
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done' EXIT
start_server() {
  rm -f "$out/port"
  ${2:+taskset -c "$2"} "$out/canned_server" 0 "$1" > "$out/port" &
  servers+=($!)
  for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.05; done
  port=$(head -n1 "$out/port")
  [ -n "$port" ] || { echo "bench: canned_server did not start" >&2; exit 1; }
}
pin=0
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then pin=1; fi

start_server 1000
slow_port=$port
start_server 0

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only as quiet as the machine)"
echo "library: $lib"
size=$(stat -c %s "$lib")
stripped=$(strip --strip-unneeded -o "$out/libivs.stripped.so" "$lib" && stat -c %s "$out/libivs.stripped.so")
echo "size: $size bytes as built, $stripped stripped (as CMake installs it)"
echo "RESULT lib_bytes=$size lib_stripped_bytes=$stripped"
[ -n "${AWS_CA_BUNDLE:-}" ] && echo "note: AWS_CA_BUNDLE is set: every ivs_client_new checks that bundle (client creation below includes it)"
echo
if [ "$quick" = 1 ]; then
  args=(--rounds 4 --calls 1000 --create 1000 --mt-rounds 2 --mt-calls 500 --rss-calls 100000)
else
  args=(--rounds 12 --calls 3000 --create 5000 --mt-rounds 8 --mt-calls 10000 --rss-calls 1000000)
fi
"$out/bench" --port "$port" --slow-port "$slow_port" --parts st,create,mt,rss "${args[@]}" "${extra[@]}"

# Single-threaded again with the client and a server of its own pinned to CPUs (taskset): unpinned,
# the scheduler's placement of the two threads moves whole rounds by up to 25% (the loop that runs
# twice in a row is the slow one: docs/benchmarks.md, "Pinned"). "same": one CPU, every call a switch
# between client and server on it, the CPU-bound regime (rounds agree within about 1%); "split": two
# CPUs, every call a wake-up across them (the idle-VM regime).
port0=$port
if [ "$pin" = 1 ]; then
  if [ "$quick" = 1 ]; then args=(--rounds 3 --calls 1000); else args=(--rounds 9 --calls 3000); fi
  for mode in same split; do
    cpu=$([ "$mode" = same ] && echo 0 || echo 1)
    start_server 0 "$cpu"
    echo
    echo "single-threaded, pinned: client on CPU 0, server on CPU $cpu ($mode)"
    taskset -c 0 "$out/bench" --port "$port" --parts st "${args[@]}" | grep -v '^libivs ' | sed "s/ st_/ pin_${mode}_st_/g"
  done
fi
port=$port0

# The first ivs_client_new of a process: fresh processes, medians (AWS_CA_BUNDLE unset: its check is
# every client's cost, not the first's).
runs=$([ "$quick" = 1 ] && echo 5 || echo 21)
echo
echo "the first ivs_client_new of a process (medians of $runs processes; microseconds, page faults)"
for mode in "" "--curl-first" "--curl-first --models-first"; do
  for _ in $(seq "$runs"); do env -u AWS_CA_BUNDLE "$out/first_client" $mode; done \
    | python3 bench/first_client_summary.py "$mode"
done

# The same comparison with 1 ms added to every answer, as a round trip within one AWS region adds.
port0=$port
port=$slow_port
echo
echo "with 1 ms of server latency per call (a same-region round trip)"
if [ "$quick" = 1 ]; then args=(--rounds 2 --calls 100); else args=(--rounds 6 --calls 500); fi
"$out/bench" --port "$port" --parts st "${args[@]}" | grep -v '^libivs ' | sed 's/ st_/ lat1ms_st_/g'
port=$port0

if [ "$python" = 1 ]; then
  echo
  if [ -x .venv/bin/python ] && .venv/bin/python -c "import boto3" 2>/dev/null; then
    echo "the Python binding against boto3 (get_channel on the zero-latency server)"
    pyargs=$([ "$quick" = 1 ] && echo "--rounds 2 --calls 200" || echo "--rounds 6 --calls 1000")
    IVS_LIBRARY="$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")" PYTHONPATH=bindings/python \
      .venv/bin/python bench/python_bench.py --port "$port" $pyargs
    if [ "$pin" = 1 ]; then # the same pinned, as above
      for mode in same split; do
        cpu=$([ "$mode" = same ] && echo 0 || echo 1)
        start_server 0 "$cpu"
        echo
        echo "the Python binding against boto3, pinned: Python on CPU 0, server on CPU $cpu ($mode)"
        IVS_LIBRARY="$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")" PYTHONPATH=bindings/python \
          taskset -c 0 .venv/bin/python bench/python_bench.py --port "$port" $pyargs | sed "s/ py_/ pin_${mode}_py_/g"
      done
      port=$port0
    fi
  else
    echo "python: .venv with boto3 not found (./scripts/setup.sh); skipped"
  fi
fi

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
