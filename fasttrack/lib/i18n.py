"""Marking messages for translation without importing Django."""


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged, marking it for the message catalogues.

    Code in ``fasttrack.lib`` must not import Django, yet its messages must reach
    the Danish and English catalogues. Django's ``makemessages`` extracts every
    ``gettext_noop(...)`` string from Python files, so lib marks its English
    templates with this no-op and the Django layer translates them at display
    time with ``gettext(template) % params``.
    """
    return message
