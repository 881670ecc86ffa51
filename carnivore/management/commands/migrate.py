"""`migrate` whose check for unmigrated changes also covers triggers and SQL source files."""

from django.core.management.commands import migrate

from carnivore.sql_items import MigrationAutodetector


class Command(migrate.Command):
    autodetector = MigrationAutodetector
