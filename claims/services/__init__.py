"""Writes that span several models, and the engines; import them from here."""

from .anchoring import (
    ReanchorReport,
    Segment,
    highlight_segments,
    locate_quote,
    reanchor_appearances,
    update_source_text,
)
from .appearances import record_appearance, record_claim_from_source, update_appearance
from .comparison import Difference, Version, compare
from .conflicts import (
    CurrentValue,
    Decision,
    DetectionResult,
    VersionColumn,
    current_value,
    decide_conflict,
    detect_conflicts,
    detect_conflicts_for_appearances,
    dismiss_conflict,
    reopen_conflict,
    resolve_conflict,
    versions_side_by_side,
)
from .demo import DemoResult, load_demo
from .entities import add_entity
from .history import TimelineEntry, claim_timeline
from .review import flag_conflict, record_event
from .search import similar_claims
from .sources import add_source, html_to_text, text_from_upload
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
    "add_entity",
    "Decision",
    "decide_conflict",
    "Segment",
    "VersionColumn",
    "add_source",
    "highlight_segments",
    "html_to_text",
    "record_claim_from_source",
    "similar_claims",
    "text_from_upload",
    "versions_side_by_side",
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
