"""The access gates of recruiting: program staff manage campaigns and read the pipeline; only the
director moves candidates (selecting the team is the director's)."""

from django.http import Http404
from django.utils.translation import gettext as _

from peersupport.accounts.models import PROGRAM_STAFF, Role
from peersupport.recruitment.models import Campaign

CAMPAIGN_MANAGERS = PROGRAM_STAFF
PIPELINE_READERS = PROGRAM_STAFF
PIPELINE_ACTORS = frozenset({Role.DIRECTOR})


def campaign_or_404(campaign_id: int) -> Campaign:
    """Any campaign, for the program staff the view's role gate let through."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign
