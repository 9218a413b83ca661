"""The case-for-support deck as a PowerPoint file (python-pptx), from a `DeckContent`.

Layout only: every figure and every sentence that depends on the data comes worked out in
`deck_content` and `deck_team`. Charts are native PowerPoint bar charts (LibreOffice renders
them too) of the published values; a hidden count ("<11") gets no bar and is named in a note
beside the chart.
"""

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from peersupport.reports import evidence
from peersupport.reports.deck_content import DeckContent, TableFigures
from peersupport.reports.evidence import Fact
from peersupport.reports.roi import RoiEstimate, RoiInput
from peersupport.reports.tables import Value_

INK = RGBColor(0x1F, 0x29, 0x33)
MUTED = RGBColor(0x5B, 0x6B, 0x7F)
BLUE = RGBColor(0x1D, 0x4E, 0xD8)
GRAY = RGBColor(0xA7, 0xB1, 0xBE)
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
TITLE_ONLY = 5
# A chart of more rows than this shows the largest; the rest are on the reports page.
MAX_CHART_ROWS = 12


def _text(slide: Slide, left: int, top: int, width: int, height: int, paragraphs: Sequence[str], *,
          size: int = 16, color: RGBColor = INK, bold: bool = False, italic: bool = False,
          shrink: bool = False, headings: Sequence[str] = ()) -> None:
    """A text box of paragraphs; those in `headings` bold."""
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    if shrink:
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size // 2)
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold or text in headings
        run.font.italic = italic
        run.font.color.rgb = color


def _slide(deck: PresentationType, title: str, lead: str = "") -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    shape = slide.shapes.title  # the layout's title placeholder
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.9)
    shape.text_frame.text = title
    for paragraph in shape.text_frame.paragraphs:
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            run.font.size = Pt(28)
            run.font.bold = True
            run.font.color.rgb = INK
    if lead:
        _text(slide, MARGIN, Inches(1.25), WIDTH - 2 * MARGIN, Inches(0.7), [lead], size=18, color=MUTED)
    return slide


def _facts(deck: PresentationType, title: str, lead: str, facts: Sequence[Fact], closing: str) -> None:
    slide = _slide(deck, title, lead)
    top = Inches(2.0)
    row = min(Inches(0.85), Inches(4.7) // len(facts))
    for fact in facts:
        _text(slide, MARGIN, top, Inches(2.4), row, [fact.figure], size=28 if len(fact.figure) <= 6 else 22,
              bold=True, color=BLUE)
        _text(slide, Inches(3.1), top + Inches(0.05), Inches(6.5), row, [fact.words], size=16)
        _text(slide, Inches(9.8), top + Inches(0.08), Inches(2.9), row, [fact.source.short], size=12,
              color=MUTED, italic=True)
        top += row
    _text(slide, MARGIN, HEIGHT - Inches(0.75), WIDTH - 2 * MARGIN, Inches(0.5), [closing], size=16, bold=True)


def _money(value: int) -> str:
    return f"${value:,}"


def _title_slide(deck: PresentationType, content: DeckContent) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    for shape, top, height in ((title, Inches(2.0), Inches(1.4)), (subtitle, Inches(3.6), Inches(2.2))):
        shape.left, shape.top, shape.width, shape.height = MARGIN, top, WIDTH - 2 * MARGIN, height
    title.text_frame.text = content.program_name
    subtitle.text_frame.text = "The case for peer support"
    for line in (f"{content.period.label}, beside {content.previous.label}",
                 f"Prepared {content.made_on:%B} {content.made_on.day}, {content.made_on.year}"):
        paragraph = subtitle.text_frame.add_paragraph()
        paragraph.text = line
        for run in paragraph.runs:
            run.font.size = Pt(20)
            run.font.color.rgb = MUTED


def _glance(deck: PresentationType, content: DeckContent) -> None:
    slide = _slide(deck, f"{content.period.label} at a glance",
                   f"The program's own figures beside {content.previous.label}. Counts under {content.threshold}, "
                   f"and any that would reveal one, show as {content.hidden_mark}.")
    rows = len(content.glance) + 1
    table = slide.shapes.add_table(rows, 3, MARGIN, Inches(2.1), Inches(9.5), Inches(0.45) * rows).table
    table.columns[0].width = Inches(5.5)
    table.columns[1].width = table.columns[2].width = Inches(2.0)
    lines: list[tuple[str, Value_, Value_]] = [(line.label, line.current, line.previous) for line in content.glance]
    for r, (label, now, before) in enumerate([("", content.period.label, content.previous.label), *lines]):
        for c, value in enumerate((label, now, before)):
            cell = table.cell(r, c)
            cell.text = f"{value:,}" if isinstance(value, int) else str(value)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(16)
                    run.font.bold = r == 0


def _chart_rows(figures: TableFigures) -> list[tuple[str, Value_, Value_]]:
    column = figures.column
    rows = [(now.label, now.values[column], before.values[column])
            for now, before in zip(figures.current.rows, figures.previous.rows, strict=True)]
    rows = [row for row in rows if row[1] != 0 or row[2] != 0]
    if len(rows) > MAX_CHART_ROWS:
        rows = sorted(rows, key=lambda row: -(row[1] if isinstance(row[1], int) else 0))[:MAX_CHART_ROWS]
    return rows


def _table_slide(deck: PresentationType, content: DeckContent, figures: TableFigures) -> None:
    table = figures.current.table
    slide = _slide(deck, table.title, table.description)
    rows = _chart_rows(figures)
    column_name = table.columns[figures.column][1]
    hidden = [f"{label}, {period}" for label, now, before in rows
              for value, period in ((now, content.period.label), (before, content.previous.label))
              if isinstance(value, str)]
    if rows:
        data = CategoryChartData()
        data.categories = [label for label, _, _ in rows]
        data.add_series(content.previous.label, [v if isinstance(v, int) else None for _, _, v in rows])
        data.add_series(content.period.label, [v if isinstance(v, int) else None for _, v, _ in rows])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, Inches(2.0), Inches(8.4), Inches(5.1),
                                       data)
        chart = frame.chart
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.font.size = Pt(12)
        chart.category_axis.reverse_order = True
        chart.value_axis.has_major_gridlines = False
        chart.value_axis.visible = False
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = "#,##0"
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        for series, color in zip(plot.series, (GRAY, BLUE), strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = color
    else:
        _text(slide, MARGIN, Inches(2.2), Inches(8.4), Inches(1), [f"None in {content.period.label} or "
                                                                   f"{content.previous.label}."], size=18)
    totals = [f"{label}: {_shown(now)} ({_shown(before)})" for (_, label), now, before in zip(
        table.columns, figures.current.total.values, figures.previous.total.values, strict=True)]
    _text(slide, Inches(9.3), Inches(2.0), Inches(3.5), Inches(2.6),
          [f"Totals, {content.period.label} ({content.previous.label})", *totals], size=14)
    note = (f"Bars: {column_name.lower()}. Hidden ({content.hidden_mark}, no bar): {'; '.join(hidden)}."
            if hidden else f"Bars: {column_name.lower()}. No count in the chart is hidden.")
    _text(slide, Inches(9.3), Inches(4.7), Inches(3.5), Inches(2.3), [note], size=12, color=MUTED, shrink=True)


def _shown(value: Value_) -> str:
    return f"{value:,}" if isinstance(value, int) else value


def _feedback(deck: PresentationType, content: DeckContent) -> None:
    now, before = content.feedback.current, content.feedback.previous
    headline = (f"{now.helped_percent}% of peers who answered said it helped" if now.helped_percent is not None
                else "Too few answers to give a share without revealing one" if now.answers
                else "No answers yet")
    slide = _slide(deck, "What peers told us",
                   "After their case closes, each peer may answer a few questions anonymously: no name, no case, "
                   f"only the month and the kind of event. {content.period.label} ({content.previous.label}).")
    _text(slide, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(0.6), [headline], size=24, bold=True, color=BLUE)
    questions = [q for q in now.questions if not q.several]
    lines: list[str] = []
    for question, earlier in zip(questions, [q for q in before.questions if not q.several], strict=True):
        answers = "; ".join(f"{row.label}: {row.cell.text} ({prior.cell.text})"
                            for row, prior in zip(question.rows, earlier.rows, strict=True))
        lines.append(f"{question.title} {answers}.")
    _text(slide, MARGIN, Inches(2.8), WIDTH - 2 * MARGIN, Inches(4.2), lines, size=16, shrink=True)


def _roi(deck: PresentationType, content: DeckContent) -> None:
    roi, data = content.roi, content.roi.data
    slide = _slide(deck, "Return on investment (RISE method)",
                   f"What the program saved in {content.period.label}, estimated as Johns Hopkins did for RISE "
                   f"({evidence.MORAN.short}).")
    headings: list[str] = []
    if roi.estimate is None:
        lines = [roi.too_few, f"Clinicians supported: {_shown_none(data.supported, content)}."]
        before = content.roi_previous
        if before is not None and before.estimate is not None and before.data.supported:
            headings.append(f"{content.previous.label}, the period before")
            lines += [headings[0], *_estimate_lines(before.data, before.estimate)]
    else:
        lines = _estimate_lines(data, roi.estimate)
    _text(slide, MARGIN, Inches(2.0), Inches(6.6), Inches(5.0), lines, size=18, shrink=True, headings=headings)
    assumptions = [
        "Assumptions",
        f"{_money(data.saving_per_clinician)} per clinician supported: RISE's estimate per nurse who used it, "
        f"from turnover and time off avoided ({evidence.MORAN.short}).",
        f"A supporter's hour costs {_money(data.supporter_hourly_cost)}; the director's "
        f"{_money(data.director_hourly_cost)}.",
        f"The director's time, from the planner: {data.director_base_hours_week:g} hours a week and "
        f"{data.director_minutes_per_referral:g} minutes per referral.",
        "Supporters' time is the conversations recorded; training and preparation are not counted "
        "except in the other program costs"
        + (f" ({_money(data.other_costs_per_year)} a year)." if data.other_costs_per_year
           else ", which the director has not set."),
        "Edited by the program director on the deck page (/reports/deck/).",
    ]
    _text(slide, Inches(7.5), Inches(2.0), Inches(5.2), Inches(5.0), assumptions, size=14, color=MUTED, shrink=True,
          headings=["Assumptions"])


def _estimate_lines(data: RoiInput, estimate: RoiEstimate) -> list[str]:
    ratio = f"; about ${estimate.ratio:,.2f} saved per dollar spent" if estimate.ratio else ""
    return [
        f"Clinicians supported (accepted support): {data.supported or 0:,}",
        f"× {_money(data.saving_per_clinician)} saved per clinician = {_money(estimate.savings)}",
        f"Supporters' time: {estimate.supporter_hours:,.1f} hours of conversation × "
        f"{_money(data.supporter_hourly_cost)} = {_money(estimate.supporter_cost)}",
        f"Director's time: {estimate.director_hours:,.1f} hours × {_money(data.director_hourly_cost)} "
        f"= {_money(estimate.director_cost)}",
        *([f"Other program costs (training, coordinator, materials): {_money(estimate.other_cost)}"]
          if estimate.other_cost else []),
        f"Estimated net saving: {_money(estimate.net)}{ratio}",
    ]


def _shown_none(value: int | None, content: DeckContent) -> str:
    return content.hidden_mark if value is None else f"{value:,}"


def _team(deck: PresentationType, content: DeckContent) -> None:
    team = content.team
    slide = _slide(deck, "The team and its coverage",
                   "Trained clinicians who reach out to colleagues after a hard event, "
                   f"today ({content.made_on:%B} {content.made_on.day}, {content.made_on.year}).")
    lines = [
        f"Active supporters: {team.supporters.text}",
        f"Training current: {team.training_current.text}; refresher overdue: {team.training_overdue.text}",
        f"On call: a team is on call in {team.on_call_weeks} of the next 12 weeks",
        *[f"{coverage.title} covered: {coverage.text}" for coverage in team.coverage],
    ]
    _text(slide, MARGIN, Inches(2.0), Inches(6.6), Inches(5.0), lines, size=16, shrink=True)
    headings = ["Gaps", "Where no supporter of the kind can take a case today"]
    gaps = [headings[0], *(team.gaps[:6] or ["None: the team matches the people it serves in role, specialty, "
                                             "department and site."])]
    if len(team.gaps) > 6:
        gaps.append(f"and {len(team.gaps) - 6} more on the team composition page")
    if team.unmatched:
        gaps += [headings[1], *team.unmatched[:5]]
    _text(slide, Inches(7.5), Inches(2.0), Inches(5.2), Inches(5.0), gaps, size=14, shrink=True, headings=headings)


def build_deck(content: DeckContent) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, content)
    _facts(deck, "After an adverse event, the clinician is hurt too",
           "Errors and bad outcomes leave lasting harm in the people who cared for the patient.",
           evidence.HARM, "Most clinicians carry this alone: their organization is not there for them.")
    _facts(deck, "What clinicians ask for: a colleague",
           "They want to talk, and above all to someone who does the same work.",
           evidence.ASK, "A trained peer, quickly and confidentially, removes the barriers they name.")
    _facts(deck, "Reaching out works; waiting to be asked does not",
           "Help that must be asked for is rarely used. Our supporters contact the clinicians involved.",
           evidence.OUTREACH, "The program reaches out after every referral, and makes itself known.")
    _glance(deck, content)
    for figures in content.tables:
        _table_slide(deck, content, figures)
    _feedback(deck, content)
    _roi(deck, content)
    _team(deck, content)
    steps = _slide(deck, "Next steps", "What the figures call for.")
    _text(steps, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(5.0),
          [f"{n}. {step}" for n, step in enumerate(content.next_steps.steps, start=1)], size=18, shrink=True)
    sources = _slide(deck, "Sources")
    _text(sources, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(5.8),
          [source.full for source in evidence.SOURCES], size=13, shrink=True)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
