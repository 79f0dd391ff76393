"""The report grid of a unit's month, the page that opens the month due, and closing months."""
import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tracker.lib import fiscal
from tracker.lib.converters import CODE_PATTERN, MonthConverter
from tracker.org.models import Unit
from tracker.org.permissions import permissions_for
from tracker.reporting.grid import ReportGrid
from tracker.targets import recording
from tracker.targets.models import ClosedMonth, Result, Target
from tracker.targets.rules import reports_on


def month_due(unit, today=None):
    """The month a unit should report now: the earliest open month, already begun, in which a target
    it carries has no submitted or verified result; failing that, the latest open month begun;
    failing that, last month."""
    current = fiscal.month_start(today or datetime.date.today())
    spans = Target.objects.filter(reports_on(unit)).distinct().values_list(
        "pk", "start_date", "deadline",
    )
    closed = set(ClosedMonth.objects.values_list("period", flat=True))
    due = sorted({
        (month, pk) for pk, start, end in spans for month in fiscal.months_between(start, end)
        if month <= current and month not in closed
    })
    if not due:
        return fiscal.add_months(current, -1)
    reported = set(
        Result.objects.filter(unit=unit, period__in={month for month, _ in due}, state__in=Result.COUNTED_STATES)
        .values_list("period", "target")
    )
    return next((month for month, pk in due if (month, pk) not in reported), due[-1][0])


@login_required
def home(request):
    """``/report/``: the signed-in person's unit and the month due; others go where their work is."""
    permissions = permissions_for(request.user)
    units = permissions.units_reported()
    if units:
        unit = Unit.objects.get(pk=units[0])
        return redirect("reporting:report", unit_code=unit.code, month=month_due(unit))
    if permissions.bureaus_verified():
        return redirect("reporting:verify_list")
    if permissions.may_close_months():
        return redirect("reporting:months")
    return redirect("dashboard:overview")


@login_required
def report(request, unit_code, month):
    if request.method == "GET" and ("unit" in request.GET or "month" in request.GET):
        return _go_to_chosen(request, unit_code, month)
    unit = get_object_or_404(Unit, code=unit_code)
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_see_report(unit))
    grid = ReportGrid(unit, month, permissions)
    # A verifier whose bureau hosts none of the unit's targets has no row to read here.
    permissions.require(grid.rows or permissions.hosts_seen_in_report(unit) is None)
    if request.method == "POST":
        permissions.require(grid.may_write)
        action = request.POST.get("action")
        saved, changed = grid.save(request.POST, action, request.user)
        if saved:
            if action == "submit":
                messages.success(request, ngettext(
                    "%(n)d result submitted for verification.", "%(n)d results submitted for verification.", changed,
                ) % {"n": changed} if changed else _("Nothing has changed since the last save."))
            else:
                messages.success(request, ngettext(
                    "%(n)d result saved as a draft.", "%(n)d results saved as drafts.", changed,
                ) % {"n": changed} if changed else _("Nothing has changed since the last save."))
            return redirect("reporting:report", unit_code=unit.code, month=month)
        messages.error(request, _("Nothing was saved: correct the marked cells and save again. What you typed is kept."))
    own_units = Unit.objects.filter(pk__in=permissions.units_reported())
    return render(request, "reporting/report.html", {
        "unit": unit, "month": month, "grid": grid, "own_units": own_units,
        "month_choices": _month_choices(unit, month),
        "previous": fiscal.add_months(month, -1), "next": fiscal.add_months(month, 1),
    }, status=400 if grid.has_errors else 200)


def _go_to_chosen(request, unit_code, month):
    """The month picker without JavaScript: ``?unit=1001&month=2024-06`` → that grid's address."""
    try:
        chosen_month = MonthConverter().to_python(request.GET.get("month", ""))
    except ValueError:
        chosen_month = month
    chosen_unit = request.GET.get("unit", unit_code)
    if not re.fullmatch(CODE_PATTERN, chosen_unit):
        chosen_unit = unit_code
    return redirect("reporting:report", unit_code=chosen_unit, month=chosen_month)


def _month_choices(unit, month):
    """Every month of the fiscal years the unit has targets in, for the month selector (shown in BE)."""
    years = set(Target.objects.filter(allocations__unit=unit).values_list("fiscal_year", flat=True))
    years |= set(Target.objects.filter(host=unit).values_list("fiscal_year", flat=True))
    years.add(fiscal.fiscal_year(month))
    return [m for year in sorted(y for y in years if y) for m in fiscal.fiscal_months(year)]


@login_required
def months(request):
    """Coordinators close a month for reporting (nothing in it changes any more) or reopen it."""
    permissions = permissions_for(request.user)
    permissions.require(permissions.is_staff_member)
    fy = fiscal.fiscal_year(datetime.date.today())
    try:
        fy = int(request.GET.get("fy", "")) or fy
    except ValueError:
        pass
    closed = {c.period: c for c in ClosedMonth.objects.select_related("closed_by")}
    years = sorted(set(Target.objects.values_list("fiscal_year", flat=True)) - {None}, reverse=True) or [fy]
    if fy not in years:
        fy = years[0]
    rows = []
    for month in fiscal.fiscal_months(fy):
        rows.append({"month": month, "closed": closed.get(month)})
    return render(request, "reporting/months.html", {
        "rows": rows, "fy": fy, "years": years, "may_close": permissions.may_close_months(),
    })


@login_required
@require_POST
def close_month(request, month):
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_close_months())
    closing = request.POST.get("action") == "close"
    if closing:
        recording.close_month(month, by=request.user, permissions=permissions)
        messages.success(request, _("%(month)s is closed: its results can no longer change.") % {"month": fiscal.format_month(month, request.LANGUAGE_CODE)})
    else:
        recording.reopen_month(month, by=request.user, permissions=permissions)
        messages.success(request, _("%(month)s is open again for reporting.") % {"month": fiscal.format_month(month, request.LANGUAGE_CODE)})
    return redirect(f"{reverse('reporting:months')}?fy={fiscal.fiscal_year(month)}")
