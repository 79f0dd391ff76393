"""django-tables2 tables of the read-only pages.

Cells show formatted figures and links; exports (:mod:`tracker.web.exports`) take each
column's ``value``: names in the reader's language, numbers rounded as shown but kept numbers,
words for states. Columns with ``visible=False`` appear only in exports, and a table's
``export_keys`` gives the header key of a column whose name is not the key wanted in files.
"""
import functools
import inspect
from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tracker.dashboard.templatetags.tracker import band_text, code_url, esc, num, pct, thaidate
from tracker.okrs.models import Okr, Project

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PageSizePaginator(Paginator):
    """Keeps a page between 1 and 500 rows whatever ``?per_page=`` asks.

    A negative size breaks Django's paginator (a 500); a huge one would render every row of a city-wide table.
    """

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PAGE_SIZE), *args, **kwargs)


def rounded(value, decimals):
    """A number rounded half-up to ``decimals`` places as shown on the page, still a Decimal: 5235.000 → 5235."""
    return None if value is None else Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


class NumberColumn(tables.Column):
    """A right-aligned number shown with thousands separators and exported as a number, rounded the same way."""

    def __init__(self, *args, decimals=0, **kwargs):
        self.decimals = decimals
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return num(value, self.decimals)

    def value(self, value):
        return rounded(value, self.decimals)


class PercentColumn(NumberColumn):
    """A percent shown as 65.64% and exported as the number 65.64."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, decimals=2, **kwargs)

    def render(self, value):
        return pct(value)


def awaiting_mark(unverified, latest_verified, target):
    """A badge on a unit's figure that counts results not yet verified by the host: the amount
    awaiting (cumulative) or that the latest level awaits; empty when all of it is verified."""
    if target.is_level and not latest_verified:
        text = gettext("awaiting verification")
    elif not target.is_level and unverified:
        text = gettext("%(amount)s awaiting verification") % {"amount": num(unverified, target.decimals)}
    else:
        return ""
    return format_html(' <span class="awaiting" data-awaiting>{}</span>', text)


def _call_render(render, takes_record, value, record):
    return render(value=value, record=record) if takes_record else render(value=value)


class DistrictProgressTable(tables.Table):
    """The per-district table of the target page. Rows are dicts built from ``UnitProgress``."""

    # On every exported row, so a file read back says which target its figures belong to.
    target_code = tables.Column(visible=False, orderable=False, empty_values=())
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    district = tables.Column(verbose_name=_("District"), order_by=("code",), attrs={"td": {"class": "name"}})
    # "optional" columns give way on a phone, where each district becomes a card (its name, result
    # / allocation, %, band and rank): the figures matter more there than the zone and code.
    zone = tables.Column(
        verbose_name=_("Zone group"), order_by=("zone_number", "code"),
        attrs={"th": {"class": "optional"}, "td": {"class": "optional"}},
    )
    allocation = NumberColumn(verbose_name=_("Allocation"))
    result = NumberColumn(verbose_name=_("Result"))
    # xgettext:no-python-format
    percent = PercentColumn(
        verbose_name=_("% of allocation"), order_by=("percent_order", "code"),
        attrs={"th": {"class": "num"}, "td": {"class": "num", "data-label": _("% of allocation")}},
    )
    band = tables.Column(verbose_name=_("Band"), order_by=("band_order", "code"), attrs={"td": {"class": "band-cell"}})
    rank = NumberColumn(
        verbose_name=_("Rank of 50"), attrs={"th": {"class": "num"}, "td": {"class": "num", "data-label": _("Rank of 50")}},
    )

    export_keys = {"code": "district_code"}
    # The id of the page section holding the table: sort links and the filter come back to it.
    anchor = "districts"

    class Meta:
        orderable = True
        attrs = {"class": "data cards", "id": "district-table"}
        row_attrs = {"data-band": lambda record: record["band"]}

    def __init__(self, *args, target=None, keep="", **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.keep = keep
        for name in ("allocation", "result"):
            self.columns[name].column.decimals = target.decimals

    def value_target_code(self):
        return self.target.code

    def html_rows(self):
        """The body's rows as HTML, the same as django-tables2 draws them (tested), ten times faster.

        django-tables2 inspects a signature and resolves a template variable per cell: 400 cells
        were 80% of the target page's time. Here each column's renderer is chosen once and called
        directly; empty values show the table's default, as django-tables2 does.
        """
        columns = []
        for bound in self.columns:
            custom = getattr(self, f"render_{bound.name}", None)
            if custom is not None:
                takes_record = "record" in inspect.signature(custom).parameters
                render = functools.partial(_call_render, custom, takes_record)
            else:
                render = functools.partial(_call_render, bound.column.render, False)
            columns.append((bound.name, format_html("<td {}>", bound.attrs["td"].as_html()), render, bound.column.empty_values))
        default = esc(self.default)
        rows = []
        for index, record in enumerate(self.data):
            cells = "".join(
                f"{opening}{default if (value := record.get(name)) in empty else esc(render(value, record))}</td>"
                for name, opening, render, empty in columns
            )
            rows.append(f'<tr data-band="{esc(record["band"])}" class="{"odd" if index % 2 else "even"}">{cells}</tr>')
        return mark_safe("\n".join(rows))

    def html_header(self):
        """The header row's cells as HTML, the same as templates/tables/table.html draws them (tested):
        a sort link per column, built from the request's query string as ``querystring_replace``
        does, without resolving a dozen template variables per column."""
        params = dict(self.request.GET)
        anchor = f"#{esc(self.anchor)}" if self.anchor else ""
        cells = []
        for column in self.columns:
            sort = ""
            if column.is_ordered:
                sort = f' aria-sort="{"descending" if column.order_by_alias.is_descending else "ascending"}"'
            header = esc(column.header)
            if column.orderable:
                query = escape("?" + urlencode({**params, self.prefixed_order_by_field: column.order_by_alias.next}, doseq=True))
                header = f'<a href="{query}{anchor}">{header}</a>'
            cells.append(f'<th scope="col" {column.attrs["th"].as_html()}{sort}>{header}</th>')
        return mark_safe("".join(cells))

    def render_district(self, value, record):
        return mark_safe(f'<a href="{esc(code_url("dashboard:district", record["code"]))}{esc(self.keep)}">{esc(value)}</a>')

    def value_district(self, value):
        return value  # the name without the link render_district wraps it in

    def render_result(self, value, record):
        mark = awaiting_mark(record["unverified"], record["latest_verified"], self.target)
        return mark_safe(f"{num(value, self.target.decimals)}{esc(mark)}")

    def value_result(self, value):
        return rounded(value, self.target.decimals)  # the number alone, without render_result's mark

    def render_band(self, value):
        return mark_safe(f'<span class="band band-{esc(value)}">{esc(band_text(value, self.target.band_low, self.target.band_high))}</span>')

    def value_band(self, value):
        return band_text(value, self.target.band_low, self.target.band_high)


class OkrTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    name = tables.Column(verbose_name=_("Objective and key result"), order_by=("name_th",), accessor="name")
    unit_code = tables.Column(accessor="unit__code", visible=False)
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__code",))
    target = tables.Column(verbose_name=_("Target"), order_by=("target__code",))
    fiscal_year = tables.Column(verbose_name=_("Fiscal year"))
    project_count = NumberColumn(verbose_name=_("Projects bound"))
    is_bound = tables.BooleanColumn(verbose_name=_("Bound to projects"), yesno=(pgettext_lazy("OKR bound to projects", "Yes"), pgettext_lazy("OKR bound to projects", "No")))

    export_keys = {
        "code": "okr_code", "name": "okr", "target": "target_code",
        "project_count": "projects_bound", "is_bound": "bound",
    }

    class Meta:
        model = Okr
        fields = ["code", "name", "unit_code", "unit", "target", "target_name", "fiscal_year", "project_count", "is_bound"]
        attrs = {"class": "data", "id": "okr-table"}
        per_page = PAGE_SIZE  # django-tables2 falls back to it for a missing or zero ?per_page=

    def render_unit(self, record):
        return record.unit.name

    target_name = tables.Column(accessor="target__name", visible=False)

    def render_target(self, value):
        return format_html(
            '<a href="{}"><span class="code">{}</span> {}</a>', reverse("dashboard:target", args=[value.code]), value.code, value.name,
        )

    def value_target(self, value):
        return value.code

    def value_is_bound(self, value):
        return _("Bound") if value else _("Not bound")


class ProjectTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    name = tables.Column(verbose_name=_("Project / activity"), order_by=("name_th",), accessor="name")
    unit_code = tables.Column(accessor="unit__code", visible=False)
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__code",))
    # ``bound_okrs``: the OKRs as a list (prefetched today, or as bound on a past day), targets loaded.
    okrs = tables.Column(verbose_name=_("OKRs"), accessor="bound_okrs", orderable=False, empty_values=())
    targets = tables.Column(verbose_name=_("Targets"), accessor="bound_okrs", orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"))
    # xgettext:no-python-format
    progress = NumberColumn(verbose_name=_("Progress (%)"))
    last_reported_on = tables.Column(verbose_name=_("Last reported"))

    export_keys = {"code": "project_code", "name": "project", "okrs": "okr_codes", "targets": "targets"}

    class Meta:
        model = Project
        fields = ["code", "name", "unit_code", "unit", "okrs", "targets", "status", "progress", "last_reported_on"]
        attrs = {"class": "data", "id": "project-table"}
        per_page = PAGE_SIZE  # django-tables2 falls back to it for a missing or zero ?per_page=

    def render_unit(self, record):
        return record.unit.name

    def render_okrs(self, value):
        return ", ".join(okr.code for okr in value) or "—"

    def value_okrs(self, value):
        return ", ".join(okr.code for okr in value)

    @staticmethod
    def _targets(okrs):
        """The targets served by the project's OKRs, once each, in code order."""
        return sorted({okr.target.code: okr.target for okr in okrs if okr.target is not None}.values(), key=lambda t: t.code)

    def render_targets(self, value):
        targets = self._targets(value)
        if not targets:
            return "—"
        return format_html_join(
            ", ", '<a href="{}"><span class="code">{}</span> {}</a>',
            ((reverse("dashboard:target", args=[t.code]), t.code, t.name) for t in targets),
        )

    def value_targets(self, value):
        return "; ".join(f"{t.code} {t.name}" for t in self._targets(value))

    def render_status(self, record):
        return format_html('<span class="pstatus pstatus-{}">{}</span>', record.status, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_last_reported_on(self, value):
        return thaidate(value)

    def value_last_reported_on(self, value):
        # A date, not text: CSV writes it as 2024-05-31 and XLSX stores a date cell.
        return value
