#!/usr/bin/env bash
# Configure, build and install libivs with CMake into build/prefix, as a user would install it: the
# header, the library, ivs.pc and the CMake package that the C, C++ and Go suites build against.
# Reuses $IVS_LIBRARY (the .so scripts/build.sh made) when it is set; otherwise CMake runs swift build
# itself. --clean empties the prefix first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
prefix="$PWD/build/prefix"

lib_args=(-DIVS_PREBUILT_LIBRARY=)  # empty: CMake builds it (and forgets an earlier prebuilt one)
if [ -n "${IVS_LIBRARY:-}" ]; then
  lib_args=(-DIVS_PREBUILT_LIBRARY="$IVS_LIBRARY")
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

if [ "${1:-}" = "--clean" ]; then rm -rf "$prefix"; fi
echo "installing libivs into $prefix"
cmake -S . -B build/cmake "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DIVS_BUILD_TESTS=OFF -DIVS_BUILD_EXAMPLES=ON "${lib_args[@]}" >/dev/null
cmake --build build/cmake
cmake --install build/cmake >/dev/null
