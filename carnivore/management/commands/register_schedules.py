"""`manage.py register_schedules`: create the django-q2 schedules (idempotent)."""

from django.core.management.base import BaseCommand

from carnivore.jobs import SCHEDULES, schedules_register


class Command(BaseCommand):
    help = (
        "Register the hourly refresh, weekly import, daily partition and alert delivery schedules."
    )

    def handle(self, *args, **options):
        changed = schedules_register()
        for spec in SCHEDULES:
            state = "registered" if spec.name in changed else "unchanged"
            self.stdout.write(f"{spec.name:<26} {state}")
