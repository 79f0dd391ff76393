"""The read-only pages advisers open at follow-up meetings.

Every figure comes from :mod:`tracker.targets.progress`; views only choose what to show.
Each page runs a constant number of queries, whatever the number of targets or districts.
"""
from collections import Counter, OrderedDict

from django.db.models import Count, Prefetch, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin

from tracker.dashboard import charts, since, tilemap
from tracker.dashboard.filters import OkrFilter, ProjectFilter
from tracker.dashboard.forms import DistrictTableFilter, OverviewFilter
from tracker.dashboard.laggards import laggards, lagging_tail
from tracker.dashboard.tables import DistrictProgressTable, OkrTable, PageSizePaginator, ProjectTable
from tracker.lib import fiscal
from tracker.meetings.models import Action, Meeting
from tracker.okrs.models import Okr, Project
from tracker.org.models import Bureau, District
from tracker.org.permissions import permissions_for
from tracker.targets import progress
from tracker.targets.models import Result, ResultRevision, Target
from tracker.targets.rules import Band, Status
from tracker.web import figures as kept
from tracker.web.asof import keep, page_context, read_as_of
from tracker.web.exports import DataExport

HISTORY_SHOWN = 50


def _districts():
    return list(District.objects.select_related("zone"))


def _tree(figures):
    """Top-level targets in order, each followed by its sub-targets (for indented lists)."""
    ordered = []
    shown = {f.target.pk for f in figures}
    for figure in figures:
        if figure.target.parent_id is None or figure.target.parent_id not in shown:
            ordered.append(figure)
            ordered.extend(figure.children)
    return ordered


def _tiles(rows):
    """Tile-map cells with the sides where the zone group changes, so zones show as outlined blocks."""
    placed = tilemap.layout(rows)
    zone_at = {(r, c): u.unit.zone_id for u, r, c in placed}
    tiles = []
    for unit, row, col in placed:
        sides = {"zt": (row - 1, col), "zb": (row + 1, col), "zl": (row, col - 1), "zr": (row, col + 1)}
        edges = " ".join(name for name, cell in sides.items() if zone_at.get(cell) != unit.unit.zone_id)
        tiles.append({"unit": unit, "row": row, "col": col, "edges": edges})
    return tiles


def overview(request):
    as_of, fy, form = read_as_of(request)
    fy = fy or Target.objects.year_in_view(as_of)
    targets = list(Target.objects.for_pages().filter(fiscal_year=fy))
    # The public overview shows each target's totals and band counts only; those who chase reports
    # also see each target's districts with an allocation (``_compliance_counts``).
    figures = kept.figures(targets, as_of, monthly=False, unit_rows=request.user.is_authenticated)
    status_form = OverviewFilter(request.GET or None)
    status = status_form.cleaned_data["status"] if status_form.is_valid() else ""

    bureaus = OrderedDict()
    for figure in _tree([figures[t.pk] for t in targets]):
        if status and figure.status != status:
            continue
        bureaus.setdefault(figure.target.host, []).append(figure)
    by_status = Counter(figure.status for figure in figures.values())
    statuses = [(choice, by_status[choice.value]) for choice in Status if by_status[choice.value]]
    # The arrows compare every row with one day (see tracker.dashboard.since): by default the
    # latest meeting of any bureau before the date shown, so one more compute whatever the hosts.
    latest = Meeting.objects.latest_held(as_of)
    known = {"previous": latest} if latest is None or latest.date < as_of else {}
    since_choice = since.choose(request, as_of, fy, **known)
    comparisons = since.compare(targets, figures, since_choice.since, as_of, who=False)
    return render(request, "dashboard/overview.html", page_context(
        request, as_of, fy, form, since_choice, bureaus=bureaus, status_form=status_form, status=status, statuses=statuses,
        fiscal_years=Target.objects.fiscal_years(), target_count=len(targets), bands=list(Band),
        compliance=_compliance_counts(request.user, figures, as_of), comparisons=comparisons, latest_meeting=latest,
    ))


def bureau(request, code):
    host = get_object_or_404(Bureau, code=code)
    as_of, fy, form = read_as_of(request)
    fy = fy or Target.objects.filter(host=host).year_in_view(as_of)
    targets = list(Target.objects.for_pages().filter(host=host, fiscal_year=fy))
    districts = _districts()
    figures = kept.figures(targets, as_of, districts=districts)
    okrs = Okr.objects.summary_by_unit([host], as_of=as_of, fiscal_year=fy).get(host.pk, {"okrs": 0, "bound": 0})
    projects = Project.objects.summary_by_unit([host], as_of=as_of).get(host.pk, {})
    shown = _tree([figures[t.pk] for t in targets])
    since_choice = since.choose(request, as_of, fy, host=host)
    actions = list(
        Action.objects.for_host(host).open_on(as_of).select_related("meeting", "responsible", "target")
        .order_by("due_on", "meeting__date", "number")
    )
    return render(request, "dashboard/bureau.html", page_context(
        request, as_of, fy, form, since_choice, bureau=host, figures=shown,
        tails={f.target.pk: lagging_tail(f) for f in shown},
        chart_data=charts.bureau_chart_data(shown, get_language() or "th"),
        okrs=okrs, projects=projects, bands=list(Band), compliance=_compliance_counts(request.user, figures, as_of),
        comparisons=since.compare(targets, figures, since_choice.since, as_of, districts=districts),
        actions=actions, action_counts=_action_counts(actions, as_of),
    ))


def _action_counts(actions, day):
    """{target id: {"open": n, "overdue": n}} of the open actions on ``day`` (overdue: due before it)."""
    counts = {}
    for action in actions:
        if action.target_id is not None:
            mine = counts.setdefault(action.target_id, {"open": 0, "overdue": 0})
            mine["open"] += 1
            mine["overdue"] += action.due_on < day
    return counts


def _compliance_counts(user, figures, as_of):
    """Who has reported the month shown, per target, for those who chase it — coordinators every
    target, verifiers their bureaus' — as {"month", "counts": {target id: (reported, allocated)}}.
    One query; none for anonymous readers."""
    if not user.is_authenticated:
        return None
    permissions = permissions_for(user)
    if not permissions.may_see_compliance():
        return None
    chased = None if permissions.is_coordinator else set(permissions.bureaus_verified())
    shared = [f for f in figures.values() if f.target.districts_carry and (chased is None or f.target.host_id in chased)]
    if not shared:
        return None
    month = fiscal.month_start(min(as_of, max(f.target.deadline for f in shared)))
    shared = [f for f in shared if f.target.first_period() <= month <= f.target.last_period()]
    reported = Result.objects.as_of(as_of).counted().reported_districts([f.target.pk for f in shared], month)
    return {"month": month, "counts": {
        f.target.pk: (reported.get(f.target.pk, 0), sum(1 for u in f.districts if u.allocation is not None)) for f in shared
    }}


def target(request, code):
    # The target and its sub-targets in one query.
    # Sorted here as the targets' default ordering would (by host, place, code): ordered by the
    # host's code in SQL, the query took twice as long to build.
    family = sorted(Target.objects.for_pages().family(code).order_by(), key=lambda t: (t.host.code, t.sort_order, t.code))
    item = next((t for t in family if t.code == code), None)
    if item is None:
        raise Http404(code)
    family = [item, *(t for t in family if t is not item)]
    as_of, _fy, form = read_as_of(request)
    districts = _districts()
    figures = kept.figures(family, as_of, districts=districts)
    figure = figures[item.pk]

    table_filter = DistrictTableFilter(request.GET or None, target=figure.target, zones={d.zone for d in districts})
    rows = figure.districts
    if table_filter.is_valid():
        if table_filter.cleaned_data["zone"]:
            rows = [u for u in rows if u.unit.zone_id == table_filter.cleaned_data["zone"].pk]
        if table_filter.cleaned_data["band"]:
            rows = [u for u in rows if u.band == table_filter.cleaned_data["band"]]
    band_order = {band.value: i for i, band in enumerate(Band)}
    table = DistrictProgressTable(
        [
            {
                "code": u.unit.code, "district": u.unit.name, "zone": u.unit.zone.name, "zone_number": u.unit.zone.number,
                "allocation": u.allocation, "result": u.result, "percent": u.percent, "band": u.band,
                # Worst first: no report before the lowest percent.
                "percent_order": -1 if u.percent is None else u.percent,
                "band_order": band_order[u.band], "rank": u.rank,
                "unverified": u.unverified, "latest_verified": u.latest_verified,
            }
            for u in rows
        ],
        target=item,
        keep=keep(form, as_of),
        show_all=_without(request, "zone", "band") + f"#{DistrictProgressTable.anchor}" if table_filter.filtering else None,
        # The page puts the districts furthest behind first; a download, being data, keeps code order.
        order_by=request.GET.get("sort") or ("code" if DataExport.is_valid_format(request.GET.get("_export")) else "percent"),
    )
    if table_filter.filtering:
        table.empty_text = _("No district matches this filter.")
    RequestConfig(request, paginate=False).configure(table)
    export_format = request.GET.get("_export")
    if DataExport.is_valid_format(export_format):
        export = DataExport(export_format, table, dataset_kwargs={"title": "districts"})
        return export.response(f"{item.code}-districts-{as_of.isoformat()}.{export_format}")

    language = get_language() or "th"
    since_choice = since.choose(request, as_of, item.fiscal_year, host=item.host)
    comparisons = since.compare(family, figures, since_choice.since, as_of, districts=districts)
    return render(request, "dashboard/target.html", page_context(
        request, as_of, item.fiscal_year, form, since_choice, target=item, comparison=comparisons.get(item.pk), figure=figure, table=table, table_filter=table_filter,
        children=[figures[t.pk] for t in family[1:]], tiles=_tiles(figure.districts),
        chart_data=charts.target_chart_data(figure, language), bands=list(Band),
        laggards=laggards(figure) if figure.has_results and item.districts_carry else None,
        history=ResultRevision.objects.history_for(target=item, as_of=as_of, limit=HISTORY_SHOWN, units=[*districts, item.host]),
        staff_links=_staff_links(request.user, item, as_of),
    ))


def _without(request, *names):
    """This page's query string without the parameters ``names`` (e.g. a filter's, to clear it)."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in names and key != "_export":
            query.setlist(key, values)
    return f"?{query.urlencode()}" if query else "?"


def _staff_links(user, target, as_of):
    """Links to the staff pages of a target, for those whose role opens them (no query for anonymous readers)."""
    if not user.is_authenticated:
        return {}
    permissions = permissions_for(user)
    month = fiscal.month_start(min(as_of, target.deadline))
    return {
        "verify": (target.code, month) if permissions.may_see_verification(target) else None,
        "allocations": target.code if permissions.may_see_allocations(target) else None,
    }


def district(request, code):
    office = get_object_or_404(District.objects.select_related("zone"), code=code)
    as_of, fy, form = read_as_of(request)
    fy = fy or Target.objects.year_in_view(as_of)
    targets = list(Target.objects.for_pages().filter(fiscal_year=fy))
    districts = _districts()
    # The district's own row of each target, ranked among the others: not every district's rows.
    figures = kept.figures(targets, as_of, districts=districts, monthly=False, unit_rows=office.pk)
    months = [m for m in fiscal.fiscal_months(fy) if m <= as_of]
    values = progress.unit_months(office, targets, as_of)
    rows = []
    for figure in _tree([figures[t.pk] for t in targets]):
        mine = figure.units[0] if figure.units else None
        if mine is None or (mine.allocation is None and mine.result is None and not figure.target.districts_carry):
            continue
        rows.append({"figure": figure, "mine": mine, "months": [values.get((figure.target.pk, m)) for m in months]})
    rows = _worst_first(rows)
    return render(request, "dashboard/district.html", page_context(
        request, as_of, fy, form, district=office, rows=rows, months=months,
        history=ResultRevision.objects.history_for(target=targets, unit=office, as_of=as_of, limit=HISTORY_SHOWN),
    ))


def _worst_first(rows):
    """The district page's targets, furthest behind first: a target with an allocation and no
    report, then the lowest % of allocation, then those the district has nothing to do for.
    Sub-targets stay under their target."""
    groups = []
    for row in rows:
        parent = row["figure"].target.parent_id
        if groups and parent is not None and any(r["figure"].target.pk == parent for r in groups[-1]):
            groups[-1].append(row)
        else:
            groups.append([row])

    def behind(group):
        mine = group[0]["mine"]
        if mine.percent is not None:
            return (1, mine.percent)
        return (0, 0) if mine.allocation is not None else (2, 0)

    return [row for group in sorted(groups, key=behind) for row in group]


class TableView(ExportMixin, SingleTableMixin, FilterView):
    """A filterable, sortable table page that downloads as CSV or XLSX (``?_export=csv``)."""

    # The table paginates itself, its page size in its Meta; ``paginate_by`` would page the list a
    # second time, and answer a page number out of range with a 404.
    table_pagination = {"paginator_class": PageSizePaginator}
    export_class = DataExport
    export_formats = list(DataExport.FORMATS)
    export_name = "table"

    def get_dataset_kwargs(self):
        # The sheet's name, like the column keys, stays the same in every language.
        return {"title": self.export_name}


class AsOfTableView(TableView):
    """A table that shows, with ``?as_of=``, its rows as they stood at the end of that day.

    Rows are then read from their history (``as_they_stood``: a constant number of queries) and
    filtered here with the filter's own cleaned values, since today's columns no longer say
    what they were.
    """

    def get(self, request, *args, **kwargs):
        self.as_of, _fy, self.as_of_form = read_as_of(request)
        self.past = bool(self.as_of_form.is_bound and self.as_of_form.cleaned_data.get("as_of"))
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        if not self.past:
            return self.object_list
        if self.filterset.is_bound and not self.filterset.is_valid():
            return []
        rows = self.model.objects.all().as_they_stood(self.as_of)
        wanted = {k: v for k, v in (self.filterset.form.cleaned_data or {}).items() if v not in (None, "")}
        return [row for row in rows if all(self.keeps(row, name, value) for name, value in wanted.items())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["table"].data
        context.update(totals=self.totals(rows if self.past else self.object_list), as_of=self.as_of if self.past else None)
        return context


class OkrListView(AsOfTableView):
    model = Okr
    table_class = OkrTable
    filterset_class = OkrFilter
    template_name = "dashboard/okrs.html"
    export_name = "okrs"

    def get_queryset(self):
        return Okr.objects.with_binding().select_related("unit", "target").order_by("unit__code", "code")

    @staticmethod
    def keeps(okr, name, value):
        return {
            "unit": lambda: okr.unit_id == value.pk, "target": lambda: okr.target_id == value.pk,
            "fiscal_year": lambda: okr.fiscal_year == value, "is_bound": lambda: okr.is_bound == value,
        }[name]()

    def totals(self, rows):
        if self.past:
            rows = list(rows)
            return {"okrs": len(rows), "bound": sum(1 for okr in rows if okr.is_bound)}
        # Totals of the rows the filter keeps, in one query.
        return rows.order_by().aggregate(okrs=Count("pk"), bound=Count("pk", filter=Q(is_bound=True)))


class ProjectListView(AsOfTableView):
    model = Project
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "dashboard/projects.html"
    export_name = "projects"

    def get_queryset(self):
        return Project.objects.select_related("unit").prefetch_related(
            Prefetch("okrs", queryset=Okr.objects.select_related("target").order_by("code"), to_attr="bound_okrs"),
        )

    @staticmethod
    def keeps(project, name, value):
        return {
            "unit": lambda: project.unit_id == value.pk, "status": lambda: project.status == value,
            "target": lambda: any(okr.target_id == value.pk for okr in project.bound_okrs),
        }[name]()

    def totals(self, rows):
        if self.past:
            counts = Counter(project.status for project in rows)
        else:
            # Totals per status of the rows the filter keeps, in one query.
            counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
        statuses = [(label, counts[value]) for value, label in Project.Status.choices if counts.get(value)]
        return {"projects": sum(counts.values()), "statuses": statuses}


def page_not_found(request, exception):
    return render(request, "404.html", {"path": request.path}, status=404)
