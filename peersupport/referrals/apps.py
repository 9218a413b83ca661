from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "peersupport.referrals"
    label = "referrals"
