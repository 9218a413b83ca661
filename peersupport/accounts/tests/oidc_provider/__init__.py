"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit, in its own
Django project, served in a second process on a free loopback port (`process.py`)."""
