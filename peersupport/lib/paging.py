"""Paging without a count: a long list (the roster of a health system) pages by fetching one row
more than the page shows, to know whether there is a next page. Nothing counts the whole list.

The total is known only on the last page (the rows before it plus the rows on it), so the page
says "Page 3 of 3" there and "Page 2" before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

T = TypeVar("T", bound=Model)

# Past this, a page number is taken as the last page a person could reach by "Next": the offset
# stays a small integer for every database.
MAX_PAGE = 100_000


def page_number(value: object) -> int:
    """The page asked for: a positive whole number, else the first page."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


@dataclass(frozen=True)
class UncountedPage(Generic[T]):
    object_list: Sequence[T]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        """1-based position of the first row on this page (0 on an empty page)."""
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)

    @property
    def total(self) -> int | None:
        """The length of the whole list, known on its last page only; None elsewhere (and on a
        page past the end, whose rows before it are not known)."""
        if self.has_next or (not self.object_list and self.number > 1):
            return None
        return self.end_index()

    @property
    def past_the_end(self) -> bool:
        """A page number beyond the list (an old link, an edited address)."""
        return not self.object_list and self.number > 1


def uncounted_page(rows: QuerySet[T], number: object, per_page: int) -> UncountedPage[T]:
    """One page of `rows` (ordered) with one query: per_page + 1 rows from the page's offset."""
    page = page_number(number)
    offset = (page - 1) * per_page
    fetched = list(rows[offset:offset + per_page + 1])
    return UncountedPage(fetched[:per_page], page, per_page, has_next=len(fetched) > per_page)
