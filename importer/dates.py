"""Publication dates given on the command line: --date for every case,
--dates FILE for each case its own (a CSV table ``fall,date`` or, as a
German spreadsheet saves it, ``Fall;Datum``)."""

import csv
import re
from dataclasses import dataclass
from datetime import date as Date, datetime
from pathlib import Path

HOW_TO_WRITE = ("schreiben Sie es wie 2024-05-14 oder 14.05.2024 (mit Uhrzeit: „2024-05-14 10:30“ oder "
                "„14.05.2024 10:30“)")
# 14.05.2024 or 14.5.2024, as German spreadsheets show a date; a time may follow.
GERMAN_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?:[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?$")
HEADERS = {"fall": ("fall",), "date": ("date", "datum")}


class ImportOptionError(ValueError):
    """A command-line option the import cannot work with; nothing was imported."""


@dataclass(frozen=True)
class GivenDate:
    moment: datetime
    has_time: bool
    source: str  # for the report: where the date came from


def parse_date(value, source="aus --date"):
    """A date as the author types it: 2024-05-14 or "2024-05-14 10:30"."""
    if isinstance(value, datetime):
        return GivenDate(value, True, source)
    if isinstance(value, Date):
        return GivenDate(datetime(value.year, value.month, value.day, 9, 0), False, source)
    text = str(value).strip()
    if german := GERMAN_DATE.match(text):
        return _german_date(value, german, source)
    # fromisoformat() reads "20240514" and "2024-W20" too; the column's
    # dates are written out, four-digit year first.
    if not (len(text) >= 10 and text[:4].isascii() and text[:4].isdigit() and text[4] == "-"):
        moment = None
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        raise ImportOptionError(f"Das Datum „{value}“ ist nicht lesbar – {HOW_TO_WRITE}.")
    if moment.year < 1000:
        raise ImportOptionError(f"Das Datum „{value}“ hat kein vierstelliges Jahr – {HOW_TO_WRITE}.")
    return GivenDate(moment.replace(tzinfo=None), ":" in text, source)


def _german_date(value, match, source):
    day, month, year, hour, minute, second = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise ImportOptionError(f"Das Datum „{value}“ gibt es nicht – {HOW_TO_WRITE}.") from None
    if moment.year < 1000:
        raise ImportOptionError(f"Das Datum „{value}“ hat kein vierstelliges Jahr – {HOW_TO_WRITE}.")
    return GivenDate(moment, hour is not None, source)


def read_dates_file(path):
    """Case number -> GivenDate from a CSV file with the header ``fall,date``
    or ``Fall;Datum`` (a comma or, as a German spreadsheet saves it, a
    semicolon between; either header with either separator, any case)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise ImportOptionError(f"Die Datumsliste {path} ist nicht lesbar ({error.strerror}) – "
                                "prüfen Sie den Pfad bei --dates.") from None
    except UnicodeDecodeError:
        raise ImportOptionError(f"Die Datumsliste {path} ist nicht als UTF-8 gespeichert – speichern "
                                "Sie sie als „CSV UTF-8“.") from None
    lines = text.splitlines()
    delimiter = ";" if lines and ";" in lines[0] and "," not in lines[0] else ","
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as error:
        raise ImportOptionError(f"Die Datumsliste {path} ist keine lesbare CSV-Tabelle ({error}) – speichern "
                                "Sie sie als „CSV UTF-8“.") from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if len(header) < 2 or header[0] not in HEADERS["fall"] or header[1] not in HEADERS["date"]:
        raise ImportOptionError(f"{path}:1: Die erste Zeile der Datumsliste muss „fall,date“ oder „Fall;Datum“ "
                                "lauten – darunter eine Zeile je Fall, z. B. „33,2023-11-07“ oder "
                                "„33;07.11.2023“.")
    dates = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{line}"
        if len(row) < 2:
            example = "33;07.11.2023" if delimiter == ";" else "33,2023-11-07"
            raise ImportOptionError(f"{where}: Zu dieser Zeile fehlt das Datum (getrennt durch „{delimiter}“ "
                                    f"wie in der ersten Zeile) – schreiben Sie „Nummer{delimiter}Datum“, "
                                    f"z. B. „{example}“.")
        number_text, date_text = row[0].strip(), row[1].strip()
        if not (number_text.isascii() and number_text.isdigit() and int(number_text) > 0):
            raise ImportOptionError(f"{where}: „{number_text}“ ist keine Fallnummer – schreiben Sie die Zahl "
                                    "mit den Ziffern 0 bis 9, z. B. „33“.")
        number = int(number_text)
        if number in dates:
            raise ImportOptionError(f"{where}: Fall {number} steht zweimal in der Datumsliste – "
                                    "löschen Sie eine der beiden Zeilen.")
        try:
            dates[number] = parse_date(date_text, f"aus {path.name}, Zeile {line}")
        except ImportOptionError as error:
            raise ImportOptionError(f"{where}: {error}") from None
    return dates
