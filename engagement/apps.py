from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"

    def ready(self) -> None:
        # Register engagement's doctor checks and its step of `manage.py up`.
        from engagement import checks, demo  # noqa: F401
