from django.db import migrations

CHUNK = 500


def count_open_conflicts(apps, schema_editor):
    """Each claim's open conflicts, either side (``ClaimQuerySet.recount_open_conflicts``),
    counted in Python from one read of the open conflicts, then written a count at a time
    in chunks of ids, each chunk its own transaction (the migration is not atomic): the
    table is locked only by the column's short migration before (0021). At a million claims
    with 72,000 in conflict, about two minutes (every index of a claim is written again,
    its search indexes too); a correlated count for each claim in one UPDATE took ten."""
    Claim = apps.get_model("claims", "Claim")
    Conflict = apps.get_model("claims", "Conflict")
    counts = {}
    sides = Conflict.objects.filter(state="open").values_list(
        "appearance_a__claim_id", "appearance_b__claim_id"
    )
    for pair in sides.iterator(chunk_size=10_000):
        for claim in set(pair):
            counts[claim] = counts.get(claim, 0) + 1
    by_count = {}
    for claim, count in counts.items():
        by_count.setdefault(count, []).append(claim)
    for count, claims in by_count.items():
        for start in range(0, len(claims), CHUNK):
            Claim.objects.filter(pk__in=claims[start : start + CHUNK]).update(
                open_conflicts=count
            )


class Migration(migrations.Migration):
    # Each chunk commits on its own: the claims stay writable while they are counted.
    atomic = False

    dependencies = [
        ("claims", "0021_open_conflicts_counted"),
    ]

    operations = [
        migrations.RunPython(count_open_conflicts, migrations.RunPython.noop),
    ]
