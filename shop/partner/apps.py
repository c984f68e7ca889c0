"""Fork of Oscar's partner app: models.py allocates stock with one conditional UPDATE (no overselling),
strategy.py sells only approved shops' products."""

import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "shop.partner"
