#!/usr/bin/env bash
# The quick start: installs what is needed, builds libivs, builds and installs it with its demo
# (CMake, into build/prefix), and runs the demo against a fresh ivs-local on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
prefix="$root/build/prefix"

./scripts/setup.sh
./scripts/build.sh

echo "demo: installing libivs and ivs-demo into $prefix"
IVS_LIBRARY="$root/.build/release/libivs.so" scripts/install-prefix.sh

# ivs-local on a free port for the demo's lifetime: the same runner the C tests use (IVS_PYTHON
# chooses the interpreter); it passes the URL as IVS_LOCAL_URL and stops ivs-local afterwards.
echo "demo: starting ivs-local"
Tests/c/run-with-ivs-local.sh "$prefix/bin/ivs-demo"
