"""Writes that span several models, and the engines; import them from here."""

from .anchoring import ReanchorReport, locate_quote, reanchor_appearances, update_source_text
from .appearances import record_appearance, update_appearance
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
from .history import TimelineEntry, claim_timeline
from .review import flag_conflict, record_event
from .versioning import StaleVersion, check_version, save_versioned
from .workflow import (
    Step,
    archive,
    assign,
    available_steps,
    confirm_verdict,
    mark_reviewed,
    reopen,
    send_back,
    start_review,
    take_step,
    update_claim,
)

__all__ = [
    "StaleVersion",
    "Step",
    "TimelineEntry",
    "archive",
    "assign",
    "available_steps",
    "check_version",
    "claim_timeline",
    "confirm_verdict",
    "mark_reviewed",
    "reopen",
    "save_versioned",
    "send_back",
    "start_review",
    "take_step",
    "update_appearance",
    "update_claim",
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
