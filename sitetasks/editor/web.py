"""The editor at /redaktion/ inside the live preview: livereload's tornado
Server with the editor's handlers before the site's files.

Only on 127.0.0.1 (the preview's address); every request must name the
preview's own host (no other site can reach it through a DNS name), and
every request that changes something must carry the session's secret in
the X-Redaktion-Schluessel header (the page's script sends it; another
site's page cannot read it) and, if the browser names one, our Origin.
Pages work under script-src 'self': no inline script, no inline style.
"""

import hmac
import json
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
from livereload import Server
from tornado import web
from tornado.ioloop import IOLoop

from cases.checks import case_numbers, read_header
from cases.model import CaseError
from german.dates import german_date
from sitetasks import site
from sitetasks.editor import rendering, store

EDITOR_FILES = site.ROOT / "theme" / "editor"
SECRET_HEADER = "X-Redaktion-Schluessel"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; frame-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
STEP_TIMEOUT = 600  # seconds a request waits for the preview's builder


class EditorState:
    """What the editor's handlers share for one run of the preview."""

    def __init__(self, builds, port, content=site.CONTENT, cache=site.ROOT / "cache", settings=site.PELICANCONF):
        self.builds = builds
        self.port = port
        self.content = Path(content)
        self.cache = Path(cache)
        self.settings = settings
        self.secret = secrets.token_urlsafe(32)
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        # One build or check at a time, off tornado's loop (which also
        # serves the site and livereload's socket).
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redaktion")
        self.publishing = None  # the current "Veröffentlichen" run
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(EDITOR_FILES / "templates")), autoescape=True,
        )
        self.templates.filters["german_date"] = german_date
        self._timezone = None

    @property
    def timezone(self):
        if self._timezone is None:
            from pelican.settings import read_settings

            self._timezone = read_settings(str(self.settings))["TIMEZONE"]
        return self._timezone

    def themes(self):
        themes = set()
        for path in (self.content / "faelle").glob("*.md"):
            try:
                themes.update(t.strip() for t in (read_header(path).value("tags") or "").split(",") if t.strip())
            except CaseError:
                continue
        return sorted(themes, key=str.casefold)


class PublishRun:
    """One run of sitetasks.golive.go_live in a thread of its own.

    go_live builds the published site into output/ and deploys it from
    there; the preview builds into a folder of its own and goes on."""

    def __init__(self):
        self.steps = []
        self.done = False
        self.ok = None
        self.line = ""
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        from sitetasks.golive import go_live

        try:
            result = go_live(self.steps.append)
        except Exception as error:  # noqa: BLE001 - the author gets one line, never a traceback
            self._finish(False, f"Veröffentlichen ist abgebrochen ({type(error).__name__}: {error}); "
                                "nichts Neues ist online. Die Meldungen stehen im Terminal der Vorschau.")
            return
        self._finish(result.ok, result.line)

    def _finish(self, ok, line):
        self.ok, self.line, self.done = ok, line, True

    def state(self):
        return {"steps": list(self.steps), "done": self.done, "ok": self.ok, "line": self.line}


class EditorHandler(web.RequestHandler):
    def initialize(self, state):
        self.state = state

    def prepare(self):
        if self.request.host not in self.state.hosts:
            raise web.HTTPError(403, reason="Forbidden")
        if self.request.method not in ("GET", "HEAD"):
            origin = self.request.headers.get("Origin")
            secret = self.request.headers.get(SECRET_HEADER, "")
            if (origin is not None and origin not in self.state.origins) or not hmac.compare_digest(
                    secret.encode(), self.state.secret.encode()):
                self.refuse(403, "Abgelehnt: Diese Anfrage kam nicht von der Redaktion dieser Vorschau. Nichts wurde geändert.")

    def set_default_headers(self):
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")

    def refuse(self, status, message):
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"message": message}))
        raise web.Finish()

    def send_page(self, template, **values):
        body = self.state.templates.get_template(template).render(secret=self.state.secret, **values)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        # livereload's transform writes its inline script into the first
        # chunk that has </head>; an empty first chunk keeps the editor's
        # pages free of inline script (CSP script-src 'self').
        self.flush()
        self.finish(body.encode("utf-8"))

    def send_json(self, data, status=200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    async def in_worker(self, function, *args, **kwargs):
        try:
            return await IOLoop.current().run_in_executor(self.state.worker, lambda: function(*args, **kwargs))
        except store.EditorError as error:
            self.refuse(error.status, error.message)

    def write_error(self, status_code, **kwargs):
        messages = {403: "Abgelehnt: Die Redaktion antwortet nur auf diesem Rechner (127.0.0.1).",
                    404: "Diese Seite der Redaktion gibt es nicht."}
        message = messages.get(status_code, "In der Redaktion ist ein Fehler aufgetreten; die Meldung steht im "
                                            "Terminal der Vorschau. Ihr Text steht weiter im Formular.")
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"message": message}, ensure_ascii=False))

    def json_body(self):
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            self.refuse(400, "Die Anfrage war kein lesbares JSON.")
        if not isinstance(data, dict) or not isinstance(data.get("fields", {}), dict):
            self.refuse(400, "Die Anfrage hatte nicht die Form eines Falls.")
        return data


class ListPage(EditorHandler):
    async def get(self):
        from cases.check_run import check_site

        problems = await self.in_worker(check_site, self.state.settings)
        cases = store.list_cases(self.state.content, self.state.timezone, problems)
        self.send_page("liste.html", cases=cases, general=[p for p in problems if not p.path.startswith(
            str(Path("content") / "faelle"))])


class FormPage(EditorHandler):
    def get(self, name=None):
        if name is None:
            form = store.new_form(self.state.content, self.state.timezone)
        else:
            try:
                form = store.form_of(self.state.content, name)
            except store.EditorError as error:
                self.set_status(error.status)
                self.send_page("fehler.html", message=error.message)
                return
        self.send_page("formular.html", form=form, fields=form["fields"], themes=self.state.themes(),
                       title=form["fields"]["title"] or "Neuer Fall")


class CaseByNumber(EditorHandler):
    """/redaktion/nummer/N: the "Bearbeiten" link on a case page of the preview."""

    def get(self, number):
        path = case_numbers(self.state.content / "faelle").get(int(number))
        if path is None:
            raise web.HTTPError(404)
        self.redirect(f"/redaktion/fall/{path.name}")


class PreviewRequest(EditorHandler):
    async def post(self):
        data = self.json_body()
        url = await self.in_worker(rendering.render, self.state.builds, self.state.port, data.get("fields", {}),
                                   data.get("file"), data.get("foto"), self.state.content, self.state.cache)
        self.send_json({"url": url})


class CheckRequest(EditorHandler):
    async def post(self):
        data = self.json_body()
        problems = await self.in_worker(rendering.form_problems, data.get("fields", {}), data.get("file"),
                                        data.get("foto"), self.state.content, self.state.cache, self.state.settings)
        self.send_json({"problems": problems})


class SaveRequest(EditorHandler):
    async def post(self):
        data = self.json_body()
        form = await self.in_worker(store.save_case, self.state.content, self.state.cache, data.get("fields", {}),
                                    data.get("file"), data.get("version", store.NEW), data.get("foto"))
        form["message"] = f"Gespeichert: content/faelle/{form['file']}"
        self.send_json(form)


class PhotoUpload(EditorHandler):
    async def post(self):
        token, path = await self.in_worker(store.receive_photo, self.state.cache, self.request.body)
        self.send_json({"foto": token, "format": path.suffix[1:].upper()})


class PublishRequest(EditorHandler):
    def post(self):
        run = self.state.publishing
        if run is None or run.done:
            run = self.state.publishing = PublishRun()
        self.send_json(run.state(), 202)

    def get(self):
        run = self.state.publishing
        self.send_json(run.state() if run else {"steps": [], "done": False, "ok": None, "line": ""})


class PreviewFiles(EditorHandler):
    """The pages the editor's preview built, for its frame."""

    def get(self, path):
        import mimetypes

        target = rendering.scratch_file(path + ("index.html" if path.endswith("/") or not path else ""))
        if target is None:
            raise web.HTTPError(404)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
        self.flush()  # see send_page: no livereload script in these pages
        self.finish(target.read_bytes())


class NotFound(EditorHandler):
    def prepare(self):
        super().prepare()
        raise web.HTTPError(404)


class EditorFiles(web.StaticFileHandler):
    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")


def editor_handlers(state):
    given = {"state": state}
    return [
        (r"/redaktion/?", ListPage, given),
        (r"/redaktion/neu", FormPage, given),
        (r"/redaktion/fall/([^/]+\.md)", FormPage, given),
        (r"/redaktion/nummer/([0-9]{1,9})/?", CaseByNumber, given),
        (r"/redaktion/api/vorschau", PreviewRequest, given),
        (r"/redaktion/api/pruefen", CheckRequest, given),
        (r"/redaktion/api/speichern", SaveRequest, given),
        (r"/redaktion/api/foto", PhotoUpload, given),
        (r"/redaktion/api/veroeffentlichen", PublishRequest, given),
        (r"/redaktion/vorschau/(.*)", PreviewFiles, given),
        (r"/redaktion/dateien/(.*)", EditorFiles, {"path": str(EDITOR_FILES / "static")}),
        (r"/redaktion/.*", NotFound, given),  # never the site's files under /redaktion/
    ]


class EditorServer(Server):
    """livereload's Server with the editor's handlers before the site's files
    (Server.get_web_handlers is the hook livereload gives for this)."""

    def __init__(self, state, **kwargs):
        super().__init__(**kwargs)
        self.editor = state

    def get_web_handlers(self, script):
        return editor_handlers(self.editor) + super().get_web_handlers(script)
