from django.apps import AppConfig

from carnivore.staff_groups import staff_access


class AuditConfig(AppConfig):
    name = "audit"
    # The staff read the audit log in the admin (carnivore.staff_groups); nobody changes it.
    staff_permissions = staff_access(read_only=("auditlog",))

    def ready(self) -> None:
        from audit import checks  # noqa: F401 - registers the audit log's doctor check
