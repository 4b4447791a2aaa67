# main.py — a minimal Kari extension in Python
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""hello-python: answers /hello and says hello when it starts.

The host runs ``python3 main.py`` in this folder with KARI_HOST_ADDRESS
set.  ``kari_extension`` is found beside this file (copy it from
_build/src/sdk/python/) or in /usr/share/kari/python, which the
manifest's runtime.env puts on PYTHONPATH.
"""

import json
import sys

import kari_extension
from kari_extension import Extension, Finish


def handle_hello(endpoint: str, request: str) -> str:
    """Answer /hello; a request that is not a JSON object fails the call."""
    if not isinstance(json.loads(request), dict):
        raise ValueError("/hello expects a JSON object")
    return json.dumps({"greeting": "Hello from Python"})


def on_ready(extension: Extension) -> None:
    """Check the permission, then notify; a refusal is logged, not fatal."""
    def on_notified(finish: Finish) -> None:
        try:
            finish()
        except kari_extension.PermissionDenied as error:
            extension.log("warning", "Notify: PermissionDenied: %s" % error)

    def on_checked(finish: Finish) -> None:
        allowed, decided_by = finish()
        extension.log("info", "notifications allowed=%s by %s" % (allowed, decided_by))
        extension.notify("Hello", "hello-python started", on_notified)

    extension.check_permission("notifications", on_checked)


def main() -> int:
    """Run until the host shuts the extension down."""
    extension = Extension()
    extension.add_endpoint("/hello", handle_hello)
    # What the host says (the disk quota: "disk-quota-warning", …) goes
    # to the extension's log; a real one would also stop writing.
    extension.on_notice = lambda kind, message: extension.log(
        "info", "notice %s: %s" % (kind, message))
    return extension.run(on_ready)


if __name__ == "__main__":
    sys.exit(main())
