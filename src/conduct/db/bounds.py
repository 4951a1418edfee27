"""Bounds every id and offset is validated against before it reaches the database (a larger integer is an
OverflowError in the driver, a 500): ids fit a signed 64-bit key; offsets stay far below any real table.

Here rather than with the API (conduct.apps.apikit re-exports them) so that services and forms that check
ids do not import django-ninja and pydantic into every process that sets Django up."""

MAX_DB_ID = 2**63 - 1
MAX_OFFSET = 10_000_000
