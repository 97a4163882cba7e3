"""manage.py task_worker: the database task worker (db_worker) with a heartbeat."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from doorstep.core import task_recovery


class Command(DbWorkerCommand):
    help = (
        "Run database-backed tasks, as db_worker does, writing a heartbeat every "
        f"{task_recovery.HEARTBEAT_EVERY:g} seconds so that `recover_tasks` can tell when this "
        "worker died and mark the task it was running as failed."
    )

    def handle(self, **options):
        stop = task_recovery.start_heartbeat(options["worker_id"])
        try:
            super().handle(**options)
        finally:
            stop.set()
            task_recovery.heartbeat_dir().joinpath(options["worker_id"]).unlink(missing_ok=True)
