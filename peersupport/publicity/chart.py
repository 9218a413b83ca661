"""The referrals-by-source chart as server-side SVG: no script, no library, no CDN.

Each source is a line with its own dash pattern and marker shape, named in the legend, so the
chart does not rely on color; the table under it says the same in numbers. A hidden (small)
count is left out of its line, which breaks there. Publicity dates are numbered vertical rules
on the same month axis, listed under the chart.
"""

import calendar
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext

from peersupport.publicity.selectors import SourceTimeline

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 28, 44
# (dash pattern, marker shape) per line, in the order of the sources.
STYLES = [("", "circle"), ("8 4", "square"), ("2 4", "triangle"), ("10 4 2 4", "diamond"), ("4 2", "cross")]


def marker_path(shape: str, x: float, y: float) -> str:
    """An SVG path of a marker centred on (x, y), about 9 units across."""
    if shape == "circle":
        return f"M{x - 4.5} {y}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0z"
    if shape == "square":
        return f"M{x - 4} {y - 4}h8v8h-8z"
    if shape == "triangle":
        return f"M{x} {y - 5}l5 9h-10z"
    if shape == "diamond":
        return f"M{x} {y - 5.5}l5.5 5.5l-5.5 5.5l-5.5 -5.5z"
    return f"M{x - 4} {y - 4}l8 8m0 -8l-8 8"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    marker: str


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    index: int
    dash: str
    marker: str
    segments: list[str]  # "x,y x,y …" for each run of shown months
    points: list[Point]
    sample: str  # the marker in the legend's 40 × 12 sample


@dataclass(frozen=True)
class Mark:
    number: int
    x: float
    text: str


@dataclass(frozen=True)
class Tick:
    position: float
    text: str
    second_line: str = ""  # the year, under January and the first month


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    lines: list[Line]
    marks: list[Mark]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def _nice_ceiling(value: int) -> int:
    for step in (4, 8, 12, 20, 40, 60, 100, 200, 400, 600, 1000, 2000, 4000, 10000):
        if value <= step:
            return step
    return ((value // 10000) + 1) * 10000


def build_chart(timeline: SourceTimeline) -> Chart:
    months = len(timeline.months)
    plot_width = WIDTH - LEFT - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    step = plot_width / months
    shown = [cell.value for row in timeline.rows for cell in row.cells if cell.value is not None]
    top_value = _nice_ceiling(max(shown, default=0) or 1)

    def x_of(month_index: float) -> float:
        return round(LEFT + month_index * step, 1)

    def y_of(value: int) -> float:
        return round(plot_bottom - value / top_value * (plot_bottom - TOP), 1)

    lines = []
    for index, (key, label) in enumerate(timeline.sources):
        dash, marker = STYLES[index % len(STYLES)]
        segments: list[str] = []
        points: list[Point] = []
        run: list[Point] = []
        for month_index, row in enumerate(timeline.rows):
            value = row.cells[index].value
            if value is None:
                if len(run) > 1:
                    segments.append(" ".join(f"{p.x},{p.y}" for p in run))
                run = []
                continue
            x, y = x_of(month_index + 0.5), y_of(value)
            point = Point(x, y, marker_path(marker, x, y))
            run.append(point)
            points.append(point)
        if len(run) > 1:
            segments.append(" ".join(f"{p.x},{p.y}" for p in run))
        lines.append(Line(key, label, index, dash, marker, segments, points, marker_path(marker, 20, 6)))

    first = timeline.months[0]
    marks = []
    for number, ticked in enumerate(timeline.publicity, start=1):
        month_index = (ticked.done_on.year - first.year) * 12 + ticked.done_on.month - first.month
        days = calendar.monthrange(ticked.done_on.year, ticked.done_on.month)[1]
        day = ticked.done_on
        marks.append(Mark(number, x_of(month_index + (day.day - 0.5) / days),
                          f"{ticked.place.label}, {date_format(day, gettext('F j, Y'))}"))

    every = 1 if months <= 12 else 3
    x_ticks = []
    year_shown = 0
    for i, start in enumerate(timeline.months[::every]):
        x_ticks.append(Tick(x_of(i * every + 0.5), date_format(start, "M"),
                            "" if start.year == year_shown else str(start.year)))
        year_shown = start.year
    y_ticks = [Tick(y_of(value), f"{value:,}") for value in (0, top_value // 2, top_value)]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, plot_bottom, lines, marks, x_ticks, y_ticks)
