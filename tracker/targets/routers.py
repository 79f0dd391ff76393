"""Tables the database keeps itself: Django reads them, never migrates, dumps or loads them.

The standings (``models.Standing``) are PostgreSQL's bookkeeping of the results, made by its
triggers (migration ``0010_standings``). Left to Django, ``dumpdata`` would write them (and fail on
SQLite, which has no such table) and ``loaddata`` would try to insert rows the triggers have
already made from the results it loaded. Their migration creates them with SQL of its own.
"""

KEPT_BY_THE_DATABASE = {("targets", "standing")}


class KeptByTheDatabase:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if (app_label, model_name) in KEPT_BY_THE_DATABASE:
            return False
        return None
