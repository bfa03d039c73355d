#!/usr/bin/env bash
# Runs every test suite: generated-code freshness, Swift unit tests, the C suite under ctest (also
# under valgrind), and the Python suites (ivs-local, differential vs botocore, tokens, configuration,
# the Python binding). This is the command CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
start=$(date +%s)
step() { echo; echo "=== $* ($(( $(date +%s) - start ))s)"; }

step setup
./scripts/setup.sh

step "generated code is up to date"
python3 tools/codegen/generate.py --check

step "build libivs.so"
./scripts/build.sh
export IVS_LIBRARY="$PWD/.build/release/libivs.so"

step "swift test"
swift test 2>&1 | tail -n 25

step "C tests (ctest, valgrind)"
./scripts/c-tests.sh

step "Python suites (pytest)"
.venv/bin/python -m pytest -q -p no:cacheprovider --timeout 300 tests/emulator tests/differential tests/tokens tests/config tests/python

echo; echo "all suites passed in $(( $(date +%s) - start ))s"
