"""Pages of long lists that stay fast at 100,000 rows: the count stops at CAP (shown as "more than 10,000"),
and whether there is a next page is known from fetching one row more than the page holds."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

CAP = 10_000


class CappedPage:
    def __init__(
        self, queryset: QuerySet[Any], number: str | int | None, per_page: int = 50, cap: int = CAP
    ) -> None:
        try:
            self.number = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.number = 1
        offset = (self.number - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = self.number > 1
        # Counting needs no order, and no more than cap + 1 rows: the planner may then pick a cheaper index.
        total = queryset.order_by().values("pk")[: cap + 1].count()
        self.capped = total > cap
        self.count = cap if self.capped else total
        self.num_pages = None if self.capped else max(1, math.ceil(total / per_page))
        self.per_page = per_page

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1
