"""Static SVG charts, drawn here so pages work offline and print the same (no scripts, no
CDN). Every label is escaped; every chart has a text title for screen readers, and the
numbers it shows are also in a table on the same page.

A value of None is a count the page's table hides (reports.disclosure): drawn as nothing and
labelled "*", so a chart never reveals what its table suppresses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from orchestration.reports.disclosure import SYMBOL

COLORS = {"green": "#1a7f37", "amber": "#b35900", "red": "#c62828", "closed": "#8c959f",
          "new": "#0969da", "bar": "#0969da"}
FONT = 'font-family="system-ui, sans-serif" font-size="11"'
# Colour-blind-safe categories (Okabe-Ito) for keys without a colour of their own.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
           "#000000")


def _color(key: str, index: int) -> str:
    return COLORS.get(key) or PALETTE[index % len(PALETTE)]


def _shown(value: int | None) -> int:
    return value or 0


def _label(value: int | None) -> str:
    return SYMBOL if value is None else str(value)


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _legend(keys: Sequence[tuple[str, str]], left: int, width: int) -> tuple[list[str], int]:
    """The legend's swatches, wrapped onto as many lines as the width needs; and its height."""
    body, x, y = [], left, 4
    for k, (key, name) in enumerate(keys):
        if x > left and x + 30 + 7 * len(name) > width:
            x, y = left, y + 14
        body.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{_color(key, k)}"/>'
                    f'<text x="{x + 14}" y="{y + 9}" {FONT}>{escape(name)}</text>')
        x += 30 + 7 * len(name)
    return body, y + 20


def stacked_bars(title: str, columns: Sequence[tuple[str, dict[str, int | None]]],
                 keys: Sequence[tuple[str, str]]) -> Markup:
    """One stacked bar per column (e.g. month), segments per key (e.g. grade)."""
    width, left, bottom, plot_h = 720, 40, 40, 176
    body, top = _legend(keys, left, width)
    height = top + plot_h + bottom
    totals = [sum(_shown(v.get(k, 0)) for k, _ in keys) for _, v in columns]
    peak = max(totals, default=0) or 1
    step = (width - left - 10) / max(len(columns), 1)
    body += [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
             'stroke="#d0d7de"/>',
             f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" {FONT}>{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" {FONT}>0</text>']
    for i, (label, values) in enumerate(columns):
        x = left + i * step + step * 0.15
        y = top + plot_h
        for k, (key, name) in enumerate(keys):
            value = values.get(key, 0)
            h = plot_h * _shown(value) / peak
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                        f'height="{h:.1f}" fill="{_color(key, k)}">'
                        f'<title>{escape(label)}: {escape(name)} '
                        f'{escape(_label(value))}</title></rect>')
        body.append(f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 14}" '
                    f'text-anchor="middle" {FONT}>{escape(label)}</text>')
    return _svg(width, height, title, body)


def flows(title: str, moves: Sequence[tuple[str, str, int | None]], order: Sequence[str],
          labels: dict[str, str]) -> Markup:
    """Who moved from which grade (left) to which grade (right), band width ~ people."""
    width, height, pad, node_w = 720, 260, 20, 14
    shown = [(a, b, _shown(n)) for a, b, n in moves]
    total = sum(n for _, _, n in shown) or 1
    usable = height - 2 * pad - 8 * len(order)
    scale = usable / total

    def stack(side: int) -> dict[str, float]:
        tops, y = {}, float(pad)
        for g in order:
            tops[g] = y
            y += scale * sum(n for *ends, n in shown if ends[side] == g) + 8
        return tops

    left_top, right_top = stack(0), stack(1)
    left_next, right_next = dict(left_top), dict(right_top)
    x0, x1 = 150, width - 150
    body = []
    for a, b, n in sorted(shown, key=lambda m: (order.index(m[0]), order.index(m[1]))):
        if n == 0:
            continue
        h = scale * n
        ya, yb = left_next[a], right_next[b]
        left_next[a] += h
        right_next[b] += h
        mid = (x0 + x1) / 2
        body.append(
            f'<path d="M{x0 + node_w},{ya:.1f} C{mid},{ya:.1f} {mid},{yb:.1f} {x1},{yb:.1f} '
            f'L{x1},{yb + h:.1f} C{mid},{yb + h:.1f} {mid},{ya + h:.1f} {x0 + node_w},'
            f'{ya + h:.1f} Z" fill="{COLORS[b]}" fill-opacity="0.35">'
            f'<title>{escape(labels[a])} to {escape(labels[b])}: {n}</title></path>')
    for side, tops, x in ((0, left_top, x0), (1, right_top, x1)):
        for g in order:
            n = sum(m for *ends, m in shown if ends[side] == g)
            if n == 0:
                continue
            y = tops[g]
            body.append(f'<rect x="{x}" y="{y:.1f}" width="{node_w}" height="{scale * n:.1f}" '
                        f'fill="{COLORS[g]}"/>')
            tx = x - 6 if side == 0 else x + node_w + 6
            anchor = "end" if side == 0 else "start"
            body.append(f'<text x="{tx}" y="{y + scale * n / 2 + 4:.1f}" text-anchor="{anchor}" '
                        f'{FONT}>{escape(labels[g])}</text>')
    return _svg(width, height, title, body)


def hbars(title: str, items: Sequence[tuple[str, int | None]]) -> Markup:
    """Horizontal bars, one per labelled value, largest scale first."""
    width, row_h, label_w = 720, 22, 300
    height = row_h * max(len(items), 1) + 10
    peak = max((_shown(v) for _, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = (width - label_w - 60) * _shown(value) / peak
        body.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" {FONT}>'
                    f'{escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                    f'fill="{COLORS["bar"]}"/>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" {FONT}>'
                    f'{escape(_label(value))}</text>')
    return _svg(width, height, title, body)


def score_trend(title: str, series: dict[str, Sequence[tuple[date, float]]],
                top_score: float) -> Markup:
    """Lines of screen totals over time, one per instrument (lower is better)."""
    width, height, left, bottom, top = 720, 200, 40, 30, 16
    points = [d for values in series.values() for d, _ in values]
    if not points:
        return _svg(width, 40, title, [f'<text x="10" y="24" {FONT}>No screens.</text>'])
    first, last = min(points), max(points)
    span = max((last - first).days, 1)

    def xy(day: date, value: float) -> tuple[float, float]:
        x = left + (width - left - 20) * (day - first).days / span
        return x, top + (height - top - bottom) * (1 - value / top_score)

    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 20}" y2="{height - bottom}" '
            'stroke="#d0d7de"/>',
            f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" {FONT}>{top_score:g}</text>',
            f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" {FONT}>0</text>',
            f'<text x="{left}" y="{height - 8}" {FONT}>{first}</text>',
            f'<text x="{width - 20}" y="{height - 8}" text-anchor="end" {FONT}>{last}</text>']
    palette = ["#0969da", "#8250df", "#bf3989"]
    for i, (name, values) in enumerate(sorted(series.items())):
        color = palette[i % len(palette)]
        coords = [xy(d, v) for d, v in values]
        body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
        for (x, y), (d, v) in zip(coords, values, strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                        f'<title>{escape(name)} {d}: {v:g}</title></circle>')
        body.append(f'<text x="{left + 10 + 80 * i}" y="{top - 4}" fill="{color}" {FONT}>'
                    f'{escape(name)}</text>')
    return _svg(width, height, title, body)


def grade_strip(title: str, history: Sequence[tuple[str, str]],
                labels: dict[str, str]) -> Markup:
    """One coloured cell per as-of date: a client's momentum at a glance."""
    cell, height = 52, 46
    width = cell * max(len(history), 1) + 4
    body = []
    for i, (day, grade) in enumerate(history):
        x = 2 + i * cell
        body.append(f'<rect x="{x}" y="2" width="{cell - 4}" height="22" '
                    f'fill="{COLORS.get(grade, "#eaeef2")}">'
                    f'<title>{escape(day)}: {escape(labels.get(grade, grade))}</title></rect>'
                    f'<text x="{x + (cell - 4) / 2}" y="38" text-anchor="middle" {FONT}>'
                    f'{escape(day[:7])}</text>')
    return _svg(width, height, title, body)
