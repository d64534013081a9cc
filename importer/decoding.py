"""Bytes of an export file to text.

Exports come from Windows and Mac machines of many ages: UTF-8 with or
without a byte order mark, UTF-16 or UTF-32 (Notepad's "Unicode"), or
Windows-1252. Control characters (a NUL byte from a damaged file) never
reach a case file.
"""

import codecs
import re

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BYTE_ORDER_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", None),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
]
# Every C0 control but tab and line breaks, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A text with more control characters than this share is no text at all.
MOST_CONTROLS = 0.05


class NotText(ValueError):
    """The file holds no text (an image or archive under a page's name)."""


def decode(raw):
    """(text, notes) for the bytes of one export."""
    notes = []
    text = None
    for mark, encoding, name in BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            text = raw[len(mark):].decode(encoding, errors="replace")
            if name:
                notes.append(f"Die Datei ist {name}-kodiert; sie wurde entsprechend gelesen.")
            if "\ufffd" in text:
                notes.append("Einige Zeichen der Datei waren beschädigt und sind als „\ufffd“ übernommen – "
                             "prüfen Sie das Ergebnis.")
            break
    if text is None and (encoding := _utf16_without_mark(raw)):
        text = raw.decode(encoding, errors="replace")
        notes.append("Die Datei ist UTF-16-kodiert (ohne Kennung); sie wurde entsprechend gelesen.")
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                # Bytes cp1252 leaves undefined; Latin-1 reads every byte.
                text = raw.decode("latin-1")
            notes.append("Die Datei ist nicht UTF-8; sie wurde als Windows-1252 gelesen – "
                         "prüfen Sie Umlaute und Anführungszeichen im Ergebnis.")
    text, controls = CONTROL.subn("", text)
    if controls > MOST_CONTROLS * (len(text) + controls) and controls > 3:
        raise NotText("Die Datei enthält keinen Text, sondern Binärdaten (vielleicht ein Bild unter dem "
                      "Namen einer Seite) – exportieren Sie die Seite neu oder löschen Sie die Datei aus "
                      "dem Exportordner.")
    if controls:
        notes.append(f"{controls} Steuerzeichen (z. B. NUL-Bytes) entfernt – die Datei war "
                     "vermutlich beschädigt; prüfen Sie den Text im Ergebnis.")
    return text, notes


def _utf16_without_mark(raw):
    """UTF-16 without a byte order mark: every other byte of Latin text is NUL."""
    sample = raw[:2000]
    if len(sample) < 8 or len(sample) % 2:
        return None
    if sample[1::2].count(0) > 0.8 * len(sample) / 2:
        return "utf-16-le"
    if sample[0::2].count(0) > 0.8 * len(sample) / 2:
        return "utf-16-be"
    return None
