"""The meeting pages: the list, a meeting's agenda, and the forms that set it up and keep it.

Everyone who may read the dashboards reads the meetings; a bureau's verifiers and the
coordinators create its meetings and edit their header, reviews, steps and actions. Every write
goes through :mod:`tracker.meetings.recording`; a form with an error is shown again as typed and
nothing is saved.
"""
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.lib.converters import CODE_PATTERN
from tracker.meetings import agenda as agendas
from tracker.meetings.forms import ActionForm, MeetingForm, ReviewForm, StepFormSet
from tracker.meetings.models import Action, Meeting
from tracker.meetings.recording import create_meeting, record_action, record_meeting, record_review, take_figures
from tracker.org.models import Bureau
from tracker.org.permissions import permissions_for
from tracker.targets.rules import Band

NOT_SAVED = "Nothing was saved: correct the marked fields and save again. What you typed is kept."


def _posted(request):
    return request.POST if request.method == "POST" else None


def meeting_list(request):
    today = timezone.localdate()
    meetings = Meeting.objects.select_related("host").annotate(
        targets=Count("reviews", distinct=True),
        open_actions=Count("actions", filter=Q(actions__closed_on__isnull=True), distinct=True),
    ).order_by("-date", "host__code")
    host = request.GET.get("bureau", "")
    if not re.fullmatch(CODE_PATTERN, host):  # a code, or no filter (a NUL byte would reach the database)
        host = ""
    if host:
        meetings = meetings.filter(host__code=host)
    permissions = permissions_for(request.user)
    return render(request, "meetings/list.html", {
        "meetings": meetings, "today": today, "bureaus": Bureau.objects.filter(meetings__isnull=False).distinct(),
        "bureau": host, "may_create": permissions.may_run_meetings(),
    })


def meeting_or_404(pk):
    return get_object_or_404(Meeting.objects.select_related("host"), pk=pk)


def meeting_detail(request, pk):
    meeting = meeting_or_404(pk)
    permissions = permissions_for(request.user)
    return render(request, "meetings/meeting.html", {
        "agenda": agendas.load(meeting), "meeting": meeting, "bands": list(Band), "today": timezone.localdate(),
        "may_edit": permissions.may_run_meetings(meeting.host),
    })


def _form_page(request, form, title, meeting=None, extra=None, status=None):
    if status is None:
        status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        messages.error(request, _(NOT_SAVED))
    return render(request, "meetings/form.html", {"form": form, "title": title, "meeting": meeting, **(extra or {})}, status=status)


@login_required
def meeting_new(request):
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_run_meetings())
    hosts = permissions.bureaus_run()
    if request.method == "POST" and hosts is not None:  # a bureau the form never offered them
        permissions.require(request.POST.get("host") in {str(pk) for pk in hosts})
    form = MeetingForm(_posted(request), hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = create_meeting(form.instance, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting and its agenda are ready: one review per target, with the figures as of the meeting day."))
            return redirect("meetings:meeting", pk=meeting.pk)
    return _form_page(request, form, _("New follow-up meeting"))


@login_required
def meeting_edit(request, pk):
    meeting = meeting_or_404(pk)
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_run_meetings(meeting.host))
    form = MeetingForm(_posted(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            record_meeting(form.instance, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:meeting", pk=meeting.pk)
    return _form_page(request, form, _("The meeting"), meeting)


@login_required
@require_POST
def meeting_figures(request, pk):
    meeting = meeting_or_404(pk)
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_run_meetings(meeting.host))
    try:
        take_figures(meeting, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The figures were taken again, as of today."))
    return redirect("meetings:meeting", pk=meeting.pk)


@login_required
def review_edit(request, pk, target_code):
    meeting = meeting_or_404(pk)
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_run_meetings(meeting.host))
    review = get_object_or_404(meeting.reviews.select_related("target"), target__code=target_code)
    form = ReviewForm(_posted(request), instance=review)
    steps = StepFormSet(_posted(request), instance=review, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        changed = [(f.instance, f in steps.deleted_forms) for f in steps.forms if f.has_changed() or f in steps.deleted_forms]
        changed = [(step, delete) for step, delete in changed if step.pk or not delete]
        try:
            with transaction.atomic():
                record_review(form.instance, changed, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{meeting_url(meeting)}#review-{review.target.code}")
    return _form_page(request, form, review.target.name, meeting, {"steps": steps, "review": review})


def meeting_url(meeting):
    return reverse("meetings:meeting", kwargs={"pk": meeting.pk})


@login_required
def action_edit(request, pk, number=None):
    meeting = meeting_or_404(pk)
    permissions = permissions_for(request.user)
    permissions.require(permissions.may_run_meetings(meeting.host))
    action = get_object_or_404(meeting.actions, number=number) if number else Action(meeting=meeting)
    form = ActionForm(_posted(request), instance=action, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            record_action(form.instance, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            anchor = f"#review-{action.target.code}" if action.target_id else "#actions"
            return redirect(meeting_url(meeting) + anchor)
    title = _("Action %(number)s") % {"number": action.number} if number else _("New action")
    return _form_page(request, form, title, meeting, {"action": action})
