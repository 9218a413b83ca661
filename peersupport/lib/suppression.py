"""Small counts hidden from aggregate tables, so that no one can be recognized in them.

A count from 1 up to (not including) the program's threshold is shown as "<threshold"; a zero is
shown, since it describes no one. A column whose total is shown must not let a hidden count be
worked out by subtraction: when exactly one count of a column is hidden, the next smallest
count shown is hidden too (complementary suppression), and when there is none to hide the
total is hidden instead. A total below the threshold is hidden like any count.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One count as it may be shown: `text` always, `value` only when the count is shown."""

    value: int | None
    text: str

    @property
    def hidden(self) -> bool:
        return self.value is None


def _shown(count: int) -> Cell:
    return Cell(count, f"{count:,}")


def _hidden(threshold: int) -> Cell:
    return Cell(None, f"<{threshold}")


def is_small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def suppress_column(counts: Sequence[int], total: int, threshold: int) -> tuple[list[Cell], Cell]:
    """The cells of one column and its total, small counts and what would reveal them hidden."""
    hidden = [is_small(count, threshold) for count in counts]
    total_hidden = is_small(total, threshold)
    if not total_hidden and sum(hidden) == 1:
        candidates = [(count, index) for index, count in enumerate(counts) if count > 0 and not hidden[index]]
        if candidates:
            hidden[min(candidates)[1]] = True
        else:
            total_hidden = True
    cells = [_hidden(threshold) if small else _shown(count) for count, small in zip(counts, hidden, strict=True)]
    return cells, _hidden(threshold) if total_hidden else _shown(total)
