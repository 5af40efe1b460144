"""A source's and a publisher's track record, from outcomes: how decisions ranked its versions,
and how the claims it states or supports were reviewed. Computed on each view, never set."""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from claims.models import Appearance, ClaimStatus, Evidence, Rank, Stance, Verdict


@dataclass(frozen=True)
class SourceRecord:
    # Rank → how many of its versions have it, in the order of Rank.
    ranks: list[tuple[str, str, int]]
    # (verdict, how many reviewed claims it states or supports), the best rating first.
    verdicts: list[tuple[Verdict, int]]

    @property
    def decided(self) -> bool:
        """Whether a decision ranked any of its versions."""
        return any(count for rank, _label, count in self.ranks if rank != Rank.NORMAL)


def source_record(sources) -> SourceRecord:
    """The track record of ``sources`` (one source's queryset, or a publisher's sources): its
    versions by the rank conflict decisions gave them (preferred, normal, deprecated), and the
    verdicts of the reviewed claims it states (its versions) or supports (as evidence). Two
    queries."""
    versions = Appearance.objects.filter(source__in=sources)
    counted = dict(versions.order_by().values_list("rank").annotate(n=Count("pk")))
    supported = Evidence.objects.filter(source__in=sources, stance=Stance.SUPPORTS)
    # One filter() call: its conditions hold for one and the same claim.
    verdicts = (
        Verdict.objects.filter(
            Q(claims__status=ClaimStatus.REVIEWED)
            & (
                Q(claims__in=versions.values("claim_id"))
                | Q(claims__in=supported.values("claim_id"))
            )
        )
        .annotate(counted=Count("claims", distinct=True))
        .order_by(F("rating_value").desc(nulls_last=True), "label")
    )
    return SourceRecord(
        ranks=[(rank, label, counted.get(rank, 0)) for rank, label in Rank.choices],
        verdicts=[(verdict, verdict.counted) for verdict in verdicts],
    )
