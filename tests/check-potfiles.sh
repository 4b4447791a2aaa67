#!/bin/sh
# Every source file with a translatable string is in po/POTFILES.in, and
# every file listed there exists.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cd "${1:?the source folder}" || exit 2
status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|NC_) ?\("|translatable="yes"' src data --include='*.c' --include='*.ui' --include='*.xml' --include='*.in' 2>/dev/null | sort); do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f (it has translatable strings)"
    status=1
  fi
done
grep -v '^#' po/POTFILES.in | while read -r f; do
  if [ -n "$f" ] && [ ! -e "$f" ]; then
    echo "po/POTFILES.in lists $f, which does not exist"
    exit 1
  fi
done || status=1
[ "$status" -eq 0 ] && echo "po/POTFILES.in lists every file with translatable strings"
exit "$status"
