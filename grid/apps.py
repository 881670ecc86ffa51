from django.apps import AppConfig

from carnivore.staff_groups import staff_access


class GridConfig(AppConfig):
    name = "grid"
    # What the staff groups may do with grid's models in the admin (carnivore.staff_groups).
    staff_permissions = staff_access(
        curated=("bentogriditem", "editorialitem"), read_only=("gridrefreshrun",)
    )

    def ready(self) -> None:
        # Register grid's doctor check and its step of `manage.py up`.
        from grid import checks, demo  # noqa: F401
