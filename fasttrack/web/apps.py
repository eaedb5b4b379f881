from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    default = True
    name = "fasttrack.web"
    label = "web"
    verbose_name = _("Web pages")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """Django's administration, on the operators-only site (``web/admin_site.py``).

    Named in INSTALLED_APPS in place of ``django.contrib.admin``; never the
    default configuration of this module's own app.
    """

    default = False
    default_site = "fasttrack.web.admin_site.OperatorAdminSite"
