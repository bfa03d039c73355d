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
echo "build: $lib"
