#!/usr/bin/env bash
# pkg-config smoke test: compiles SOURCE with `cc $(pkg-config --cflags --libs ivs)` against the
# installed prefix (PKG_CONFIG_PATH, set by ctest) and runs it. The run-time search path comes from
# pkg-config too, as a user would write it.
#   pkgconfig-smoke.sh SOURCE OUTPUT
set -euo pipefail
src="$1" out="$2"
echo "PKG_CONFIG_PATH=$PKG_CONFIG_PATH"
echo "pkg-config --cflags --libs ivs: $(pkg-config --cflags --libs ivs)"
# shellcheck disable=SC2046
"${CC:-cc}" -Wall -Werror -o "$out" "$src" $(pkg-config --cflags --libs ivs) \
  -Wl,-rpath,"$(pkg-config --variable=libdir ivs)"
"$out" "$(pkg-config --modversion ivs)"
