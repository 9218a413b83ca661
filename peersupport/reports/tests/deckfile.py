"""Reading a case-for-support deck back with python-pptx, for the deck's tests."""

import io
from dataclasses import dataclass

from pptx import Presentation


@dataclass(frozen=True)
class SlideText:
    title: str
    text: str
    # Each chart's series: {series name: {category: value or None}}.
    charts: list[dict[str, dict[str, float | None]]]


def read_deck(content: bytes) -> list[SlideText]:
    slides = []
    for slide in Presentation(io.BytesIO(content)).slides:
        texts: list[str] = []
        charts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                categories = list(plot.categories)
                charts.append({series.name: dict(zip(categories, series.values, strict=True))
                               for series in plot.series})
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        slides.append(SlideText(title=title, text="\n".join(texts), charts=charts))
    return slides


def slide_titled(slides: list[SlideText], title: str) -> SlideText:
    return next(slide for slide in slides if slide.title == title)
