"""Date formats of the portal's languages (FORMAT_MODULE_PATH): one format per language,
used by every page, the admin and members.display. Formats not set here are Django's."""
