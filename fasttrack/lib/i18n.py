"""Marking messages for translation without importing Django.

Code in ``fasttrack.lib`` must not import Django, yet its error messages must
reach the Danish and English catalogues. Django's ``makemessages`` extracts
``gettext_noop(...)`` calls from every Python file, so lib marks its message
templates with this no-op and the Django layer translates them with
``gettext(template) % params``.
"""


def gettext_noop(message: str) -> str:
    return message
