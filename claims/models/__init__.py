"""The tracker's domain: sources, entities and their aliases, claims and where they appear,
conflicts between versions, evidence, verdicts and the review history.

Every invariant that can be stated on one row is a named database constraint as well as model
validation (``clean``), so that the admin, forms, imports and raw writes are all held to it.
"""

from .base import QUOTE_CONTEXT_LENGTH, Timestamped, validate_language, validate_wikidata_id
from .claims import (
    DATED_TYPES,
    SCALAR_VALUE_EMPTY,
    VALUE_FIELD_OF_TYPE,
    Appearance,
    Attribution,
    Claim,
    ClaimQuerySet,
    ClaimStatus,
    Evidence,
    QuoteDrift,
    Rank,
    RatingMapping,
    SearchRecord,
    Stance,
    TrackRecord,
    ValueType,
    Verdict,
)
from .conflicts import (
    Conflict,
    ConflictKind,
    ConflictOrigin,
    ConflictQuerySet,
    ConflictResolution,
    ConflictState,
    ConflictTiming,
)
from .entities import Alias, Entity, EntityKind, EntityQuerySet
from .imports import ImportFormat, ImportJob, ImportStatus
from .review import ReviewAction, ReviewEvent, ReviewEventImmutable
from .sources import (
    Citation,
    CitationKind,
    Snapshot,
    Source,
    SourceKind,
    SourceQuerySet,
    sha256_of,
)

__all__ = [
    "QUOTE_CONTEXT_LENGTH",
    "DATED_TYPES",
    "SCALAR_VALUE_EMPTY",
    "VALUE_FIELD_OF_TYPE",
    "Alias",
    "Appearance",
    "Attribution",
    "Claim",
    "ClaimQuerySet",
    "ClaimStatus",
    "Conflict",
    "ConflictKind",
    "ConflictOrigin",
    "ConflictQuerySet",
    "ConflictResolution",
    "ConflictState",
    "ConflictTiming",
    "Entity",
    "EntityKind",
    "EntityQuerySet",
    "Evidence",
    "ImportFormat",
    "ImportJob",
    "ImportStatus",
    "QuoteDrift",
    "Rank",
    "RatingMapping",
    "SearchRecord",
    "ReviewAction",
    "ReviewEvent",
    "ReviewEventImmutable",
    "Citation",
    "CitationKind",
    "Snapshot",
    "Source",
    "SourceKind",
    "SourceQuerySet",
    "Stance",
    "Timestamped",
    "TrackRecord",
    "ValueType",
    "Verdict",
    "sha256_of",
    "validate_language",
    "validate_wikidata_id",
]
