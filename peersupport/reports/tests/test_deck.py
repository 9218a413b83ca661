"""The case-for-support deck: its slides, its suppression, its return on investment, its audit
and who may download it and change its assumptions."""

from datetime import date

import pytest
from django.urls import reverse

from peersupport.accounts.models import User
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import CaseState
from peersupport.program.models import Program
from peersupport.reports import evidence
from peersupport.reports.deck import build_deck
from peersupport.reports.deck_content import deck_content
from peersupport.reports.models import DeckSettings
from peersupport.reports.periods import parse_slug
from peersupport.reports.roi import RoiInput, rise_roi
from peersupport.reports.tables import TABLES
from peersupport.reports.tests.deckfile import read_deck, slide_titled
from peersupport.reports.tests.helpers import add_cases
from peersupport.roster.models import RoleType
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db

YEAR = parse_slug("2025")


def deck_for(period=YEAR, *, director=True):
    return read_deck(build_deck(deck_content(period, with_team_detail=director, today=date(2025, 12, 31))))


def test_the_deck_has_a_slide_for_each_part_with_its_title(small_history):
    DeckSettings.objects.update_or_create(program=Program.default(),
                                          defaults={"program_name": "Riverside Peer Support"})
    slides = deck_for()
    titles = [slide.title for slide in slides]
    assert titles[0] == "Riverside Peer Support"
    assert "The case for peer support" in slides[0].text and "2025, beside 2024" in slides[0].text
    assert "December 31, 2025" in slides[0].text
    for title in ["After an adverse event, the clinician is hurt too", "What clinicians ask for: a colleague",
                  "Reaching out works; waiting to be asked does not", "2025 at a glance",
                  *[table.title for table in TABLES.values() if table.group == "category"], "What peers told us",
                  "Return on investment (RISE method)", "The team and its coverage", "Next steps"]:
        assert title in titles
    assert titles[-1] == "Sources"
    # By role, department and site the figures stay on the reports page: a deck of 14 slides.
    assert "Outcomes by department" not in titles and len(titles) == 14


def test_each_published_figure_has_its_citation_beside_it_and_the_sources_in_full(small_history):
    slides = deck_for()
    harm = slide_titled(slides, "After an adverse event, the clinician is hurt too")
    assert "61%" in harm.text and "Waterman et al., Jt Comm J Qual Patient Saf 2007" in harm.text
    assert "West et al., JAMA 2006" in harm.text
    outreach = slide_titled(slides, "Reaching out works; waiting to be asked does not")
    assert "55% vs 6%" in outreach.text and "Edrees et al., BMJ Open 2016" in outreach.text
    assert "Moran et al., J Patient Saf 2020" in slide_titled(slides, "Return on investment (RISE method)").text
    sources = slide_titled(slides, "Sources").text
    for source in evidence.SOURCES:
        assert str(source.full) in sources


def test_a_hidden_count_is_the_threshold_mark_in_the_deck_and_gets_no_bar(small_history):
    slides = deck_for()
    outcomes = slide_titled(slides, "Outcomes by event category")
    bars = outcomes.charts[0]
    # The two declined medical errors are hidden, and so is the patient deaths' total that would
    # give them away (the total, 16, is shown).
    assert bars["2025"] == {"Medical error": None, "Patient death": None}
    assert bars["2024"]["Patient death"] == 12
    assert "Hidden (<11, no bar): Medical error, 2025; Patient death, 2025." in outcomes.text
    assert "Total: 16 (12)" in outcomes.text
    assert "Declined: <11 (0)" in outcomes.text
    glance = slide_titled(slides, "2025 at a glance").text
    assert "<11" in glance
    for slide in slides:
        assert "Declined: 2" not in slide.text


def test_the_figures_stand_beside_the_previous_period(clear_history):
    glance = slide_titled(deck_for(), "2025 at a glance").text.split("\n")
    accepted = glance.index("Clinicians who accepted support")
    assert glance[accepted + 1:accepted + 3] == ["14", "12"]
    minutes = glance.index("Minutes of conversation")
    assert glance[minutes + 1:minutes + 3] == ["420", "0"]


def test_the_return_on_investment_follows_the_rise_arithmetic():
    roi = rise_roi(RoiInput(supported=20, minutes=1_800, referrals=26, weeks=52, saving_per_clinician=22_576,
                            supporter_hourly_cost=100, director_hourly_cost=120, director_base_hours_week=2,
                            director_minutes_per_referral=20))
    estimate = roi.estimate
    assert estimate is not None and roi.too_few == ""
    assert estimate.savings == 451_520
    assert estimate.supporter_hours == 30 and estimate.supporter_cost == 3_000
    # 2 h x 52 weeks + 26 referrals x 20 minutes = 104 + 8.67 hours, at $120.
    assert estimate.director_hours == pytest.approx(112.667, abs=0.001)
    assert estimate.director_cost == 13_520
    assert estimate.cost == 16_520 and estimate.net == 435_000


def test_too_few_clinicians_supported_give_no_estimate():
    roi = rise_roi(RoiInput(supported=None, minutes=300, referrals=12, weeks=52, saving_per_clinician=22_576,
                            supporter_hourly_cost=100, director_hourly_cost=120, director_base_hours_week=2,
                            director_minutes_per_referral=20))
    assert roi.estimate is None and roi.too_few.startswith("Too few to estimate: the clinicians supported")


def test_the_deck_estimates_from_the_published_figures_and_states_its_assumptions(clear_history):
    DeckSettings.objects.update_or_create(program=Program.default(), defaults={"saving_per_clinician": 20_000,
                                                          "supporter_hourly_cost": 90})
    roi = slide_titled(deck_for(), "Return on investment (RISE method)").text
    assert "Clinicians supported (accepted support): 14" in roi
    assert "× $20,000 saved per clinician = $280,000" in roi
    assert "7.0 hours of conversation × $90 = $630" in roi  # 14 x 30 minutes
    # 2 hours x 365/7 weeks + 14 referrals x 20 minutes = 108.95 hours, at $120.
    assert "Director's time: 109.0 hours × $120 = $13,074" in roi
    assert "Estimated net saving: $266,296" in roi
    assert "2 hours a week and 20 minutes per referral" in roi


def test_the_deck_says_too_few_to_estimate_when_the_clinicians_supported_are_hidden(db):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=4, minutes=30)
    roi = slide_titled(deck_for(), "Return on investment (RISE method)").text
    assert "Too few to estimate" in roi and "Clinicians supported: <11." in roi
    assert "$" + f"{4 * 22_576:,}" not in roi
    assert "the period before" not in roi  # 2024 had none either


def test_when_this_period_is_too_few_the_deck_estimates_the_previous_one(db):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=4, minutes=30)
    add_cases(month=date(2024, 5, 1), category="patient_death", state=CaseState.ACCEPTED, count=12, minutes=30)
    roi = slide_titled(deck_for(), "Return on investment (RISE method)").text
    assert "Too few to estimate" in roi
    assert "2024, the period before\nClinicians supported (accepted support): 12" in roi
    assert f"= ${12 * 22_576:,}" in roi


def test_the_team_slide_hides_a_small_team_and_names_its_gaps(small_history):
    for _ in range(3):
        make_supporter()
    team = slide_titled(deck_for(director=False), "The team and its coverage").text
    assert "Active supporters: <11" in team
    assert "Professional role covered:" in team


def test_reading_the_team_takes_the_same_queries_for_a_larger_team(small_history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_supporter()
    deck_content(YEAR, with_team_detail=True)  # works out and keeps the suppression of each year
    with CaptureQueriesContext(connection) as small:
        deck_content(YEAR, with_team_detail=True)
    for _ in range(8):
        make_supporter()
    with CaptureQueriesContext(connection) as large:
        deck_content(YEAR, with_team_detail=True)
    assert len(large) == len(small)


def test_the_download_is_a_deck_and_is_audited_as_an_export(client, leader, small_history):
    client.force_login(leader)
    response = client.get(reverse("reports-deck-download"), {"period": "2025"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="case-for-support-2025.pptx"'
    assert read_deck(response.content)[-1].title == "Sources"
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_type == "report" and entry.object_id == "case-for-support-2025"
    assert entry.detail == {"format": "pptx", "deck": "case-for-support", "period": "2025"}


@pytest.mark.parametrize("period", ["2025-Q9", "9999", "0001", "1999-12"])
def test_a_deck_of_a_bad_or_unoffered_period_is_a_kind_400(client, leader, period):
    client.force_login(leader)
    assert client.get(reverse("reports-deck-download"), {"period": period}).status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_supporters_and_referrers_may_not_open_or_download_the_deck(client, supporter_a, referrer):
    for user in (User.objects.get(person=supporter_a.person), referrer):
        client.force_login(user)
        assert client.get(reverse("reports-deck")).status_code == 403
        assert client.get(reverse("reports-deck-download")).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_reports_page_links_to_the_deck_for_its_period(client, director, small_history):
    client.force_login(director)
    page = client.get(reverse("reports"), {"period": "2025-Q2"}).content.decode()
    assert f'{reverse("reports-deck-download")}?period=2025-Q2' in page


GOOD = {"program_name": "Riverside Peer Support", "saving_per_clinician": "22576", "supporter_hourly_cost": "110",
        "director_hourly_cost": "130", "other_costs_per_year": "0"}


def test_the_director_sets_the_assumptions_and_the_change_is_audited(client, director):
    client.force_login(director)
    response = client.post(reverse("reports-deck"), GOOD)
    assert response.status_code == 302
    settings = DeckSettings.for_program(Program.default().pk)
    assert (settings.program_name, settings.supporter_hourly_cost, settings.director_hourly_cost) == (
        "Riverside Peer Support", 110, 130)
    assert AuditEntry.objects.filter(action="reports.deck_settings_update").count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("saving_per_clinician", "-1", "greater than or equal to 0"),
    ("saving_per_clinician", "99999999", "less than or equal to 500000"),
    ("supporter_hourly_cost", "1e9", "Enter a whole number"),
    ("director_hourly_cost", "", "This field is required"),
    ("program_name", "   ", "This field is required"),
    ("other_costs_per_year", "-5", "greater than or equal to 0"),
    ("other_costs_per_year", "20000000", "less than or equal to 10000000"),
])
def test_a_negative_or_absurd_assumption_is_refused_with_a_reason_and_changes_nothing(
        client, director, field, value, message):
    client.force_login(director)
    response = client.post(reverse("reports-deck"), {**GOOD, field: value})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert DeckSettings.for_program(Program.default().pk).supporter_hourly_cost == 100
    assert not AuditEntry.objects.filter(action="reports.deck_settings_update").exists()


def test_leadership_reads_the_assumptions_but_may_not_change_them(client, leader):
    client.force_login(leader)
    page = client.get(reverse("reports-deck"))
    assert page.status_code == 200 and 'data-testid="read-only"' in page.content.decode()
    assert client.post(reverse("reports-deck"), GOOD).status_code == 403
    assert DeckSettings.for_program(Program.default().pk).program_name == Program.default().name


def test_the_next_steps_are_worked_out_from_the_figures(db):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=4)
    for _ in range(3):
        make_person(role_type=RoleType.NURSE)
    steps = slide_titled(deck_for(), "Next steps").text
    assert "Grow to nurses: 3 nurses would bring about 0 referrals a year" in steps
    assert "Publicize the program: referrals (few)" in steps  # hidden: 4
    assert "Fill the on-call rota: 12 of the next 12 weeks have no team on call." in steps
    assert steps.rstrip().endswith("made afresh from the program's records each time.")


def test_the_glance_gives_the_median_times_to_each_step_hidden_behind_few_cases(clear_history):
    from peersupport.cases.models import Case

    Case.objects.filter(created_at__year=2025).update(minutes_to_assignment=125, minutes_to_first_outreach=300)
    glance = slide_titled(deck_for(), "2025 at a glance").text.split("\n")
    assignment = glance.index("Time to assignment (median)")
    assert glance[assignment + 1:assignment + 3] == ["2 h 5 min", "<11"]  # 2024's cases have no times
    outreach = glance.index("Time to first outreach (median)")
    assert glance[outreach + 1] == "5 h"


def test_the_team_slide_counts_training_as_the_reports_team_table_does(small_history):
    for n in range(12):  # trained a month before the deck's day; one of them 18 months before
        make_supporter(trained_on=date(2024, 6, 1) if n == 0 else date(2025, 12, 1))
    team = slide_titled(deck_for(), "The team and its coverage").text
    assert "Training current: 11; refresher overdue: 1" in team


def test_the_programs_other_yearly_costs_count_for_the_periods_weeks():
    data = RoiInput(supported=20, minutes=1_800, referrals=26, weeks=13, saving_per_clinician=22_576,
                    supporter_hourly_cost=100, director_hourly_cost=120, director_base_hours_week=2,
                    director_minutes_per_referral=20, other_costs_per_year=52_000)
    estimate = rise_roi(data).estimate
    assert estimate is not None
    assert estimate.other_cost == 13_000  # a quarter of the year
    assert estimate.cost == estimate.supporter_cost + estimate.director_cost + 13_000


def test_the_director_sets_the_other_costs_and_the_deck_states_them(client, director, clear_history):
    client.force_login(director)
    form = {"program_name": "Riverside Peer Support", "saving_per_clinician": 22_576, "supporter_hourly_cost": 100,
            "director_hourly_cost": 120, "other_costs_per_year": 40_000}
    assert client.post(reverse("reports-deck"), form).status_code == 302
    assert DeckSettings.for_program(Program.default().pk).other_costs_per_year == 40_000
    roi = slide_titled(deck_for(), "Return on investment (RISE method)").text
    assert "Other program costs (training, coordinator, materials): $40,000" in roi
    assert "($40,000 a year)" in roi
    refused = client.post(reverse("reports-deck"), {**form, "other_costs_per_year": -1})
    assert refused.status_code == 422
    assert DeckSettings.for_program(Program.default().pk).other_costs_per_year == 40_000
