"""Groups of duplicates: connected components of linked pairs, with cannot-link constraints.

Edges are added in a fixed order (human confirmations first, then automatic links by falling
score, then by ids), so the result never depends on the order records were read. An edge is
refused when it would put into one group

* two records a reviewer said are *not* duplicates (a rejected pair), or
* (automatic edges only) two different DOIs or two different PMIDs: chains of "A looks like B,
  B looks like C" must not merge two distinct articles.

The record kept for a group is the first by: already screened (has decisions), earliest search
round, preferred database, most complete, smallest id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass
class Member:
    """What clustering needs to know of one record."""

    id: int
    round: int = 1
    database: str = ""
    completeness: int = 0
    screened: bool = False
    doi: str = ""
    pmid: str = ""


@dataclass
class _Group:
    members: set[int]
    dois: set[str] = field(default_factory=set)
    pmids: set[str] = field(default_factory=set)
    rejected: set[int] = field(default_factory=set)


def _conflict(x: set[str], y: set[str]) -> bool:
    return bool(x and y and not (x & y))


def components(
    members: dict[int, Member],
    confirmed: Iterable[tuple[int, int]],
    auto: Iterable[tuple[int, int, float]],
    rejected: Iterable[tuple[int, int]],
) -> list[list[int]]:
    """Groups of two or more record ids (each sorted), refused edges left out."""
    parent: dict[int, int] = {}
    groups: dict[int, _Group] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def group(x: int) -> _Group:
        if x not in groups:
            m = members.get(x) or Member(x)
            groups[x] = _Group({x}, {m.doi} - {""}, {m.pmid} - {""})
        return groups[x]

    for a, b in rejected:
        group(a).rejected.add(b)
        group(b).rejected.add(a)

    def union(a: int, b: int, strict: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        ga, gb = group(ra), group(rb)
        if ga.rejected & gb.members or gb.rejected & ga.members:
            return
        if strict and (_conflict(ga.dois, gb.dois) or _conflict(ga.pmids, gb.pmids)):
            return
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        parent[rb] = ra
        ga.members |= gb.members
        ga.dois |= gb.dois
        ga.pmids |= gb.pmids
        ga.rejected |= gb.rejected
        del groups[rb]

    for a, b in sorted(confirmed):
        union(a, b, strict=False)
    for a, b, _ in sorted(auto, key=lambda e: (-e[2], e[0], e[1])):
        union(a, b, strict=True)
    return sorted(sorted(g.members) for g in groups.values() if len(g.members) > 1)


def keeper(group: Sequence[int], members: dict[int, Member], prefer: Sequence[str]) -> int:
    """The id of the record kept for a group (see the module docstring for the order)."""
    ranks = {name.lower(): i for i, name in enumerate(prefer)}

    def key(record_id: int) -> tuple[int, int, int, int, int]:
        m = members.get(record_id) or Member(record_id)
        return (
            0 if m.screened else 1,
            m.round,
            ranks.get(m.database.lower(), len(ranks)),
            -m.completeness,
            record_id,
        )

    return min(group, key=key)
