"""The editor's live preview and its problems, from the form as typed.

The form's case is written as a scratch copy in the cache folder (never
over the author's file), with its photo beside it, and built there by the
preview's warm Pelican (sitetasks.warm): the case page exactly as the
build renders it. Its problems come from ``invoke check``'s own function
(cases.check_run.check_site) run on that copy, and are put at the fields
they are about.
"""

import itertools
import shutil
import threading
from pathlib import Path

from cases.casefile import parse
from cases.model import case_filename
from cases.sources import NotInContent, content_file
from sitetasks import site
from sitetasks.editor.store import EditorError, case_text, parse_number, uploaded
from sitetasks.output import build_lock, clear

SCRATCH = site.ROOT / "cache" / "redaktion" / "vorschau"
PREVIEW_PATH = "/redaktion/vorschau"
KEEP_RENDERS = 3  # an older page may still be loading in the browser
_numbers = itertools.count(1)
_renders = threading.Lock()


def scratch_copy(folder, content, fields, name, upload, cache):
    """Write the form's case (and its photo) into ``folder``/content;
    return (the case file there, its text)."""
    number = parse_number(fields)
    photo = None
    source = None
    if upload:
        source = uploaded(cache, upload)
        photo = f"images/fall-{number:02d}{source.suffix}"
    elif fields.get("image"):
        try:
            relative = content_file(fields["image"], content)
            source = Path(content) / relative
            photo = relative
        except (NotInContent, FileNotFoundError, ValueError):
            source = None  # the checks say what is wrong with it
    _, text = case_text(content, fields, name, photo if upload else None)
    scratch_content = Path(folder) / "content"
    case_file = scratch_content / "faelle" / (name or case_filename(number, fields.get("title") or "ohne Titel"))
    case_file.parent.mkdir(parents=True, exist_ok=True)
    case_file.write_text(text, encoding="utf-8")
    if source is not None and photo:
        target = scratch_content / photo
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return case_file, text


def render(builds, port, fields, name=None, upload=None, content=site.CONTENT, cache=site.ROOT / "cache"):
    """Build the form's case page; return its address in the preview."""
    number = parse_number(fields)
    with _renders:
        count = next(_numbers)
        folder = SCRATCH / str(count)
        clear(folder)
        scratch_copy(folder, content, fields, name, upload, cache)
        base = f"{PREVIEW_PATH}/{count}/site"
        overrides = {
            **builds._cases_only(), "PATH": str(folder / "content"), "ARTICLE_PATHS": ["faelle"],
            "PAGE_PATHS": [], "SITEURL": f"{site.local_url(port)}{base}", "CARD_SAVE_AS": "",
            # Only the case page is wanted; these read files the copy has not.
            "TEMPLATE_PAGES": {}, "DIRECT_TEMPLATES": [],
            # The editor shows the problems at its fields, without the copy's path.
            "SHOW_BUILD_PROBLEMS": False,
            "FEED_DOMAIN": site.local_url(port),
        }
        # Its own lock: a whole-site build running in the background need
        # not be waited for; this build writes only into the scratch folder.
        with build_lock(SCRATCH / "vorschau.lock") as lock:
            built = builds.warm.build(folder / "site", lock=lock, overrides=overrides)
        for old in range(count - KEEP_RENDERS, 0, -1):
            if not (SCRATCH / str(old)).exists():
                break
            clear(SCRATCH / str(old))
    if built is None:
        threading.Thread(target=builds.warm_up, daemon=True).start()
        raise EditorError(503, (
            "Die Vorschau ist abgestürzt und startet gerade neu. Ihr Text ist nicht verloren; "
            "in ein paar Sekunden zeigt die Vorschau ihn wieder (tippen Sie einfach weiter)."))
    if not built:
        raise EditorError(422, (
            "Die Vorschau konnte diesen Stand nicht bauen. Was nicht stimmt, steht bei den Feldern "
            "(und im Terminal der Vorschau); Ihr Text ist nicht verloren."))
    for kind in ("fall", "entwurf"):
        if (folder / "site" / kind / str(number) / "index.html").is_file():
            return f"{base}/{kind}/{number}/"
    raise EditorError(422, (
        "So erscheint der Fall nicht auf der Website: ein Problem lässt ihn aus. Was zu tun ist, steht bei den Feldern."))


def scratch_file(path):
    """A file of a render, for the preview's frame; None outside them."""
    root = SCRATCH.resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        return None
    return target


def form_problems(fields, name=None, upload=None, content=site.CONTENT, cache=site.ROOT / "cache",
                  settings=site.PELICANCONF):
    """The problems of the form's case, as ``invoke check`` finds them,
    each at its field: {field: [text]} ("" for the case as a whole)."""
    from cases.check_run import check_site

    folder = SCRATCH / "pruefung"
    with _renders:
        clear(folder)
        case_file, text = scratch_copy(folder, content, fields, name, upload, cache)
        problems = check_site(settings, {"PATH": str(folder / "content"), "ARTICLE_PATHS": ["faelle"],
                                         "PAGE_PATHS": []})
    return problems_at_fields(problems, text)


# Where a problem without a header line belongs, by what it is about.
_ABOUT = [("Bildbeschreibung", "image_alt"), ("Tipp", "tips"), ("Bild", "image"), ("Titel", "title"),
          ("Fallnummer", "fall"), ("Datum", "date")]


def problems_at_fields(problems, text):
    case = parse(text)
    by_line = {line.number: line.key for line in case.header}
    tip_lines = [text.count("\n", 0, tip.start) + 1 for tip in case.tips]
    fields = {}
    for problem in problems:
        field = by_line.get(problem.line)
        if problem.line and tip_lines and problem.line >= tip_lines[0]:
            field = "tips"
        if field is None or "Bildbeschreibung" in problem.message:
            field = next((f for word, f in _ABOUT if word in problem.message), "")
        if field == "image" and "Bildbeschreibung" in problem.message:
            field = "image_alt"
        fields.setdefault(field, []).append(f"{problem.message} {problem.hint}")
    return fields
