"""Who has reported a month: the compliance matrix, its download, and reminders to the late units.

Coordinators see every host's targets, a verifier those of the bureaus they verify for; only
coordinators (and the admin) send reminders. The figures are read as of the page's date.
"""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tracker.lib import fiscal
from tracker.org.models import Bureau, Zone
from tracker.org.permissions import permissions_for
from tracker.reporting.compliance import Cell, ComplianceExportTable, Matrix, default_month
from tracker.reporting.models import Reminder
from tracker.reporting.reminders import send_reminders
from tracker.web.asof import page_context, read_as_of
from tracker.web.exports import DataExport


class ComplianceFilter(forms.Form):
    bureau = forms.ModelChoiceField(
        label=gettext_lazy("Host bureau"), queryset=Bureau.objects.none(), required=False, to_field_name="code",
        empty_label=gettext_lazy("All host bureaus"),
    )
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone group"), queryset=Zone.objects.all(), required=False,
        empty_label=gettext_lazy("All zones"),
    )

    def __init__(self, *args, hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = Bureau.objects.filter(hosted_targets__districts_carry=True).distinct()
        self.fields["bureau"].queryset = bureaus if hosts is None else bureaus.filter(pk__in=hosts)


@login_required
def compliance_latest(request):
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_see_compliance())
    url = f"{request.path}{default_month():%Y-%m}/"
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@login_required
def compliance(request, month):
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_see_compliance())
    if request.method == "POST":
        return _remind(request, permissions, month)
    as_of, _fy, form = read_as_of(request)
    hosts = None if permissions.is_coordinator else permissions.bureaus_verified()
    table_filter = ComplianceFilter(request.GET or None, hosts=hosts)
    zone = None
    if table_filter.is_valid():
        if table_filter.cleaned_data["bureau"]:
            hosts = [table_filter.cleaned_data["bureau"].pk]
        if table_filter.cleaned_data["zone"]:
            zone = table_filter.cleaned_data["zone"].pk
    matrix = Matrix(month, as_of, hosts=hosts, zone=zone)

    export_format = request.GET.get("_export")
    if DataExport.is_valid_format(export_format):
        export = DataExport(export_format, ComplianceExportTable(matrix.long_rows()), dataset_kwargs={"title": "compliance"})
        return export.response(f"compliance-{month:%Y-%m}-{as_of.isoformat()}.{export_format}")

    # Each target's cell in each state rendered once, not once per cell: a city-wide month has
    # 10,000, six template variables each (180 ms as a loop in the page's template).
    cell = get_template("reporting/_compliance_cell.html")
    shown = {}
    for row in matrix.rows:
        row.shown = [shown.get(key) or shown.setdefault(key, cell.render({"code": key[0], "cell": key[1]})) for key in row.keyed]
    may_remind = permissions.may_send_reminders()
    query = request.GET.copy()
    query.pop("_export", None)
    return render(request, "reporting/compliance.html", page_context(
        request, as_of, None, form, month=month, matrix=matrix, table_filter=table_filter, cells=list(Cell),
        previous=fiscal.add_months(month, -1), next=fiscal.add_months(month, 1),
        query=query.urlencode(), may_remind=may_remind,
        reminders=list(Reminder.objects.for_month(month)),
        interval=settings.REMINDER_INTERVAL_HOURS,
    ))


def _remind(request, permissions, month):
    permissions.require(permissions.may_send_reminders())
    outcome = send_reminders(month, by=request.user)
    language = request.LANGUAGE_CODE
    if outcome.sent:
        messages.success(request, ngettext(
            "Reminder sent to %(n)d unit.", "Reminders sent to %(n)d units.", len(outcome.sent),
        ) % {"n": len(outcome.sent)})
    if outcome.recent:
        messages.info(request, ngettext(
            "%(n)d unit was already reminded within the last %(hours)d hours and was left out.",
            "%(n)d units were already reminded within the last %(hours)d hours and were left out.",
            len(outcome.recent),
        ) % {"n": len(outcome.recent), "hours": settings.REMINDER_INTERVAL_HOURS})
    if outcome.no_address:
        messages.warning(request, _("No reporter with an email address: %(units)s.") % {
            "units": ", ".join(unit.name for unit in outcome.no_address),
        })
    if not (outcome.sent or outcome.recent or outcome.no_address):
        messages.info(request, _("Every district has reported %(month)s: no reminder to send.") % {
            "month": fiscal.format_month(month, language),
        })
    return redirect("reporting:compliance", month=month)
