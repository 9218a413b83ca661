from django.urls import path

from peersupport.accounts import views, views_language, views_logins, views_password, views_signin, views_tokens

urlpatterns = [
    # The language switch (English / Español), and a signed-in person's own language.
    path("language/", views_language.language, name="language"),
    # Single sign-on (OpenID Connect): off to the provider, and back (the redirect URI to register).
    path("accounts/sso/", views_signin.sso_start, name="sso-start"),
    path("accounts/sso/callback/", views_signin.sso_callback, name="sso-callback"),
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("accounts/two-factor/enroll/", views.two_factor_enroll, name="two-factor-enroll"),
    # Forgot password, and the page an emailed link (invitation or reset) opens.
    path("accounts/password/forgot/", views_password.password_forgot, name="password-forgot"),
    path("accounts/password/forgot/sent/", views_password.password_forgot_sent, name="password-forgot-sent"),
    path("accounts/password/set/done/", views_password.password_set_done, name="password-set-done"),
    path("accounts/password/set/<uidb64>/<token>/", views_password.password_set, name="password-set"),
    # Logins, managed by the director and the administrator.
    path("logins/", views_logins.logins, name="logins"),
    path("logins/invite/", views_logins.login_invite_page, name="login-invite"),
    path("logins/<int:login_id>/deactivate/", views_logins.login_deactivate_page, name="login-deactivate"),
    path("logins/<int:login_id>/two-factor/reset/", views_logins.login_two_factor_reset_page,
         name="login-two-factor-reset"),
    # Integration tokens, made and revoked by the director.
    path("logins/tokens/", views_tokens.api_tokens, name="api-tokens"),
    path("logins/tokens/new/", views_tokens.api_token_new, name="api-token-new"),
    path("logins/tokens/<int:token_id>/revoke/", views_tokens.api_token_revoke, name="api-token-revoke"),
]
