"""The forms of the meeting pages: a meeting's header, a target review with its steps, an action."""
from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from tracker.lib.dates import DATE_INPUT as DATE
from tracker.lib.dates import PlausibleDayField
from tracker.meetings.models import Action, Meeting, Review, Step
from tracker.org.models import Unit


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["host", "date", "number", "chair_th", "chair_en", "place_th", "place_en", "attendees_th", "attendees_en", "notes"]
        field_classes = {"date": PlausibleDayField}
        widgets = {
            "date": DATE,
            "attendees_th": forms.Textarea(attrs={"rows": 4}), "attendees_en": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, hosts=None, **kwargs):
        """``hosts``: the bureaus the person may run meetings for (None: every bureau)."""
        super().__init__(*args, **kwargs)
        bureaus = Unit.objects.exclude(kind=Unit.Kind.DISTRICT).order_by("code")
        if hosts is not None:
            bureaus = bureaus.filter(pk__in=hosts)
        self.fields["host"].queryset = bureaus
        if self.instance.pk:  # the agenda was built for this bureau and day
            self.fields["host"].disabled = self.fields["date"].disabled = True


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["problems", "approaches"]
        widgets = {"problems": forms.Textarea(attrs={"rows": 6}), "approaches": forms.Textarea(attrs={"rows": 6})}


StepFormSet = inlineformset_factory(
    Review, Step, fields=["description", "starts_on", "due_on"], extra=2, can_delete=True,
    widgets={"starts_on": DATE, "due_on": DATE}, max_num=40, validate_max=True,
    field_classes={"starts_on": PlausibleDayField, "due_on": PlausibleDayField},
)


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["target", "description", "responsible", "due_on", "state", "closed_on", "outcome"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}), "outcome": forms.Textarea(attrs={"rows": 2}),
            "due_on": DATE, "closed_on": DATE,
        }
        help_texts = {"closed_on": _("Left empty when an action is closed: today.")}
        field_classes = {"due_on": PlausibleDayField, "closed_on": PlausibleDayField}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = meeting.targets_reviewed()
        self.fields["target"].empty_label = _("— other business —")
        self.fields["responsible"].queryset = Unit.objects.order_by("kind", "code")
        self.instance.meeting = meeting
        if not self.instance.pk:
            del self.fields["state"], self.fields["closed_on"], self.fields["outcome"]
