"""The engagement app's back office: the dashboard (engagement/dashboard.py) at /admin/dashboard/,
listed on the admin index. Engagement's tables have no admin pages of their own."""

from django.contrib import admin

from carnivore.admin_site import BackOfficePage
from engagement.dashboard import DASHBOARD_PERMISSION, dashboard_view

admin.site.register_view("dashboard/", dashboard_view, name="dashboard")
admin.site.register_page(
    BackOfficePage(
        title="Dashboard",
        url_name="dashboard",
        description="Engagement per day and sentiment per grid item",
        permission=DASHBOARD_PERMISSION,
    )
)
