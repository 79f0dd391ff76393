"""The day a page shows its figures as of (``?as_of=``, ``?fy=``): one form and one reading of it for
every page (dashboards, compliance, exports)."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.lib.dates import DayField

EARLIEST = datetime.date(2000, 1, 1)
class AsOfForm(forms.Form):
    as_of = DayField(
        label=_("Figures as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


def keep(form, as_of, since_choice=None):
    """The query string that carries a chosen date (and a chosen comparison date) from page to page,
    so links stay "as of" it."""
    parts = [f"as_of={as_of.isoformat()}"] if form.is_bound and form.cleaned_data.get("as_of") else []
    if since_choice is not None and since_choice.keep:
        parts.append(since_choice.keep)
    return f"?{'&'.join(parts)}" if parts else ""


def page_context(request, as_of, fy, form, since_choice=None, **extra):
    """What every page as of a day gives its template: the day, the fiscal year, the form, the query
    string its links keep, and the comparison chosen (``since_choice``, if any)."""
    return {
        "as_of": as_of, "fiscal_year": fy, "as_of_form": form, "keep": keep(form, as_of, since_choice),
        "since_choice": since_choice, **extra,
    }
