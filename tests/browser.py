"""Serving a built site on 127.0.0.1 and driving Debian's Chromium with Playwright."""

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from sitetasks.building import CHROMIUM_ARGS  # noqa: F401 (the tests import it from here)


def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    # A browser test that cannot run must fail, never skip: CI installs it.
    assert path, "Debian's chromium is missing: apt-get install chromium (.ci/run does this)"
    return path


# The policy docs/security.md recommends; the tests serve the site with it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class QuietHandler(SimpleHTTPRequestHandler):
    policy = CONTENT_SECURITY_POLICY

    def log_message(self, *args):
        pass

    def end_headers(self):
        if self.policy:
            self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()


class UnprotectedHandler(QuietHandler):
    """A host that sets no policy: whatever a page injects would run."""

    policy = None


class StaticServer:
    """Serves a folder on 127.0.0.1 like a static host would, with a strict
    CSP unless ``policy`` is False."""

    def __init__(self, root, port, policy=True):
        handler = functools.partial(QuietHandler if policy else UnprotectedHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class RequestLog:
    """Every request a page makes, to prove nothing leaves the local server."""

    def __init__(self, page):
        self.urls = []
        self.errors = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message):
        # Chromium reports what the Content-Security-Policy blocked here.
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
            self.errors.append(message.text)

    def foreign(self, base):
        host = urlparse(base).netloc
        return [u for u in self.urls if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != host]
