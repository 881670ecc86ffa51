from django.apps import AppConfig

from carnivore.staff_groups import staff_access


class TrendingConfig(AppConfig):
    name = "trending"
    # What the staff groups may do with trending's models in the admin (carnivore.staff_groups).
    staff_permissions = staff_access(
        curated=("trendingtopic", "topvideo", "creator"),
        read_only=("topicweek", "videoweek", "weeklyreport", "youtubecrawl", "trendingalert"),
    )

    def ready(self) -> None:
        from trending import (  # noqa: F401 - register with carnivore
            checks,  # the trending alerts' doctor check
            demo,  # trending's step of `manage.py up`
        )
