#!/usr/bin/env bash
# Runs every test suite: generated-code freshness, Swift unit tests, a bounded run of every fuzz
# target, the C suite under ctest (also under valgrind, ASan+UBSan and TSan), the C++ and Go suites,
# and the Python suites (ivs-local, differential vs botocore, tokens, configuration, the Python
# binding, boto3-style scripts run with boto3 and with ivs and type-checked with mypy --strict, the
# hostile-server suite, chat messaging) and the Python packaging (wheels installed into fresh venvs).
# This is the command CI runs (.ci/run).
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

step "Python stubs are up to date"
.venv/bin/python bindings/python/gen_stubs.py --check

step "swift test"
swift test 2>&1 | tail -n 25

step "fuzz targets, 20 s each, the readers' differential fuzzer among them (scripts/fuzz.sh; docs/fuzzing.md)"
./scripts/fuzz.sh

step "C tests (ctest, valgrind)"
./scripts/c-tests.sh

step "C++ tests (ivs.hpp: g++ and clang++, ctest)"
./scripts/cpp-tests.sh

step "Go tests (bindings/go: go vet, go test -race with cgocheck, chat rooms, the examples)"
./scripts/go-tests.sh

step "C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
./scripts/sanitize.sh asan

step "C tests under ThreadSanitizer"
./scripts/sanitize.sh tsan

# Tests/config compares `aws login` credentials with botocore[crt], which setup.sh installs apart.
export IVS_BOTOCORE_CRT_PYTHON="$PWD/.build-botocore-crt/bin/python"
# One pytest run per suite: each suite has its own conftest and fixtures (its own ivs-local).
for suite in emulator differential tokens config python boto3_scripts hostile chat; do
  step "pytest Tests/$suite"
  .venv/bin/python -m pytest -q -p no:cacheprovider --timeout 300 "Tests/$suite"
done

step "Python packaging (Tests/wheel: pip wheel and install in fresh venvs, auditwheel)"; ./scripts/wheel-tests.sh

echo; echo "all suites passed in $(( $(date +%s) - start ))s"
