"""Writes that span several models, and the engines; import them from here."""

from .anchoring import ReanchorReport, locate_quote, reanchor_appearances, update_source_text
from .appearances import record_appearance
from .comparison import Difference, Version, compare
from .conflicts import (
    CurrentValue,
    DetectionResult,
    current_value,
    detect_conflicts,
    detect_conflicts_for_appearances,
    dismiss_conflict,
    reopen_conflict,
    resolve_conflict,
)
from .demo import DemoResult, load_demo
from .review import flag_conflict, record_event

__all__ = [
    "CurrentValue",
    "DemoResult",
    "DetectionResult",
    "Difference",
    "ReanchorReport",
    "Version",
    "compare",
    "current_value",
    "detect_conflicts",
    "detect_conflicts_for_appearances",
    "dismiss_conflict",
    "reopen_conflict",
    "resolve_conflict",
    "flag_conflict",
    "load_demo",
    "locate_quote",
    "reanchor_appearances",
    "record_appearance",
    "record_event",
    "update_source_text",
]
