"""django-filter filter sets of the OKR and project tables."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tracker.okrs.models import Okr, Project
from tracker.org.models import Unit
from tracker.targets.models import Target


def units_with(relation):
    """Only the units that own an OKR or a project: a short list, whatever the size of the city."""
    return Unit.objects.filter(pk__in=relation.objects.values("unit")).order_by("kind", "code")


def targets_with_okrs():
    """Only the targets some OKR serves, not every target of every year."""
    return Target.objects.filter(pk__in=Okr.objects.values("target")).order_by("-fiscal_year", "sort_order", "code")


class OkrFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=lambda request: units_with(Okr), to_field_name="code", empty_label=_("All units"),
    )
    target = django_filters.ModelChoiceFilter(
        label=_("Target"), queryset=lambda request: targets_with_okrs(), to_field_name="code", empty_label=_("All targets"),
    )
    is_bound = django_filters.BooleanFilter(
        label=_("Bound to projects"),
        widget=forms.Select(choices=[("", _("All")), ("true", pgettext_lazy("OKR bound to projects", "Yes")), ("false", pgettext_lazy("OKR bound to projects", "No"))]),
    )

    class Meta:
        model = Okr
        fields = ["unit", "target", "fiscal_year", "is_bound"]


class ProjectFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=lambda request: units_with(Project), to_field_name="code", empty_label=_("All units"),
    )
    target = django_filters.ModelChoiceFilter(
        label=_("Target"), queryset=lambda request: targets_with_okrs(), to_field_name="code", field_name="okrs__target",
        distinct=True, empty_label=_("All targets"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices, empty_label=_("All statuses"))

    class Meta:
        model = Project
        fields = ["unit", "target", "status"]
