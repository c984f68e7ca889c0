"""Fork of Oscar's search: search_indexes.py and backends.py index Chinese (jieba) and pinyin; index.py,
signals.py and tasks.py keep the index in step after commit, through Celery."""

import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    name = "shop.search"
