#!/usr/bin/env bash
# The benchmark of calls in flight (issue 13; figures and method in docs/benchmarks.md):
#   1. ivs_call_async with 256 in flight from one thread against the canned server answering in 50 ms
#      (the fraction of the latency-bound limit, 256 / 0.05 s);
#   2. the same zero-latency server, 64 in flight, beside a bare libcurl multi loop with 64 handles;
#   3. memory per call in flight (10,000 calls held by a server that answers after 3 s);
#   4. Python: ivs.aio at 256 tasks, boto3 on a pool of 32 threads and aiobotocore at 256 tasks, at
#      50 ms and at zero latency. aiobotocore pins a botocore of its own, so the Python clients run in
#      a venv of their own (.venv-bench).
#
#   ./scripts/bench-async.sh [--no-build] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
build=1 seconds=5
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --quick) seconds=2 ;;
    *) echo "bench-async: unknown option $arg" >&2; exit 2 ;;
  esac
done
[ "$build" = 1 ] && ./scripts/build.sh
lib=${IVS_LIBRARY:-$PWD/.build/release/libivs.so}
libdir=$(cd "$(dirname "$lib")" && pwd)
out=.build/bench
mkdir -p "$out"
cc -O2 -Wall -Wextra -o "$out/canned_server" bench/canned_server.c -lpthread
cc -O2 -Wall -Wextra -Iinclude -o "$out/async_bench" bench/async_bench.c -L"$libdir" -Wl,-rpath,"$libdir" -livs -lcurl -lpthread

servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done' EXIT
start_server() { # DELAY_US -> sets port
  rm -f "$out/port"
  "$out/canned_server" 0 "$1" > "$out/port" &
  servers+=($!)
  for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.05; done
  port=$(head -n1 "$out/port")
}

if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q --disable-pip-version-check aiobotocore boto3
fi
echo "machine: $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "python clients: $(.venv-bench/bin/python -c 'import aiobotocore, botocore, boto3; print("aiobotocore", aiobotocore.__version__, "botocore", botocore.__version__, "boto3", boto3.__version__)')"

start_server 50000; p50=$port
start_server 0; p0=$port
start_server 3000000; p3s=$port

echo; echo "== C: 50 ms latency, 256 in flight"
"$out/async_bench" --port "$p50" --mode latency --inflight 256 --seconds "$seconds" | grep -v '^async_bench'
echo; echo "== C: zero latency, 64 in flight, beside bare libcurl multi"
"$out/async_bench" --port "$p0" --mode cpu --inflight 64 --seconds "$seconds" | grep -v '^async_bench'
echo; echo "== C: memory per call in flight"
"$out/async_bench" --port "$p3s" --mode memory --inflight 10000
echo; echo "== Python: 50 ms latency (256 tasks; boto3 on 32 threads)"
IVS_LIBRARY="$lib" .venv-bench/bin/python bench/python_async_bench.py --port "$p50" --latency-ms 50 --seconds "$seconds"
echo; echo "== Python: zero latency"
IVS_LIBRARY="$lib" .venv-bench/bin/python bench/python_async_bench.py --port "$p0" --seconds "$seconds"
