#!/usr/bin/env bash
# The Go binding (bindings/go) against the INSTALLED library:
#   1. install libivs with CMake into build/prefix (scripts/install-prefix.sh, reusing $IVS_LIBRARY when set);
#   2. go vet the package and the example (examples/go);
#   3. go test against one ivs-local (Tests/c/run-with-ivs-local.sh), with the race detector and
#      cgo's full pointer checks (GOEXPERIMENT=cgocheck2 from Go 1.21, GODEBUG=cgocheck=2 before);
#      the tests include every ```go program of README.md and docs/go.md;
#   4. build the examples (the tour, the chat bot) and run each against its own ivs-local.
# Go's caches live in build/go: nothing is fetched (GOPROXY=off, GOFLAGS=-mod=mod unneeded: standard
# library only) and nothing outside the tree is written.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
prefix="$root/build/prefix"

scripts/install-prefix.sh

export GOPATH="$root/build/go/path" GOCACHE="$root/build/go/cache" GOPROXY=off GOFLAGS= GOTOOLCHAIN=local
export CGO_ENABLED=1 PKG_CONFIG_PATH="$prefix/lib/pkgconfig" CGO_LDFLAGS="-Wl,-rpath,$prefix/lib"
go_version="$(go env GOVERSION)"
minor="$(echo "$go_version" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
cgocheck=(env GODEBUG=cgocheck=2)
if [ "${minor:-0}" -ge 21 ]; then cgocheck=(env GOEXPERIMENT=cgocheck2); fi
echo "go-tests: $go_version, ${cgocheck[*]:1}"

echo "go-tests: gofmt, go vet"
unformatted="$(gofmt -l bindings/go examples/go)"
if [ -n "$unformatted" ]; then echo "go-tests: not gofmt'd: $unformatted" >&2; exit 1; fi
(cd bindings/go && go vet ./...)
(cd examples/go && go vet ./...)

echo "go-tests: go test -race (against ivs-local)"
(cd bindings/go && "$root/Tests/c/run-with-ivs-local.sh" "${cgocheck[@]}" go test -race -count=1 -timeout 600s ${IVS_GO_TEST_FLAGS:-} ./...)

echo "go-tests: the examples (examples/go) against ivs-local"
(cd examples/go && go build -o "$root/build/go/ivs-go-demo" . && go build -o "$root/build/go/ivs-go-chat-bot" ./chatbot)
out="$("$root/Tests/c/run-with-ivs-local.sh" "$root/build/go/ivs-go-demo")"
echo "$out"
echo "$out" | grep -q '^Done\.$'
out="$("$root/Tests/c/run-with-ivs-local.sh" "$root/build/go/ivs-go-chat-bot")"
echo "$out"
echo "$out" | grep -q '(strike 2)$'
echo "$out" | grep -q '^visitor: disconnected (serverClosed)$'
echo "$out" | grep -q '^Done\.$'
