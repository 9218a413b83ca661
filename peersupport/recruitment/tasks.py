"""Background work of recruiting: a thin wrapper so the worker sends a campaign."""

from django_tasks import task

from peersupport.recruitment.services import campaign_send_all


# Below the outbox's own delivery tasks: a campaign's invitations are bulk mail too.
@task(priority=-60)
def send_campaign(campaign_id: int) -> int:
    return campaign_send_all(campaign_id)
