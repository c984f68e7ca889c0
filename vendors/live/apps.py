from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _user_changed(sender, instance, **kwargs):
    from vendors.live.admission import buyer_changed

    buyer_changed(instance.pk)


class LiveConfig(AppConfig):
    name = "vendors.live"
    label = "live"
    verbose_name = _("Live sales")

    def ready(self):
        # A tap answered before the middleware checks her session against her password's hash kept in Redis
        # (vendors.live.admission): a change to her account drops it.
        for signal in (post_save, post_delete):
            signal.connect(_user_changed, sender=get_user_model(), dispatch_uid="live-buyer-changed")
