"""The role-play plan of a meeting: who practices with whom, in which role, round by round.

Plain Python over plain data (attendee ids in, rounds of groups out): no database, so it is fast,
deterministic for a seed, and property-tested (tests/test_dyads.py).

How it plans. The attendees, shuffled by the seed, are split into two halves, A and B. In round r
the i-th of A practices with the ((i + r) mod h)-th of B (h the size of a half), so for h rounds
nobody meets the same partner twice. A supports in the even rounds and B in the odd ones, so
everyone switches role every round. With an odd count, one seat of A is empty: whoever of B it
would have met joins a pair as its observer that round (the one trio), watching and giving
feedback, and the pair it joins is the one whose members it meets least, so far and later on.
After h rounds the rotation starts over: more rounds than that must repeat partners, since everyone
must meet someone of the other role.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

ROUND_MINUTES = 15
MAX_ROUNDS = 12


@dataclass(frozen=True)
class Group:
    """A pair (`observer` None) or the one trio: the supporter, the colleague they support, and
    in a trio an observer who watches and gives feedback."""

    supporter: int
    colleague: int
    observer: int | None = None

    @property
    def members(self) -> tuple[int, ...]:
        people = (self.supporter, self.colleague)
        return people if self.observer is None else (*people, self.observer)


@dataclass(frozen=True)
class Round:
    number: int  # from 1
    scenario: int | None
    groups: tuple[Group, ...]


def rounds_without_repeats(count: int) -> int:
    """How many rounds a plan for `count` attendees keeps everyone meeting new partners."""
    return (count + 1) // 2


def plan_dyads(attendees: Sequence[int], scenarios: Sequence[int], *, rounds: int, seed: int) -> list[Round]:
    """The plan for these attendees (ids, duplicates ignored) over `rounds` rounds, each round with
    the next of `scenarios` (shuffled by the seed). Fewer than two attendees: no plan."""
    people = sorted(set(attendees))
    if len(people) < 2 or rounds < 1:
        return []
    rng = random.Random(seed)  # a seating plan, nothing secret  # nosec B311
    rng.shuffle(people)
    order = sorted(set(scenarios))
    rng.shuffle(order)
    half = (len(people) + 1) // 2
    # An odd count leaves the first seat of A empty (None).
    side_a: list[int | None] = [None] * (half * 2 - len(people)) + people[: len(people) // 2]
    side_b = people[len(people) // 2:]
    schedule = [[(side_a[i], side_b[(i + r) % half]) for i in range(half)] for r in range(rounds)]
    met: Counter[frozenset[int]] = Counter()
    plan = []
    for r, pairs in enumerate(schedule):
        a_supports = r % 2 == 0
        groups = [
            Group(supporter=a, colleague=b) if a_supports else Group(supporter=b, colleague=a)
            for a, b in pairs if a is not None
        ]
        alone = next((b for a, b in pairs if a is None), None)
        if alone is not None:
            groups = _add_observer(groups, alone, met, schedule[r + 1:], r)
        for group in groups:
            met.update(frozenset(pair) for pair in combinations(group.members, 2))
        plan.append(Round(number=r + 1, scenario=order[r % len(order)] if order else None, groups=tuple(groups)))
    return plan


def _add_observer(groups: list[Group], observer: int, met: Counter[frozenset[int]],
                  later: list[list[tuple[int | None, int]]], r: int) -> list[Group]:
    """Seat the odd one out with the pair it meets least: before now, and in the rounds to come."""
    upcoming = Counter(frozenset((a, b)) for pairs in later for a, b in pairs if a is not None)

    def cost(index: int) -> tuple[int, int]:
        group = groups[index]
        seen = sum(met[frozenset((observer, m))] + upcoming[frozenset((observer, m))] for m in group.members)
        # Among equals, a different pair each round.
        return seen, (index - r) % len(groups)

    chosen = min(range(len(groups)), key=cost)
    group = groups[chosen]
    groups[chosen] = Group(supporter=group.supporter, colleague=group.colleague, observer=observer)
    return groups
