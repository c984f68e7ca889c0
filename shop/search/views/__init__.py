"""Fork of Oscar's search views: only the search page (views/search.py) is ours. Oscar's
``search.views`` package loads each view through get_class, which finds ours there; the catalogue
views stay Oscar's (the catalogue lists through shop.catalogue.views)."""
