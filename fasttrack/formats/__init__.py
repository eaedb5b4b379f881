"""How Fasttrack writes dates and times, one way per language.

Danish "6. december 2026", English "6 December 2026", times on the 24-hour
clock in both. The formats are Django format modules (``da/formats.py``,
``en/formats.py``, found through ``FORMAT_MODULE_PATH``), so Django's own
``date`` filter, forms and the admin agree with them; pages, letters and
error messages write dates only through ``fasttrack.formats.dates`` and its
template filters (``{% load fasttrack_dates %}``).
"""
