#!/usr/bin/env bash
# Builds one C++ program as the documentation says one may without CMake,
#   c++ -std=c++17 app.cpp $(pkg-config --cflags --libs ivs)
# against the installed libivs (PKG_CONFIG_PATH), with warnings as errors, and runs it.
#   pkgconfig-build.sh SOURCE OUTPUT [RUNNER...]
set -euo pipefail
src="$1" out="$2"
shift 2
"${CXX:-c++}" -std=c++17 -Wall -Wextra -Werror "$src" $(pkg-config --cflags --libs ivs) \
  -Wl,-rpath,"$(pkg-config --variable=libdir ivs)" -o "$out"
exec "$@" "$out"
