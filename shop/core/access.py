"""Who is an admin: an active staff user, Oscar's own rule for its dashboard.

Free of Django imports that need the app registry, so settings (the dashboard menu's ``access_fn``)
can use it as well as views (vendors.web.dashboard.access).
"""


def is_staff_user(user, *args) -> bool:
    """Oscar's dashboard navigation calls access functions with (user, url_name, url_args, url_kwargs)."""
    return bool(user.is_active and user.is_staff)
