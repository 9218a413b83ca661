"""Print the current sign-in codes of the demo's directors and administrators."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.demo import data as demo_data
from peersupport.demo.services import database_holds_only_demo, demo_is_loaded


class Command(BaseCommand):
    help = (
        "Print the 6-digit sign-in codes the demo's directors and administrators give after their "
        "password, for trying the demo without an authenticator app. Refused unless the database "
        "holds nothing but the demo."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_is_loaded() or not database_holds_only_demo():
            raise CommandError("This is not a demo-only database: codes come from each person's own "
                               "authenticator app.")
        devices = list(
            TOTPDevice.objects.filter(confirmed=True, user__email__iendswith="@" + demo_data.DOMAIN)
            .select_related("user").order_by("-user__role", "user__email")  # director first
        )
        if not devices:
            self.stdout.write("No demo login has an authenticator set up.")
            return
        width = max(len(device.user.email) for device in devices)
        for device in devices:
            code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            left = device.step - int(time.time() - device.t0) % device.step
            self.stdout.write(f"{device.user.email:<{width}}  {code:0{device.digits}d}  "
                              f"(for {left} more seconds)")
        self.stdout.write("Each code works once; sign in again with the next one.")
