"""Django's admin, for admins only: staff work in the pages, where every write is checked by role.

Django lets any ``is_staff`` account into the admin, where a district's results could be changed
without the roles' checks; here only an active superuser is let in.
"""
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.SuperuserAdminSite"
