"""Shared pieces of the list readers: the result type, the error type, decoding and CSV helpers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conduct.core.screening.model import LIST_KINDS, EntryName, ListEntry

OFAC_EMPTY = "-0-"
# A FollowTheMoney entity nests three deep (entity, properties, values); a line deeper than this, or longer,
# is refused before it is parsed (Python's JSON decoder recurses, and would fail deep inside a huge line).
JSON_MAX_DEPTH = 32
JSON_MAX_LINE_CHARS = 4 * 1024 * 1024
_JSON_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{}]')


class ListFormatError(ValueError):
    """A list file that cannot be read: names the file, the line and the reason."""

    def __init__(self, message: str, *, line: int | None = None, path: str | Path | None = None) -> None:
        self.message = message
        self.line = line
        self.path = str(path) if path is not None else None
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ParsedList:
    """What a reader returns: every entry of one published list, with where and when it came from."""

    format: str  # one of FORMATS
    list_kind: str  # default kind for the whole list, one of LIST_KINDS
    entries: tuple[ListEntry, ...]
    source_date: str | None = None  # ISO date the publisher stamped on the file, when it has one
    path: str = ""
    notes: tuple[str, ...] = ()  # what the reader skipped on purpose and why (never silent)

    def index_items(self, list_id: str) -> Iterator[tuple[str, str, ListEntry]]:
        """(list_id, kind, entry) triples for NameIndex; an entry's own kind (extra["list_kind"]) wins."""
        for entry in self.entries:
            yield list_id, entry.extra.get("list_kind", self.list_kind), entry


def check_kind(kind: str, path: str | Path) -> str:
    if kind not in LIST_KINDS:
        raise ListFormatError(
            f"unknown list kind {kind!r}; expected one of {', '.join(LIST_KINDS)}", path=path
        )
    return kind


def read_text(path: Path) -> str:
    """Decode a list file: UTF-8 (with or without BOM) first, then Windows-1252, then Latin-1.

    Older OFAC files are Latin-1 and end with a DOS end-of-file byte (0x1A), which is dropped.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
    data = data.rstrip(b"\x1a\r\n\t ")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def csv_rows(
    text: str, path: Path, *, delimiter: str = ",", columns: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line number each starts on; blank rows skipped; a wrong column count is an error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ListFormatError(f"malformed CSV: {exc}", line=reader.line_num, path=path) from exc
        start, line = line, reader.line_num + 1
        if not row or all(not cell.strip() for cell in row):
            continue
        if columns is not None and len(row) != columns:
            raise ListFormatError(f"expected {columns} columns, found {len(row)}", line=start, path=path)
        yield start, row


def ofac_value(cell: str) -> str:
    """An OFAC cell with its padding removed and the '-0-' empty marker turned into ''."""
    value = cell.strip()
    return "" if value == OFAC_EMPTY else value


def split_values(value: str, separator: str = ";") -> list[str]:
    return [part.strip() for part in value.split(separator) if part.strip()]


def stable_key(prefix: str, *parts: str) -> str:
    """A short id derived from an entry's content, for lists that publish none (BIS DPL, old CSL rows)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{prefix}-{digest[:12]}"


def unique_names(names: list[EntryName]) -> tuple[EntryName, ...]:
    """Names without exact repeats (same text, case-insensitively), first occurrence kept."""
    seen: set[str] = set()
    out: list[EntryName] = []
    for name in names:
        text = " ".join(name.name.split())
        key = text.casefold()
        if not text or key in seen:
            continue
        seen.add(key)
        out.append(EntryName(text, name.kind))
    return tuple(out)


_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec"
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES.split(" "), start=1)}
_DMY = re.compile(r"^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\.?\s+)?(\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _one_date(text: str) -> str | None:
    text = text.strip().rstrip(".").strip()
    for prefix in ("circa ", "approximately ", "about ", "ca. ", "c. "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    match = _ISO.match(text)
    if match and (len(text) in (4, 7, 10) or text[4:5] == "-"):
        year, month, day = match.groups()
        return "-".join(part for part in (year, month, day) if part)
    match = _SLASH.match(text)
    if match:  # US style month/day/year
        month_s, day_s, year_s = match.groups()
        return f"{year_s}-{int(month_s):02d}-{int(day_s):02d}"
    match = _DMY.match(text)
    if match:
        day, month_name, year = match.groups()
        if month_name is None:
            return year
        month = _MONTHS.get(month_name.lower())
        if month is None:
            return year
        if day is None:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{int(day):02d}"
    return None


def parse_dates(text: str) -> tuple[str, ...]:
    """ISO prefixes for a date as lists write it: '10 Dec 1948', 'Mar 1961', 'circa 1955', '1958 to 1960',
    '01 Jan 1946 to 31 Dec 1948', '1978-12-05', '06/19/2003'. Ranges give each year (up to 12 years)."""
    text = text.strip()
    if not text:
        return ()
    for joiner in (" to ", " - ", " and "):
        if joiner in text:
            left, right = text.split(joiner, 1)
            left = left.lower().replace("between", "").strip()
            start, end = _one_date(left), _one_date(right)
            if start and end:
                y0, y1 = int(start[:4]), int(end[:4])
                if start[:7] == end[:7]:
                    return (start[:7],)
                if 0 <= y1 - y0 <= 12:
                    return tuple(str(year) for year in range(y0, y1 + 1))
                return (start[:4], end[:4])
    one = _one_date(text)
    return (one,) if one else ()


_LEGAL_HINT = re.compile(
    r"\b(LTD|LIMITED|LLC|L\.L\.C|INC|INCORPORATED|CORP|CORPORATION|COMPANY|CO|GMBH|AG|S\.?A|S\.?A\.?S|"
    r"S\.?R\.?L|B\.?V|N\.?V|PLC|OOO|OAO|ZAO|PAO|JSC|OJSC|PJSC|GROUP|HOLDINGS?|ENTERPRISES?|INDUSTRIES|"
    r"INTERNATIONAL|TRADING|TECHNOLOGY|TECHNOLOGIES|ELECTRONICS|SERVICES?|SYSTEMS|BANK|INSTITUTE|"
    r"UNIVERSITY|ACADEMY|MINISTRY|ORGANI[SZ]ATION|FOUNDATION|ASSOCIATION|AIRLINES?|SHIPPING|"
    r"EXPORT|IMPORT|INDUSTRIAL|CENTER|CENTRE|LABORATORY|FACTORY|PLANT|BUREAU|DEPARTMENT)\b\.?",
    re.IGNORECASE,
)


def guess_entity_type(name: str) -> str:
    """'organization' when a name carries a company form or institution word, otherwise 'unknown'.

    Used only for lists that do not say whether a party is a person (BIS DPL, some CSL sources)."""
    return "organization" if _LEGAL_HINT.search(name) else "unknown"


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "]}":
            depth -= 1
    return deepest


def check_json_line(raw: str, *, line: int, path: Path | None = None) -> None:
    """Refuse (ListFormatError) a line of JSON that is too long or nests too deeply to be parsed safely."""
    if len(raw) > JSON_MAX_LINE_CHARS:
        raise ListFormatError(
            f"line is longer than {JSON_MAX_LINE_CHARS} characters; an entity is far smaller",
            line=line,
            path=path,
        )
    # Only a line with many brackets can nest deeply: the scan is skipped for ordinary entities.
    if raw.count("[") + raw.count("{") > JSON_MAX_DEPTH and json_depth(raw) > JSON_MAX_DEPTH:
        raise ListFormatError(
            f"JSON nests deeper than {JSON_MAX_DEPTH} levels; an entity nests three", line=line, path=path
        )


def load_json_line(raw: str, *, line: int, path: Path | None = None) -> object:
    """One line of JSON, refused with a ListFormatError when it is malformed, too long or too deep."""
    check_json_line(raw, line=line, path=path)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ListFormatError(f"invalid JSON: {exc.msg} (column {exc.colno})", line=line, path=path) from exc
    except RecursionError:  # not reached after the depth check; kept so no input can escape as a crash
        raise ListFormatError("JSON nests too deeply", line=line, path=path) from None
