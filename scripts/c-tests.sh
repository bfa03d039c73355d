#!/usr/bin/env bash
# The C test suite against the INSTALLED library, as a user would build it:
#   1. configure, build and install libivs with CMake into build/prefix (scripts/install-prefix.sh: the .so
#      scripts/build.sh made, when it is set; otherwise CMake runs swift build itself);
#   2. configure Tests/c as its own CMake project with find_package(ivs) from that prefix, and build it;
#   3. run ctest: every test program against its own ivs-local, then the pkg-config smoke test, then
#      the same programs under valgrind memcheck (skipped with IVS_SKIP_VALGRIND=1).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
prefix="$root/build/prefix"
jobs="${IVS_TEST_JOBS:-$(nproc)}"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
scripts/install-prefix.sh --clean

echo "c-tests: building Tests/c against the installed libivs (find_package(ivs))"
cmake -S Tests/c -B build/c-tests "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_PREFIX_PATH="$prefix" \
  -DIVS_REPO_ROOT="$root" >/dev/null
cmake --build build/c-tests

echo "c-tests: ctest"
ctest --test-dir build/c-tests -LE valgrind --output-on-failure -j "$jobs"

if [ "${IVS_SKIP_VALGRIND:-0}" = "1" ]; then
  echo "c-tests: valgrind pass skipped (IVS_SKIP_VALGRIND=1)"
else
  echo "c-tests: ctest under valgrind (memcheck: no error, no definite leak)"
  ctest --test-dir build/c-tests -L valgrind --output-on-failure -j "$jobs"
fi
