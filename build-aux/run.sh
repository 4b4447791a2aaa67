#!/usr/bin/env bash
# run.sh [kari-ext ARGS…] — install what is missing, build, and run.
# With no arguments it opens the Control Room with the bundled examples
# (or, with no display, shows them through kari-ext: validated, listed and
# resolved); with arguments it runs `kari-ext ARGS…`.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build-aux/ensure-packages.sh build
[ -f _build/build.ninja ] || meson setup _build >/dev/null
ninja -C _build >/dev/null

# The bundled examples come first in the search path; the user's own
# extension folders follow as usual.
export KARI_EXTENSIONS_PATH="$top/examples/extensions${KARI_EXTENSIONS_PATH:+:$KARI_EXTENSIONS_PATH}"
export KARI_PLUGINS_PATH="$top/examples/plugins${KARI_PLUGINS_PATH:+:$KARI_PLUGINS_PATH}"
kari_ext="$top/_build/src/cli/kari-ext"

if [ $# -gt 0 ]; then
  exec "$kari_ext" "$@"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # The app's settings schema from the build folder, as it is not installed.
  export GSETTINGS_SCHEMA_DIR="$top/_build/data"
  exec "$top/_build/src/app/kari-control-room"
fi

echo "(no display: showing the examples through kari-ext instead of the window)"

echo "== kari-ext validate examples/extensions/*"
"$kari_ext" validate examples/extensions/*
echo
echo "== kari-ext list"
"$kari_ext" list
echo
echo "== kari-ext resolve"
"$kari_ext" resolve
echo
echo "Try: build-aux/run.sh info advanced-analytics    build-aux/run.sh validate examples/broken/*"
