"""Serving output/ on 127.0.0.1: `invoke serve` and the live preview."""

import errno
import html
import os
import re
import socket
import urllib.parse
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NOT_FOUND_PAGE = "404.html"  # the theme's own page, a direct template


def port_number(value):
    """The port as a number; a ValueError with a German message otherwise."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 65535:
        return int(text)
    raise ValueError(
        f"„{value}“ ist kein Port. Erlaubt ist eine ganze Zahl von 1 bis 65535, z. B. --port 8001."
    )


def busy_port_message(port):
    return (
        f"Port {port} ist schon belegt – läuft die Vorschau schon in einem anderen Terminal? "
        f"Beenden Sie das andere Programm (Strg+C) oder wählen Sie einen anderen Port, z. B. --port {port + 1}."
    )


def check_port_free(host, port):
    """Raise OSError with a German message if ``port`` is taken, before any
    building starts."""
    with socket.socket() as probe:
        # As the servers do: a port only waiting out old connections is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise OSError(error.errno, busy_port_message(port)) from None
            raise OSError(
                error.errno,
                f"Port {port} lässt sich nicht öffnen ({error.strerror}). "
                "Wählen Sie einen Port über 1024, z. B. --port 8001.",
            ) from None


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Static files of the built site; the site's own page for a missing one."""

    # An idle or half-open connection gives up its thread after this long
    # (each connection has one; see ThreadingHTTPServer).
    timeout = 30

    def send_head(self):
        if "\x00" in urllib.parse.unquote(self.path):
            self.send_error(404)
            return None
        return super().send_head()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class SiteServer(ThreadingHTTPServer):
    # Connections waiting to be accepted. socketserver's 5 dropped all but
    # a few of a burst (a browser opens several at once, a link checker
    # hundreds), each dropped one tried again only after a second.
    request_queue_size = 1024


def site_server(folder, host, port):
    """A server for ``folder`` that answers each connection in a thread of
    its own, so one slow or idle client never holds up the others."""
    handler = partial(SiteRequestHandler, directory=os.fspath(folder))
    return SiteServer((host, port), handler)


def problem_banner(text):
    """The preview's box for a build that did not finish, in the markup of
    base.html's box for problems in the cases."""
    return (
        '<section class="build-problems" role="alert" aria-labelledby="build-problems-title">'
        '<p id="build-problems-title"><strong>Vorschau: Der letzte Bau ist fehlgeschlagen</strong> – '
        "die Seite zeigt den Stand davor. Die Meldungen stehen auch im Terminal der Vorschau; "
        "nach dem nächsten guten Speichern ist alles wieder aktuell.</p>"
        f"<pre>{html.escape(text)}</pre></section>"
    ).encode("utf-8")


def with_banner(page, text):
    """``page`` (bytes) with the problem banner before its main content."""
    at = page.find(b"<main")
    if at < 0:
        at = page.find(b"<body")
        at = page.find(b">", at) + 1 if at >= 0 else 0
    return page[:at] + problem_banner(text) + page[at:]


# A case page of the preview: the editor's "Bearbeiten" link goes on it.
CASE_PAGE = re.compile(r"(?:^|/)(?:fall|entwurf)/([0-9]{1,9})/index\.html$")


def with_edit_link(page, number):
    """``page`` (bytes) with a link to the case in the editor at the start
    of its main content; only the preview serves it, output/ never has it."""
    at = page.find(b"<main")
    if at < 0:
        return page
    at = page.find(b">", at) + 1
    link = (f'<p class="preview-edit"><a href="/redaktion/nummer/{number}/">Bearbeiten</a> '
            "(nur in der Vorschau: öffnet den Fall in der Redaktion)</p>").encode("utf-8")
    return page[:at] + link + page[at:]


def preview_file_handler(problem_note, edit_links=False):
    """The live preview's file handler (for livereload's Server.SFH): the
    site's 404 page, no 500 for odd paths, and the problem banner on every
    page while the last build has failed (its text is in ``problem_note``);
    with ``edit_links``, a "Bearbeiten" link on each case page."""
    from livereload.handlers import StaticFileHandler
    from tornado.web import HTTPError

    class PreviewFileHandler(StaticFileHandler):
        _page = None

        def validate_absolute_path(self, root, absolute_path):
            if "\x00" in absolute_path:
                raise HTTPError(404)
            return super().validate_absolute_path(root, absolute_path)

        def compute_etag(self):
            return None  # pages change under the preview all the time

        def get_content_size(self):
            self._page = None
            if self.absolute_path.endswith(".html"):
                try:
                    text = Path(problem_note).read_text(encoding="utf-8")
                except FileNotFoundError:
                    text = None
                if text is not None:
                    self._page = with_banner(Path(self.absolute_path).read_bytes(), text)
                case_page = CASE_PAGE.search(self.absolute_path.replace(os.sep, "/")) if edit_links else None
                if case_page:
                    page = self._page if self._page is not None else Path(self.absolute_path).read_bytes()
                    self._page = with_edit_link(page, case_page.group(1))
            return super().get_content_size() if self._page is None else len(self._page)

        def get_content(self, abspath, start=None, end=None):
            if self._page is None:
                return super().get_content(abspath, start, end)
            return self._page[start:end]

        def write_error(self, status_code, **kwargs):
            page = Path(self.root) / NOT_FOUND_PAGE
            if status_code != 404 or not page.is_file():
                super().write_error(status_code, **kwargs)
                return
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(page.read_bytes())

    return PreviewFileHandler


def preview_watcher(interval_ms=50):
    """livereload's watcher for the preview's reload marker: it looks every
    ``interval_ms`` (a stat()) rather than every 800 ms, and each change
    reloads the browser. livereload's own check leaves out changes within
    3 s of the last reload; the marker changes only when a build has
    finished, so an edit saved soon after the last one would be lost."""
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import PeriodicCallback

    class PreviewWatcher(Watcher):
        def start(self, callback):
            PeriodicCallback(self.look, interval_ms).start()
            return True

        def look(self):
            if self.examine()[0]:
                LiveReloadHandler.reload_waiters()

    return PreviewWatcher()


def quiet_preview_server():
    """livereload's and tornado's own lines ("Serving on …", "Reload 0
    waiters", every request) left out of the author's terminal; their
    warnings and errors stay. livereload sets its logger's level when it
    starts serving, so a filter, which stays."""
    import logging

    def serious(record):
        return record.levelno >= logging.WARNING

    for name in ("livereload", "tornado.general", "tornado.application"):
        logging.getLogger(name).addFilter(serious)
    logging.getLogger("tornado.access").addFilter(lambda record: False)  # 404s are normal while editing
