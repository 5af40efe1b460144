"""Cursor pagination: the newest first, as fast on the thousandth page as on the first (a
position in the ordering, not an OFFSET the database would count up to)."""

from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
