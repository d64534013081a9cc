"""How much a source may hold, checked before anything is converted.

Every header value becomes part of a page, a file name (a tag's feed, a
page's folder) or a number, so each has a length the file system and
Python can take. Markdown has constructs whose reading time grows with
the square of their size or whose depth exhausts Python's stack (links
nested in links, lists in lists); a cheap scan of the source measures
them, and a source beyond a limit is refused rather than converted, so
no file can hold up a build for more than a few seconds.
"""

import re

from .model import Problem, display_path

# Characters per header value (a tag is one of the comma-separated Tags).
# A tag becomes a folder and a feed's file name, a title the file name of
# a new case and, for a page without Slug, its folder: kept well below
# the 255 bytes a file name may have, umlauts spelt out (ä -> ae).
MAX_VALUE_LENGTH = {
    "title": 200,
    "date": 40,
    "modified": 40,
    "summary": 3000,
    "image": 200,
    "image_alt": 500,
    "image_credit": 200,
    "status": 20,
    "slug": 100,
}
MAX_TAG_LENGTH = 50
MAX_TAGS = 20
# Any header line the site does not know (reported with the allow list).
MAX_OTHER_VALUE_LENGTH = 3000

# The source as a whole, and the Markdown inside it.
MAX_SOURCE_BYTES = 1_000_000
# Levels of lists and quotes inside each other (indentation of four
# columns, a list marker or a ">" each open one).
MAX_NESTING = 20
# Square brackets inside square brackets within one paragraph.
MAX_BRACKET_NESTING = 16
# Python-Markdown's reading time grows faster than the text with the
# marks of emphasis, code, links and tables (a megabyte of "*a" takes
# minutes), with definition lists, abbreviations and headings (each
# heading's anchor is compared with all before it). A case has a few
# dozen of each; these budgets keep any source to a few seconds.
MARKUP_CHARACTERS = "*_`[]|"
MAX_MARKUP_CHARACTERS = 20_000
MAX_DEFINITIONS = 100
MAX_ABBREVIATIONS = 100
MAX_HEADINGS = 3_000
MAX_LIST_ITEMS = 5_000
_DEFINITION = re.compile(r"^ {0,3}:", re.M)
_ABBREVIATION = re.compile(r"^ {0,3}\*\[", re.M)
_HEADING = re.compile(r"^ {0,3}(?:#|=+[ \t]*$|-+[ \t]*$)", re.M)
_LIST_ITEM = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.M)

_TAB_LENGTH = 4
_NESTING_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))*")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def german_number(number):
    """1000000 as „1.000.000“."""
    return f"{number:,}".replace(",", ".")


def shortened(value, length=40):
    """``value`` as a message quotes it: long values cut off."""
    return value if len(value) <= length else f"{value[:length]}…"


def header_value_problems(fields, path, tags_key="tags"):
    """Problems of header values beyond their limits; ``fields`` as
    checks.header_fields returns them (key -> (line, value))."""
    shown = display_path(path)
    problems = []
    for key, (line, value) in fields.items():
        if key == "fall":
            continue  # its digits are counted where it is read (model.parse_case_number)
        limit = MAX_VALUE_LENGTH.get(key, MAX_OTHER_VALUE_LENGTH)
        name = key.capitalize()
        if len(value) > limit:
            problems.append(Problem(
                shown,
                f"Die Zeile „{name}“ ist mit {len(value)} Zeichen zu lang (höchstens {limit}). "
                "Diese Datei wird nicht veröffentlicht.",
                f"Kürzen Sie „{name}: {shortened(value, 20)}“ auf höchstens {limit} Zeichen.",
                line,
            ))
        elif key == tags_key:
            tags = [tag.strip() for tag in value.split(",") if tag.strip()]
            too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
            if too_long:
                problems.append(Problem(
                    shown,
                    f"Das Thema „{shortened(too_long[0])}“ ist mit {len(too_long[0])} Zeichen zu lang "
                    f"(höchstens {MAX_TAG_LENGTH}). Diese Datei wird nicht veröffentlicht.",
                    "Wählen Sie ein kurzes Thema aus einem oder wenigen Wörtern; mehrere Themen "
                    "trennen Sie durch Kommas.",
                    line,
                ))
            elif len(tags) > MAX_TAGS:
                problems.append(Problem(
                    shown,
                    f"Der Fall hat {len(tags)} Themen, höchstens {MAX_TAGS} sind möglich. "
                    "Diese Datei wird nicht veröffentlicht.",
                    f"Behalten Sie in „Tags:“ die wichtigsten {MAX_TAGS} Themen.",
                    line,
                ))
    return problems


def markdown_problem(text, path):
    """The Problem of a source whose Markdown cannot be read in reasonable
    time (see the limits above), or None. Linear in the length of ``text``."""
    shown = display_path(path)
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        return Problem(
            shown,
            f"Die Datei ist mit {german_number(size)} Bytes zu groß (höchstens {german_number(MAX_SOURCE_BYTES)}). "
            "Diese Datei wird nicht veröffentlicht.",
            "Teilen Sie den Text auf mehrere Fälle oder Seiten auf.",
        )
    budget = _over_budget(text, shown)
    if budget:
        return budget
    bracket_depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            bracket_depth = 0  # a paragraph ends; Markdown reads links within one
            continue
        if not _RULE.match(line):
            prefix = _NESTING_PREFIX.match(line).group()
            markers = prefix.count(">") + len(re.findall(r"[-*+\d][.)]?(?=[ \t]|$)", prefix))
            # The space after each marker belongs to the marker.
            columns = max(0, prefix.expandtabs(_TAB_LENGTH).count(" ") - markers)
            levels = markers + columns // _TAB_LENGTH
            if levels > MAX_NESTING:
                return Problem(
                    shown,
                    f"Hier stecken {levels} Ebenen aus Listen, Zitaten oder Einrückungen ineinander "
                    f"(höchstens {MAX_NESTING}); so tief verschachtelt kann die Website den Text nicht "
                    "lesen. Diese Datei wird nicht veröffentlicht.",
                    "Rücken Sie die Zeile weniger ein (Listen höchstens ein paar Ebenen tief, je Ebene "
                    "vier Leerzeichen) oder schreiben Sie den Inhalt als gewöhnlichen Absatz.",
                    number,
                )
        if "[" not in line:
            bracket_depth = max(0, bracket_depth - line.count("]"))
            continue
        escaped = False
        for character in line:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == "[":
                bracket_depth += 1
                if bracket_depth > MAX_BRACKET_NESTING:
                    return Problem(
                        shown,
                        f"Hier stehen mehr als {MAX_BRACKET_NESTING} eckige Klammern ineinander "
                        "(etwa Links in Links); so tief verschachtelt kann die Website den Text nicht "
                        "lesen. Diese Datei wird nicht veröffentlicht.",
                        "Schließen Sie jede „[“ wieder mit „]“, bevor die nächste beginnt, oder schreiben "
                        "Sie eine Klammer, die Text sein soll, als „\\[“.",
                        number,
                    )
            elif character == "]":
                bracket_depth = max(0, bracket_depth - 1)
    return None


def _over_budget(text, shown):
    """The Problem of a source beyond one of the markup budgets, naming the
    line where it is exceeded, or None."""
    budgets = [
        (lambda line: sum(map(line.count, MARKUP_CHARACTERS)), MAX_MARKUP_CHARACTERS,
         f"Der Text enthält mehr als {german_number(MAX_MARKUP_CHARACTERS)} Zeichen für Auszeichnungen "
         f"({' '.join(MARKUP_CHARACTERS)}) – so viele kann die Website nicht in vernünftiger Zeit lesen.",
         "Schreiben Sie Sternchen, Unterstriche, Backticks, eckige Klammern und senkrechte Striche, die "
         "Text sein sollen, anders, oder teilen Sie den Text auf."),
        (lambda line: bool(_DEFINITION.match(line)), MAX_DEFINITIONS,
         f"Mehr als {german_number(MAX_DEFINITIONS)} Zeilen beginnen mit „:“ (Definitionslisten).",
         "Beginnen Sie Zeilen nicht mit einem Doppelpunkt, oder teilen Sie den Text auf."),
        (lambda line: bool(_ABBREVIATION.match(line)), MAX_ABBREVIATIONS,
         f"Mehr als {MAX_ABBREVIATIONS} Abkürzungen sind erklärt (Zeilen mit „*[“).",
         "Erklären Sie nur die wichtigsten Abkürzungen."),
        (lambda line: bool(_HEADING.match(line)), MAX_HEADINGS,
         f"Der Text hat mehr als {german_number(MAX_HEADINGS)} Überschriften.",
         "Teilen Sie den Text auf mehrere Fälle oder Seiten auf."),
        (lambda line: bool(_LIST_ITEM.match(line)), MAX_LIST_ITEMS,
         f"Der Text hat mehr als {german_number(MAX_LIST_ITEMS)} Listenpunkte.",
         "Teilen Sie den Text auf mehrere Fälle oder Seiten auf."),
    ]
    totals = [sum(map(text.count, MARKUP_CHARACTERS)), len(_DEFINITION.findall(text)),
              len(_ABBREVIATION.findall(text)), len(_HEADING.findall(text)), len(_LIST_ITEM.findall(text))]
    for (count, limit, message, hint), total in zip(budgets, totals, strict=True):
        if total <= limit:
            continue
        seen = 0
        for number, line in enumerate(text.splitlines(), start=1):
            seen += count(line)
            if seen > limit:
                return Problem(shown, f"{message} Diese Datei wird nicht veröffentlicht.", hint, number)
    return None
