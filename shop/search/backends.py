"""Haystack's Whoosh backend with Chinese word segmentation.

Whoosh's default analyzer splits on spaces and stems English, so "红枣" never
matches "临县红枣 特级". jieba's analyzer segments Chinese text into words
(临县 / 红枣 / 特级) when indexing and when parsing a query.
"""

import logging

import jieba
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from jieba.analyse import ChineseAnalyzer
from whoosh.fields import TEXT

jieba.setLogLevel(logging.WARNING)


class ChineseWhooshSearchBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        analyzer = ChineseAnalyzer()
        for name, field in list(schema.items()):
            if isinstance(field, TEXT):
                schema.remove(name)
                schema.add(
                    name,
                    TEXT(
                        stored=True,
                        analyzer=analyzer,
                        field_boost=field.format.field_boost,
                        sortable=True,
                        spelling=field.spelling,
                    ),
                )
        return content_field_name, schema


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
