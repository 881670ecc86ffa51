from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CarnivoreAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "carnivore.admin_site.CarnivoreAdminSite"


class CarnivoreConfig(AppConfig):
    default = True
    name = "carnivore"
    verbose_name = "Carnivore Weekly"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        import carnivore.checks
        import carnivore.demo_checks  # registers the demo accounts' doctor check
        import carnivore.schema  # noqa: F401 - registers the OpenAPI authentication schemes
        from carnivore.authentication import update_last_login
        from carnivore.staff_groups import staff_permissions_grant_after_migrate

        # Django's receiver writes last_login under the request's role, which may not touch
        # the user table; ours steps out to the connecting role for that one write.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")

        # Once per migrate (carnivore's own post_migrate), whichever apps declare permissions.
        post_migrate.connect(
            staff_permissions_grant_after_migrate,
            sender=self,
            dispatch_uid="staff_permissions_grant_after_migrate",
        )
