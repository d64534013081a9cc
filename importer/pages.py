"""Pages of the old site that become pages of the new one (Impressum,
Datenschutz, Kontakt), and the list of old addresses and their new ones
(content/weiterleitungen.csv, which plugins/redirects turns into
redirects)."""

from pathlib import Path

from redirects.mapping import DEFAULT_FILE, OLD_ADDRESS, RedirectsError, lines, parse

from .markdown import escape, resolve_export_links

REDIRECTS_FILE = DEFAULT_FILE  # where plugins/redirects reads it unless the settings say otherwise
# Pages of the old site with no page of their own on the new one, and the
# new page that has their part.
KEPT_ADDRESSES = {"die Startseite": "/", "eine Übersicht": "/faelle/"}
FORM_NOT_TAKEN = "Das Kontaktformular (samt Überschrift und Knopf) ist nicht übernommen (die neue Website verschickt nichts)"


def page_markdown(case, url_for, export_addresses=()):
    """(the page file's text, notes for the report) of an Impressum,
    Datenschutz or Kontakt page of the export; a form on it becomes the
    first e-mail address of the page, else of the export."""
    notes = []
    title = case.page_title or case.page_slug.capitalize()
    paragraphs = []
    list_id = None
    blocks = list(case.page_blocks)
    if blocks and blocks[0].heading and blocks[0].text.strip().lower() == title.strip().lower():
        blocks = blocks[1:]  # the page's title, shown by the new site's template
    for block in blocks:
        text = block.markdown if block.markdown is not None else escape(block.text)
        text = resolve_export_links(text, url_for)
        if block.heading:
            paragraphs.append(f"## {escape(block.text)}")
            list_id = None
        elif block.list_kind:
            marker = "1." if block.list_kind == "ol" else "-"
            if paragraphs and list_id == block.list_id:
                paragraphs[-1] += f"\n{marker} {text}"
            else:
                paragraphs.append(f"{marker} {text}")
            list_id = block.list_id
        elif block.after_break and paragraphs and list_id is None and not paragraphs[-1].startswith("## "):
            paragraphs[-1] += f"  \n{text}"  # the lines of an address stay one paragraph
        else:
            paragraphs.append(text)
            list_id = None
    for src in case.page_images:
        notes.append(f"Das Bild „{src}“ der Seite ist nicht übernommen – legen Sie es bei Bedarf selbst nach "
                     f"content/images/ und binden Sie es in content/pages/{case.page_slug}.md ein.")
    if case.had_form:
        if addresses := [*case.addresses, *export_addresses]:
            address = addresses[0]
            paragraphs.append(f"Schreiben Sie mir eine E-Mail: [{escape(address)}](mailto:{address})")
            notes.append(f"{FORM_NOT_TAKEN}; die Seite nennt stattdessen die E-Mail-Adresse {address} aus dem Export.")
        else:
            notes.append(f"{FORM_NOT_TAKEN}, und der Export nennt keine E-Mail-Adresse – tragen Sie Ihre in "
                         f"content/pages/{case.page_slug}.md ein.")
    if not paragraphs:
        notes.append(f"Die Seite hat keinen Text – ergänzen Sie ihn in content/pages/{case.page_slug}.md.")
    header = f"Title: {title}\nSlug: {case.page_slug}\n\n"
    return header + "\n\n".join(paragraphs) + "\n", notes


def add_redirects(content_dir, wanted, force, dry_run):
    """Add ``wanted`` ((old, new) pairs) to the redirects file; an old
    address already there keeps its line (unless ``force``). Returns notes
    for the report; nothing of the author's lines is changed otherwise."""
    path = Path(content_dir) / REDIRECTS_FILE
    name = f"content/{REDIRECTS_FILE}"
    existing = {}
    text = ""
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        try:
            existing = {r.old: r.new for r in parse(text, name)}
        except RedirectsError as error:
            return [f"{error} Die Weiterleitungen sind nicht ergänzt."]
    notes, added, replaced = [], [], {}
    for old, new in wanted:
        if not OLD_ADDRESS.match(old) or not old.isprintable() or any(0xD800 <= ord(c) < 0xE000 for c in old):
            notes.append(f"„{old}“ bekommt keine Weiterleitung auf „{new}“: der Name taugt nicht als Adresse "
                         f"(Leerzeichen, Buchstaben, Ziffern und .-_~ gehen) – tragen Sie sie selbst in {name} ein.")
        elif old not in existing:
            added.append((old, new))
            existing[old] = new
        elif existing[old] != new:
            if force:
                replaced[old] = new
            else:
                notes.append(f"{name}: „{old}“ leitet schon auf „{existing[old]}“ weiter, nicht auf „{new}“ – "
                             "die Zeile bleibt; mit --force wird sie ersetzt.")
    if not added and not replaced:
        return notes
    if replaced:
        pairs = [(old, replaced.get(old, new)) for old, new in existing.items()]
        new_text = lines(pairs, with_header=True)
    else:
        new_text = (text if text.endswith("\n") or not text else text + "\n") + lines(added, with_header=not text)
    if not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
    count = len(added) + len(replaced)
    notes.append(f"{name}: {count} {'alte Adresse' if count == 1 else 'alte Adressen'} mit Weiterleitung "
                 f"{'ergänzt' if not replaced else 'ergänzt oder ersetzt'} (die Website leitet sie auf die neuen "
                 "weiter)")
    return notes
