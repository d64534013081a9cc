"""The measurements behind `invoke bench`.

Builds run as separate processes, A and B interleaved, because the
machine is shared: a ratio taken pair by pair says more than absolute
times. Every figure is printed; `report()` turns them into Markdown for
docs/performance.md.
"""

import gzip
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from sitetasks import building
from sitetasks.building import CHROMIUM_ARGS, copy_project, free_port
from sitetasks.site import OWN_PROCESS, RENDER_EVERY_PAGE, WRITE_EVERY_PAGE

from .corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
BARE_SETTINGS = """\
# Bare Pelican: default theme, no plugins, no typogrify, default Markdown.
PATH = "content"
SITENAME = "Bare"
SITEURL = ""
TIMEZONE = "Europe/Berlin"
"""


def prepare_site(folder, cases):
    """A copy of the site whose cases are the synthetic corpus."""
    folder.mkdir(parents=True)
    copy_project(ROOT, folder)
    for demo in (folder / "content" / "faelle").glob("*.md"):
        demo.unlink()
    write_corpus(folder / "content" / "faelle", cases)
    return folder


def prepare_bare(folder, cases):
    folder.mkdir(parents=True)
    write_corpus(folder / "content", cases)
    (folder / "bareconf.py").write_text(BARE_SETTINGS, encoding="utf-8")
    return folder


def pelican_command(settings, output, overrides=None):
    # --ignore-cache: a full build reads every case (the build cache's
    # warm builds are measured by warm_task).
    return building.pelican_command("content", settings, output, overrides=overrides, options=["-q", "--ignore-cache"])


def timed_build(folder, settings, output, siteurl=None):
    command = pelican_command(settings, output, {"SITEURL": siteurl, "FEED_DOMAIN": siteurl} if siteurl else None)
    start = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def warm_task(folder, task, round_number, *, edit=True, env=None):
    """Seconds of ``invoke TASK`` (build or publish) after one case was
    edited (or, without ``edit``, nothing), the build cache as the task's
    last run left it. ``env``: more environment for the task."""
    return task_seconds(folder, task, round_number, edit=edit, env=env)[0]


# The task's summary of Pelican's run (generators to the last page written).
PELICAN_RUN = re.compile(r"^Gebaut: .* in (\d+),(\d) s\.$", re.M)


PELICAN_RUN_KEY = "invoke build, nothing changed: Pelican's run in it (s)"


def task_seconds(folder, task, round_number, *, edit=True, env=None):
    """``warm_task``'s seconds and the seconds of Pelican's run in it, as
    the task reports them (None if it does not)."""
    if edit:
        case = sorted((folder / "content" / "faelle").glob("*.md"))[0]
        header, _, story = case.read_text(encoding="utf-8").partition("\n\n")  # the story, not a tip
        case.write_text(f"{header}\n\nEin Satz mehr für die Messung ({task}, Runde {round_number}). {story}",
                        encoding="utf-8")
    start = time.perf_counter()
    finished = subprocess.run([sys.executable, "-m", "invoke", task], cwd=folder, check=True, capture_output=True,
                              text=True, env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - start
    reported = PELICAN_RUN.search(finished.stdout)
    return seconds, float(".".join(reported.groups())) if reported else None


# What every `invoke build` costs before it reads a case: Python, invoke
# with the tasks, Pelican and every plugin of the site imported.
IMPORTS = "import tasks, pelican, pelican.generators; from pelicanconf import PLUGINS; [__import__(name) for name in PLUGINS]"
START_KEY = "Python start and imports of a build (s)"


def start_seconds(folder):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORTS], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def git_origin(folder, cases):
    """The site with the corpus as a git repository: what CI and a new
    computer clone (the bench's copy of the code, committed as it is)."""
    prepare_site(folder, cases)
    git = ["git", "-c", "user.name=Bank", "-c", "user.email=bank@localhost", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Korpus der Messung"]):
        subprocess.run([*git, *command], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return folder


def fresh_clone(origin, clone):
    """Seconds from ``git clone`` to a finished output/ (``invoke publish``,
    what a deploy from a clean checkout runs): no cache/, no output/."""
    start = time.perf_counter()
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=clone, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def publish_without(clone, *missing):
    """Seconds of ``invoke publish`` in ``clone`` with output/ and the
    folders ``missing`` (in the clone) gone, every other cache kept."""
    for name in ("output", *missing):
        shutil.rmtree(clone / name, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=clone, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def inodes(folder):
    return {path.relative_to(folder): path.stat().st_ino for path in Path(folder).rglob("*") if path.is_file()}


def _descendants(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _pss_kb(pid):
    """Proportional set size: pages shared between forked processes are
    split between them, so the sum over a process tree counts them once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_memory_mb(folder, settings, output):
    """Peak memory and seconds of one build: the memory is the sum over the
    build's process and every process it started (reading workers, search
    index, Pagefind), sampled; the time includes the sampling's share of
    the CPU (a few per cent)."""
    command = pelican_command(settings, output)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        tree = [process.pid, *_descendants(process.pid)]
        peak = max(peak, sum(_pss_kb(pid) for pid in tree))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return peak / 1024, seconds


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def preview_latency(folder, rounds):
    """Seconds from saving an edited case to the preview serving the change,
    and to the page open in Chromium showing it (livereload.js reloads it)."""
    from playwright.sync_api import Error, sync_playwright

    port = free_port()
    log = open(folder / "livereload.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    case = sorted((folder / "content" / "faelle").glob("*.md"))[0]
    number = re.search(r"^Fall: (\d+)$", case.read_text(encoding="utf-8"), re.M).group(1)
    times, shown = [], []
    try:
        deadline = time.monotonic() + 600
        while not fetch(base + "/") and time.monotonic() < deadline:
            time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            frames = []
            page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)))
            page.goto(f"{base}/fall/{number}/")
            while not any("hello" in str(frame) for frame in frames):  # livereload.js listens
                if time.monotonic() > deadline:
                    raise RuntimeError("livereload.js never connected")
                page.wait_for_timeout(20)
            for index in range(rounds):
                marker = f"Messpunkt{index}x{int(time.time())}"
                with open(case, "a", encoding="utf-8") as handle:
                    handle.write(f"\n{marker}\n")
                saved, start = time.time(), time.perf_counter()
                while marker not in fetch(f"{base}/fall/{number}/"):
                    if time.perf_counter() - start > 300:
                        raise RuntimeError("the preview never served the change")
                    time.sleep(0.02)
                times.append(time.perf_counter() - start)
                while True:  # the reloaded page: when its content was there
                    try:
                        if marker in page.evaluate("document.body ? document.body.textContent : ''"):
                            break
                    except Error:
                        pass  # between two documents
                    if time.perf_counter() - start > 300:
                        raise RuntimeError("the browser never showed the change")
                    page.wait_for_timeout(20)
                ready = page.evaluate("performance.timeOrigin + performance.getEntriesByType('navigation')[0]"
                                      ".domContentLoadedEventEnd")
                shown.append(ready / 1000 - saved)
                time.sleep(1.5)  # let the server settle before the next edit
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
    return times, shown


GZIP_MAGIC = b"\x1f\x8b"
# What a page loads for itself whether the reader searches or not.
NOT_FOR_SEARCH = {"document", "stylesheet", "image", "font"}


def record_size(sizes, compressed, response):
    """Remember how many bytes a response brought (pages closing mid-way are
    skipped) and in ``compressed`` what a server compressing text with gzip
    would send: Pagefind's index files are gzip already and count as they
    are."""
    if response.request.resource_type in NOT_FOR_SEARCH:
        return
    try:
        body = response.body() or b""
    except Exception:
        return
    sizes[response.url] = len(body)
    compressed[response.url] = len(body) if body.startswith(GZIP_MAGIC) else len(gzip.compress(body, 6))


# Results count once the browser has drawn them: the frame after the
# tips list says what it shows now.
WATCH_SEARCH_SCRIPT = """query => { window.benchDone = null; const list = document.getElementById('tipps-liste');
  new MutationObserver(() => { if (window.benchStart && list.dataset.shownFor === query + '|')
    requestAnimationFrame(() => setTimeout(() => { window.benchDone = performance.now() - window.benchStart; })); })
    .observe(list, {attributes: true});
  document.getElementById('tipps-suche').addEventListener('input', () => { window.benchStart = performance.now(); }, true); }"""


class SearchFailed(Exception):
    """The search on /tipps/ never showed its results (the page's errors)."""


def first_search(browser, base, query="Beschwerde"):
    """A reader opens /tipps/ and types a query: every byte the search
    needs (the page's scripts, Pagefind's script, WebAssembly, index and
    the records shown), and the time from the last keystroke to the drawn
    results. Then the same query pasted into a fresh page, before any of
    Pagefind has loaded: that time includes loading it."""
    figures = {}
    errors = []
    context = browser.new_context()
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    sizes, gzipped = {}, {}
    page.on("response", lambda r: record_size(sizes, gzipped, r))
    document = page.goto(f"{base}/tipps/")
    page.wait_for_load_state("networkidle")
    figures["/tipps/ HTML (bytes)"] = len(document.body())
    page.evaluate(WATCH_SEARCH_SCRIPT, query)
    page.focus("#tipps-suche")
    page.keyboard.type(query, delay=40)
    try:
        page.wait_for_function("() => window.benchDone !== null", timeout=60000)
    except Exception as error:
        raise SearchFailed("; ".join(sorted(set(errors))) or str(error)) from None
    page.wait_for_load_state("networkidle")
    figures["first search on /tipps/ (bytes)"] = sum(sizes.values())
    figures["first search on /tipps/, gzip-compressed (bytes)"] = sum(gzipped.values())
    figures["last keystroke to results (ms)"] = page.evaluate("() => window.benchDone")
    context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/tipps/")
    page.wait_for_load_state("networkidle")
    page.evaluate(WATCH_SEARCH_SCRIPT, query)
    page.fill("#tipps-suche", query)  # focus and one input event, as pasted
    page.wait_for_function("() => window.benchDone !== null", timeout=120000)
    figures["query to results, Pagefind not yet loaded (ms)"] = page.evaluate("() => window.benchDone")
    context.close()
    return figures


# Every layout shift the page makes without the reader's doing, summed
# as Chromium reports them (Lighthouse's figure is the largest burst of
# these; for a page that settles once, the two agree).
LAYOUT_SHIFT_SCRIPT = """
window.benchShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.benchShift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


# A phone on a slow mobile network, as Lighthouse's mobile preset assumes:
# on the loopback everything arrives before the first frame, and nothing
# could be seen to move.
SLOW_PHONE_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
SLOW_PHONE_CPU = 4


def layout_shift(browser, url, settle="networkidle"):
    """Cumulative layout shift of a page on a phone (390 px) on a slow
    network and CPU, loaded cold."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_PHONE_NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_PHONE_CPU})
    page.add_init_script(LAYOUT_SHIFT_SCRIPT)
    page.goto(url)
    page.wait_for_load_state(settle)
    # Results drawn after the network went quiet still count: two frames more.
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300))))")
    shift = page.evaluate("() => window.benchShift")
    context.close()
    return shift


class SiteServer:
    """The built site on the loopback, as a plain static server sends it."""

    def __init__(self, output):
        import functools
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        import threading

        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)


def reader_figures(output):
    """What a reader downloads and sees, measured in Chromium against the built site."""
    from playwright.sync_api import sync_playwright

    figures = {}
    case_page = next(p for p in sorted((output / "fall").glob("*/index.html")))
    css = sum(f.stat().st_size for f in (output / "theme" / "css").glob("site.css"))
    figures["case page with CSS (bytes)"] = case_page.stat().st_size + css
    figures["home page (bytes)"] = (output / "index.html").stat().st_size
    photo_case = next(
        (p for p in sorted((output / "fall").glob("*/index.html")) if 'class="case-photo"' in p.read_text(encoding="utf-8")),
        None,
    )
    with SiteServer(output) as server, sync_playwright() as playwright:
        base = server.base
        browser = launch_chromium(playwright)
        for width in (390, 1280):
            if photo_case is None:
                break
            context = browser.new_context(viewport={"width": width, "height": 844})
            page = context.new_page()
            sizes = {}
            page.on("response", lambda r, sizes=sizes: sizes.__setitem__(r.url, len(r.body() or b"")))
            page.goto(f"{base}/{photo_case.parent.relative_to(output).as_posix()}/")
            page.wait_for_load_state("networkidle")
            figures[f"case page with photo at {width} px (bytes)"] = sum(sizes.values())
            context.close()
        for name, path in (("/tipps/", "/tipps/"), ("/suche/", "/suche/?q=Kunde")):
            figures[f"layout shift on {name} at 390 px"] = layout_shift(browser, base + path)
        figures.update(first_search(browser, base))
        browser.close()
    return figures


def search_figures_at(output, size):
    """The first search on a larger site (more bundles to merge)."""
    from playwright.sync_api import sync_playwright

    with SiteServer(output) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        found = first_search(browser, server.base)
        browser.close()
    keep = ["/tipps/ HTML (bytes)", "first search on /tipps/ (bytes)", "first search on /tipps/, gzip-compressed (bytes)",
            "last keystroke to results (ms)", "query to results, Pagefind not yet loaded (ms)"]
    return {f"{key.replace(' (', f' at N={size} (', 1)}": found[key] for key in keep}


def folder_mb(folder):
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 1e6


def run(cases=1000, rounds=3, memory_sizes=(1000, 10000), log=print):
    results = {"cases": cases, "rounds": rounds}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        log(f"Korpus: {cases} synthetische Fälle")
        site = prepare_site(scratch / "site", cases)
        bare = prepare_bare(scratch / "bare", cases)
        # A first build each, then the caches (photo versions, compound
        # splits) are as in daily use for the rounds.
        results["first build, empty caches (s)"] = timed_build(site, "pelicanconf.py", scratch / "out-full")
        timed_build(bare, "bareconf.py", scratch / "out-bare")
        full_times, bare_times, ratios = [], [], []
        for index in range(rounds):
            full = timed_build(site, "pelicanconf.py", scratch / "out-full")
            plain = timed_build(bare, "bareconf.py", scratch / "out-bare")
            full_times.append(full)
            bare_times.append(plain)
            ratios.append(full / plain)
            log(f"  Runde {index + 1}: voll {full:.2f} s, Pelican pur {plain:.2f} s, Verhältnis {full / plain:.2f}")
        results["full build (s)"] = spread(full_times)
        results["bare Pelican (s)"] = spread(bare_times)
        results["full/bare"] = spread(ratios)

        results.update(fresh_clone_figures(scratch, cases, rounds, bare, log))

        log("invoke build, nichts geändert …")
        warm_task(site, "build", 0, edit=False)  # the cache as the task leaves it
        same_times, ratios, pelican_runs = [], [], []
        for index in range(rounds):
            same, pelican_run = task_seconds(site, "build", index + 1, edit=False)
            if pelican_run is not None:
                pelican_runs.append(pelican_run)
            plain = timed_build(bare, "bareconf.py", scratch / "out-bare")
            same_times.append(same)
            ratios.append(same / plain)
            log(f"  Runde {index + 1}: invoke build {same:.2f} s, Pelican pur {plain:.2f} s, Verhältnis {same / plain:.2f}")
        results[START_KEY] = spread([start_seconds(site) for _ in range(rounds)])
        results["invoke build, nothing changed (s)"] = spread(same_times)
        results["invoke build, nothing changed/bare"] = spread(ratios)
        if pelican_runs:
            results[PELICAN_RUN_KEY] = spread(pelican_runs)

        for task in ("build", "publish"):
            log(f"invoke {task} nach einem bearbeiteten Fall …")
            warm_task(site, task, 0)  # the cache as the task leaves it
            warm_times, ratios, kept = [], [], []
            # The levers of issue 25 in the same rounds: the build as before
            # them (Pelican in a process of its own, every page written),
            # with only the pages written anew, and with every page rendered.
            before_levers, every_page, every_rendered = [], [], []
            for index in range(rounds):
                line = ""
                if task == "build":
                    every_rendered.append(warm_task(site, task, index + 1, env={RENDER_EVERY_PAGE: "1"}))
                    every_page.append(warm_task(site, task, index + 1, env={WRITE_EVERY_PAGE: "1"}))
                    before_levers.append(warm_task(site, task, index + 1, env={OWN_PROCESS: "1", WRITE_EVERY_PAGE: "1"}))
                    line = (f"; jede Seite gerendert {every_rendered[-1]:.2f} s, jede geschrieben {every_page[-1]:.2f} s, "
                            f"dazu Pelican im eigenen Prozess {before_levers[-1]:.2f} s")
                    # A build that renders or writes every page leaves no page
                    # keys behind; the author's next build follows one that did.
                    warm_task(site, task, index + 1, edit=False)
                last_site = inodes(site / "output")
                warm = warm_task(site, task, index + 1)
                now = inodes(site / "output")
                kept.append(sum(now.get(path) == inode for path, inode in last_site.items()) / len(now))
                plain = timed_build(bare, "bareconf.py", scratch / "out-bare")
                warm_times.append(warm)
                ratios.append(warm / plain)
                log(f"  Runde {index + 1}: invoke {task} {warm:.2f} s, Pelican pur {plain:.2f} s, Verhältnis {warm / plain:.2f}"
                    + line)
            results[f"invoke {task}, one case edited (s)"] = spread(warm_times)
            results[f"invoke {task}, one case edited/bare"] = spread(ratios)
            results[f"invoke {task}, one case edited: files kept from the last site (%)"] = 100 * statistics.median(kept)
            if task == "build":
                results["invoke build, one case edited, every page rendered (s)"] = spread(every_rendered)
                results["invoke build, one case edited, every page written (s)"] = spread(every_page)
                results["invoke build, one case edited, Pelican in a process of its own (s)"] = spread(before_levers)
                results["one Python start saves (s)"] = spread([a - b for a, b in zip(before_levers, every_page, strict=True)])
                results["writing only what changed saves (s)"] = spread([a - b for a, b in zip(every_page, every_rendered, strict=True)])
                results["rendering only what changed saves (s)"] = spread([a - b for a, b in zip(every_rendered, warm_times, strict=True)])

        # Before the preview, whose edits bring new words for the compound
        # splitter (and with it its 300 MB model) into the next build.
        for size in memory_sizes:
            folder, output = site, scratch / f"out-mem-{size}"
            if size != cases:
                # A fresh copy: its first build starts without photo
                # versions or compound splits, as a new checkout does.
                folder = prepare_site(scratch / f"site-{size}", size)
                log(f"Erster Bau mit {size} Fällen, Caches leer …")
                memory, seconds = peak_memory_mb(folder, "pelicanconf.py", output)
                results[f"first build at N={size}, empty caches (s)"] = seconds
                results[f"peak memory, first build at N={size} (MB)"] = memory
            log(f"Speicher: voller Bau mit {size} Fällen …")
            memory, seconds = peak_memory_mb(folder, "pelicanconf.py", output)
            results[f"peak memory at N={size} (MB)"] = memory
            results[f"output at N={size} (MB)"] = folder_mb(output)
            if size != cases:
                results[f"full build at N={size}, caches warm (s)"] = seconds
                log(f"Erste Suche mit {size} Fällen in Chromium …")
                try:
                    results.update(search_figures_at(output, size))
                except SearchFailed as error:
                    # Said in the figures, not lost with the whole run.
                    results[f"first search on /tipps/ at N={size}"] = f"failed: {error}"
                    log(f"  Die Suche mit {size} Fällen schlug fehl: {error}")
            shutil.rmtree(output)

        log("Vorschau: Fall bearbeiten, bis der Server die Änderung liefert …")
        served, shown = preview_latency(site, rounds)
        results["preview edit to served (s)"] = spread(served)
        results["preview edit to shown in Chromium (s)"] = spread(shown)

        log("Leserseite in Chromium …")
        timed_build(site, "pelicanconf.py", scratch / "out-reader")
        results.update(reader_figures(scratch / "out-reader"))
    return results


def fresh_clone_figures(scratch, cases, rounds, bare, log):
    """The first build in a fresh clone, from ``git clone`` on; in the same
    clone then the build with only the share cards missing, and with
    nothing missing but output/ (what the cards cost is the difference)."""
    log("Erster Bau in einem frischen Klon (git clone bis output/, invoke publish) …")
    origin = git_origin(scratch / "origin", cases)
    first, no_cards, all_cached, ratios = [], [], [], []
    for index in range(rounds):
        clone = scratch / f"klon-{index}"
        first.append(fresh_clone(origin, clone))
        plain = timed_build(bare, "bareconf.py", scratch / "out-bare")
        ratios.append(first[-1] / plain)
        no_cards.append(publish_without(clone, "cache/cards"))
        all_cached.append(publish_without(clone))
        log(f"  Runde {index + 1}: frischer Klon {first[-1]:.2f} s, Pelican pur {plain:.2f} s, Verhältnis "
            f"{ratios[-1]:.2f}; nur die Karten fehlen {no_cards[-1]:.2f} s; nur output/ fehlt {all_cached[-1]:.2f} s")
        shutil.rmtree(clone)
    shutil.rmtree(origin)
    return {
        "first build in a fresh clone (s)": spread(first),
        "first build in a fresh clone/bare": spread(ratios),
        "fresh clone, only the share cards missing (s)": spread(no_cards),
        "fresh clone, nothing missing but output/ (s)": spread(all_cached),
        "share cards, per card (ms)": spread([1000 * (a - b) / cases for a, b in zip(no_cards, all_cached, strict=True)]),
    }


def _figure(results, key, unit="s"):
    value = results.get(key)
    if isinstance(value, dict):
        return f"{_number(value['median'])} {unit} ({_number(value['min'])}–{_number(value['max'])})"
    if isinstance(value, (int, float)):
        return f"{_number(value)} {unit}"
    return "–"


def _ratio(results, key):
    value = results.get(key)
    if not isinstance(value, dict):
        return "–"
    return f"{_number(value['median'])} × ({_number(value['min'])}–{_number(value['max'])})"


def _number(value):
    return f"{value:.2f}".replace(".", ",") if value < 100 else f"{value:,.0f}".replace(",", ".")


def _median(results, key):
    value = results.get(key)
    return value["median"] if isinstance(value, dict) else value


def goal_rows(results):
    """Issue 25's table: each row with its goal, the figure of this run (median
    and range; against bare Pelican in the same run where it has a ratio),
    whether the goal is met, and what this run measured about why not."""
    n = results["cases"]
    big = max((int(k.split("N=")[1].split(" ")[0]) for k in results if k.startswith("peak memory at N=")), default=n)
    per_card = _median(results, "share cards, per card (ms)")
    rows = []

    def row(name, goal, figure, ratio, met, reason):
        rows.append((name, goal, figure, ratio, "erreicht" if met else f"verfehlt: {reason}"))

    first = _median(results, "first build in a fresh clone/bare")
    without_caches = _median(results, "first build in a fresh clone (s)") - _median(results, "fresh clone, nothing missing but output/ (s)")
    row("erster Bau in einem frischen Klon (git clone bis output/, invoke publish)", "≤ 1,5 × jetzt, ≤ 1,0 × danach",
        _figure(results, "first build in a fresh clone (s)"), _ratio(results, "first build in a fresh clone/bare"),
        first <= 1.5,
        f"ohne Caches: Karten, Fotos, Zerlegung, Suche und Pelicans Lesen kosten "
        f"{_number(without_caches)} s "
        f"mehr als derselbe Bau mit vollem Cache ({_figure(results, 'fresh clone, nothing missing but output/ (s)')})")
    row("dasselbe, nur die Vorschaukarten fehlen in cache/", "Karten ≤ 16 ms je Karte",
        f"{_figure(results, 'fresh clone, only the share cards missing (s)')}; "
        f"Karten {_figure(results, 'share cards, per card (ms)', 'ms')} je Karte",
        "–", per_card <= 16, "Zeichnen und Kodieren je Karte")
    same = _median(results, "invoke build, nothing changed/bare")
    pelican_run = _median(results, PELICAN_RUN_KEY)
    bare = _median(results, "bare Pelican (s)")
    start = _median(results, START_KEY)
    start_share = f", allein Python-Start und Importe brauchen {_figure(results, START_KEY)}" if start is not None else ""
    run_share = f"Pelicans Lauf darin {_figure(results, PELICAN_RUN_KEY)}: " if pelican_run is not None else "Pelicans Lauf: "
    row("nichts geändert (invoke build)", "≤ 0,2 ×", _figure(results, "invoke build, nothing changed (s)"),
        _ratio(results, "invoke build, nothing changed/bare"), same <= 0.2,
        f"0,2 × sind {_number(0.2 * bare)} s{start_share}; {run_share}keine Seite wird gerendert (Schlüssel je Seite), "
        "aber Pelican liest jeden Fall aus seinem Cache, alle Generatoren laufen, jede Seite bekommt ihren Schlüssel "
        "und kommt als Link in den neuen Ordner")
    edited = _median(results, "invoke build, one case edited/bare")
    for_the_case = _median(results, "invoke build, one case edited (s)") - _median(results, "invoke build, nothing changed (s)")
    row("ein Fall bearbeitet, invoke build", "≤ 0,3 ×", _figure(results, "invoke build, one case edited (s)"),
        _ratio(results, "invoke build, one case edited/bare"), edited <= 0.3,
        f"der Bau ohne Änderung ({_figure(results, 'invoke build, nothing changed (s)')}), dazu {_number(for_the_case)} s "
        "für den Fall (gelesen, seine Seiten gerendert, sein Stück der Suche neu indiziert)")
    preview = _median(results, "preview edit to served (s)")
    row("Vorschau: Bearbeiten → Seite ausgeliefert", "≤ 0,1 s", _figure(results, "preview edit to served (s)"), "–",
        preview is not None and preview <= 0.1,
        "der warme Builder macht für den einen Fall einen ganzen Pelican-Lauf (Einstellungen, Plugins, Generatoren)")
    memory = results.get(f"peak memory at N={big} (MB)")
    first_memory = results.get(f"peak memory, first build at N={big} (MB)")
    memory_figure = f"{_number(memory)} MB" + (f", erster Bau {_number(first_memory)} MB" if first_memory else "")
    row(f"{big:,}".replace(",", ".") + " Fälle, Spitzenspeicher", "< 1 GB, danach < 600 MB", memory_figure, "–",
        max(memory, first_memory or 0) < 1000,
        "der Bau-Prozess hält jeden Fall (rund 400 MB bei 10.000), dazu im warmen Bau Pagefind (rund 180 MB), "
        "im ersten Bau statt dessen das Modell der Wortzerlegung in seinem Prozess (rund 480 MB; "
        "je Prozess gemessen, docs/performance.md)")
    return rows


def goal_table(results):
    lines = ["| Bau | gemessen (Median, Spanne) | gegen Pelican pur | Ziel | Stand |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {name} | {figure} | {ratio} | {goal} | {state} |" for name, goal, figure, ratio, state in goal_rows(results)]
    bare = _figure(results, "bare Pelican (s)")
    lines.append("")
    lines.append(f"Pelican pur (kalt, derselbe Korpus, im Wechsel gemessen): {bare}. Die Hebel in denselben Runden "
                 f"(invoke build, ein Fall bearbeitet): ein Python-Start spart {_figure(results, 'one Python start saves (s)')}, "
                 f"nur Geändertes schreiben {_figure(results, 'writing only what changed saves (s)')}, "
                 f"nur Geändertes rendern {_figure(results, 'rendering only what changed saves (s)')} "
                 f"({_number(results.get('invoke build, one case edited: files kept from the last site (%)', 0))} % der Dateien "
                 "bleiben die des letzten Baus).")
    return "\n".join(lines)


def machine():
    return f"{platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}, {platform.platform()}"


def format_results(results):
    lines = []
    for key, value in results.items():
        if isinstance(value, dict):
            lines.append(f"- {key}: Median {value['median']:.2f}, min {value['min']:.2f}, max {value['max']:.2f}")
        elif isinstance(value, float):
            lines.append(f"- {key}: {value:.3f}" if "layout shift" in key else f"- {key}: {value:.1f}")
        else:
            lines.append(f"- {key}: {value}")
    return "\n".join(lines)


def commit():
    """The commit measured, and whether the working tree differed from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unbekannt (kein Git)"
    return f"{head} mit Änderungen, die noch nicht eingecheckt waren" if changed else head


def report(results, measured_commit=None):
    return (
        f"### Messung vom {datetime.now():%Y-%m-%d %H:%M}\n\n"
        f"Rechner: {machine()}\n\n"
        f"Stand: {measured_commit or commit()}\n\n"
        f"Aufruf: `invoke bench --cases {results['cases']} --rounds {results['rounds']}`\n\n"
        + goal_table(results)
        + "\n\n"
        + format_results(results)
        + "\n"
    )
