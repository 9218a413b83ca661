"""Run the test provider: migrate its database, add the identities and the product as a client,
then serve with Django's development server (`python -m ...oidc_provider.serve PORT`)."""

import json
import os
import sys


def main() -> None:
    port = sys.argv[1]
    os.environ["DJANGO_SETTINGS_MODULE"] = "peersupport.accounts.tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from peersupport.accounts.tests.oidc_provider.validator import identities

    call_command("migrate", verbosity=0)
    for username, identity in identities().items():
        User.objects.create_user(username=username, email=identity["email"], password=identity["password"])
    client = json.loads(os.environ["PROVIDER_CLIENT"])
    Application.objects.create(
        name="Peer support program",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main()
