"""Readers for published watch-list files. Each takes a path the caller chose and returns a ParsedList.

    parsed = read_list("/data/ofac_sdn")          # format detected
    parsed = read_list("dpl.txt", format="bis_dpl")

Malformed input raises ListFormatError naming the file, the line and the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from conduct.core.screening.formats._bis import read_dpl
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    check_json_line,
    check_kind,
    parse_dates,
    read_text,
)
from conduct.core.screening.formats._csl import kind_for_source, read_csl
from conduct.core.screening.formats._ftm import read_ftm
from conduct.core.screening.formats._generic import read_generic
from conduct.core.screening.formats._ofac import NON_SDN, SDN, parse_remarks, read_ofac
from conduct.core.screening.formats._un import read_un

# format name -> default list kind
FORMATS: dict[str, str] = {
    "ofac_sdn": "sanctions",
    "ofac_non_sdn": "sanctions",
    "un_consolidated": "sanctions",
    "bis_dpl": "export_control",
    "us_csl": "export_control",  # per source; "sanctions" when every row is a sanctions source
    "ftm_json": "sanctions",
    "generic_csv": "custom",
}

__all__ = [
    "FORMATS",
    "ListFormatError",
    "ParsedList",
    "detect_format",
    "kind_for_source",
    "parse_dates",
    "parse_remarks",
    "read_list",
]


def _first_line(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    text = head.decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _detect_folder(path: Path) -> str:
    has = {child.name.lower() for child in path.iterdir() if child.is_file()}
    found = []
    if SDN.primary in has:
        found.append("ofac_sdn")
    if NON_SDN.primary in has:
        found.append("ofac_non_sdn")
    if len(found) == 1:
        return found[0]
    if not found:
        partial = sorted(has & {SDN.alt, SDN.address, SDN.comments, NON_SDN.alt, NON_SDN.address})
        hint = f" (it has {', '.join(partial)} but not the primary file)" if partial else ""
        raise ListFormatError(
            f"no known list in this folder{hint}; expected sdn.csv or cons_prim.csv", path=path
        )
    raise ListFormatError("folder holds both an SDN and a non-SDN list; pass one file or format=", path=path)


def detect_format(path: str | Path) -> str:
    """The format name of a list file or folder, or ListFormatError when it is not recognisable."""
    path = Path(path)
    if path.is_dir():
        return _detect_folder(path)
    if not path.is_file():
        raise ListFormatError("no such file or folder", path=path)
    name = path.name.lower()
    if name in (SDN.primary, SDN.alt, SDN.address, SDN.comments):
        return "ofac_sdn"
    if name in (NON_SDN.primary, NON_SDN.alt, NON_SDN.address, NON_SDN.comments):
        return "ofac_non_sdn"
    first = _first_line(path)
    if first.startswith("<?xml") or first.startswith("<"):
        with path.open("rb") as handle:
            head = handle.read(8192)
        if b"<CONSOLIDATED_LIST" in head:
            return "un_consolidated"
        raise ListFormatError("XML file that is not a UN consolidated list", path=path)
    if first.startswith("{"):
        check_json_line(first, line=1, path=path)
        try:
            obj = json.loads(first)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict) and "schema" in obj and "properties" in obj:
            return "ftm_json"
        raise ListFormatError(
            "JSON lines that are not FollowTheMoney entities (need schema and properties)", line=1, path=path
        )
    cells = [cell.strip().strip('"').lower() for cell in first.replace("\t", ",").split(",")]
    if "name" in cells and "street_address" in cells and "\t" in first:
        return "bis_dpl"
    if cells[:2] == ["_id", "source"] or cells[:2] == ["source", "entity_number"]:
        return "us_csl"
    if "id" in cells and "name" in cells:
        return "generic_csv"
    raise ListFormatError(
        "cannot recognise the list format from its name or first line; pass format= one of "
        + ", ".join(FORMATS),
        line=1,
        path=path,
    )


def read_list(path: str | Path, format: str | None = None, list_kind: str | None = None) -> ParsedList:  # noqa: A002
    """Read one list. `format` skips detection; `list_kind` overrides the format's default kind."""
    path = Path(path)
    if not path.exists():
        raise ListFormatError("no such file or folder", path=path)
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise ListFormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", path=path)
    if list_kind is not None:
        check_kind(list_kind, path)
    kind = list_kind or FORMATS[fmt]
    if fmt in ("ofac_sdn", "ofac_non_sdn"):
        return read_ofac(path, SDN if fmt == "ofac_sdn" else NON_SDN, kind)
    if path.is_dir():
        raise ListFormatError(f"{fmt} is read from a file, not a folder", path=path)
    if fmt == "un_consolidated":
        return read_un(path, kind)
    if fmt == "bis_dpl":
        return read_dpl(path, kind)
    if fmt == "us_csl":
        return read_csl(path, list_kind)
    if fmt == "ftm_json":
        return read_ftm(path, kind)
    return read_generic(path, kind)


# read_text is re-exported for callers that want the same decoding rules (UTF-8, then cp1252, then latin-1).
__all__ += ["read_text"]
