"""Small GET forms of the read-only pages: the comparison day, the district-table and overview filters."""
from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.lib.dates import DayField
from tracker.org.models import Zone
from tracker.targets.progress import band_text
from tracker.targets.rules import Band, Status
from tracker.web.asof import EARLIEST


class SinceForm(forms.Form):
    """The earlier day a page compares its figures with (``?since=``): a day before the figures' date."""

    # A text field, not the browser's date input: its calendar shows CE years; this one takes the
    # day as Thai readers write it (7/5/2567), or 2024-05-07 as links carry it.
    since = DayField(label=_("Another date (day/month/year)"), required=False)

    def __init__(self, *args, as_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def clean_since(self):
        day = self.cleaned_data["since"]
        if day and day >= self.as_of:
            raise forms.ValidationError(_("Compare with a day before the date of the figures."))
        if day and day < EARLIEST:
            raise forms.ValidationError(_("Choose a date from the year 2000 on."))
        return day


class ZoneField(forms.ChoiceField):
    """A zone group among ``zones`` (the page's districts' own, already read): the Zone, or None
    for all. Unlike a ModelChoiceField it reads nothing more from the database, to draw or to check."""

    def __init__(self, *, zones=(), **kwargs):
        super().__init__(**kwargs)
        self.zones = zones

    @property
    def zones(self):
        return self._zones

    @zones.setter
    def zones(self, zones):
        self._zones = {str(zone.pk): zone for zone in sorted(zones, key=lambda z: z.number)}
        self.choices = [("", _("All zones"))] + [(pk, str(zone)) for pk, zone in self._zones.items()]

    def clean(self, value):
        value = super().clean(value)
        return self._zones[value] if value else None


class DistrictTableFilter(forms.Form):
    zone = ZoneField(label=_("Zone group"), required=False)
    band = forms.ChoiceField(label=_("Band"), required=False, choices=[("", _("All bands"))] + Band.choices)

    def __init__(self, *args, target=None, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].zones = Zone.objects.all() if zones is None else zones
        if target is not None:
            # The same words as the band chips, from the target's own thresholds (≥ 100%, 25% – < 100% …).
            self.fields["band"].choices = [("", _("All bands"))] + [
                (band.value, band_text(band, target.band_low, target.band_high)) for band in Band
            ]

    @property
    def filtering(self):
        return self.is_valid() and any(self.cleaned_data.get(name) for name in ("zone", "band"))


class OverviewFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses"))] + Status.choices)
