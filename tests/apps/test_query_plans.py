"""The statements every gate decision runs find their rows through an index, so a decision costs the same on
an installation with tens of thousands of parties, users, decisions and ledger entries as on the demo
(benchmarks/gates/run_scale.py measures it). Each test fails if the statement falls back to reading a whole
table."""

from __future__ import annotations

import pytest
from django.db import connection

from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role

pytestmark = pytest.mark.django_db


def plan_of(sql: str, params: list[object]) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the demo's few rows would be read whole anyway
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(part) for row in cursor.fetchall() for part in row)


def statements_of(call) -> list[tuple[str, list[object]]]:
    """The statements `call()` runs, with their parameters."""
    seen: list[tuple[str, list[object]]] = []

    def capture(execute, sql, params, many, context):
        seen.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        call()
    return seen


@pytest.mark.parametrize("country", [None, "NL"])
def test_a_gate_reads_analysts_reviews_of_a_name_through_the_upper_cased_name_index(country):
    from conduct.apps.screening.services.gates import _reviews_for_many

    [(sql, params)] = statements_of(lambda: _reviews_for_many([("Northwind Retail Group", country)]))
    assert "screened_party_name_upper" in plan_of(sql, params)


def test_a_subject_s_names_are_read_in_one_statement_each_through_the_index():
    from conduct.apps.screening.services.gates import _reviews_for_many

    names = [("Northwind Retail Group", "NL"), ("Ivan Sidorov", None), ("Borealis Lens Works", "RU")]
    [(sql, params)] = statements_of(lambda: _reviews_for_many(names))
    assert sql.count("UNION ALL") == 2
    plan = plan_of(sql, params)
    if connection.vendor == "sqlite":  # SQLite names the index once per branch; PostgreSQL may merge them
        assert plan.count("screened_party_name_upper") == 3
    assert "screened_party_name_upper" in plan


def test_an_object_s_ledger_history_is_read_through_its_index(officer):
    from conduct.apps.audit.selectors import object_history

    sql, params = object_history(
        actor=officer, object_type="gate_decision", object_id=1
    ).query.sql_with_params()
    assert "ledger_entry_object" in plan_of(sql, list(params))


def test_the_officers_a_review_case_goes_to_are_found_through_the_role_index():
    sql, params = (
        User.objects.filter(role=Role.COMPLIANCE_OFFICER, is_active=True)
        .order_by("pk")
        .query.sql_with_params()
    )
    assert "user_role" in plan_of(sql, list(params))


def test_the_latest_earlier_decision_on_a_subject_is_found_through_its_index():
    from conduct.apps.gates.services import _turn_reads

    [(sql, params)] = statements_of(lambda: _turn_reads("sales_deal", "SO-1", "sha256:0"))
    assert "gate_decision_latest" in plan_of(sql, params)
