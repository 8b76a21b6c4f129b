"""Expire the waiting-list offers whose days have run out (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from sanatoriums import services


class Command(BaseCommand):
    help = (
        "Expire waiting-list offers not confirmed in time: their places go to the next group "
        "on the federation's waiting list, by priority then time. Bookings on a batch do the "
        "same for that batch as they happen; this command catches batches no one touched."
    )

    def handle(self, *args, **options):
        count = services.offers_expire()
        self.stdout.write(f"{count} offer(s) expired")
