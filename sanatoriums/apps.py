from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanatoriumsConfig(AppConfig):
    name = "sanatoriums"
    verbose_name = _("Sanatorium bases")
