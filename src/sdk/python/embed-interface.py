#!/usr/bin/env python3
# embed-interface.py — build kari_extension.py with the interface inside
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replace the _EXTENSION1_XML marker line of MODULE with the XML file.

Usage: embed-interface.py MODULE XML OUTPUT
"""

import sys

MARKER = "_EXTENSION1_XML: Optional[str] = None  # @EXTENSION1_XML@\n"


def main(module: str, xml: str, output: str) -> int:
    """Write OUTPUT, or fail when the marker is not there exactly once."""
    with open(module, encoding="utf-8") as f:
        text = f.read()
    if text.count(MARKER) != 1:
        print("%s: expected the marker line once" % module, file=sys.stderr)
        return 1
    with open(xml, encoding="utf-8") as f:
        interface = f.read()
    line = "_EXTENSION1_XML: Optional[str] = %r\n" % interface
    with open(output, "w", encoding="utf-8") as f:
        f.write(text.replace(MARKER, line))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
