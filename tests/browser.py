"""Serving a built site on 127.0.0.1 and driving Debian's Chromium with Playwright."""

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    # A browser test that cannot run must fail, never skip: CI installs it.
    assert path, "Debian's chromium is missing: apt-get install chromium (.ci/run does this)"
    return path


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """Serves a folder on 127.0.0.1 like a static host would (404.html included)."""

    def __init__(self, root, port):
        handler = functools.partial(QuietHandler, directory=str(root))
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

    def foreign(self, base):
        host = urlparse(base).netloc
        return [u for u in self.urls if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != host]
