"""The own-operations section of the transparency report (issue 19): the company's own sites and the
certificates they hold, working-time compliance against SA8000 clause 7, injury rates (GRI 403-9), and the
policy attestation and training figures (not in use yet). Pure: plain inputs in, tables out."""

from __future__ import annotations

from typing import Any

from conduct.apps.reports.transparency.inputs import ReportInputs, Table

SECTION = "own-operations"


def own_operations_tables(i: ReportInputs) -> list[Table]:
    o: Any = i.own_operations or {"sites": [], "working_time": [], "rates": []}  # None: not gathered
    return [_sites(i, o), _working_time(i, o), _injury_rates(i, o), _policies_training(o)]


def _sites(i: ReportInputs, o: Any) -> Table:
    certificates = o.get("certificates", {})
    return Table(
        "own_sites",
        SECTION,
        f"The company's own sites and their certificates in force on {i.as_of.isoformat()}",
        ("Site", "Kind", "Country", "Headcount", "Certificates in force"),
        tuple(
            (
                s["code"],
                s["kind"],
                s["country"],
                s["headcount"],
                ", ".join(certificates.get(s["code"], [])) or "none",
            )
            for s in o["sites"]
        ),
        note="Certificates in force: not withdrawn, valid on the date, recorded against the site itself.",
    )


def _working_time(i: ReportInputs, o: Any) -> Table:
    return Table(
        "own_working_time",
        SECTION,
        f"Working time in {i.year}: worker-weeks within SA8000 clause 7",
        ("Site", "Worker-weeks", "Over a limit", "Compliant share", "Average overtime (hours)"),
        tuple(
            (
                w["site"],
                w["worker_weeks"],
                w["non_compliant"],
                w["compliant_share"],
                w["average_overtime"],
            )
            for w in o["working_time"]
        ),
        note=(
            "A worker-week is compliant when regular hours are at most 48, overtime at most 12 and the "
            "worker had at least one rest day (SA8000 clause 7; the limits are settings). A week over "
            "several limits counts once. Workers are pseudonymous; only keyed hashes are stored."
        ),
    )


def _injury_rates(i: ReportInputs, o: Any) -> Table:
    return Table(
        "own_injury_rates",
        SECTION,
        f"Injury rates per 1,000,000 hours worked in {i.year}",
        ("Site", "Hours worked", "Lost-time injuries", "Recordable incidents", "LTIFR", "TRIR"),
        tuple(
            (
                r["site"],
                r["hours"],
                r["lost_time_injuries"],
                r["recordable"],
                "no hours" if r["ltifr"] is None else r["ltifr"],
                "no hours" if r["trir"] is None else r["trir"],
            )
            for r in o["rates"]
        ),
        note=(
            "LTIFR: injuries with lost time x 1,000,000 / hours worked. TRIR: injuries and illnesses "
            "beyond first aid x 1,000,000 / hours worked (GRI 403-9, 403-10). Near misses are recorded, "
            "not counted."
        ),
    )


def _policies_training(o: Any) -> Table:
    return Table(
        "own_policies_training",
        SECTION,
        "Policy attestation and training completion",
        ("Measure", "Assigned", "Done", "Share"),
        tuple(
            (f"Attestation: {a['policy']}", a["assigned"], a["done"], a["share"])
            for a in o.get("attestations", [])
        )
        + tuple(
            (f"Training: {t['course']}", t["assigned"], t["done"], t["share"]) for t in o.get("training", [])
        ),
        note=(
            "Attestation: share of the people a policy version was assigned to (by role and unit) who "
            "acknowledged it. Training: share of the active people of the course's roles holding a "
            "completion that has not expired, on the day the report was built."
        ),
    )
