"""A unit's OKR page and the forms that change its OKRs and projects, one item at a time.

The page lists the unit's OKRs and projects; its reporters open one OKR or one project to edit
(a unit may keep well over a hundred projects: a form each on one page is slow to draw and to
use). Coordinators, viewers and the verifiers of a bureau hosting one of the targets its OKRs
serve read the page. Every write goes through :mod:`tracker.okrs.recording` (checked, with its
history, all or nothing); a form with an error is shown again, as typed, and nothing is saved.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tracker.okrs.forms import OkrForm, ProjectForm
from tracker.okrs.models import Okr, Project
from tracker.okrs.recording import record_okr, record_project
from tracker.org.models import Unit
from tracker.org.permissions import permissions_for
from tracker.targets.models import Target


def _unit_and_permissions(request, unit_code):
    return get_object_or_404(Unit, code=unit_code), permissions_for(request.user)


@login_required
def unit_okrs(request, unit_code):
    unit, permissions = _unit_and_permissions(request, unit_code)
    okrs = list(Okr.objects.filter(unit=unit).with_binding().select_related("target").order_by("code"))
    permissions.require(permissions.may_see_okrs(unit, {o.target.host_id for o in okrs if o.target_id}))
    projects = list(Project.objects.filter(unit=unit).prefetch_related("okrs").order_by("code"))
    return render(request, "okrs/unit.html", {
        "unit": unit, "okrs": okrs, "projects": projects, "may_edit": permissions.may_edit_okrs(unit),
    })


def _targets_of(unit):
    """The targets an OKR of ``unit`` may serve: those it hosts or has an allocation of."""
    return list(
        Target.objects.filter(Q(host=unit) | Q(allocations__unit=unit)).distinct().order_by("-fiscal_year", "sort_order", "code")
    )


def _edit(request, unit, form, write, title, item=None):
    """Show ``form``; on POST validate it and ``write(form)``, then back to the unit's page; on an
    error the form again, as typed, with nothing saved."""
    if request.method == "POST":
        if form.is_valid():
            try:
                write(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("okrs:unit", unit_code=unit.code)
        messages.error(request, _("Nothing was saved: correct the marked fields and save again. What you typed is kept."))
    return render(request, "okrs/edit.html", {"unit": unit, "form": form, "title": title, "item": item},
                  status=400 if form.is_bound else 200)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _editor(request, unit_code):
    unit, permissions = _unit_and_permissions(request, unit_code)
    permissions.require(permissions.may_edit_okrs(unit))
    return unit


@login_required
def new_okr(request, unit_code):
    unit = _editor(request, unit_code)
    form = OkrForm(_posted(request), instance=Okr(unit=unit), targets=_targets_of(unit), prefix="new")
    return _edit(request, unit, form, lambda form: record_okr(form.instance, request.user), _("New OKR"))


@login_required
def edit_okr(request, unit_code, okr_code):
    unit = _editor(request, unit_code)
    okr = get_object_or_404(Okr.objects.select_related("target"), unit=unit, code=okr_code)
    form = OkrForm(_posted(request), instance=okr, targets=_targets_of(unit), prefix=f"okr-{okr.pk}")
    return _edit(request, unit, form, lambda form: record_okr(form.instance, request.user), _("Edit the OKR"), okr)


@login_required
def edit_project(request, unit_code, project_code):
    unit = _editor(request, unit_code)
    project = get_object_or_404(Project, unit=unit, code=project_code)
    form = ProjectForm(
        _posted(request), instance=project, okrs=list(Okr.objects.filter(unit=unit).order_by("code")),
        prefix=f"project-{project.pk}",
    )
    return _edit(
        request, unit, form, lambda form: record_project(form.instance, form.cleaned_data["okrs"], request.user),
        _("Update the project / activity"), project,
    )
