from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peersupport.accounts"
    label = "accounts"
