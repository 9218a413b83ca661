"""Supporters are peers too: a supporter asks for support through the same self-referral, and
their case is kept away from their close colleagues on the team."""

import pytest

from peersupport.accounts.models import User
from peersupport.cases.models import Case
from peersupport.matching.selectors import matching_for_case, suggestions_for_case
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.team.services import on_call_team_save
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db

FORM = {"category": "medical_error", "occurred_on": "2026-11-20", "summary": "A dose was given twice overnight."}


def test_a_supporter_asks_for_support_for_themself_and_close_colleagues_are_not_suggested(client, director,
                                                                                          supporter_a):
    # Alex is in Surgery at the Main Campus. Sam works beside them; Riley shares their on-call team.
    # The program lets a peer's own department support them: the close-colleague rule still holds.
    program = ProgramSettings.current()
    program.exclude_same_department = False
    program.save()
    make_supporter(make_person(name="Sam Sameward", department="Surgery", site="Main Campus"))
    riley = make_supporter(make_person(name="Riley Rota", department="Radiology"))
    make_supporter(make_person(name="Casey Elsewhere", department="Surgery", site="North Campus"))
    on_call_team_save(actor=director, name="Team North", supporter_ids=[supporter_a.pk, riley.pk])
    client.force_login(User.objects.get(person=supporter_a.person))
    response = client.post("/support/ask/", FORM)
    assert response.status_code == 302
    case = Case.objects.get(referral=Referral.objects.get(), peer=supporter_a.person)
    names = [s.name for s in suggestions_for_case(case)]
    assert "Casey Elsewhere" in names  # same department, another site
    assert "Sam Sameward" not in names and "Riley Rota" not in names and "Alex Supporter" not in names
    assert matching_for_case(case).eligible_count == len(names)


def test_the_director_reads_why_a_close_colleague_is_not_suggested(director, referrer, supporter_a):
    from peersupport.cases.services import case_assign
    from peersupport.front.tests.helpers import refer
    from peersupport.lib.errors import ServiceError

    riley = make_supporter(make_person(name="Riley Rota", department="Radiology"))
    on_call_team_save(actor=director, name="Team North", supporter_ids=[supporter_a.pk, riley.pk])
    case = refer(referrer, supporter_a.person).cases.get()
    with pytest.raises(ServiceError, match="on an on-call team with the peer"):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=riley.person.employee_id,
                    override_reason="other")
