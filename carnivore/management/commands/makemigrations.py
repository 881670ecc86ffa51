"""`makemigrations` that writes django-pgtrigger triggers and the apps' SQL source files
(`<app>/sql/*.sql`, listed in `<app>/sql_config.py`) into migrations, and with `--check` fails
while any of them differs from what the migrations hold. SQL is frozen into the migration as
readable multi-line text rather than one escaped line."""

from pathlib import Path

from django.core.management.commands import makemigrations
from django.db.migrations import writer
from django.db.migrations.serializer import BaseSerializer

from carnivore.sql_items import MigrationAutodetector


class MultilineStringSerializer(BaseSerializer):
    """Write a multi-line string as a dedented triple-quoted literal (the migration writer
    indents every line of an operation; dedent takes exactly that indentation off again)."""

    def serialize(self):
        return 'textwrap.dedent("""\\\n' + self.value + '""")', {"import textwrap"}


def is_plain_multiline(value) -> bool:
    """Return whether `value` is a multi-line string that a triple-quoted literal gives exactly."""
    return (
        isinstance(value, str)
        and "\n" in value
        and '"""' not in value
        and "\\" not in value
        and not value.endswith('"')
        # dedent must find the text's own margin at zero and keep its blank lines empty
        and any(line and not line[0].isspace() for line in value.splitlines())
        and all(line.strip() or not line for line in value.splitlines())
    )


class Command(makemigrations.Command):
    autodetector = MigrationAutodetector

    def handle(self, *args, **options):
        serializer_factory = writer.serializer_factory

        def multiline_serializer_factory(value):
            if is_plain_multiline(value):
                return MultilineStringSerializer(value)
            return serializer_factory(value)

        # The writer looks the factory up in its own module at each call.
        writer.serializer_factory = multiline_serializer_factory
        try:
            return super().handle(*args, **options)
        finally:
            writer.serializer_factory = serializer_factory

    def write_migration_files(self, changes, update_previous_migration_paths=None):
        """Write the migrations, then take off the indentation the writer gave blank lines of
        SQL (dedent reads a whitespace-only line as an empty one, so the SQL is unchanged)."""
        super().write_migration_files(changes, update_previous_migration_paths)
        for path in getattr(self, "written_files", []):
            text = Path(path).read_text()
            Path(path).write_text("\n".join(line.rstrip() for line in text.split("\n")))
