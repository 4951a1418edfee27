"""The public commitments section of the transparency report (issue 18): what the company has committed to
regulators and the public, when it is due and where it stands. Only commitments marked public; their text,
due date and status, never the unit or the counterpart. Pure: plain inputs in, tables out."""

from __future__ import annotations

from typing import Any

from conduct.apps.reports.transparency.inputs import ReportInputs, Table

MADE_IN = {"letter": "Letter", "report": "Report", "meeting": "Meeting"}
STATUS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}


def commitment_tables(i: ReportInputs) -> list[Table]:
    if i.commitments is None:
        rows: tuple[tuple[Any, ...], ...] = (("Public commitments", "not gathered", "", ""),)
    else:
        rows = tuple(
            (
                c["text"],
                MADE_IN.get(c["made_in"], c["made_in"]),
                c["due_date"],
                STATUS.get(c["status"], c["status"]),
            )
            for c in i.commitments
        )
    return [
        Table(
            "public_commitments",
            "commitments",
            "Public commitments",
            ("Commitment", "Made in", "Due", "Status"),
            rows,
            "Commitments the company made to regulators, partners or the public and chose to publish, as "
            "recorded when the report was built; a dropped commitment is listed with its status.",
        )
    ]
