"""Background jobs, through Django's tasks API (README, "Import": the worker)."""

from django_tasks import task

from claims.services.imports import run_import_job


@task()
def import_file(job_id: int) -> None:
    """Import an uploaded file that is too big to import while its page waits."""
    run_import_job(job_id)
