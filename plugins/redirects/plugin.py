"""Write the old addresses' redirects when a build has finished."""

import html
import logging
from pathlib import Path

from pelican import signals

from cases.checklist import Stage, register_check
from cases.model import Problem

from .mapping import DEFAULT_FILE, RedirectsError, parse

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    # In content/: the author's list, written by the importer.
    "REDIRECTS_FILE": DEFAULT_FILE,
    # Apache reads it from the site's folder; None writes none.
    "REDIRECTS_HTACCESS": ".htaccess",
    # For nginx: included in the server block (see docs/autorenhandbuch.md).
    "REDIRECTS_NGINX": "nginx-weiterleitungen.conf",
}


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def site_path(siteurl):
    """The path part of SITEURL ("" at a domain's root), as base.html takes it."""
    path = siteurl.partition("//")[2].partition("/")[2].strip("/") if "//" in siteurl else siteurl.strip("/")
    return "/" + path if path else ""


def redirect_page(new_url, canonical):
    """A page that sends the browser on without any script."""
    url, address = html.escape(new_url), html.escape(canonical)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'<link rel="canonical" href="{address}">\n'
        '<meta name="robots" content="noindex">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Diese Seite ist umgezogen</title>\n</head>\n<body>\n"
        f'<p>Diese Seite ist umgezogen: <a href="{url}">{address}</a></p>\n'
        "</body>\n</html>\n"
    )


def read_redirects(settings):
    """The redirects of the site's redirects file; a RedirectsError for a
    line the build cannot use."""
    path = Path(settings["PATH"]) / settings["REDIRECTS_FILE"]
    if not path.is_file():
        return []
    name = f"content/{settings['REDIRECTS_FILE']}"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RedirectsError(name, 1, "Die Datei ist nicht als UTF-8 gespeichert",
                             "speichern Sie sie als „CSV UTF-8“.") from None
    return parse(text, name)


def check_redirects(generator):
    """Check (Stage.PAGES): name a wrong line before the pages are
    written, so the preview shows it on every page (as the cases'
    problems); a strict build stops."""
    try:
        read_redirects(generator.settings)
    except RedirectsError as error:
        return [Problem(error.path, error.message,
                        f"{error.hint} Bis zur Korrektur gibt es keine Weiterleitungen.", error.line)]
    return []


def write_redirects(pelican):
    settings = pelican.settings
    try:
        redirects = read_redirects(settings)
    except RedirectsError:
        return  # check_redirects has named it
    if not redirects:
        return
    output = Path(pelican.output_path)
    prefix = site_path(settings.get("SITEURL", ""))
    address = settings.get("SITEURL", "").rstrip("/")
    served = []  # (old, new) the host redirects
    for redirect in redirects:
        target = output / redirect.old.lstrip("/")
        if redirect.old.endswith("/"):
            target = target / "index.html"
        if target.exists():
            # The new site has a page there itself (index.html is its home page).
            logger.info("Weiterleitung %s → %s: die neue Website hat diese Adresse selbst", redirect.old, redirect.new)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirect_page(prefix + redirect.new, address + redirect.new), encoding="utf-8")
        served.append((prefix + redirect.old, prefix + redirect.new))
    source = settings["REDIRECTS_FILE"]
    if htaccess := settings["REDIRECTS_HTACCESS"]:
        lines = [f"# Alte Adressen, aus content/{source}; bei jedem Bau neu geschrieben."]
        lines += [f'Redirect 301 "{old}" "{new}"' for old, new in served]
        (output / htaccess).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if nginx := settings["REDIRECTS_NGINX"]:
        lines = [f"# Alte Adressen, aus content/{source}; im server-Block einbinden: include /pfad/zu/{nginx};"]
        lines += [f'location = "{old}" {{ return 301 "{new}"; }}' for old, new in served]
        (output / nginx).write_text("\n".join(lines) + "\n", encoding="utf-8")


def register():
    signals.initialized.connect(add_default_settings)
    register_check(Stage.PAGES, check_redirects)
    signals.finalized.connect(write_redirects)
