from django.apps import AppConfig


class FormatsConfig(AppConfig):
    name = "fasttrack.formats"
    label = "formats"
    verbose_name = "Date and time formats"
