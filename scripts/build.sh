#!/usr/bin/env bash
# Builds libivs.so (release, Swift runtime linked statically) at .build/release/libivs.so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release -Xswiftc -static-stdlib --product ivs
lib=.build/release/libivs.so
if ldd "$lib" | grep -Eq 'libswift|libFoundation|libdispatch'; then
  echo "build: $lib links a Swift runtime library dynamically:" >&2
  ldd "$lib" >&2
  exit 1
fi
# The SONAME is libivs.so.MAJOR.MINOR of the library's version (set in Package.swift); programs linked
# against this build record that name, so it sits beside the file as a link.
version=$(cat VERSION)
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != "libivs.so.${version%.*}" ]; then
  echo "build: $lib has SONAME '$soname', expected libivs.so.${version%.*} (version $version): update Package.swift" >&2
  exit 1
fi
ln -sfn libivs.so ".build/release/$soname"
# The library exports the C ABI and nothing else (Sources/IVS/exports.map): exactly the functions
# include/ivs.h declares.
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ {print $3}' | sort)
declared=$(sed -n 's/^IVS_API [^(]*[ *]\(ivs_[a-z0-9_]*\)(.*/\1/p' include/ivs.h | sort)
if [ "$exported" != "$declared" ]; then
  echo "build: $lib exports other symbols than include/ivs.h declares:" >&2
  diff <(echo "$declared") <(echo "$exported") >&2 || true
  exit 1
fi
echo "build: $lib ($soname, $(echo "$exported" | wc -l) exported functions)"
