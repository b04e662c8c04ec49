"""The figures of one benchmark round, and their min-max ranges over rounds as a Markdown table."""

from __future__ import annotations

import statistics

from bench.clients import Load
from bench.clients import percentile

DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Figures(dict[str, float]):
    """One round's figures by key (rates per second, times in milliseconds, ratios hall/bare)."""

    @classmethod
    def of(cls, hall: tuple[Load, Load], bare: tuple[Load, Load], hall_calls: list[float],
           bare_calls: list[float], displays: int) -> Figures:
        figures = cls(issue_hall=hall[0].rate, issue_bare=bare[0].rate)
        figures["issue_ratio"] = hall[0].rate / bare[0].rate
        for level in (0, 1):
            for who, loads in (("hall", hall), ("bare", bare)):
                figures[f"issue_{who}_p50_{level}"] = percentile(loads[level].times, 0.5)
                figures[f"issue_{who}_p99_{level}"] = percentile(loads[level].times, 0.99)
        for who, times in (("hall", hall_calls), ("bare", bare_calls)):
            figures[f"call_{who}_p50"] = statistics.median(times)
            figures[f"call_{who}_p99"] = percentile(times, 0.99)
            lasts = last_of_each_call(times, displays)
            figures[f"last_{who}_p50"] = statistics.median(lasts)
            figures[f"last_{who}_p99"] = percentile(lasts, 0.99)
        for q in ("p50", "p99"):
            figures[f"call_ratio_{q}"] = figures[f"call_hall_{q}"] / figures[f"call_bare_{q}"]
            figures[f"last_ratio_{q}"] = figures[f"last_hall_{q}"] / figures[f"last_bare_{q}"]
        return figures


def last_of_each_call(times: list[float], displays: int) -> list[float]:
    """When the last display heard each call (deliveries come call by call, `displays` each)."""
    return [max(times[i:i + displays]) for i in range(0, len(times), displays)]


def rows(clients: int, busy: int, displays: int) -> list[tuple[str, str, str]]:
    """(key, label, format) of each table row, in order."""
    table = [
        ("issue_hall", f"Issue throughput, hall ({clients} clients), tickets/s", ".0f"),
        ("issue_bare", f"Issue throughput, bare: one row + one emit ({clients} clients), /s", ".0f"),
        ("issue_ratio", "Issue throughput ratio hall/bare", ".2f"),
    ]
    for level, n in ((0, clients), (1, busy)):
        for who in ("hall", "bare"):
            for q in ("p50", "p99"):
                table.append((f"issue_{who}_{q}_{level}", f"Issue latency {q}, {who}, {n} clients, ms",
                              ".1f"))
    for who in ("hall", "bare"):
        for q in ("p50", "p99"):
            table.append((f"call_{who}_{q}", f"Call -> {displays} displays {q}, {who}, ms", ".1f"))
    for q in ("p50", "p99"):
        table.append((f"call_ratio_{q}", f"Call -> {displays} displays {q} ratio hall/bare", ".2f"))
    for who in ("hall", "bare"):
        for q in ("p50", "p99"):
            table.append((f"last_{who}_{q}", f"Call -> last of {displays} displays {q}, {who}, ms",
                          ".1f"))
    for q in ("p50", "p99"):
        table.append((f"last_ratio_{q}", f"Call -> last display {q} ratio hall/bare", ".2f"))
    return table


def spread(values: list[float], fmt: str) -> str:
    """`low–high` (one value when the runs agree at this precision)."""
    low, high = format(min(values), fmt), format(max(values), fmt)
    return low if low == high else f"{low}–{high}"


def summary(results: dict[str, list[Figures]], clients: int, busy: int, displays: int) -> str:
    """A Markdown table: one row per figure, one column per database, min–max over the runs."""
    kinds = [kind for kind, runs in results.items() if runs]
    counts = {len(results[kind]) for kind in kinds}
    runs = counts.pop() if len(counts) == 1 else max(counts, default=0)
    lines = [f"Range (min–max) over {runs} run{'s' if runs != 1 else ''}:", "",
             "| Figure | " + " | ".join(DATABASES.get(kind, kind) for kind in kinds) + " |",
             "|---|" + "---:|" * len(kinds)]
    for key, label, fmt in rows(clients, busy, displays):
        cells = [spread([figures[key] for figures in results[kind]], fmt) for kind in kinds]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
