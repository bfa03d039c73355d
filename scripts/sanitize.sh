#!/usr/bin/env bash
# The C test suite under a sanitizer, one command each:
#   scripts/sanitize.sh asan   AddressSanitizer (with LeakSanitizer) + UndefinedBehaviorSanitizer
#   scripts/sanitize.sh tsan   ThreadSanitizer
#
# 1. builds libivs.so with the sanitizer in its own scratch path (.build-asan / .build-tsan);
# 2. builds Tests/c against it through the top-level CMake project (IVS_PREBUILT_LIBRARY), with the
#    toolchain's clang and the same -fsanitize flags, so the one sanitizer runtime linked into each test
#    program serves libivs.so too (the .so leaves the runtime's symbols undefined: see below);
# 3. runs the tests under ctest, each against its own ivs-local (run-with-ivs-local.sh), without the
#    valgrind label. Any sanitizer report fails its test: halt_on_error / exitcode below.
#
# Build directories: build/asan, build/tsan (CMake) and .build-asan, .build-tsan (SwiftPM).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
kind="${1:-}"
jobs="${IVS_TEST_JOBS:-$(nproc)}"
supp="$root/Tests/c/sanitizers"

case "$kind" in
  asan)
    # -static-stdlib as in scripts/build.sh: the Swift runtime inside libivs.so is not instrumented,
    # but ASan intercepts the malloc/free/mem* calls it makes, which is what ASan needs from it.
    # Swift has no -sanitize=undefined on Linux ("unsupported option ... for target
    # x86_64-unknown-linux-gnu"): UBSan reaches the C in libivs (CIVSShims) through -Xcc, and all of
    # the tests. Swift code itself traps on overflow and out-of-bounds access in every build.
    c_libs=""
    swift_flags=(-Xswiftc -static-stdlib --sanitize=address -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=all)
    c_flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    # halt_on_error/exitcode: the first report ends the program with a failing status, which ctest
    # sees through run-with-ivs-local.sh. detect_leaks: LeakSanitizer at exit (its suppressions are
    # the process-lifetime caches of third-party libraries only, each justified in the file).
    export ASAN_OPTIONS="halt_on_error=1:exitcode=23:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0:exitcode=23${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=23${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    # what the canary must provoke (mode and report), and the runtime's hook in an instrumented libivs
    canaries=("leak:ERROR: LeakSanitizer: detected memory leaks" "ub:runtime error: signed integer overflow")
    instrumented=__asan_report_load8
    ;;
  tsan)
    # The Swift runtime's own synchronisation (swift_once for globals and static lets, metadata
    # caches) is invisible to TSan unless the runtime is told TSan is present: it exports
    # __tsan_on_initialize, which the TSan runtime finds with dlsym at start-up and which makes
    # swift_once call __tsan_acquire/__tsan_release. Linked statically into libivs.so the runtime's
    # symbols are hidden (--exclude-libs ALL) and that hook is never found: every lazy global read on a
    # second thread is then reported as a race with its initialiser. So this build links the Swift
    # runtime dynamically (libswiftCore.so from the toolchain, found through swiftc's rpath).
    swift_flags=(--sanitize=thread)
    c_flags="-fsanitize=thread -fno-omit-frame-pointer"
    # The toolchain's TSan runtime carries interceptors for libdispatch and refers to it and to the
    # blocks runtime (dispatch_queue_offsets, _Block_copy), which swiftc links into Swift programs; a C
    # program must name them itself, from the same toolchain. They go in the linker flags (not
    # CMAKE_C_STANDARD_LIBRARIES) because CMake's compiler check links with those only; lld resolves
    # symbols whatever the order of objects and libraries.
    swift_libdir=/opt/swift/usr/lib/swift/linux
    c_libs="-L$swift_libdir -Wl,-rpath,$swift_libdir -ldispatch -lBlocksRuntime"
    canaries=("race:WARNING: ThreadSanitizer: data race")
    instrumented=__tsan_read8
    export TSAN_OPTIONS="halt_on_error=1:exitcode=23:second_deadlock_stack=1:suppressions=$supp/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    ;;
  *)
    echo "usage: $0 asan|tsan" >&2
    exit 2
    ;;
esac

scratch=".build-$kind"
lib="$root/$scratch/release/libivs.so"

# Release (-O) like the shipped library, so the sanitizer checks the code users run; -g keeps the
# stacks readable. swiftc leaves the sanitizer runtime out of a shared library (its __asan_* /
# __tsan_* symbols stay undefined in libivs.so) and the test programs, linked by clang with
# -fsanitize, bring it in: one runtime per process, as the sanitizers require.
swift_cmd=(swift build -c release -Xswiftc -g "${swift_flags[@]}" --product ivs --scratch-path "$scratch")
# SwiftPM does not relink when only linker flags change (e.g. -static-stdlib): start the scratch path
# afresh whenever the command differs from the one that built it.
if [ "$(cat "$scratch/sanitize-command" 2>/dev/null)" != "${swift_cmd[*]}" ]; then
  rm -rf "$scratch"
fi
echo "sanitize($kind): swift build ${swift_flags[*]} (scratch $scratch)"
"${swift_cmd[@]}"
echo "${swift_cmd[*]}" > "$scratch/sanitize-command"

echo "sanitize($kind): building Tests/c with clang $c_flags"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B "build/$kind" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=/opt/swift/usr/bin/clang -DCMAKE_C_FLAGS="$c_flags" -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld $c_libs" \
  -DIVS_PREBUILT_LIBRARY="$lib" -DIVS_BUILD_TESTS=ON -DIVS_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "build/$kind"

# The run must be able to fail: libivs calls into the sanitizer runtime, and each canary's bug is
# reported and fails its program with the exit status set above.
if ! nm -D --undefined-only "$lib" | grep -w "$instrumented" >/dev/null; then
  echo "sanitize($kind): $lib is not instrumented (no reference to $instrumented)" >&2
  exit 1
fi
canary="build/$kind/sanitizer-canary"
# shellcheck disable=SC2086  # the flags are lists of words
/opt/swift/usr/bin/clang $c_flags -g -fuse-ld=lld -Iinclude Tests/c/sanitizers/canary.c -o "$canary" \
  -L"build/$kind/lib" -Wl,-rpath,"$root/build/$kind/lib" -livs -lpthread $c_libs
for entry in "${canaries[@]}"; do
  mode="${entry%%:*}" want="${entry#*:}" status=0
  "$canary" "$mode" > "$canary.$mode.log" 2>&1 || status=$?
  if [ "$status" -ne 23 ] || ! grep -qF "$want" "$canary.$mode.log"; then
    echo "sanitize($kind): canary '$mode' exited $status without '$want':" >&2
    cat "$canary.$mode.log" >&2
    exit 1
  fi
  echo "sanitize($kind): canary '$mode' caught ($want)"
done

echo "sanitize($kind): ctest"
ctest --test-dir "build/$kind" -LE valgrind --output-on-failure -j "$jobs"
