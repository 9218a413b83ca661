"""The case-for-support deck as a PowerPoint file (python-pptx), from a `DeckContent`.

Layout only: every figure and every sentence that depends on the data comes worked out in
`deck_content` and `deck_team`. Every text is in the language active while it is built (the
requesting user's: `deck_services.deck_export`), numbers and dates as that language writes them.
Charts are native PowerPoint bar charts (LibreOffice renders them too) of the published values; a
hidden count ("<11") gets no bar and is named in a note beside the chart.
"""

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
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
        figure = str(fact.figure)
        _text(slide, MARGIN, top, Inches(2.4), row, [figure], size=28 if len(figure) <= 6 else 22,
              bold=True, color=BLUE)
        _text(slide, Inches(3.1), top + Inches(0.05), Inches(6.5), row, [str(fact.words)], size=16)
        _text(slide, Inches(9.8), top + Inches(0.08), Inches(2.9), row, [fact.source.short], size=12,
              color=MUTED, italic=True)
        top += row
    _text(slide, MARGIN, HEIGHT - Inches(0.75), WIDTH - 2 * MARGIN, Inches(0.5), [closing], size=16, bold=True)


def _number(value: float, decimals: int | None = None) -> str:
    """A number as the reader's language writes it (1,234 in English), rounded to `decimals`; with
    none, a whole number has no decimals and another as many as it needs (2, 7.5)."""
    if decimals is None:
        shown = Decimal(int(value)) if float(value).is_integer() else Decimal(repr(float(value)))
    else:
        shown = Decimal(f"{value:.{decimals}f}")  # rounded as Python rounds, not cut
    return number_format(shown, decimals, force_grouping=True)


def _money(value: float, decimals: int | None = None) -> str:
    return _("$%(amount)s") % {"amount": _number(value, decimals)}


def _day(day: date) -> str:
    return date_format(day, _("F j, Y"))


def _title_slide(deck: PresentationType, content: DeckContent) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    for shape, top, height in ((title, Inches(2.0), Inches(1.4)), (subtitle, Inches(3.6), Inches(2.2))):
        shape.left, shape.top, shape.width, shape.height = MARGIN, top, WIDTH - 2 * MARGIN, height
    title.text_frame.text = content.program_name
    subtitle.text_frame.text = _("The case for peer support")
    for line in (_("%(period)s, beside %(previous)s") % {"period": content.period.label,
                                                          "previous": content.previous.label},
                 _("Prepared %(day)s") % {"day": _day(content.made_on)}):
        paragraph = subtitle.text_frame.add_paragraph()
        paragraph.text = line
        for run in paragraph.runs:
            run.font.size = Pt(20)
            run.font.color.rgb = MUTED


def _glance(deck: PresentationType, content: DeckContent) -> None:
    slide = _slide(deck, _("%(period)s at a glance") % {"period": content.period.label},
                   _("The program's own figures beside %(previous)s. Counts under %(threshold)s, and any that "
                     "would reveal one, show as %(mark)s.") % {"previous": content.previous.label,
                                                               "threshold": content.threshold,
                                                               "mark": content.hidden_mark})
    rows = len(content.glance) + 1
    table = slide.shapes.add_table(rows, 3, MARGIN, Inches(2.1), Inches(9.5), Inches(0.45) * rows).table
    table.columns[0].width = Inches(5.5)
    table.columns[1].width = table.columns[2].width = Inches(2.0)
    lines: list[tuple[str, Value_, Value_]] = [(_(line.label), line.current, line.previous)
                                               for line in content.glance]
    for r, (label, now, before) in enumerate([("", content.period.label, content.previous.label), *lines]):
        for c, value in enumerate((label, now, before)):
            cell = table.cell(r, c)
            cell.text = _number(value) if isinstance(value, int) else str(value)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(16)
                    run.font.bold = r == 0


def _chart_rows(figures: TableFigures) -> list[tuple[str, Value_, Value_]]:
    column = figures.column
    rows = [(_(now.label), now.values[column], before.values[column])
            for now, before in zip(figures.current.rows, figures.previous.rows, strict=True)]
    rows = [row for row in rows if row[1] != 0 or row[2] != 0]
    if len(rows) > MAX_CHART_ROWS:
        rows = sorted(rows, key=lambda row: -(row[1] if isinstance(row[1], int) else 0))[:MAX_CHART_ROWS]
    return rows


def _table_slide(deck: PresentationType, content: DeckContent, figures: TableFigures) -> None:
    table = figures.current.table
    slide = _slide(deck, _(table.title), _(table.description))
    rows = _chart_rows(figures)
    column_name = _(table.columns[figures.column][1])
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
        _text(slide, MARGIN, Inches(2.2), Inches(8.4), Inches(1), [
            _("None in %(period)s or %(previous)s.") % {"period": content.period.label,
                                                       "previous": content.previous.label}], size=18)
    totals = [_("%(column)s: %(now)s (%(before)s)") % {"column": _(label), "now": _shown(now), "before": _shown(before)}
              for (_key, label), now, before in zip(table.columns, figures.current.total.values,
                                                     figures.previous.total.values, strict=True)]
    _text(slide, Inches(9.3), Inches(2.0), Inches(3.5), Inches(2.6),
          [_("Totals, %(period)s (%(previous)s)") % {"period": content.period.label,
                                                     "previous": content.previous.label}, *totals], size=14)
    note = (_("Bars: %(column)s. Hidden (%(mark)s, no bar): %(hidden)s.") % {
                "column": column_name.lower(), "mark": content.hidden_mark, "hidden": "; ".join(hidden)}
            if hidden else _("Bars: %(column)s. No count in the chart is hidden.") % {"column": column_name.lower()})
    _text(slide, Inches(9.3), Inches(4.7), Inches(3.5), Inches(2.3), [note], size=12, color=MUTED, shrink=True)


def _shown(value: Value_) -> str:
    return _number(value) if isinstance(value, int) else value


def _feedback(deck: PresentationType, content: DeckContent) -> None:
    now, before = content.feedback.current, content.feedback.previous
    headline = (_("%(percent)s%% of peers who answered said it helped") % {"percent": now.helped_percent}
                if now.helped_percent is not None
                else _("Too few answers to give a share without revealing one") if now.answers
                else _("No answers yet"))
    slide = _slide(deck, _("What peers told us"),
                   _("After their case closes, each peer may answer a few questions anonymously: no name, no "
                     "case, only the month and the kind of event. %(period)s (%(previous)s).")
                   % {"period": content.period.label, "previous": content.previous.label})
    _text(slide, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(0.6), [headline], size=24, bold=True, color=BLUE)
    questions = [q for q in now.questions if not q.several]
    lines: list[str] = []
    for question, earlier in zip(questions, [q for q in before.questions if not q.several], strict=True):
        answers = "; ".join(_("%(answer)s: %(now)s (%(before)s)") % {
            "answer": row.label, "now": row.cell.text, "before": prior.cell.text}
            for row, prior in zip(question.rows, earlier.rows, strict=True))
        lines.append(_("%(question)s %(answers)s.") % {"question": question.title, "answers": answers})
    _text(slide, MARGIN, Inches(2.8), WIDTH - 2 * MARGIN, Inches(4.2), lines, size=16, shrink=True)


def _roi(deck: PresentationType, content: DeckContent) -> None:
    roi, data = content.roi, content.roi.data
    slide = _slide(deck, _("Return on investment (RISE method)"),
                   _("What the program saved in %(period)s, estimated as Johns Hopkins did for RISE (%(source)s).")
                   % {"period": content.period.label, "source": evidence.MORAN.short})
    headings: list[str] = []
    if roi.estimate is None:
        lines = [str(roi.too_few), _("Clinicians supported: %(count)s.") % {
            "count": _shown_none(data.supported, content)}]
        before = content.roi_previous
        if before is not None and before.estimate is not None and before.data.supported:
            headings.append(_("%(previous)s, the period before") % {"previous": content.previous.label})
            lines += [headings[0], *_estimate_lines(before.data, before.estimate)]
    else:
        lines = _estimate_lines(data, roi.estimate)
    _text(slide, MARGIN, Inches(2.0), Inches(6.6), Inches(5.0), lines, size=18, shrink=True, headings=headings)
    heading = _("Assumptions")
    assumptions = [
        heading,
        _("%(saving)s per clinician supported: RISE's estimate per nurse who used it, from turnover and time off "
          "avoided (%(source)s).") % {"saving": _money(data.saving_per_clinician), "source": evidence.MORAN.short},
        _("A supporter's hour costs %(supporter)s; the director's %(director)s.") % {
            "supporter": _money(data.supporter_hourly_cost), "director": _money(data.director_hourly_cost)},
        _("The director's time, from the planner: %(hours)s hours a week and %(minutes)s minutes per referral.") % {
            "hours": _number(data.director_base_hours_week), "minutes": _number(data.director_minutes_per_referral)},
        (_("Supporters' time is the conversations recorded; training and preparation are not counted except in "
           "the other program costs (%(costs)s a year).") % {"costs": _money(data.other_costs_per_year)}
         if data.other_costs_per_year else
         _("Supporters' time is the conversations recorded; training and preparation are not counted except in "
           "the other program costs, which the director has not set.")),
        _("Edited by the program director on the deck page (/reports/deck/)."),
    ]
    _text(slide, Inches(7.5), Inches(2.0), Inches(5.2), Inches(5.0), assumptions, size=14, color=MUTED, shrink=True,
          headings=[heading])


def _estimate_lines(data: RoiInput, estimate: RoiEstimate) -> list[str]:
    net = _("Estimated net saving: %(net)s") % {"net": _money(estimate.net)}
    if estimate.ratio:
        net = _("Estimated net saving: %(net)s; about %(ratio)s saved per dollar spent") % {
            "net": _money(estimate.net), "ratio": _money(estimate.ratio, 2)}
    return [
        _("Clinicians supported (accepted support): %(count)s") % {"count": _number(data.supported or 0)},
        _("× %(saving)s saved per clinician = %(savings)s") % {"saving": _money(data.saving_per_clinician),
                                                               "savings": _money(estimate.savings)},
        _("Supporters' time: %(hours)s hours of conversation × %(rate)s = %(cost)s") % {
            "hours": _number(estimate.supporter_hours, 1), "rate": _money(data.supporter_hourly_cost),
            "cost": _money(estimate.supporter_cost)},
        _("Director's time: %(hours)s hours × %(rate)s = %(cost)s") % {
            "hours": _number(estimate.director_hours, 1), "rate": _money(data.director_hourly_cost),
            "cost": _money(estimate.director_cost)},
        *([_("Other program costs (training, coordinator, materials): %(cost)s") % {
            "cost": _money(estimate.other_cost)}] if estimate.other_cost else []),
        net,
    ]


def _shown_none(value: int | None, content: DeckContent) -> str:
    return content.hidden_mark if value is None else _number(value)


def _team(deck: PresentationType, content: DeckContent) -> None:
    team = content.team
    slide = _slide(deck, _("The team and its coverage"),
                   _("Trained clinicians who reach out to colleagues after a hard event, today (%(day)s).")
                   % {"day": _day(content.made_on)})
    lines = [
        _("Active supporters: %(count)s") % {"count": team.supporters.text},
        _("Training current: %(current)s; refresher overdue: %(overdue)s") % {
            "current": team.training_current.text, "overdue": team.training_overdue.text},
        _("On call: a team is on call in %(weeks)s of the next 12 weeks") % {"weeks": team.on_call_weeks},
        *[_("%(dimension)s covered: %(covered)s") % {"dimension": coverage.title, "covered": coverage.text}
          for coverage in team.coverage],
    ]
    _text(slide, MARGIN, Inches(2.0), Inches(6.6), Inches(5.0), lines, size=16, shrink=True)
    headings = [_("Gaps"), _("Where no supporter of the kind can take a case today")]
    gaps = [headings[0], *(team.gaps[:6] or [_("None: the team matches the people it serves in role, specialty, "
                                               "department and site.")])]
    if len(team.gaps) > 6:
        gaps.append(_("and %(count)s more on the team composition page") % {"count": len(team.gaps) - 6})
    if team.unmatched:
        gaps += [headings[1], *team.unmatched[:5]]
    _text(slide, Inches(7.5), Inches(2.0), Inches(5.2), Inches(5.0), gaps, size=14, shrink=True, headings=headings)


def build_deck(content: DeckContent) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, content)
    _facts(deck, _("After an adverse event, the clinician is hurt too"),
           _("Errors and bad outcomes leave lasting harm in the people who cared for the patient."),
           evidence.HARM, _("Most clinicians carry this alone: their organization is not there for them."))
    _facts(deck, _("What clinicians ask for: a colleague"),
           _("They want to talk, and above all to someone who does the same work."),
           evidence.ASK, _("A trained peer, quickly and confidentially, removes the barriers they name."))
    _facts(deck, _("Reaching out works; waiting to be asked does not"),
           _("Help that must be asked for is rarely used. Our supporters contact the clinicians involved."),
           evidence.OUTREACH, _("The program reaches out after every referral, and makes itself known."))
    _glance(deck, content)
    for figures in content.tables:
        _table_slide(deck, content, figures)
    _feedback(deck, content)
    _roi(deck, content)
    _team(deck, content)
    steps = _slide(deck, _("Next steps"), _("What the figures call for."))
    _text(steps, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(5.0),
          [f"{n}. {step}" for n, step in enumerate(content.next_steps.steps, start=1)], size=18, shrink=True)
    sources = _slide(deck, _("Sources"))
    _text(sources, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(5.8),
          [str(source.full) for source in evidence.SOURCES], size=13, shrink=True)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
