from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as totp_apps


class LoginConfig(AppConfig):
    default = True
    name = "fasttrack.login"
    label = "login"
    verbose_name = _("Login")


class AuthenticatorAppsConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP devices, named in Danish in the administration.

    Named in INSTALLED_APPS in place of ``django_otp.plugins.otp_totp``.
    """

    default = False
    verbose_name = _("Authenticator apps")
