# main.py — a minimal Kari extension in Python
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""hello-python: answers /hello, says hello when it starts, and has a
form page, "/form", whose submit is answered with a new tree.

The host runs ``python3 main.py`` in this folder with KARI_HOST_ADDRESS
set.  ``kari_extension`` is found beside this file (copy it from
_build/src/sdk/python/) or in /usr/share/kari/python, which the
manifest's runtime.env puts on PYTHONPATH.
"""

import json
import sys
from typing import Any, Dict, Optional

import kari_extension
from kari_extension import Extension, Finish


def handle_hello(endpoint: str, request: str) -> str:
    """Answer /hello; a request that is not a JSON object fails the call."""
    if not isinstance(json.loads(request), dict):
        raise ValueError("/hello expects a JSON object")
    return json.dumps({"greeting": "Hello from Python"})


FORM_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "title": "Name", "minLength": 1, "maxLength": 64},
        "times": {"type": "integer", "title": "Times", "minimum": 1, "maximum": 5, "default": 1},
    },
}


def form_tree(greeting: str, value: Dict[str, Any]) -> Dict[str, Any]:
    """The page: a heading, the last greeting and the form."""
    return {
        "id": "form-page", "type": "box", "spacing": 12,
        "children": [
            {"id": "title", "type": "heading", "text": "Say hello", "level": 2},
            {"id": "greeting", "type": "label", "text": greeting},
            {"id": "form", "type": "form", "title": "Who are you?", "schema": FORM_SCHEMA,
             "value": value, "submit_label": "Greet"},
            {"id": "clear", "type": "button", "label": "Start over"},
        ],
    }


def render_form(page: str, context: Dict[str, Any]) -> Dict[str, Any]:
    """The form as it first shows."""
    return form_tree("Nobody was greeted yet.", {"times": 1})


def on_form_event(page: str, node_id: str, kind: str, value: Any) -> Optional[Dict[str, Any]]:
    """Answer a submit with the greeting; "Start over" pushes the first
    tree instead of answering (a push can come at any time); other events
    change nothing."""
    if node_id == "clear" and kind == "click":
        EXTENSION.push_page(page, render_form(page, {}))
        return None
    if node_id != "form" or kind != "submit" or not isinstance(value, dict):
        return None
    name = value.get("name")
    times = value.get("times", 1)
    if not isinstance(name, str) or not name.strip():
        return form_tree("A name is needed.", value)
    if not isinstance(times, int) or not 1 <= times <= 5:
        times = 1
    return form_tree(" ".join(["Hello, %s!" % name.strip()] * times), value)


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


EXTENSION = Extension()


def main() -> int:
    """Run until the host shuts the extension down."""
    extension = EXTENSION
    extension.add_endpoint("/hello", handle_hello)
    # What the host says (the disk quota: "disk-quota-warning", …) goes
    # to the extension's log; a real one would also stop writing.
    extension.on_notice = lambda kind, message: extension.log(
        "info", "notice %s: %s" % (kind, message))
    extension.add_page("/form", render_form, on_form_event)
    return extension.run(on_ready)


if __name__ == "__main__":
    sys.exit(main())
