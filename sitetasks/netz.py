"""``make serve NETZ=1``: the preview, read-only, for a phone in the home
network, behind an access code.

The live preview and the editor (/redaktion/) stay on 127.0.0.1. This
second server listens on the computer's address in the home network only
(not on every interface), serves the built pages of output/ and nothing
else: no /redaktion/, no request that changes anything (only GET and
HEAD). Whoever opens it needs the code printed in the terminal (also as a
QR code with the address and the code); the first request with the right
code sets a cookie for this run of the preview, so the code leaves the
address bar at once.
"""

import hmac
import html
import io
import os
import posixpath
import secrets
import socket
import threading
import urllib.parse
from functools import partial
from http.cookies import CookieError, SimpleCookie
from http.server import ThreadingHTTPServer

from sitetasks.serving import SiteRequestHandler

CODE_PARAMETER = "zugang"
COOKIE = "vorschau_zugang"
EDITOR_PATH = "/redaktion"
# Letters and digits that cannot be mistaken for one another when typed off the terminal.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def new_access_code():
    """Eight characters (40 bits) in two groups, e.g. ``K7PM-Q2XD``."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def _plain(code):
    return "".join(c for c in code.upper() if c.isalnum())


def home_network_address():
    """This computer's address in the home network: the one its route to
    the internet leaves from (a UDP socket is connected, nothing is sent).
    None without a network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routed like any address, never reached
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def qr_text(text):
    """``text`` as a QR code of block characters, for the terminal."""
    import qrcode

    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


class NetworkPreviewHandler(SiteRequestHandler):
    """Pages of the built site for whoever has the access code."""

    access_code = ""  # set per server (network_preview_server)
    session = ""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def do_GET(self):
        if self._admitted():
            super().do_GET()

    def do_HEAD(self):
        if self._admitted():
            super().do_HEAD()

    def _refuse_change(self):
        self._german_page(405, "Nur ansehen", "Die Vorschau im Heimnetz lässt sich nur ansehen, nicht ändern. "
                          "Bearbeiten können Sie die Texte am Rechner selbst.", allow="GET, HEAD")

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _refuse_change

    def _admitted(self):
        """Whether to serve the request; if not, the answer has been sent."""
        address = urllib.parse.urlsplit(self.path)
        path = "/" + posixpath.normpath(urllib.parse.unquote(address.path)).lstrip("/")  # "//x" is "/x" too
        if path == EDITOR_PATH or path.startswith(EDITOR_PATH + "/"):
            self._german_page(404, "Nicht im Heimnetz", "Die Redaktion gibt es nur am Rechner selbst, unter "
                              "http://127.0.0.1 – nicht im Heimnetz.")
            return False
        given = urllib.parse.parse_qs(address.query).get(CODE_PARAMETER)
        if given is not None:
            if hmac.compare_digest(_plain(given[0]).encode(), _plain(self.access_code).encode()):
                # Into a cookie, out of the address bar (and the browser's history).
                self.send_response(303)
                self.send_header("Location", "/" + address.path.lstrip("/"))  # never another host's "//…"
                self.send_header("Set-Cookie", f"{COOKIE}={self.session}; Path=/; HttpOnly; SameSite=Lax")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return False
            self._ask_for_code("Dieser Zugangscode stimmt nicht. Er steht im Terminal, in dem die Vorschau läuft.")
            return False
        if self._has_session():
            return True
        self._ask_for_code("Für die Vorschau im Heimnetz braucht es den Zugangscode aus dem Terminal, in dem "
                           "die Vorschau läuft (oder scannen Sie den QR-Code dort).")
        return False

    def _has_session(self):
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(), self.session.encode())

    def _ask_for_code(self, why):
        form = (
            '<form method="get">'
            f'<p><label for="{CODE_PARAMETER}">Zugangscode</label> '
            f'<input id="{CODE_PARAMETER}" name="{CODE_PARAMETER}" autocomplete="off" autocapitalize="characters" '
            'spellcheck="false" required></p>'
            "<p><button>Vorschau öffnen</button></p></form>"
        )
        self._german_page(403, "Zugangscode nötig", why, form)

    def _german_page(self, status, title, text, extra="", allow=None):
        body = (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} – Vorschau</title></head>"
            f"<body><main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{extra}</main></body></html>"
        ).encode("utf-8")
        self.send_response(status)
        if allow:
            self.send_header("Allow", allow)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def network_preview_server(folder, address, port, access_code):
    """A read-only server for ``folder`` at ``address``:``port`` behind ``access_code``."""
    handler = type("Handler", (NetworkPreviewHandler,), {
        "access_code": access_code, "session": secrets.token_urlsafe(32),
    })
    return ThreadingHTTPServer((address, port), partial(handler, directory=os.fspath(folder)))


def start_network_preview(folder, address, port):
    """Serve ``folder`` to the home network in a thread and tell the author
    how to open it; None (and why, in German) if it cannot be served."""
    if address is None:
        print("Kein Heimnetz gefunden: die Vorschau läuft nur auf diesem Rechner.", flush=True)
        return None
    code = new_access_code()
    try:
        server = network_preview_server(folder, address, port, code)
    except OSError as error:
        print(f"Die Vorschau im Heimnetz lässt sich auf {address}:{port} nicht öffnen ({error.strerror}); "
              "sie läuft nur auf diesem Rechner. Ein anderer Port: make serve NETZ=1 PORT=8010.", flush=True)
        return None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://{address}:{port}/"
    print(f"Vorschau im Heimnetz (nur ansehen): {url} – Zugangscode: {code}", flush=True)
    print("Oder mit dem Handy diesen QR-Code scannen (Adresse mit Code):", flush=True)
    print(qr_text(f"{url}?{CODE_PARAMETER}={code}"), flush=True)
    return server
