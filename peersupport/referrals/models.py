from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.lib.fields import EncryptedCharField


class Category(models.TextChoices):
    MEDICAL_ERROR = "medical_error", _("Medical error")
    ADVERSE_OUTCOME = "adverse_outcome", _("Adverse outcome")
    PATIENT_DEATH = "patient_death", _("Patient death")
    PATIENT_AGGRESSION = "patient_aggression", _("Patient aggression")
    LITIGATION = "litigation", _("Litigation")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    SAFETY_REPORT = "safety_report", _("Safety report")
    LEADER = "leader", _("Clinical leader")
    COLLEAGUE = "colleague", _("Colleague")
    SELF = "self", _("Self-referral")
    SAFETY_REPORT_OPT_IN = "safety_report_opt_in", _("Opt-in box on a safety report")
    # Through the personal link in the follow-up email after a group debrief (peersupport.debriefs).
    GROUP_DEBRIEF = "group_debrief", _("After a group debrief")


class GenderPreference(models.TextChoices):
    """A self-referral's wish about the supporter's gender: a short fixed list, never free text."""

    FEMALE = "female", _("A woman")
    MALE = "male", _("A man")
    NON_BINARY = "non-binary", _("A non-binary colleague")


class HospitalPreference(models.TextChoices):
    """A self-referral's wish about where the supporter works: a fixed choice, never free text."""

    OUTSIDE = "outside", _("Someone from outside my hospital")


SUMMARY_MAX_LENGTH = 200


class Referral(models.Model):
    """One event and the clinicians involved in it; each involved clinician becomes a case.

    The event is stored with the referral: its category, date, whether it was interventional
    and one non-clinical sentence. Nothing else.
    """

    category = models.CharField(max_length=30, choices=Category.choices)
    occurred_on = models.DateField()
    # The event's sentence, encrypted in its column (peersupport.lib.fields); never searched.
    summary = EncryptedCharField(max_length=SUMMARY_MAX_LENGTH)
    interventional = models.BooleanField(default=False)
    external_ref = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=30, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    received_at = models.DateTimeField(default=timezone.now)
    involved_count = models.PositiveIntegerField(default=0)
    # A self-referral's stated wishes, e.g. {"gender": "female", "specialty": "Surgery"}.
    preferences = models.JSONField(default=dict, blank=True)
    # A keyed hash (HMAC from SECRET_KEY) of the Idempotency-Key, never the key itself, and one of
    # the request body: both outlive the retention purge, so a late replay still answers the
    # original receipt (see `referrals.idempotency`).
    idempotency_key_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL keeps the unique constraint to keyed requests
    request_fingerprint = models.CharField(max_length=64, blank=True)
    # From the safety-reporting system's signed intake: a keyed hash of the report's external_ref,
    # so a repeat answers this referral (even after the retention purge blanked the reference).
    intake_ref_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL keeps the unique constraint to the intake's referrals
    # When the retention purge blanked the sentence, reference and wishes (all its cases purged).
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["received_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["referred_by", "idempotency_key_hash"],
                condition=Q(idempotency_key_hash__isnull=False),
                name="referral_idempotency_key_hash_per_user",
            ),
            models.UniqueConstraint(
                fields=["intake_ref_hash"],
                condition=Q(intake_ref_hash__isnull=False),
                name="referral_intake_ref_hash_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

