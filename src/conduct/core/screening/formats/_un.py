"""The UN Security Council consolidated list (XML: INDIVIDUALS/INDIVIDUAL, ENTITIES/ENTITY)."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET  # noqa: S405 - guarded below: DTDs and entity declarations are refused
from pathlib import Path

from conduct.core.screening._countries import country_code
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    parse_dates,
    read_text,
    unique_names,
)
from conduct.core.screening.model import EntryName, ListEntry

_FORBIDDEN = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ALIAS_KINDS = {
    "good": "alias_strong",
    "a.k.a.": "alias_strong",
    "": "alias_strong",
    "low": "alias_weak",
    "f.k.a.": "former",
}
_NOT_A_COUNTRY = {"na", "n/a", "unknown"}
_ORIGINAL_SCRIPT = re.compile(r"\(?\s*original script\s*:?\s*\)?", re.IGNORECASE)
_SUB_UNIT = re.compile(r"\s+-\s+sub-unit name$", re.IGNORECASE)


def _latin_letters(text: str) -> tuple[int, int]:
    """(Latin letters, other letters) in a text."""
    latin = other = 0
    for ch in text:
        if ch.isalpha():
            if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
                latin += 1
            else:
                other += 1
    return latin, other


def split_alias(text: str) -> list[str]:
    """An alias written with its other-script form in brackets is two (or more) aliases:
    'Amir Khazmat (original script: Амир Хазмат)' -> ['Amir Khazmat', 'Амир Хазмат'];
    'حسن غول (Hassan Ghul; Hassan Gul)' -> ['حسن غول', 'Hassan Ghul', 'Hassan Gul']. Brackets in one script
    ('General Department of Atomic Energy (GDAE)', 'EL PARA (COMBAT NAME)') are left as they are."""
    text = text.strip().rstrip(",;").strip()
    if not text.endswith(")"):
        return [text]
    depth, open_at = 0, -1
    for position in range(len(text) - 1, -1, -1):  # the bracket group that closes the alias
        depth += {")": 1, "(": -1}.get(text[position], 0)
        if depth == 0:
            open_at = position
            break
    if open_at <= 0:
        return [text]
    head, inner = text[:open_at].strip(), text[open_at + 1 : -1].strip()
    marked = _ORIGINAL_SCRIPT.search(inner) is not None
    head_latin, head_other = _latin_letters(head)
    inner_latin, inner_other = _latin_letters(_ORIGINAL_SCRIPT.sub("", inner))
    head_script_latin = head_latin > head_other
    inner_script_latin = inner_latin > inner_other
    if not head or not inner or (not marked and head_script_latin == inner_script_latin):
        return [text]
    if not marked and (head_latin and head_other or inner_latin and inner_other) and ";" not in inner:
        return [text]
    out = [head]
    for piece in inner.split(";"):
        piece = _SUB_UNIT.sub("", _ORIGINAL_SCRIPT.sub(" ", piece)).strip().rstrip(",").strip()
        if piece.count("(") != piece.count(")"):
            piece = piece.replace("(", " ").replace(")", " ").strip()
        if piece:
            out.append(" ".join(piece.split()))
    return out


def _text(element: ET.Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())


def _values(element: ET.Element, tag: str) -> list[str]:
    return [
        _text(value) for holder in element.findall(tag) for value in holder.findall("VALUE") if _text(value)
    ]


def _country(value: str) -> str | None:
    return None if value.casefold() in _NOT_A_COUNTRY else country_code(value)


def _birth_dates(element: ET.Element) -> list[str]:
    dates: list[str] = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        exact = _text(dob.find("DATE"))
        year = _text(dob.find("YEAR"))
        start, end = _text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))
        if exact:
            dates.extend(parse_dates(exact[:10]))
        elif year:
            dates.extend(parse_dates(year))
        elif start and end:
            dates.extend(parse_dates(f"{start} to {end}"))
    return dates


def _entry(
    element: ET.Element, entity_type: str, alias_tag: str, address_tag: str, path: Path, line: int | None
) -> ListEntry:
    data_id = _text(element.find("DATAID"))
    if not data_id:
        raise ListFormatError("entry without DATAID", line=line, path=path)
    parts = [_text(element.find(tag)) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    primary = " ".join(part for part in parts if part)
    if not primary:
        raise ListFormatError(f"entry {data_id} has no name", line=line, path=path)
    names = [EntryName(primary, "primary")]
    for alias in element.findall(alias_tag):
        alias_name = _text(alias.find("ALIAS_NAME"))
        if alias_name:
            quality = _text(alias.find("QUALITY")).casefold()
            kind = _ALIAS_KINDS.get(quality, "alias_strong")
            names.extend(EntryName(piece, kind) for piece in split_alias(alias_name))
            note = _text(alias.find("NOTE"))
            if note.casefold().startswith("original script:"):
                original_alias = note.split(":", 1)[1].strip()
                if original_alias:
                    names.append(EntryName(original_alias, kind))
    original = _text(element.find("NAME_ORIGINAL_SCRIPT"))
    if original:
        names.append(EntryName(original, "alias_strong"))
    countries: list[str] = []
    for value in _values(element, "NATIONALITY"):
        code = _country(value)
        if code:
            countries.append(code)
    for address in element.findall(address_tag):
        code = _country(_text(address.find("COUNTRY"))) if _text(address.find("COUNTRY")) else None
        if code:
            countries.append(code)
    identifiers: list[tuple[str, str]] = []
    for document in element.findall("INDIVIDUAL_DOCUMENT"):
        number = _text(document.find("NUMBER"))
        if number:
            identifiers.append((_text(document.find("TYPE_OF_DOCUMENT")) or "Document", number))
    reference = _text(element.find("REFERENCE_NUMBER"))
    if reference:
        identifiers.append(("UN Reference", reference))
    extra = {"reference_number": reference, "listed_on": _text(element.find("LISTED_ON"))}
    gender = _text(element.find("GENDER"))
    if gender:
        extra["gender"] = gender.lower()
    comments = _text(element.find("COMMENTS1"))
    list_type = _text(element.find("UN_LIST_TYPE"))
    return ListEntry(
        source_id=data_id,
        entity_type=entity_type,
        names=unique_names(names),
        countries=tuple(dict.fromkeys(countries)),
        birth_dates=tuple(dict.fromkeys(_birth_dates(element))),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=(list_type,) if list_type else (),
        remarks=comments,
        extra={key: value for key, value in extra.items() if value},
    )


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _parse(text: str, path: Path) -> tuple[ET.Element, dict[int, int]]:
    """Parse with a pull parser fed line by line, so each INDIVIDUAL/ENTITY knows the line it starts on."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start",))  # noqa: S314 - no DTD/ENTITY: checked before
    root: ET.Element | None = None
    lines: dict[int, int] = {}
    number = 0
    try:
        for number, chunk in enumerate(text.splitlines(keepends=True), start=1):
            parser.feed(chunk)
            for event in parser.read_events():
                element = event[1] if isinstance(event, tuple) and len(event) == 2 else None
                if not isinstance(element, ET.Element):
                    continue
                if root is None:
                    root = element
                if element.tag in ("INDIVIDUAL", "ENTITY"):
                    lines[id(element)] = number
        parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else number
        raise ListFormatError(f"bad XML: {exc}", line=line, path=path) from exc
    if root is None:
        raise ListFormatError("empty XML document", line=1, path=path)
    return root, lines


def read_un(path: Path, list_kind: str) -> ParsedList:
    text = read_text(path)
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        raise ListFormatError(
            f"XML with a <!{forbidden.group(1).upper()}> declaration is refused (entity expansion risk)",
            line=_line_of(text, forbidden.start()),
            path=path,
        )
    root, lines = _parse(text, path)
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(
            f"root element is <{root.tag}>, expected <CONSOLIDATED_LIST>", line=1, path=path
        )
    entries: list[ListEntry] = []
    for individual in root.iter("INDIVIDUAL"):
        entries.append(
            _entry(
                individual,
                "person",
                "INDIVIDUAL_ALIAS",
                "INDIVIDUAL_ADDRESS",
                path,
                lines.get(id(individual)),
            )
        )
    for entity in root.iter("ENTITY"):
        entries.append(
            _entry(entity, "organization", "ENTITY_ALIAS", "ENTITY_ADDRESS", path, lines.get(id(entity)))
        )
    generated = root.get("dateGenerated", "")
    return ParsedList(
        format="un_consolidated",
        list_kind=list_kind,
        entries=tuple(entries),
        source_date=generated[:10] or None,
        path=str(path),
    )
