"""Small GET forms of the read-only pages: the "as of" date and the district-table filter."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.org.models import Zone
from tracker.targets.progress import Band, Status

EARLIEST = datetime.date(2000, 1, 1)


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Figures as of"), required=False, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fy = forms.IntegerField(label=_("Fiscal year (BE)"), required=False, min_value=2500, max_value=2700)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day and not EARLIEST <= day <= timezone.localdate() + datetime.timedelta(days=366 * 5):
            raise forms.ValidationError(_("Choose a date between 2000 and five years from now."))
        return day


def read_as_of(request):
    """(as_of date, fiscal year or None, form) from the query string; bad input keeps today and says why."""
    form = AsOfForm(request.GET or None)
    as_of, fy = timezone.localdate(), None
    if form.is_bound and form.is_valid():
        as_of = form.cleaned_data["as_of"] or as_of
        fy = form.cleaned_data["fy"]
    return as_of, fy, form


class DistrictTableFilter(forms.Form):
    zone = forms.ModelChoiceField(label=_("Zone group"), queryset=Zone.objects.all(), required=False, empty_label=_("All zones"))
    band = forms.ChoiceField(label=_("Band"), required=False, choices=[("", _("All bands"))] + Band.choices)


class OverviewFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses"))] + Status.choices)
