"""The identified reports with indexes by body, agency, year, region and level, built once per catalog change.

`Records` is the list of reports answers are drawn from (a plain list to every reader); `select` and `in_scope`
look a scope up in its index instead of testing every report, so a question naming one county costs that county's
reports, not the corpus's. A plain list (a test's, or reports plus chart-derived ones) is scanned as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from indexing.models import Report


class RecordIndex:
    """Positions of reports (in list order) by each value of each slot a scope can name."""

    def __init__(self, reports: Sequence[Report]) -> None:
        self.by_body: dict[str, list[int]] = defaultdict(list)
        self.by_agency: dict[str, list[int]] = defaultdict(list)
        self.by_year: dict[int | None, list[int]] = defaultdict(list)
        self.by_region: dict[str, list[int]] = defaultdict(list)
        self.by_level: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(reports):
            self.by_body[r.short_name].append(i)
            self.by_agency[r.agency].append(i)
            self.by_year[r.year].append(i)
            self.by_level[r.level].append(i)
            for region in dict.fromkeys(r.region):
                self.by_region[region].append(i)
        self.body_years = frozenset((r.short_name, r.year) for r in reports)

    def positions(self, *, bodies: Iterable[str] = (), agencies: Iterable[str] = (), years: Iterable[int] = (),
                  regions: Iterable[str] = (), levels: Iterable[str] = ()) -> list[int] | None:
        """Positions, in list order, of the reports matching the most selective slot given (any of its values): a
        superset of those matching every slot, as small as one look-up makes it — intersecting a year's or a level's
        tens of thousands of positions would cost what a scan does. None when no slot is given (every report)."""
        best: list[list[int]] | None = None
        for table, values in ((self.by_body, bodies), (self.by_agency, agencies), (self.by_year, years),
                              (self.by_region, regions), (self.by_level, levels)):
            lists = [table.get(v, []) for v in dict.fromkeys(values)]
            if lists and (best is None or sum(map(len, lists)) < sum(map(len, best))):
                best = lists
        if best is None:
            return None
        return best[0] if len(best) == 1 else sorted({i for found in best for i in found})  # a report in two regions


class Records(list):
    """The reports answers are drawn from, with their RecordIndex (built on first use, kept while the list is)."""

    _index: RecordIndex | None = None
    _indexed = -1  # the length indexed: a list grown or shrunk since is indexed again

    @property
    def index(self) -> RecordIndex:
        if self._index is None or self._indexed != len(self):
            self._index, self._indexed = RecordIndex(self), len(self)
        return self._index


def candidates(reports: Sequence[Report], **slots: Iterable[str | int]) -> Sequence[Report]:
    """The reports a scope can match — by its most selective slot when `reports` is indexed, else all of them.
    Callers test each candidate against the whole scope: an index only narrows what is tested."""
    if not isinstance(reports, Records):
        return reports
    positions = reports.index.positions(**slots)
    return reports if positions is None else [reports[i] for i in positions]


def body_years(reports: Sequence[Report]) -> frozenset[tuple[str, int | None]] | set[tuple[str, int | None]]:
    """(short name, year) of every report."""
    if isinstance(reports, Records):
        return reports.index.body_years
    return {(r.short_name, r.year) for r in reports}
