"""`migrate` whose check for unmigrated changes also covers triggers and SQL source files, that
runs as the schema's owner when DATABASE_OWNER_URL names one, and that records, once every
migration is applied, the security state the source files declare (for `doctor`)."""

from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from carnivore.db_owner import as_owner
from carnivore.security_state import security_declared_record
from carnivore.sql_items import MigrationAutodetector


class Command(migrate.Command):
    autodetector = MigrationAutodetector

    def handle(self, *args, **options):
        database = options["database"]
        with as_owner(database):
            super().handle(*args, **options)
            if options["plan"] or options["check_unapplied"] or options["prune"]:
                return
            connection = connections[database]
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return  # migrated to an earlier target: the files declare a later state
            recorded = security_declared_record(connection)
            if options["verbosity"] >= 1:
                self.stdout.write(f"  Recorded the declared security state ({recorded} rows).")
