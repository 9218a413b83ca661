from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peersupport.accounts"
    label = "accounts"

    def ready(self) -> None:
        from peersupport.accounts import signals  # noqa: F401  (connects the receivers)
