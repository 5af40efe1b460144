"""Writes that span several models, and the engines; import them from here."""

from .anchoring import ReanchorReport, locate_quote, reanchor_appearances, update_source_text
from .appearances import record_appearance
from .demo import DemoResult, load_demo
from .review import flag_conflict, record_event

__all__ = [
    "DemoResult",
    "ReanchorReport",
    "flag_conflict",
    "load_demo",
    "locate_quote",
    "reanchor_appearances",
    "record_appearance",
    "record_event",
    "update_source_text",
]
