"""Background jobs, through Django's tasks API (README, "Import": the worker)."""

from django_tasks import task

from claims.services.imports import run_import_job


@task()
def import_file(job_id: int) -> None:
    """Import an uploaded file that is too big to import while its page waits."""
    run_import_job(job_id)


@task()
def recheck_sources(source_ids: list[int] | None = None) -> None:
    """Fetch the pages of the fetched sources (or of ``source_ids``) again, as
    ``manage.py recheck_sources`` does (README, "Drift")."""
    from claims.models import Source
    from claims.policy import SYSTEM
    from claims.services import recheck_sources as recheck

    sources = None if source_ids is None else Source.objects.filter(pk__in=source_ids)
    recheck(by=SYSTEM, sources=sources)
