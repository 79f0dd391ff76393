"""django-tables2 tables of the read-only pages.

Cells show formatted figures and links; exports (:mod:`tracker.web.exports`) take each
column's ``value``: names in the reader's language, numbers rounded as shown but kept numbers,
words for states. Columns with ``visible=False`` appear only in exports, and a table's
``export_keys`` gives the header key of a column whose name is not the key wanted in files.
"""
from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.translation import pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tracker.lib.formatting import display, num, pct, thaidate
from tracker.okrs.models import Okr, Project
from tracker.targets.progress import band_text

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


class FragmentColumn(tables.TemplateColumn):
    """A ``TemplateColumn`` whose template (``template_name``) is rendered in the page's context.

    django-tables2 renders a template name with a new request context per cell, running every context
    processor again for each. The fragment sees the page's context, the table and the cell's
    ``record`` and ``value``, and what ``extra_context`` (a dict, or a function of the value) adds.
    """

    def render(self, record, table, value, **kwargs):
        extra = self.extra_context(value) if callable(self.extra_context) else self.extra_context
        context = table.context  # the page's, lent by {% render_table %}
        with context.update({"table": table, "record": record, "value": value, **extra}):
            return context.template.engine.get_template(self.template_name).render(context)


class DistrictProgressTable(tables.Table):
    """The per-district table of the target page. Rows are dicts built from ``UnitProgress``.

    The columns give the header, the sorting and the exported values; the rows are drawn by the
    table's template (templates/dashboard/_district_table.html), in the columns' order.
    """

    # On every exported row, so a file read back says which target its figures belong to.
    target_code = tables.Column(visible=False, orderable=False, empty_values=())
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}})
    district = tables.Column(verbose_name=_("District"), order_by=("code",))
    # "optional" columns give way on a phone, where each district becomes a card (its name, result
    # / allocation, %, band and rank): the figures matter more there than the zone and code.
    zone = tables.Column(verbose_name=_("Zone group"), order_by=("zone_number", "code"), attrs={"th": {"class": "optional"}})
    allocation = NumberColumn(verbose_name=_("Allocation"))
    result = NumberColumn(verbose_name=_("Result"))
    # xgettext:no-python-format
    percent = PercentColumn(verbose_name=_("% of allocation"), order_by=("percent_order", "code"))
    band = tables.Column(verbose_name=_("Band"), order_by=("band_order", "code"))
    rank = NumberColumn(verbose_name=_("Rank of 50"))

    export_keys = {"code": "district_code"}
    # The id of the page section holding the table: sort links and the filter come back to it.
    anchor = "districts"

    class Meta:
        orderable = True
        attrs = {"class": "data cards", "id": "district-table"}
        template_name = "dashboard/_district_table.html"

    def __init__(self, *args, target=None, keep="", show_all=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.keep = keep
        self.show_all = show_all  # the page without its filter, when a filter is on
        for name in ("allocation", "result"):
            self.columns[name].column.decimals = target.decimals

    def value_target_code(self):
        return self.target.code

    def value_band(self, value):
        return band_text(value, self.target.band_low, self.target.band_high)


class OkrTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    name = tables.Column(verbose_name=_("Objective and key result"), order_by=("name_th",), accessor="name")
    unit_code = tables.Column(accessor="unit__code", visible=False)
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__code",))
    target = FragmentColumn(
        template_name="dashboard/_target_link.html", verbose_name=_("Target"), order_by=("target__code",), empty_values=(None, ""),
    )
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
    targets = FragmentColumn(
        template_name="dashboard/_target_links.html", verbose_name=_("Targets"), accessor="bound_okrs", orderable=False,
        extra_context=lambda okrs: {"targets": ProjectTable.served(okrs)},
    )
    status = FragmentColumn(template_name="dashboard/_project_status.html", verbose_name=_("Status"), empty_values=(None, ""))
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
    def served(okrs):
        """The targets served by the project's OKRs, once each, in code order."""
        return sorted({okr.target.code: okr.target for okr in okrs if okr.target is not None}.values(), key=lambda t: t.code)

    def value_targets(self, value):
        return "; ".join(f"{t.code} {t.name}" for t in self.served(value))

    def value_status(self, record):
        return display(record, "status")

    def render_last_reported_on(self, value):
        return thaidate(value)

    def value_last_reported_on(self, value):
        # A date, not text: CSV writes it as 2024-05-31 and XLSX stores a date cell.
        return value
