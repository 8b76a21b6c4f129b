"""Factories of rights referrals (a module of their own beside factories.py)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cooperation.models import Referral


class ReferralFactory(DjangoModelFactory):
    """A submitted referral; the factory writes the row as given (no partner check): tests
    of the rules go through cooperation.services."""

    class Meta:
        model = Referral

    worker_name = factory.Sequence(lambda n: f"求助职工{n}")
    mobile = "13900001111"
    id_number = "11010519491231002X"
    category = Referral.Category.WAGE_ARREARS
    summary = "在对方城市务工期间被拖欠工资三个月。"
    requested_help = "协助追讨欠薪。"
    submitted_at = factory.LazyFunction(timezone.now)
    acknowledge_by = factory.LazyAttribute(
        lambda o: timezone.localdate(o.submitted_at) + datetime.timedelta(days=3)
    )
