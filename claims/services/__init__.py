"""The one write path: every create, change and delete of a domain row — from the pages, the
admin, the management commands — goes through a keyword-only service here, which checks the
policy, validates the whole row, writes history with its actor and review events, and runs
conflict detection, in one transaction. Also the engines (comparison, anchoring, search)."""

from .anchoring import ReanchorReport, Segment, highlight_segments, locate_quote
from .appearances import (
    delete_appearance,
    rank_version,
    record_appearance,
    record_claim_from_source,
    update_appearance,
)
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
    detect_facts,
    dismiss_conflict,
    reopen_conflict,
    resolve_conflict,
    versions_side_by_side,
)
from .demo import DemoResult, load_demo
from .entities import add_entity, change_entity, delete_entity
from .evidence import add_evidence, change_evidence, remove_evidence
from .history import TimelineEntry, claim_timeline
from .imports import export_desk, import_records, run_import_job, start_import
from .merging import merge_claims
from .review import change_conflict, flag_conflict, record_event
from .search import (
    Proposal,
    SearchResults,
    possible_duplicates,
    propose_claims,
    refresh_search,
    search_everything,
)
from .sources import add_source, change_source, delete_source, html_to_text, text_from_upload
from .verdicts import delete_rating_mapping, delete_verdict, save_rating_mapping, save_verdict
from .versioning import StaleVersion, check_version, save_versioned
from .workflow import (
    Step,
    archive,
    assign,
    available_steps,
    confirm_verdict,
    create_claim,
    delete_claim,
    mark_reviewed,
    reopen,
    send_back,
    start_review,
    take_step,
    update_claim,
)

__all__ = [
    "CurrentValue",
    "Proposal",
    "SearchResults",
    "Decision",
    "DemoResult",
    "DetectionResult",
    "Difference",
    "ReanchorReport",
    "Segment",
    "StaleVersion",
    "Step",
    "TimelineEntry",
    "Version",
    "VersionColumn",
    "add_entity",
    "add_evidence",
    "add_source",
    "archive",
    "assign",
    "available_steps",
    "change_conflict",
    "change_entity",
    "change_evidence",
    "change_source",
    "check_version",
    "claim_timeline",
    "compare",
    "confirm_verdict",
    "create_claim",
    "current_value",
    "decide_conflict",
    "delete_appearance",
    "delete_claim",
    "delete_entity",
    "delete_source",
    "delete_rating_mapping",
    "delete_verdict",
    "detect_conflicts",
    "detect_conflicts_for_appearances",
    "detect_facts",
    "dismiss_conflict",
    "flag_conflict",
    "highlight_segments",
    "export_desk",
    "import_records",
    "run_import_job",
    "start_import",
    "html_to_text",
    "load_demo",
    "locate_quote",
    "mark_reviewed",
    "merge_claims",
    "possible_duplicates",
    "propose_claims",
    "rank_version",
    "record_appearance",
    "record_claim_from_source",
    "record_event",
    "refresh_search",
    "remove_evidence",
    "reopen",
    "reopen_conflict",
    "resolve_conflict",
    "save_rating_mapping",
    "save_verdict",
    "save_versioned",
    "search_everything",
    "send_back",
    "start_review",
    "take_step",
    "text_from_upload",
    "update_appearance",
    "update_claim",
    "versions_side_by_side",
]
