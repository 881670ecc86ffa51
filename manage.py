#!/usr/bin/env python
"""Django's command-line utility for the Carnivore Weekly back end."""

import os
import sys


def command_verbosity(argv: list[str]) -> int:
    """Return the `-v`/`--verbosity` a command line asks for (Django's default, 1, if none)."""
    for index, arg in enumerate(argv):
        if arg in ("-v", "--verbosity"):
            value = argv[index + 1] if index + 1 < len(argv) else ""
        elif arg.startswith("--verbosity="):
            value = arg.partition("=")[2]
        elif arg.startswith("-v") and arg[2:].isdigit():
            value = arg[2:]
        else:
            continue
        return int(value) if value.isdigit() else 1
    return 1


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnivore.settings")
    from django.core.management import execute_from_command_line

    from carnivore import embedded_db

    # The settings start the embedded server before Django parses the command line: tell it
    # how talkative the command was asked to be (`-v 2` names the data folder in use).
    embedded_db.verbosity = command_verbosity(sys.argv[2:])
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
