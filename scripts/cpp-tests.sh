#!/usr/bin/env bash
# The C++ suite (include/ivs.hpp) against the INSTALLED library, as an application would build it:
#   1. install libivs with CMake into build/prefix (scripts/install-prefix.sh, reusing $IVS_LIBRARY, the
#      .so scripts/build.sh made, when it is set);
#   2. for each compiler (g++ and clang++; IVS_CXX_COMPILERS="g++" for one), configure Tests/cpp as its
#      own CMake project with find_package(ivs) -> ivs::cpp, build it with -Wall -Wextra -Werror (each
#      test with and without nlohmann::json, one also with -fno-exceptions, with the first compiler
#      also under ASan+UBSan; the example; the documentation's programs), and run ctest, every
#      program against its own ivs-local.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
prefix="$root/build/prefix"
jobs="${IVS_TEST_JOBS:-$(nproc)}"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
scripts/install-prefix.sh

# Debian's clang++ (the toolchain's /opt/swift/usr/bin/clang++, first on PATH, works as well:
# IVS_CXX_COMPILERS="g++ /opt/swift/usr/bin/clang++").
compilers="${IVS_CXX_COMPILERS:-g++ $(command -v /usr/bin/clang++ || command -v clang++)}"
for cxx in $compilers; do
  name="$(basename "$cxx")"
  dir="build/cpp-tests-${name//+/x}"
  echo "cpp-tests: $cxx ($("$cxx" --version | head -n 1))"
  # the sanitizer builds once, with the first compiler
  sanitize=OFF
  [ "$cxx" = "${compilers%% *}" ] && sanitize=ON
  cmake -S Tests/cpp -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_PREFIX_PATH="$prefix" -DIVS_REPO_ROOT="$root" -DIVS_CPP_SANITIZERS="$sanitize" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
done
