"""The access gates of recruiting: program staff manage campaigns and read the pipeline; only the
director moves candidates (selecting the team is the director's). Each program recruits its own:
another program's campaign or candidate answers 404."""

from django.http import Http404
from django.utils.translation import gettext as _

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.recruitment.models import Campaign, Candidate

CAMPAIGN_MANAGERS = PROGRAM_STAFF
PIPELINE_READERS = PROGRAM_STAFF
PIPELINE_ACTORS = frozenset({Role.DIRECTOR})


def campaign_or_404(user: User, campaign_id: int) -> Campaign:
    """A campaign of the user's program (the view's role gate let them through); another
    program's does not exist for them."""
    campaign = Campaign.objects.filter(pk=campaign_id, program_id=user.program_pk).first()
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


def candidate_or_404(user: User, candidate_id: int) -> Candidate:
    """A candidate of the user's program (their person's program), else 404."""
    candidate = Candidate.objects.filter(pk=candidate_id, person__program_id=user.program_pk).first()
    if candidate is None:
        raise Http404(_("No such candidate."))
    return candidate
