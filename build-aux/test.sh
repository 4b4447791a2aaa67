#!/usr/bin/env bash
# test.sh — install what is missing, build, and run every test:
#   1. the test suite in a normal build,
#   2. the same suite under AddressSanitizer and UndefinedBehaviorSanitizer,
#   3. each libFuzzer target briefly (KARI_FUZZ_SECONDS, default 20 s each),
#   4. the benchmarks, which print their figures (they never fail on time).
# Set KARI_TEST_SKIP to a space-separated subset of "asan fuzz bench" to skip steps.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build-aux/ensure-packages.sh build test

# CI has no session bus and no display: bring a private D-Bus session
# (the app and `gdbus call` tests need one) and a virtual X server.
if [ -z "${KARI_TEST_SESSION:-}" ]; then
  export KARI_TEST_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
if [ -z "${DISPLAY:-}" ]; then
  displayfd=$(mktemp /tmp/kari-xvfb.XXXXXX)
  Xvfb -displayfd 4 -screen 0 1280x800x24 -nolisten tcp 4>"$displayfd" 2>/dev/null &
  xvfb_pid=$!
  for _ in $(seq 100); do [ -s "$displayfd" ] && break; sleep 0.05; done
  export DISPLAY=":$(head -n1 "$displayfd")"
  rm -f "$displayfd"
fi
export GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1

skip=" ${KARI_TEST_SKIP:-} "
jobs=$(nproc 2>/dev/null || echo 2)

# Tests must not see the caller's extensions, registry or session.
export XDG_DATA_HOME=$(mktemp -d /tmp/kari-test-data.XXXXXX)
export XDG_CONFIG_HOME=$(mktemp -d /tmp/kari-test-config.XXXXXX)
# The system's shared data only (GTK needs its MIME database, icons and
# schemas); tests that care about extension folders set their own.
export XDG_DATA_DIRS=/usr/local/share:/usr/share
unset KARI_EXTENSIONS_PATH KARI_PLUGINS_PATH
trap 'rm -rf "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"; [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null; true' EXIT

setup() {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" -j "$jobs"
}

echo "== build and test"
setup _build-test -Dbenchmarks=true
meson test -C _build-test --print-errorlogs --num-processes "$jobs"

if [[ "$skip" != *" asan "* ]]; then
  echo "== build and test under AddressSanitizer and UndefinedBehaviorSanitizer"
  setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=false
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions="$top/tests/lsan.supp" \
    meson test -C _build-asan --print-errorlogs --num-processes "$jobs" --timeout-multiplier 3
fi

if [[ "$skip" != *" fuzz "* ]] && command -v clang >/dev/null; then
  echo "== fuzz each parser for ${KARI_FUZZ_SECONDS:-20} s"
  CC=clang setup _build-fuzz -Dfuzzing=true -Dbenchmarks=false
  for fuzzer in _build-fuzz/tests/fuzz/fuzz-*; do
    [ -f "$fuzzer" ] && [ -x "$fuzzer" ] || continue
    name=${fuzzer##*/fuzz-}
    # libFuzzer writes what it finds into the corpus: work on a copy.
    corpus=$(mktemp -d /tmp/kari-fuzz-corpus.XXXXXX)
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
    if [ "$name" = manifest ]; then
      for m in examples/*/*/extension.* examples/manifests/*; do
        cp "$m" "$corpus/$(echo "$m" | tr / _)"
      done
    fi
    log=$(mktemp /tmp/kari-fuzz-log.XXXXXX)
    if "$fuzzer" -max_total_time="${KARI_FUZZ_SECONDS:-20}" -print_final_stats=1 \
         -artifact_prefix="$top/_build-fuzz/fuzz-$name-" "$corpus" >"$log" 2>&1; then
      echo "fuzz-$name: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') runs, no failure"
    else
      cat "$log"
      echo "fuzz-$name FAILED; the input that broke it is in _build-fuzz/" >&2
      exit 1
    fi
    rm -rf "$corpus" "$log"
  done
fi

if [[ "$skip" != *" bench "* ]]; then
  echo "== benchmarks (figures, not pass/fail)"
  # Through meson, so each benchmark gets the environment its helpers need.
  meson test -C _build-test --benchmark --verbose --num-processes 1 --print-errorlogs
fi

echo "== all tests passed"
