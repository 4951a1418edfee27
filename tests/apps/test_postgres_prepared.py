"""On PostgreSQL, statements a connection keeps running are prepared (server-side binding, settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from conduct.apps.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_repeated_orm_query_is_prepared_and_still_answers_right():
    User.objects.create_user(username="prepared-probe", password="not-used-here-1234")

    def probe() -> list[str]:
        return list(User.objects.filter(username="prepared-probe").values_list("username", flat=True))

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"accounts_user"."username" = $1%'],
            )
            return int(cursor.fetchone()[0])

    before = prepared()
    answers = [probe() for _ in range(6)]  # psycopg prepares from the fifth run (prepare_threshold=5)
    assert answers == [["prepared-probe"]] * 6
    assert prepared() > before
