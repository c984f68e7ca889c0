"""Admins' notification pages inside Oscar's dashboard: the outbox by status (failed first), retry.

Staff only, the way Oscar's dashboard checks it (``permissions_required(["is_staff"])``): an
anonymous visitor is sent to the login page, a signed-in consumer or vendor gets 403.
The retries are vendors.notifications.services functions.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from vendors.notifications.models import Message
from vendors.notifications.services import message_retry, messages_retry_failed
from vendors.web.dashboard.access import StaffOnlyMixin


class MessageListView(StaffOnlyMixin, generic.ListView):
    """?status=failed (the default) | pending | sending | sent."""

    template_name = "notifications/dashboard/message_list.html"
    context_object_name = "notification_messages"
    paginate_by = 50

    def get_queryset(self):
        self.status = self.request.GET.get("status")
        if self.status not in Message.Status.values:
            self.status = Message.Status.FAILED
        return Message.objects.filter(status=self.status).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "status": self.status, "statuses": Message.Status.choices}


class MessageRetryView(StaffOnlyMixin, generic.View):
    def post(self, request, pk):
        if message_retry(message_pk=pk):
            messages.success(request, _("The message is queued to be sent again."))
        else:
            messages.info(request, _("Nothing was changed: the message is not failed (any more)."))
        return redirect(reverse("notifications_dashboard:list") + "?status=failed")


class MessageRetryAllView(StaffOnlyMixin, generic.View):
    def post(self, request):
        count = messages_retry_failed()
        messages.success(request, _("%(count)d failed messages are queued to be sent again.") % {"count": count})
        return redirect(reverse("notifications_dashboard:list") + "?status=failed")
