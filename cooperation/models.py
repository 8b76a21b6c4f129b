from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Agreement(models.Model):
    """A cooperation agreement between two or more federations.

    The parties of an agreement are partners: their staff read each other's shared records.
    A third federation joins by being added as a party — data, not code.
    """

    title = models.CharField(_("title"), max_length=200)
    parties = models.ManyToManyField(
        "members.Federation", verbose_name=_("parties"), related_name="agreements"
    )
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="cooperation_agreement_term_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end of the term cannot be before its start.")},
                code="term_reversed",
            )
