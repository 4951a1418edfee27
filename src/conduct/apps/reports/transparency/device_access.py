"""The device-access section of the transparency report (issue 16): requests, answers, expiries and access
sessions without a grant, each with its definition. Pure: plain inputs in, tables out."""

from __future__ import annotations

from typing import Any

from conduct.apps.reports.transparency.inputs import ReportInputs, Table

# Each device-access measure: its key in the inputs, its label and its one-line definition.
DEVICE_ACCESS_MEASURES = (
    (
        "requests",
        "Access requests",
        "Requests by vendor support to access customers' devices, made in the year.",
    ),
    (
        "approvals",
        "Approved",
        "Requests a customer's approver approved, possibly for fewer hours or scopes than asked.",
    ),
    ("denials", "Denied", "Requests a customer's approver refused."),
    (
        "expiries",
        "Expired unanswered",
        "Requests nobody at the customer answered in time; they grant nothing.",
    ),
    (
        "median_hours_to_answer",
        "Median hours to answer",
        "Median time from a request to the customer's approval or denial, over the requests answered.",
    ),
    (
        "accesses",
        "Access sessions",
        "Access sessions on customers' devices reported, by the time they began.",
    ),
    (
        "accesses_without_grant",
        "Accesses without a grant",
        "Sessions no customer-approved grant covered: each is an incident, opened as a case and reported to "
        "the customer.",
    ),
)


def device_access_tables(i: ReportInputs) -> list[Table]:
    d = i.device_access
    if d is None:
        rows: tuple[tuple[Any, ...], ...] = (("Device access figures", "not gathered", ""),)
    else:
        rows = tuple(
            (label, "no answers" if d.get(key) is None else d[key], definition)
            for key, label, definition in DEVICE_ACCESS_MEASURES
        )
    return [
        Table(
            "device_access",
            "device-access",
            f"Access to customers' devices in {i.year}",
            ("Measure", "Value", "Definition"),
            rows,
        )
    ]
