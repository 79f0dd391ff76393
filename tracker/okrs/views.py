"""A unit's OKR page: its reporters create and edit its OKRs and update its projects.

Coordinators, viewers and the verifiers of a bureau hosting one of the targets its OKRs serve
read it. Every write goes through :mod:`tracker.okrs.recording` (checked, with its history, all
or nothing); a form with an error is shown again, as typed, and nothing is saved.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.okrs.forms import OkrForm, ProjectForm
from tracker.okrs.models import Okr, Project
from tracker.okrs.recording import record_okr, record_project
from tracker.org.models import Unit
from tracker.org.permissions import permissions_for
from tracker.targets.models import Target


class UnitOkrs:
    """What the page shows of ``unit``, read in a constant number of queries, and who may change it."""

    def __init__(self, unit, user):
        self.unit = unit
        self.okrs = list(Okr.objects.filter(unit=unit).with_binding().select_related("target").order_by("code"))
        self.projects = list(Project.objects.filter(unit=unit).prefetch_related("okrs").order_by("code"))
        self.permissions = permissions_for(user)
        self.host_ids = {o.target.host_id for o in self.okrs if o.target_id}
        self.may_edit = self.permissions.may_edit_okrs(unit)
        self.targets = []
        if self.may_edit:
            self.targets = list(
                Target.objects.filter(Q(host=unit) | Q(allocations__unit=unit)).distinct()
                .order_by("-fiscal_year", "sort_order", "code")
            )

    def require_sight(self):
        self.permissions.require(self.permissions.may_see_okrs(self.unit, self.host_ids))

    def okr_form(self, okr=None, data=None):
        okr = okr or Okr(unit=self.unit)
        prefix = f"okr-{okr.pk}" if okr.pk else "new"
        return OkrForm(data, instance=okr, targets=self.targets, prefix=prefix)

    def project_form(self, project, data=None):
        return ProjectForm(data, instance=project, okrs=self.okrs, prefix=f"project-{project.pk}")

    def render(self, request, bound=None, status=200):
        """The page; ``bound`` is the form that was posted with errors, shown in place of its blank one."""
        rows, project_rows, new_form = [], [], None
        for okr in self.okrs:
            form = None
            if self.may_edit:
                form = bound if bound is not None and bound.prefix == f"okr-{okr.pk}" else self.okr_form(okr)
            rows.append({"okr": okr, "form": form})
        for project in self.projects:
            form = None
            if self.may_edit:
                form = bound if bound is not None and bound.prefix == f"project-{project.pk}" else self.project_form(project)
            project_rows.append({"project": project, "form": form})
        if self.may_edit:
            new_form = bound if bound is not None and bound.prefix == "new" else self.okr_form()
        return render(request, "okrs/unit.html", {
            "unit": self.unit, "okr_rows": rows, "project_rows": project_rows, "new_form": new_form,
            "may_edit": self.may_edit,
        }, status=status)


def _page(request, unit_code):
    page = UnitOkrs(get_object_or_404(Unit, code=unit_code), request.user)
    page.require_sight()
    return page


def _save(request, page, form, write):
    """Validate ``form`` and write it with ``write(form)``; redirect to the page, or show it again with the errors."""
    page.permissions.require(page.may_edit)
    if form.is_valid():
        try:
            write(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("okrs:unit", unit_code=page.unit.code)
    messages.error(request, _("Nothing was saved: correct the marked fields and save again. What you typed is kept."))
    return page.render(request, bound=form, status=400)


@login_required
def unit_okrs(request, unit_code):
    return _page(request, unit_code).render(request)


@login_required
@require_POST
def new_okr(request, unit_code):
    page = _page(request, unit_code)
    return _save(request, page, page.okr_form(data=request.POST), lambda form: record_okr(form.instance, request.user))


@login_required
@require_POST
def edit_okr(request, unit_code, okr_code):
    page = _page(request, unit_code)
    okr = next((o for o in page.okrs if o.code == okr_code), None)
    if okr is None:
        raise Http404
    return _save(request, page, page.okr_form(okr, data=request.POST), lambda form: record_okr(form.instance, request.user))


@login_required
@require_POST
def edit_project(request, unit_code, project_code):
    page = _page(request, unit_code)
    project = next((p for p in page.projects if p.code == project_code), None)
    if project is None:
        raise Http404
    return _save(
        request, page, page.project_form(project, data=request.POST),
        lambda form: record_project(form.instance, form.cleaned_data["okrs"], request.user),
    )
