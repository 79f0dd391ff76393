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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the dates the form accepts.
        self.fields["as_of"].widget.attrs.update(min=EARLIEST.isoformat(), max=timezone.localdate().isoformat())

    def clean_as_of(self):
        # Figures exist up to today: a later date would rate today's results against a trajectory
        # that has not been reached yet, and show targets as missed before their time.
        day = self.cleaned_data["as_of"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Figures exist only up to today; choose today or an earlier date."))
        if day and day < EARLIEST:
            raise forms.ValidationError(_("Choose a date from the year 2000 on."))
        return day


def read_as_of(request):
    """(as_of date, fiscal year or None, form) from the query string; bad input keeps today and says why.

    Each field stands alone: a bad fiscal year does not throw away a good date, nor the other way round.
    """
    form = AsOfForm(request.GET or None)
    as_of, fy = timezone.localdate(), None
    if form.is_bound:
        form.is_valid()
        as_of = form.cleaned_data.get("as_of") or as_of
        fy = form.cleaned_data.get("fy")
    return as_of, fy, form


class DistrictTableFilter(forms.Form):
    zone = forms.ModelChoiceField(label=_("Zone group"), queryset=Zone.objects.all(), required=False, empty_label=_("All zones"))
    band = forms.ChoiceField(label=_("Band"), required=False, choices=[("", _("All bands"))] + Band.choices)


class OverviewFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses"))] + Status.choices)
