# kari_extension.py — the Python SDK for Kari extensions
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connect a Kari extension written in Python to its host.

The host starts the extension with its private D-Bus address in
``KARI_HOST_ADDRESS``.  :class:`Extension` connects to it, exports
``io.github.kari.Extension1`` (Ping, HandleRequest, Notify, ConfigChanged,
RenderPage, HandlePageEvent, Shutdown), makes the handshake with the
endpoints, pages and tasks added before, and calls the host's ``Log``,
``CheckPermission``, ``Notify`` and ``PushPage``.  Everything runs on
the GLib main loop; only PyGObject (``gi``) is needed.

Asynchronous calls take a callback that receives a *finish* function:
calling it returns the result or raises the host's error as a
:class:`KariError` subclass, as ``*_finish()`` does in the C SDK::

    def on_notified(finish):
        try:
            finish()
        except kari_extension.PermissionDenied as error:
            ext.log("warning", str(error))
"""

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from gi.repository import Gio, GLib

__all__ = [
    "ADDRESS_VARIABLE", "Extension", "Failed", "Finish", "KariError", "LimitExceeded",
    "NoAddress", "NotReady", "PermissionDenied",
    "Conflict", "MigrationFailed", "NotFound", "QuotaExceeded", "Refused", "SqlFailed",
]

ADDRESS_VARIABLE = "KARI_HOST_ADDRESS"
HOST_PATH = "/io/github/kari/Host"
HOST_INTERFACE = "io.github.kari.Host1"
STORAGE_INTERFACE = "io.github.kari.Storage1"
CONFIG_INTERFACE = "io.github.kari.Config1"
EXTENSION_PATH = "/io/github/kari/Extension"
EXTENSION_INTERFACE = "io.github.kari.Extension1"
CALL_TIMEOUT_MS = 30000

# The build replaces this line with data/io.github.kari.Extension1.xml;
# the source tree reads that file instead.
_EXTENSION1_XML: Optional[str] = None  # @EXTENSION1_XML@


class KariError(Exception):
    """An error from the host; ``dbus_name`` is its D-Bus error name."""

    dbus_name = "io.github.kari.Error.Failed"


class PermissionDenied(KariError):
    """The extension lacks the permission the message names."""

    dbus_name = "io.github.kari.Error.PermissionDenied"


class LimitExceeded(KariError):
    """Too many calls, or too large."""

    dbus_name = "io.github.kari.Error.LimitExceeded"


class NotReady(KariError):
    """A call came before the handshake."""

    dbus_name = "io.github.kari.Error.NotReady"


class Failed(KariError):
    """A request handler failed."""

    dbus_name = "io.github.kari.Error.Failed"


class NoAddress(KariError):
    """``KARI_HOST_ADDRESS`` is not set."""


class NotFound(KariError):
    """No such document in the extension's store."""

    dbus_name = "io.github.kari.Error.NotFound"


class Conflict(KariError):
    """The stored version is not the one expected; the message names both."""

    dbus_name = "io.github.kari.Error.Conflict"


class Refused(KariError):
    """The SQL reaches outside the extension's store or into the host's tables."""

    dbus_name = "io.github.kari.Error.Refused"


class QuotaExceeded(KariError):
    """The store is full; nothing was written."""

    dbus_name = "io.github.kari.Error.QuotaExceeded"


class SqlFailed(KariError):
    """SQLite refused the statement; the message gives line and column."""

    dbus_name = "io.github.kari.Error.SqlFailed"


class MigrationFailed(KariError):
    """A migration the extension ships failed and was rolled back."""

    dbus_name = "io.github.kari.Error.MigrationFailed"


_ERRORS = {cls.dbus_name: cls for cls in (PermissionDenied, LimitExceeded, NotReady, Failed, NotFound,
                                          Conflict, Refused, QuotaExceeded, SqlFailed, MigrationFailed)}

Finish = Callable[[], Any]
Callback = Callable[[Finish], None]
Handler = Callable[[str, str], Any]
PageRender = Callable[[str, Dict[str, Any]], Any]
PageEvent = Callable[[str, str, str, Any], Any]


def _load_interface() -> Gio.DBusInterfaceInfo:
    """Parse io.github.kari.Extension1 from the embedded or shipped XML."""
    xml = _EXTENSION1_XML
    if xml is None:
        here = Path(__file__).resolve()
        root = here.parents[min(3, len(here.parents) - 1)]
        source = root / "data" / (EXTENSION_INTERFACE + ".xml")
        if not source.is_file():
            raise ImportError("%s has no interface: use the one the build makes "
                              "(_build/src/sdk/python/kari_extension.py)" % here)
        xml = source.read_text(encoding="utf-8")
    return Gio.DBusNodeInfo.new_for_xml(xml).lookup_interface(EXTENSION_INTERFACE)


def _error_from(error: GLib.Error) -> Exception:
    """Map a GLib error from a D-Bus call to a :class:`KariError`."""
    name = Gio.DBusError.get_remote_error(error)
    if name is None:
        return KariError(error.message)
    message = error.message
    prefix = "GDBus.Error:%s: " % name
    if message.startswith(prefix):
        message = message[len(prefix):]
    cls = _ERRORS.get(name, KariError)
    exc = cls(message)
    exc.dbus_name = name
    return exc


def _raise(exc: Exception) -> Any:
    raise exc


class Extension:
    """An extension's side of its private connection to the host.

    Add endpoints, pages and tasks, then call :meth:`connect` (or
    :meth:`run`).  Set ``on_shutdown`` and ``on_closed`` to be told when
    the host asks the extension to exit or the connection ends, and
    ``on_notice(kind, message)`` to hear what the host tells it (the disk
    quota).
    """

    def __init__(self) -> None:
        """Make an extension that is not connected yet."""
        self._endpoints: Dict[str, Handler] = {}
        self._pages: Dict[str, "tuple[PageRender, Optional[PageEvent]]"] = {}
        self._tasks: List[str] = []
        self._connection: Optional[Gio.DBusConnection] = None
        self._registration = 0
        self.host_info: Dict[str, Any] = {}
        self.on_shutdown: Optional[Callable[[], None]] = None
        self.on_closed: Optional[Callable[[], None]] = None
        # on_notice(kind, message): "disk-quota-warning" (/data at 90 % of
        # the quota), "disk-quota-exceeded" (read-only until space is
        # freed), "disk-quota-ok"; unknown kinds are to be ignored.
        self.on_notice: Optional[Callable[[str, str], None]] = None
        #: ``on_config_changed(tenant)``: the extension's settings changed;
        #: read them again with :meth:`get_config`.
        self.on_config_changed: Optional[Callable[[str], None]] = None

    # Registration --------------------------------------------------

    def add_endpoint(self, endpoint: str, handler: Handler) -> None:
        """Offer *endpoint*; ``handler(endpoint, request)`` answers it.

        The request is JSON text.  The handler returns the response as
        JSON text, or any other value, which is encoded as JSON; if it
        raises, the host gets ``io.github.kari.Error.Failed``.
        """
        if not endpoint:
            raise ValueError("an endpoint needs a name")
        self._endpoints[endpoint] = handler

    def add_page(self, page: str, render: PageRender,
                 event: Optional[PageEvent] = None) -> None:
        """Offer *page* (its path in the manifest's ui.pages, such as "/form").

        ``render(page, context)`` returns the page tree, a dict (encoded as
        JSON) or JSON text; *context* holds "tenant" and "locale".
        ``event(page, node_id, kind, value)`` answers a person's action
        ("click", "change", "submit", "activate"; *value* decoded from
        JSON) with the page's new tree, or None when nothing changes.  The
        host validates every tree and shows an error state instead of one
        that is not valid; a handler that raises fails the call.
        """
        if not page:
            raise ValueError("a page needs a path")
        self._pages[page] = (render, event)

    def add_task(self, task: str) -> None:
        """Offer a task the extension runs."""
        self._tasks.append(task)

    @property
    def name(self) -> Optional[str]:
        """The extension's name as the host knows it, after the handshake."""
        return self.host_info.get("extension")

    @property
    def connection(self) -> Optional[Gio.DBusConnection]:
        """The connection to the host, once connected."""
        return self._connection

    # Connecting -----------------------------------------------------

    def connect(self, callback: Callback, address: Optional[str] = None) -> None:
        """Connect to the host, export our side and make the handshake.

        *address* defaults to ``KARI_HOST_ADDRESS``.  *callback* gets a
        finish function that returns the host's answer to the handshake
        (also kept in :attr:`host_info`) or raises.
        """
        address = address or os.environ.get(ADDRESS_VARIABLE)
        if not address:
            error = NoAddress("%s is not set: the extension must be started by the Kari host"
                              % ADDRESS_VARIABLE)

            def fail() -> bool:
                callback(lambda: _raise(error))
                return GLib.SOURCE_REMOVE

            GLib.idle_add(fail)
            return

        def on_connected(_source: Any, result: Gio.AsyncResult) -> None:
            connection = None
            try:
                connection = Gio.DBusConnection.new_for_address_finish(result)
                # Export our side first: the host may ping once it has our offer.
                self._registration = connection.register_object(
                    EXTENSION_PATH, _load_interface(), self._on_method_call, None, None)
            except GLib.Error as error:
                if connection is not None:
                    connection.close(None, None)
                exc = _error_from(error)
                callback(lambda: _raise(exc))
                return
            self._connection = connection
            connection.connect("closed", self._on_closed)
            offered = GLib.Variant("(a{sv})", ({
                "endpoints": GLib.Variant("as", list(self._endpoints)),
                "pages": GLib.Variant("as", list(self._pages)),
                "tasks": GLib.Variant("as", self._tasks),
            },))
            self._call("Handshake", offered, "(a{sv})", callback, self._on_handshake)

        Gio.DBusConnection.new_for_address(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT, None, None, on_connected)

    def _on_handshake(self, reply: GLib.Variant) -> Dict[str, Any]:
        self.host_info = reply.unpack()[0]
        return self.host_info

    def run(self, on_ready: Callable[["Extension"], None]) -> int:
        """Connect, call ``on_ready(self)``, and run until shut down or closed.

        Returns 0 after Shutdown or when the host closes the connection,
        1 when the connection or handshake fails: an exit status.
        """
        loop = GLib.MainLoop()
        status = 0

        def on_connected(finish: Finish) -> None:
            nonlocal status
            try:
                finish()
            except (KariError, GLib.Error) as error:
                print("kari_extension: %s" % error, file=sys.stderr)
                status = 1
                loop.quit()
                return
            on_ready(self)

        self.on_shutdown = self.on_shutdown or loop.quit
        self.on_closed = self.on_closed or loop.quit
        self.connect(on_connected)
        loop.run()
        self.close()
        return status

    def close(self) -> None:
        """Close the connection to the host; safe to call more than once."""
        if self._connection is None:
            return
        if self._registration:
            self._connection.unregister_object(self._registration)
            self._registration = 0
        self._connection.close(None, None)
        self._connection = None

    def _on_closed(self, _connection: Gio.DBusConnection, _vanished: bool,
                   _error: Optional[GLib.Error]) -> None:
        if self.on_closed is not None:
            self.on_closed()

    # io.github.kari.Extension1 ---------------------------------------

    def _on_method_call(self, connection: Gio.DBusConnection, _sender: Optional[str],
                        _path: str, _interface: str, method: str,
                        parameters: GLib.Variant,
                        invocation: Gio.DBusMethodInvocation) -> None:
        if method == "Ping":
            invocation.return_value(None)
        elif method == "HandleRequest":
            self._handle_request(invocation, *parameters.unpack())
        elif method == "ConfigChanged":
            invocation.return_value(None)
            if self.on_config_changed is not None:
                self.on_config_changed(*parameters.unpack())
        elif method in ("RenderPage", "HandlePageEvent"):
            self._handle_page(invocation, method, *parameters.unpack())
        elif method == "Shutdown":
            invocation.return_value(None)
            # Flushed first, so an extension that exits at once still answers.
            connection.flush(None, lambda *_: self.on_shutdown and self.on_shutdown())
        elif method == "Notify":
            invocation.return_value(None)
            if self.on_notice is not None:
                self.on_notice(*parameters.unpack())
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod",
                                         "No method “%s”" % method)

    def _handle_request(self, invocation: Gio.DBusMethodInvocation,
                        endpoint: str, request: str) -> None:
        handler = self._endpoints.get(endpoint)
        if handler is None:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod",
                                         "No endpoint “%s”" % endpoint)
            return
        try:
            response = handler(endpoint, request)
            if not isinstance(response, str):
                response = json.dumps(response)
        except Exception as error:  # a handler's bug must not end the extension
            invocation.return_dbus_error(Failed.dbus_name, str(error) or type(error).__name__)
            return
        invocation.return_value(GLib.Variant("(s)", (response,)))

    def _handle_page(self, invocation: Gio.DBusMethodInvocation, method: str,
                     page: str, *args: str) -> None:
        entry = self._pages.get(page)
        if entry is None:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod",
                                         "No page “%s”" % page)
            return
        render, event = entry
        try:
            if method == "RenderPage":
                tree = render(page, json.loads(args[0]))
            else:
                node_id, kind, value = args
                tree = event(page, node_id, kind, json.loads(value)) if event else None
            if tree is None and method == "RenderPage":
                raise ValueError("the page's render function returned None")
            if tree is None:
                tree = ""
            elif not isinstance(tree, str):
                tree = json.dumps(tree)
        except Exception as error:  # a handler's bug must not end the extension
            invocation.return_dbus_error(Failed.dbus_name, str(error) or type(error).__name__)
            return
        invocation.return_value(GLib.Variant("(s)", (tree,)))

    # Calling the host ------------------------------------------------

    def _call(self, method: str, parameters: Optional[GLib.Variant], reply_type: str,
              callback: Optional[Callback],
              convert: Callable[[GLib.Variant], Any] = lambda reply: None,
              interface: str = HOST_INTERFACE) -> None:
        """Call *method* of Host1 (or *interface*); *callback* gets a finish function."""
        def deliver(finish: Finish) -> None:
            if callback is not None:
                callback(finish)

        if self._connection is None or self._connection.is_closed():
            deliver(lambda: _raise(KariError("Not connected to the host")))
            return

        def on_reply(connection: Gio.DBusConnection, result: Gio.AsyncResult) -> None:
            try:
                value = convert(connection.call_finish(result))
            except GLib.Error as error:
                exc = _error_from(error)
                deliver(lambda: _raise(exc))
                return
            deliver(lambda: value)

        self._connection.call(None, HOST_PATH, interface, method, parameters,
                              GLib.VariantType(reply_type), Gio.DBusCallFlags.NONE,
                              CALL_TIMEOUT_MS, None, on_reply)

    def log(self, level: str, message: str, callback: Optional[Callback] = None) -> None:
        """Write a line in the extension's log on the host.

        *level* is "debug", "info", "message", "warning" or "critical";
        *message* is at most 16 KiB.
        """
        self._call("Log", GLib.Variant("(ss)", (level, message)), "()", callback)

    def check_permission(self, permission: str, callback: Callback) -> None:
        """Ask whether the extension holds *permission* now.

        The finish function returns ``(allowed, decided_by)``.
        """
        self._call("CheckPermission", GLib.Variant("(s)", (permission,)), "(bs)", callback,
                   lambda reply: tuple(reply.unpack()))

    def get_config(self, callback: Callback, with_secrets: bool = False) -> None:
        """Read the extension's settings in its tenant, defaults applied.

        The finish function returns a dict. *with_secrets* also reads the
        secret settings, which needs ``secrets:read:config``.
        """
        self._call("Get", GLib.Variant("(b)", (with_secrets,)), "(s)", callback,
                   lambda reply: json.loads(reply.unpack()[0]), CONFIG_INTERFACE)

    def set_config(self, key: str, value: Any, callback: Optional[Callback] = None) -> None:
        """Change one setting (*key* as "/proxy/port" or "proxy.port").

        Needs ``data:write`` (``secrets:write:config`` for a secret setting); a value
        that breaks the manifest's config.schema raises :class:`KariError`
        from the finish function, naming the path and the rule.
        """
        self._call("Set", GLib.Variant("(ss)", (key, json.dumps(value))), "()", callback,
                   interface=CONFIG_INTERFACE)

    def notify(self, title: str, body: str, callback: Optional[Callback] = None) -> None:
        """Ask the host to show a notification.

        Needs the ``notifications`` permission, else the finish function
        raises :class:`PermissionDenied`.
        """
        self._call("Notify", GLib.Variant("(ss)", (title, body)), "()", callback)

    # The extension's store (io.github.kari.Storage1) ------------------
    #
    # The store is the extension's own in its tenant; reads need
    # ``data:read``, writes ``data:write``.  Documents are dicts stored
    # as JSON objects; finish functions raise NotFound, Conflict,
    # Refused, QuotaExceeded, SqlFailed, ... as the host answers.

    def _storage(self, method: str, parameters: GLib.Variant, reply_type: str,
                 callback: Optional[Callback],
                 convert: Callable[[GLib.Variant], Any] = lambda reply: None) -> None:
        self._call(method, parameters, reply_type, callback, convert, STORAGE_INTERFACE)

    def storage_sql(self, sql: str, params: Optional[List[Any]] = None,
                    callback: Optional[Callback] = None) -> None:
        """Run one SQL statement with ``?`` parameters from *params*.

        The finish function returns ``{"columns", "rows", "changes"}``.
        """
        self._storage("Sql", GLib.Variant("(ss)", (sql, json.dumps(params or []))), "(s)", callback,
                      lambda reply: json.loads(reply.unpack()[0]))

    def storage_put(self, collection: str, doc_id: str, document: Dict[str, Any],
                    expected_version: int = -1, callback: Optional[Callback] = None) -> None:
        """Store *document*; 0 as *expected_version* for a new one.

        The finish function returns the new version.
        """
        self._storage("Put", GLib.Variant("(sssx)", (collection, doc_id, json.dumps(document),
                                                     expected_version)),
                      "(x)", callback, lambda reply: reply.unpack()[0])

    def storage_get(self, collection: str, doc_id: str, callback: Callback) -> None:
        """Read a document; the finish function returns ``(document, version)``."""
        self._storage("Get", GLib.Variant("(ss)", (collection, doc_id)), "(sx)", callback,
                      lambda reply: (json.loads(reply.unpack()[0]), reply.unpack()[1]))

    def storage_delete(self, collection: str, doc_id: str, expected_version: int = -1,
                       callback: Optional[Callback] = None) -> None:
        """Delete a document."""
        self._storage("Delete", GLib.Variant("(ssx)", (collection, doc_id, expected_version)), "()",
                      callback)

    def storage_query(self, collection: str, query: Optional[Dict[str, Any]] = None,
                      callback: Optional[Callback] = None) -> None:
        """Find documents: *query* has "where", "order_by", "limit", "offset".

        The finish function returns ``{"documents", "next_offset"}``.
        """
        self._storage("Query", GLib.Variant("(ss)", (collection, json.dumps(query or {}))), "(s)",
                      callback, lambda reply: json.loads(reply.unpack()[0]))

    def storage_create_index(self, collection: str, field: str,
                             callback: Optional[Callback] = None) -> None:
        """Index *field* (a path such as "address.city") for queries."""
        self._storage("CreateIndex", GLib.Variant("(ss)", (collection, field)), "()", callback)

    def storage_declare_per_user(self, kind: str, name: str,
                                 callback: Optional[Callback] = None) -> None:
        """Make a "collection" or an empty SQL "table" per-user."""
        self._storage("DeclarePerUser", GLib.Variant("(ss)", (kind, name)), "()", callback)

    def push_page(self, page: str, tree: Any, callback: Optional[Callback] = None) -> None:
        """Replace what *page* shows with *tree* (a dict or JSON text).

        The page must be declared in the manifest's ui.pages, else the
        finish function raises :class:`PermissionDenied`; the host takes
        up to 30 pushes a second (:class:`LimitExceeded` beyond) and
        refuses a tree that is not valid, naming the node.
        """
        if not isinstance(tree, str):
            tree = json.dumps(tree)
        self._call("PushPage", GLib.Variant("(ss)", (page, tree)), "()", callback)
