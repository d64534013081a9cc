"""What the build may read: files inside content/, and nothing else.

A path in a case (``Image: ../../fotos/urlaub.png``), a linked file or a
linked folder can point anywhere on the disk. Every path is resolved
first, links included, and only what lies inside content/ is read, so
the build never publishes, nor writes next to, the author's other files.
"""

import errno
import fnmatch
import glob
import os
import re
from urllib.parse import unquote, urlsplit

from .model import CaseError, Problem, display_path, printable

# Characters XML 1.0 cannot carry (feeds, sitemap) and no editor shows:
# pasted in from other programs, never meant.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class NotInContent(ValueError):
    """A path that leads out of content/; says what to do about it."""

    def __init__(self, message, hint):
        super().__init__(message)
        self.message = message
        self.hint = hint


def is_inside(path, folder):
    """True if ``path`` lies in ``folder`` once every link is followed."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, base]) == base


def content_file(written, content_path):
    """A file an author names (``Image: images/foto.jpg``, also with a
    leading ``/`` or ``{static}/``), as a normalised path relative to
    content/. Raises NotInContent if it lies outside content/, and
    FileNotFoundError if there is no such file."""
    relative = os.path.normpath(re.sub(r"^(\{static\}|/)", "", written).lstrip("/"))
    path = os.path.join(content_path, relative)
    name = os.path.basename(relative)
    leaves = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    # "/images/foto.jpg" is meant from the site's root; "/home/…" is not.
    if leaves or (os.path.isabs(written) and not os.path.lexists(path)):
        raise NotInContent(
            f"„{written}“ liegt außerhalb des Ordners content/; die Website liest nur, was darin liegt.",
            f"Kopieren Sie die Datei nach content/images/ und schreiben Sie „images/{name}“.",
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, "not in content/", relative)
    if not is_inside(path, content_path):
        raise NotInContent(
            f"„{written}“ ist eine Verknüpfung auf eine Datei außerhalb von content/; "
            "die Website liest nur, was in content/ liegt.",
            f"Legen Sie statt der Verknüpfung eine Kopie der Datei nach content/{relative}.",
        )
    return relative


def read_source(path, content_path=None):
    """The text of a source (a case or a page). Raises CaseError for a file
    the build must not or cannot read: a name that is not UTF-8, a link
    leading nowhere or out of ``content_path``, text that is not UTF-8."""
    refuse_path(path, content_path)
    with open(path, "rb") as handle:
        return decode_source(handle.read(), path)


def _refusal(path, message, hint, line=None):
    return CaseError(Problem(display_path(path), f"{message} Diese Datei wird nicht veröffentlicht.", hint, line))


def refuse_path(path, content_path=None):
    """Raises CaseError for a source that must not or cannot be opened (see
    read_source); opens nothing."""
    if not _is_utf8(os.path.relpath(path, content_path) if content_path else os.path.basename(path)):
        raise _refusal(
            path,
            "Der Name der Datei ist nicht in UTF-8 geschrieben (die Zeichen mit � kann die Website nicht anzeigen).",
            "Benennen Sie die Datei um, am besten nur mit a–z, 0–9 und Bindestrichen, z. B. „fall-34-titel.md“.",
        )
    if not os.path.exists(path):
        target = printable(os.readlink(path)) if os.path.islink(path) else None
        if target is None:
            raise _refusal(path, "Die Datei gibt es nicht mehr.", "Bauen Sie die Website noch einmal.")
        raise _refusal(
            path,
            f"Die Datei ist eine Verknüpfung auf „{target}“, und die gibt es nicht.",
            "Löschen Sie die Verknüpfung oder legen Sie die Datei selbst an ihre Stelle.",
        )
    if content_path and not is_inside(path, content_path):
        raise _refusal(
            path,
            f"Die Datei ist eine Verknüpfung auf „{printable(os.path.realpath(path))}“ außerhalb "
            "von content/; die Website liest nur, was in content/ liegt.",
            "Legen Sie statt der Verknüpfung eine Kopie der Datei an ihre Stelle.",
        )


def decode_source(raw, path):
    """The text of a source's bytes ``raw``; CaseError if they are not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refusal(
            path,
            f"Die Datei ist nicht als UTF-8 gespeichert (das Byte 0x{raw[error.start]:02X} "
            "ist kein gültiges UTF-8; oft ein Umlaut aus einem Windows-Editor).",
            "Öffnen Sie sie im Editor und speichern Sie sie mit der Kodierung „UTF-8“.",
            raw[: error.start].count(b"\n") + 1,
        ) from None


def control_character(text, path):
    """The Problem of a text holding a control character, or None. Such a
    text can be read, but not published: feeds cannot carry it."""
    control = _CONTROL_CHARACTER.search(text)
    if not control:
        return None
    return Problem(
        display_path(path),
        f"Die Datei enthält ein unsichtbares Steuerzeichen (U+{ord(control.group()):04X}), "
        "meist mit kopiertem Text eingefügt. Diese Datei wird nicht veröffentlicht.",
        "Löschen Sie in dieser Zeile das Zeichen (manche Editoren zeigen es als „NUL“ oder „^@“), "
        "am einfachsten, indem Sie die Zeile neu tippen.",
        text.count("\n", 0, control.start()) + 1,
    )


def links_out_of_content(content, content_path):
    """The {static} and {attach} links of a Pelican content object that
    lead out of content/: Pelican would copy such a file from there to as
    far outside output/. Returns [(link, Problem)]."""
    return [
        (
            link,
            Problem(
                display_path(content.source_path),
                f"Ein Link mit {{static}} führt zu „{printable(link)}“, aus dem Ordner content/ hinaus; "
                "die Website liest nur, was in content/ liegt. Diese Datei wird nicht veröffentlicht.",
                "Legen Sie die Datei in den Ordner content/images/ und verlinken Sie sie als „{static}/images/…“.",
            ),
        )
        for link in sorted(content.get_static_links())
        if not is_inside(os.path.join(content_path, link), content_path)
    ]


def _is_utf8(name):
    try:
        os.fsencode(name).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def entries_to_skip(content_path, paths, excludes=(), ignores=(), extensions=()):
    """What Pelican must not walk below ``paths`` (relative to
    ``content_path``), and why: linked folders that lead out of content/
    or back into a folder read anyway (a loop, or the same files twice),
    folders and sources (``extensions``) whose names are not UTF-8,
    which Pelican could not even name in a message, and sources that are
    links leading nowhere.

    Returns (folders relative to ``content_path``, names as IGNORE_FILES
    patterns, [Problem]).
    """
    roots = [os.path.join(content_path, path) if path else content_path for path in paths]
    excluded = {os.path.join(content_path, exclude) for exclude in excludes}
    walked = [os.path.realpath(root) for root in roots if os.path.isdir(root)]
    folders, names, problems = [], [], []
    stack = [root for root in roots if os.path.isdir(root)]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable: Pelican's own walk passes over it too
        for entry in entries:
            if entry.path in excluded or any(fnmatch.fnmatch(entry.name, ignore) for ignore in ignores):
                continue
            is_folder = entry.is_dir()
            if not _is_utf8(entry.name):
                if is_folder or os.path.splitext(entry.name)[1][1:] in extensions:
                    names.append(glob.escape(entry.name))
                    problems.append(Problem(
                        display_path(entry.path),
                        f"Der Name {'des Ordners' if is_folder else 'der Datei'} ist nicht in UTF-8 "
                        "geschrieben (die Zeichen mit � kann die Website nicht anzeigen); "
                        f"{'er' if is_folder else 'sie'} wird nicht veröffentlicht.",
                        f"Benennen Sie {'ihn' if is_folder else 'sie'} um, am besten nur mit a–z, 0–9 und Bindestrichen.",
                    ))
                continue
            if not is_folder:
                if entry.is_symlink() and os.path.splitext(entry.name)[1][1:] in extensions and not os.path.exists(entry.path):
                    # A link leading nowhere: Pelican would try to stamp it
                    # for its cache (and log an error in English) before
                    # the reader could refuse it.
                    try:
                        refuse_path(entry.path, content_path)
                    except CaseError as error:
                        names.append(glob.escape(entry.name))
                        problems.append(error.problem)
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                problem = None
                if not is_inside(target, content_path):
                    problem = (
                        f"Der Ordner ist eine Verknüpfung auf „{printable(target)}“ außerhalb von "
                        "content/; die Website liest nur, was in content/ liegt, und übergeht ihn.",
                        "Löschen Sie die Verknüpfung und legen Sie die Dateien selbst in den Ordner.",
                    )
                elif any(is_inside(target, seen) or is_inside(seen, target) for seen in walked):
                    problem = (
                        "Der Ordner ist eine Verknüpfung auf einen Ordner, den die Website ohnehin "
                        "liest (sonst läse sie ihn immer wieder); sie übergeht ihn.",
                        "Löschen Sie die Verknüpfung.",
                    )
                if problem:
                    folders.append(os.path.relpath(entry.path, content_path))
                    problems.append(Problem(display_path(entry.path), *problem))
                    continue
                walked.append(target)
            stack.append(entry.path)
    return folders, names, problems


def source_files(content_path, paths, excludes=(), ignores=(), extensions=()):
    """The sources below ``paths`` (relative to ``content_path``) that
    Pelican reads, found the way its Generator.get_files finds them (links
    to folders followed, ``excludes`` and ``ignores`` left out); absolute.
    For ``invoke check``, which reads them without a generator."""
    by_parent = {}
    for exclude in excludes:
        parent, name = os.path.split(os.path.join(content_path, exclude))
        by_parent.setdefault(parent, set()).add(name)

    def included(name):
        return not any(fnmatch.fnmatch(name, ignore) for ignore in ignores) and os.path.splitext(name)[1][1:] in extensions

    files = set()
    for path in paths:
        root = os.path.join(content_path, path) if path else content_path
        if os.path.isdir(root):
            for folder, dirs, names in os.walk(root, followlinks=True):
                excluded = by_parent.get(folder, ())
                dirs[:] = [d for d in dirs if d not in excluded and not any(fnmatch.fnmatch(d, i) for i in ignores)]
                files |= {os.path.join(folder, name) for name in names if included(name)}
        elif os.path.exists(root) and included(os.path.basename(root)):
            files.add(root)
    return sorted(files)


# What Markdown sources are; a {filename} link to anything else names a
# file to be copied as it is.
_SOURCE_EXTENSIONS = {"md", "markdown", "mkd", "mdown"}
_PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "heic", "heif", "avif", "bmp"}


def files_linked_as_they_are(content, content_path, static_paths):
    """The files in content/ a content object links with {static},
    {attach} or {filename} that Pelican would copy byte for byte: all but
    those in an allow-listed folder (``static_paths``, Pelican's
    STATIC_PATHS). A photo taken that way would reach readers with its
    metadata (the place it was taken); photos go through plugins/photos.
    Returns [(link, Problem)]; links out of content/ are
    links_out_of_content's."""
    linked = set(content.get_static_links())
    for match in content._get_intrasite_link_regex().finditer(content._content or ""):
        path = urlsplit(match.group("value")).path
        if match.group("what") != "filename" or os.path.splitext(path)[1][1:].lower() in _SOURCE_EXTENSIONS:
            continue
        if path.startswith("/"):
            linked.add(path[1:])
        else:
            linked.add(content.get_relative_source_path(os.path.join(content.relative_dir, path)))
    allowed = [os.path.normpath(folder) for folder in static_paths]
    found = []
    for link in sorted(linked):
        relative = os.path.normpath(unquote(link))
        if not is_inside(os.path.join(content_path, relative), content_path):
            continue
        if any(relative == folder or relative.startswith(folder + os.sep) for folder in allowed):
            continue
        shown = printable(relative)
        is_photo = os.path.splitext(relative)[1][1:].lower() in _PHOTO_EXTENSIONS
        what = "Dieser Fall" if content.__class__.__name__ == "Article" else "Diese Seite"
        if is_photo:
            problem = Problem(
                display_path(content.source_path),
                f"Das Foto „{shown}“ ist im Text verlinkt; so bekämen Leser das Original mit allen "
                f"Metadaten (etwa dem Ort der Aufnahme). {what} wird nicht veröffentlicht.",
                f"Zeigen Sie das Foto über den Kopf: „Image: {shown}“ mit „Image_alt: …“ – die Website "
                "verkleinert es und lässt die Metadaten weg –, und löschen Sie den Link im Text.",
                _line_with(content.source_path, os.path.basename(relative)),
            )
        else:
            problem = Problem(
                display_path(content.source_path),
                f"Die Datei „{shown}“ ist im Text verlinkt; Dateien aus content/ veröffentlicht die "
                f"Website nur als Fälle, Seiten und Fotos. {what} wird nicht veröffentlicht.",
                "Löschen Sie den Link, oder verlinken Sie die Datei dort, wo sie schon online steht (https://…).",
                _line_with(content.source_path, os.path.basename(relative)),
            )
        found.append((link, problem))
    return found


def _line_with(path, written):
    """The first line of ``path`` naming ``written`` in a link, if any."""
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if written in line and "{" in line:
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return None
