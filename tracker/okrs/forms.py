"""The forms of a unit's OKR page: an OKR (new or changed) and a project's status, progress and OKRs.

Choices (targets, OKRs) are read once by the page and handed to every form, so that a page with
many forms still runs a constant number of queries.
"""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.lib.dates import DATE_INPUT, PlausibleDayField
from tracker.okrs.models import Okr, Project


class OkrForm(forms.ModelForm):
    target = forms.TypedChoiceField(label=_("Target"), coerce=int)

    class Meta:
        model = Okr
        fields = ["code", "name_th", "name_en", "target", "key_result_start", "key_result_target"]

    def __init__(self, *args, targets, **kwargs):
        """``targets``: the targets the unit carries or hosts (the OKR's own target is added if it is not one)."""
        super().__init__(*args, **kwargs)
        self.targets = {t.pk: t for t in targets}
        if self.instance.target_id and self.instance.target_id not in self.targets:
            self.targets[self.instance.target_id] = self.instance.target
        self.fields["target"].choices = [("", "—")] + [(t.pk, f"{t.code} {t.name}") for t in self.targets.values()]
        if self.instance.pk:
            del self.fields["code"]  # the code is the OKR's name in exports and links: it stays
            self.initial["target"] = self.instance.target_id

    def clean_target(self):
        return self.targets[self.cleaned_data["target"]]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        if target is not None:
            self.instance.fiscal_year = target.fiscal_year
        return cleaned


class ProjectForm(forms.ModelForm):
    okrs = forms.TypedMultipleChoiceField(
        label=_("Bound to OKRs"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = ["status", "progress", "last_reported_on"]
        widgets = {"last_reported_on": DATE_INPUT}
        field_classes = {"last_reported_on": PlausibleDayField}

    def __init__(self, *args, okrs, **kwargs):
        """``okrs``: the unit's OKRs (the project's own OKRs of other units are added); its OKRs prefetched."""
        super().__init__(*args, **kwargs)
        bound = list(self.instance.okrs.all())
        self.okrs = {o.pk: o for o in okrs}
        self.okrs.update((o.pk, o) for o in bound if o.pk not in self.okrs)
        self.fields["okrs"].choices = [(o.pk, f"{o.code} {o.name}") for o in self.okrs.values()]
        self.initial["okrs"] = [o.pk for o in bound]
        self.fields["progress"].widget.attrs.update(min=0, max=100)

    def clean_okrs(self):
        return [self.okrs[pk] for pk in self.cleaned_data["okrs"]]

    def clean_last_reported_on(self):
        day = self.cleaned_data["last_reported_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The last report cannot be dated after today."))
        return day
