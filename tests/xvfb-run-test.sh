#!/bin/sh
# Runs a GTK test or benchmark on a display: the one the session has, or
# a private Xvfb server started for this run alone (xvfb-run -a picks a
# free display number, so tests may run side by side).
#
# SPDX-License-Identifier: GPL-3.0-or-later
if [ -n "$DISPLAY" ] || [ -n "$WAYLAND_DISPLAY" ]; then
  exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@"
