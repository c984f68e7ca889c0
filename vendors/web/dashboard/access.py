"""Every marketplace page in the dashboard is for admins only, checked the way Oscar's dashboard does:
an anonymous visitor is sent to the login page, a signed-in consumer or vendor gets 403."""

from django.utils.decorators import method_decorator
from oscar.views.decorators import permissions_required


class StaffOnlyMixin:
    @method_decorator(permissions_required(["is_staff"]))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)
