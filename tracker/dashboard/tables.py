"""django-tables2 tables of the read-only pages; exports carry raw numbers so they can be summed."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.dashboard.templatetags.tracker import band_text, num, pct, thaidate
from tracker.okrs.models import Okr, Project
from tracker.targets.progress import round2


class NumberColumn(tables.Column):
    """A right-aligned number shown with thousands separators and exported raw."""

    def __init__(self, *args, decimals=0, **kwargs):
        self.decimals = decimals
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return num(value, self.decimals)

    def value(self, value):
        return "" if value is None else value


class DistrictProgressTable(tables.Table):
    """The per-district table of the target page. Rows are dicts built from ``UnitProgress``."""

    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    district = tables.Column(verbose_name=_("District"), order_by=("code",))
    # "optional" columns give way on a phone, where the figures matter more than the zone and code.
    zone = tables.Column(
        verbose_name=_("Zone group"), order_by=("zone_number", "code"),
        attrs={"th": {"class": "optional"}, "td": {"class": "optional"}},
    )
    allocation = NumberColumn(verbose_name=_("Allocation"))
    result = NumberColumn(verbose_name=_("Result"))
    # xgettext:no-python-format
    percent = NumberColumn(verbose_name=_("% of allocation"), decimals=2)
    band = tables.Column(verbose_name=_("Band"), order_by=("band_order", "code"))
    rank = NumberColumn(verbose_name=_("Rank of 50"))

    class Meta:
        orderable = True
        attrs = {"class": "data", "id": "district-table"}
        row_attrs = {"data-band": lambda record: record["band"]}

    def __init__(self, *args, target=None, keep="", **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.keep = keep
        for name in ("allocation", "result"):
            self.columns[name].column.decimals = target.decimals

    def render_district(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("dashboard:district", args=[record["code"]]) + self.keep, value)

    def render_percent(self, value):
        return pct(value)

    def value_percent(self, value):
        return "" if value is None else round2(value)

    def render_band(self, value):
        return format_html('<span class="band band-{}">{}</span>', value, band_text(value, self.target.band_low, self.target.band_high))

    def value_band(self, value):
        return band_text(value, self.target.band_low, self.target.band_high)


class OkrTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    name = tables.Column(verbose_name=_("Objective and key result"), order_by=("name_th",), accessor="name")
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__code",))
    target = tables.Column(verbose_name=_("Target"), order_by=("target__code",))
    fiscal_year = tables.Column(verbose_name=_("Fiscal year"))
    project_count = NumberColumn(verbose_name=_("Projects bound"))
    is_bound = tables.BooleanColumn(verbose_name=_("Bound to projects"), yesno=(_("Yes"), _("No")))

    class Meta:
        model = Okr
        fields = ["code", "name", "unit", "target", "fiscal_year", "project_count", "is_bound"]
        attrs = {"class": "data", "id": "okr-table"}

    def render_unit(self, record):
        return record.unit.name

    def render_target(self, record):
        return format_html('<a href="{}">{}</a>', reverse("dashboard:target", args=[record.target.code]), record.target.code)

    def value_target(self, record):
        return record.target.code if record.target else ""

    def value_unit(self, record):
        return record.unit.code


class ProjectTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"th": {"class": "optional"}, "td": {"class": "code optional"}})
    name = tables.Column(verbose_name=_("Project / activity"), order_by=("name_th",), accessor="name")
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__code",))
    okrs = tables.ManyToManyColumn(verbose_name=_("OKRs"), transform=lambda okr: okr.code, orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    last_reported_on = tables.Column(verbose_name=_("Last reported"))

    class Meta:
        model = Project
        fields = ["code", "name", "unit", "okrs", "status", "last_reported_on"]
        attrs = {"class": "data", "id": "project-table"}

    def render_unit(self, record):
        return record.unit.name

    def value_unit(self, record):
        return record.unit.code

    def render_status(self, record):
        return format_html('<span class="pstatus pstatus-{}">{}</span>', record.status, record.get_status_display())

    def render_last_reported_on(self, value):
        return thaidate(value)

    def value_last_reported_on(self, value):
        return value.isoformat() if value else ""
