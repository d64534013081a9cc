"""The live preview's builds: an edited case first, then the whole site
in the background; watching the sources for changes.

``python -m sitetasks.preview PORT`` is the whole-site build the preview
runs in the background, in a process the next edit can stop."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sitetasks import site
from sitetasks.output import build_lock, verbose

# While the last preview build has failed: what went wrong, shown on every page.
PREVIEW_PROBLEM = site.ROOT / "cache" / "preview-problem.txt"


def is_bytecode(path):
    return "__pycache__" in path or path.endswith(".pyc")


class PreviewBuilds:
    """The builds behind the live preview.

    A whole build takes seconds on a large site, so when only cases were
    edited, those case pages are built on their own first (by a Pelican
    kept warm for it, see sitetasks.warm; into a scratch folder, then moved
    into the preview's folder) and served at once; the whole site follows
    in the background and the browser reloads again when it is done.

    The preview builds into a folder of its own (site.PREVIEW_OUTPUT),
    never into output/: what publish built stays what deploy ships.
    """

    def __init__(self, port):
        self.port = port
        # Cases that did not change come from the build cache, whose key
        # notices changed code and settings (plugins/buildcache).
        self.overrides = site.preview_overrides(port)
        self.background = None
        from sitetasks.warm import WarmPelican

        # Builds the edited cases; started by warm_up() for the watcher.
        self.warm = WarmPelican(site.ROOT, site.CONTENT, site.PELICANCONF, self._cases_only())
        self.case_times = self._case_times()
        # Touched whenever the preview changed: the browser then reloads.
        self.reload_marker = site.PREVIEW_OUTPUT / ".vorschau-neu"

    @staticmethod
    def _case_times():
        return {p: p.stat().st_mtime_ns for p in (site.CONTENT / "faelle").glob("*.md")}

    def _report(self, ok, lines):
        if ok:
            PREVIEW_PROBLEM.unlink(missing_ok=True)
            print(f"Neu gebaut: {site.local_url(self.port)}/", flush=True)
            self._reload()
        else:
            self.failed(textwrap.dedent("\n".join(lines)))  # reloads too: once is enough
            print("Der Bau ist fehlgeschlagen; die Meldungen stehen oben.", flush=True)

    def _reload(self):
        if site.PREVIEW_OUTPUT.is_dir():
            self.reload_marker.touch()

    def failed(self, text):
        """Show ``text`` on every page of the preview until a build succeeds."""
        PREVIEW_PROBLEM.parent.mkdir(parents=True, exist_ok=True)
        PREVIEW_PROBLEM.write_text(text, encoding="utf-8")
        self._reload()

    def stop(self):
        """Stop a background build of the whole site, if one is running."""
        if self.background and self.background.poll() is None:
            # The build runs in a process group of its own: stop all of it,
            # not just the wrapper, so no stale build writes after this one.
            os.killpg(self.background.pid, signal.SIGTERM)
            self.background.wait()

    def warm_up(self):
        """Have a builder for edited cases ready, with the code, settings
        and theme as they are now."""
        a_case = sorted((site.CONTENT / "faelle").glob("*.md"))[:1]
        self.warm.start([str(p.relative_to(site.CONTENT)) for p in a_case])

    def whole_site(self):
        self.stop()
        self.case_times = self._case_times()
        with build_lock(site.BUILD_LOCK) as lock:
            # Built afresh and swapped in, so pages of deleted cases are gone.
            self._report(*site.build_output(site.PELICANCONF, lock=lock, overrides=self.overrides, keep_lines=12,
                                            previewing=True))

    def content_changed(self):
        now = self._case_times()
        edited = [p for p, t in now.items() if self.case_times.get(p) != t]
        others_changed = set(self.case_times) - set(now)
        self.case_times = now
        if not edited or others_changed or not self._edited_cases_first(edited):
            self.whole_site()
            return
        self._whole_site_in_background()

    def _cases_only(self):
        """Settings for a build of a few cases on their own."""
        return {**self.overrides, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, "SEARCH_INDEX": False}

    def _edited_cases_first(self, edited):
        import tempfile

        from cases.checks import read_header
        from cases.model import CaseError, parse_case_number

        self.stop()
        pages = []
        try:
            for path in edited:
                header = read_header(path)
                number = parse_case_number(header.value("fall"), path)
                folder = "entwurf" if header.is_draft else "fall"
                pages.append(f"{folder}/{number}/index.html")
        except CaseError:
            return False  # the whole build reports it properly
        with tempfile.TemporaryDirectory(prefix="vorschau-") as scratch, build_lock(site.BUILD_LOCK) as lock:
            only_these = {**self._cases_only(), "ARTICLE_PATHS": [str(p.relative_to(site.CONTENT)) for p in edited]}
            built = self.warm.build(scratch, lock=lock, overrides=only_these)
            if built is None:  # the builder is gone: a build of its own, and a new builder
                built = site.pelican(site.PELICANCONF, scratch, lock=lock, overrides=only_these)
                self.warm_up()
            if not built or not site.PREVIEW_OUTPUT.is_dir():
                return False
            if not all((Path(scratch) / page).is_file() for page in pages):
                return False  # a case left out for its problems: the whole build shows them on every page
            for page in pages:
                built = Path(scratch) / page
                target = site.PREVIEW_OUTPUT / page
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(built, str(target) + ".neu")
                os.replace(str(target) + ".neu", target)
        print(f"Sofort neu: {', '.join(pages)}; die ganze Website folgt.", flush=True)
        self._reload()
        return True

    def _whole_site_in_background(self):
        # The same whole build as in the foreground, in a process the next
        # edit can stop (with the build it runs).
        command = [sys.executable, "-m", "sitetasks.preview", str(self.port)]
        self.background = subprocess.Popen(command, cwd=site.ROOT, start_new_session=True)


def watch_sources(builds):
    """Rebuild on every change to content, theme, plugins or settings.

    watchfiles reports changes as they happen (inotify), so an edited case
    is rebuilt at once, not at the next poll.
    """
    import traceback

    from watchfiles import watch

    sources = [site.CONTENT, site.ROOT / "theme", site.ROOT / "plugins", site.PELICANCONF, site.PUBLISHCONF]
    for changes in watch(*sources, debounce=50, step=20, watch_filter=lambda _, p: not is_bytecode(p)):
        changed = [path for _, path in changes]
        try:
            if all(path.startswith(str(site.CONTENT)) for path in changed):
                builds.content_changed()
            else:
                builds.warm_up()
                builds.whole_site()
        except Exception as error:  # noqa: BLE001 - the preview must keep watching
            if verbose():
                traceback.print_exc()
            message = (
                f"Die Vorschau ist auf einen unerwarteten Fehler gestoßen ({type(error).__name__}: {error}). "
                "Speichern Sie noch einmal; hilft das nicht, beenden Sie die Vorschau (Strg+C) und starten "
                "Sie sie neu (make serve). Mit „invoke livereload --verbose“ zeigt sie die Einzelheiten."
            )
            print(message, flush=True)
            builds.failed(message)
            print("Die Vorschau beobachtet weiter; nach dem nächsten Speichern baut sie neu.", flush=True)


if __name__ == "__main__":
    PreviewBuilds(int(sys.argv[1])).whole_site()
