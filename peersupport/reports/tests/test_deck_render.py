"""The case-for-support deck opens and renders in LibreOffice (`make test-render`; CI installs
Debian's libreoffice-impress): one page per slide, each with its title and key figures, and no
hidden count's number where "<11" stands."""

from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from peersupport.program.models import Program
from peersupport.reports import evidence
from peersupport.reports.deck import build_deck
from peersupport.reports.deck_content import GLANCE, deck_content
from peersupport.reports.periods import parse_slug
from peersupport.reports.selectors import default_period
from peersupport.reports.tables import FAMILIES, TABLES
from peersupport.reports.tests.deckfile import read_deck
from peersupport.reports.tests.render import flat, pdf_pages
from peersupport.testing.i18n import spanish_catalogs

pytestmark = [pytest.mark.render, pytest.mark.django_db]


def rendered(deck: bytes, folder) -> tuple[list, list[str]]:
    slides = read_deck(deck)
    pages = pdf_pages(deck, folder)
    assert len(pages) == len(slides), "one page per slide"
    for slide, page in zip(slides, pages, strict=True):
        assert flat(slide.title) in page, f"{slide.title!r} is not on its page"
    return slides, pages


def page_of(slides, pages, title: str) -> str:
    return pages[[slide.title for slide in slides].index(title)]


def test_a_small_programs_deck_renders_with_its_figures_and_no_hidden_number(small_history, tmp_path):
    deck = build_deck(deck_content(parse_slug("2025"), with_team_detail=True, today=date(2025, 12, 31)))
    slides, pages = rendered(deck, tmp_path)
    harm = page_of(slides, pages, "After an adverse event, the clinician is hurt too")
    for fact in evidence.HARM:
        assert str(fact.figure) in harm and flat(fact.source.short) in harm
    outcomes = page_of(slides, pages, "Outcomes by event category")
    assert "Total: 16 (12)" in outcomes and "Declined: <11 (0)" in outcomes
    assert "Hidden (<11, no bar): Medical error, 2025; Patient death, 2025." in outcomes
    # The hidden patient deaths (14) and medical errors (2) of 2025 have no bar and no label.
    assert " 14 " not in f" {outcomes} " and " 2 " not in f" {outcomes} "
    glance = page_of(slides, pages, "2025 at a glance")
    assert "Clinicians who accepted support <11 12" in glance
    assert "Too few to estimate" in page_of(slides, pages, "Return on investment (RISE method)")
    sources = page_of(slides, pages, "Sources")
    for source in evidence.SOURCES:
        assert flat(str(source.full)) in sources


def test_a_deck_made_in_spanish_renders_with_its_spanish_titles_and_numbers(small_history, tmp_path):
    spanish_catalogs()
    with translation.override("es"):
        deck = build_deck(deck_content(parse_slug("2025"), with_team_detail=True, today=date(2025, 12, 31)))
    slides, pages = rendered(deck, tmp_path)
    assert "Por qué apoyar el apoyo entre pares" in pages[0] and "31 de diciembre de 2025" in pages[0]
    assert "Retorno de la inversión (método RISE)" in page_of(slides, pages, "Retorno de la inversión (método RISE)")
    outcomes = page_of(slides, pages, "Resultados por categoría de suceso")
    assert "Ocultos (<11, sin barra)" in outcomes
    assert "Fuentes" in pages[-1]


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo, loaded once for the class's tests and rolled back after them."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())
        yield
        transaction.set_rollback(True)


class TestTheDemosDeck:
    def test_the_demos_deck_renders_every_slide_with_its_figures(self, demo, tmp_path):
        period = default_period()
        content = deck_content(period, with_team_detail=True)
        slides, pages = rendered(build_deck(content), tmp_path)
        assert pages[0].startswith("Riverside General Hospital Peer Support Program")
        glance = page_of(slides, pages, f"{period.label} at a glance")
        for line in content.glance:
            assert flat(f"{line.label} {_text(line.current)} {_text(line.previous)}") in glance
        for figures in content.tables:
            page = page_of(slides, pages, figures.current.table.title)
            for (_, label), now, before in zip(figures.current.table.columns, figures.current.total.values,
                                               figures.previous.total.values, strict=True):
                assert f"{label}: {_text(now)} ({_text(before)})" in page
        assert content.team.supporters.text in page_of(slides, pages, "The team and its coverage")
        assert "Next steps" in pages[-2] and "Sources" in pages[-1]

    def test_no_hidden_count_of_the_demo_appears_on_its_page(self, demo, tmp_path):
        period = default_period()
        content = deck_content(period, with_team_detail=True)
        slides, pages = rendered(build_deck(content), tmp_path)
        glance = page_of(slides, pages, f"{period.label} at a glance")
        months = {m.start for m in period.months()}
        hidden = 0
        for table, column, label in GLANCE:
            line = next(line for line in content.glance if line.label == label)
            if isinstance(line.current, int):
                continue
            hidden += 1
            # The program's own count (the facts' last dimension is the program).
            program = str(Program.default().pk)
            true = sum(n for (dims, c, month), n in FAMILIES[TABLES[table].family].facts().items()
                       if month in months and dims[-1] == program and (c == column or column == "total"))
            assert f"{label} {true:,} " not in glance and f"{label} <{content.threshold}" in glance
        assert "<" + str(content.threshold) in " ".join(pages) or hidden == 0


def _text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
