"""``/import/``: upload a CSV or XLSX file of monthly results, see the dry run, confirm to save (นำเข้าข้อมูล).

Nothing is saved before the confirmation. The uploaded bytes are kept in the session (compressed)
between the dry run and the confirmation, with their digest in the form, so that the file
confirmed is the file shown; the confirmation checks it again and saves it all or nothing. A file
with any error cannot be confirmed. A file over one of the import's budgets (size, rows, columns,
cells: ``tracker/reporting/importing.py``) is refused with a 400 that names the budget.
"""
import base64
import hashlib
import zlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tracker.org.permissions import permissions_for
from tracker.reporting import importing

SESSION_KEY = "import_file"


def _keep(request, name, data):
    digest = hashlib.sha256(data).hexdigest()
    request.session[SESSION_KEY] = {
        "name": name, "digest": digest, "data": base64.b64encode(zlib.compress(data)).decode("ascii"),
    }
    return digest


def _kept(request, digest):
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("digest") != digest:
        return None, None
    return kept["name"], zlib.decompress(base64.b64decode(kept["data"]))


def _refused(request, context, error):
    """The page again with the reason the file was refused, as a 400: nothing was saved."""
    context["error"] = " ".join(error.messages)
    return render(request, "reporting/import.html", context, status=400)


@login_required
def import_results(request):
    permissions = permissions_for(request.user)
    permissions.require(bool(permissions.units_reported()) or permissions.is_coordinator)
    context = {
        "max_mb": importing.MAX_UPLOAD_BYTES // (1024 * 1024),
        "max_results": f"{importing.MAX_RESULT_ROWS:,}",
        "max_columns": importing.MAX_COLUMNS,
    }
    if request.method != "POST":
        return render(request, "reporting/import.html", context)

    if request.POST.get("action") == "confirm":
        name, data = _kept(request, request.POST.get("digest", ""))
        if data is None:
            messages.error(request, _("The file to confirm is no longer at hand. Upload it again."))
            return redirect("reporting:import")
    else:
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a CSV or Excel (.xlsx) file to import.")
            return render(request, "reporting/import.html", context, status=400)
        try:
            importing.refuse_if_too_large(upload.size)  # before its bytes are read into memory
        except ValidationError as error:
            return _refused(request, context, error)
        name, data = upload.name, upload.read()

    context["filename"] = name
    try:
        table = importing.read(data, name)
    except ValidationError as error:
        return _refused(request, context, error)
    plan = importing.check(table, request.user, permissions=permissions)
    context["plan"] = plan
    if not plan.ok:
        request.session.pop(SESSION_KEY, None)
        return render(request, "reporting/import.html", context, status=400)

    if request.POST.get("action") == "confirm" and request.POST.get("plan") != plan.fingerprint:
        # Someone recorded some of these results since the preview: show the preview as it is now.
        context["error"] = _("Some of these results were changed by someone else since you checked the file. "
                             "Nothing was imported: look at the preview again and confirm it.")
        context["digest"] = _keep(request, name, data)
        return render(request, "reporting/import.html", context, status=409)

    if request.POST.get("action") == "confirm":
        try:
            counts = importing.commit(plan, request.user)
        except ValidationError as error:
            return _refused(request, context, error)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Imported %(name)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % {
            "name": name, **counts,
        })
        return redirect("reporting:import")

    context["digest"] = _keep(request, name, data)
    return render(request, "reporting/import.html", context)
