#!/usr/bin/env bash
# The quick start: installs what is needed, builds libivs, builds and installs it with its demo
# (CMake, into build/prefix), starts ivs-local on a free port, runs the demo against it, and stops
# ivs-local again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
prefix="$root/build/prefix"

./scripts/setup.sh
./scripts/build.sh

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
echo "demo: installing libivs and ivs-demo into $prefix"
cmake -S . -B build/cmake "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DIVS_BUILD_TESTS=OFF -DIVS_BUILD_EXAMPLES=ON -DIVS_PREBUILT_LIBRARY="$root/.build/release/libivs.so" >/dev/null
cmake --build build/cmake
cmake --install build/cmake >/dev/null

py="${IVS_PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
fi
tmp="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$py" tools/ivs-local --port 0 > "$tmp/url" 2> "$tmp/stderr" &
server=$!
url=""
for _ in $(seq 1 300); do
  if [ -s "$tmp/url" ]; then url="$(head -n 1 "$tmp/url")"; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.05
done
case "$url" in
  http://*) echo "demo: ivs-local is listening on $url"; echo ;;
  *) echo "demo: ivs-local did not start:" >&2; cat "$tmp/stderr" >&2; exit 1 ;;
esac

"$prefix/bin/ivs-demo" "$url"
