"""The day's steps of places (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from sanatoriums import services


class Command(BaseCommand):
    help = (
        "Expire waiting-list offers not confirmed in time (their places go to the next group "
        "on the federation's waiting list, by priority then time); close sign-up of batches "
        "whose deadline has passed (not formed when below their minimum); mark closed batches "
        "finished after their last day. Bookings on a batch expire its offers as they happen; "
        "this command catches the batches no one touched."
    )

    def handle(self, *args, **options):
        expired = services.offers_expire()
        closed, finished = services.batches_advance()
        self.stdout.write(
            f"{expired} offer(s) expired, {closed} batch(es) closed, {finished} finished"
        )
