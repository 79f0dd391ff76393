"""The rules of results, each once: which units may report on a target, and what a recorded result
must be. Pure functions of what the caller has loaded, so that one result (``Result.clean``, which
reads what they need) and thousands at once (the import, which reads it once) are judged alike.

And the figures' rules: which results count (``COUNTED_STATES``), the bands, the baseline and the
status against the trajectory; ``tracker.targets.progress`` applies them (its docstring says how
results are summed as of a day). Who may move a result from which state to which:
``tracker.targets.recording`` (``REPORTED``, ``REVIEWS``, ``change_error``).

* **Bands.** A unit's result ÷ its allocation: at or above the target's upper threshold is
  ``high``; at or above the lower threshold is ``middle``; below is ``low``; a unit with an
  allocation and no report yet is ``none``. Level targets with no allocation use the target value.
* **Baseline.** A cumulative target counts from zero. A level target starts from its baseline:
  the level entered on the target, or else the mean of the units' first reports of the period.
* **Status.** The straight line from the baseline at the start to the target value at the
  deadline gives the value expected on a date ("expected by now"). No result counted yet: *not
  reporting yet*. At or above 100 %: *achieved*. After the deadline and below 100 %: *missed*.
  Otherwise, measured as the gain made since the baseline: at or above the line's gain: *on
  track*; at or above three quarters of it: *at risk*; below that: *off track*.
"""
import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.lib import fiscal

# A result's note (problems and obstacles) and a verifier's reason: a few paragraphs, not a file.
NOTE_LENGTH = 2_000


def note_error(note):
    """Why a result's ``note`` cannot be kept, or None: the one rule for every way of writing."""
    note = note or ""
    if "\x00" in note:  # PostgreSQL cannot store it; pasted text sometimes carries one.
        return _("The note contains an invisible NUL character; remove it (retype the note) and save again.")
    if len(note) > NOTE_LENGTH:
        return _("A note may be at most %(max)s characters long; this one has %(length)s. Shorten it and save again.") % {
            "max": f"{NOTE_LENGTH:,}", "length": f"{len(note):,}",
        }
    return None


def reason_error(reason):
    """Why a verifier's reason for returning a result cannot be kept, or None."""
    if "\x00" in reason:
        return _("The reason contains an invisible NUL character; remove it (retype the reason) and save again.")
    if len(reason) > NOTE_LENGTH:
        return _("A reason may be at most %(max)s characters long; this one has %(length)s.") % {
            "max": f"{NOTE_LENGTH:,}", "length": f"{len(reason):,}",
        }
    return None


# Who may report ----------------------------------------------------------------------------------
# A target shared out to districts is reported by the districts that carry an allocation of it; any
# other target by its host, or by a unit given an allocation of it.

def reporting_units(target, allocated, districts):
    """The ids of the units that may report on ``target``: ``allocated``, the ids of the units with
    an allocation of it; ``districts``, the ids of the districts among the units in question."""
    if target.districts_carry:
        return set(districts).intersection(allocated)
    return {target.host_id, *allocated}


def reports_on(unit):
    """The ``Q`` of the targets ``unit`` may report on (``reporting_units`` in a query)."""
    allocated = Q(allocations__unit=unit)
    if unit.is_district:
        return Q(districts_carry=True) & allocated
    return Q(districts_carry=False) & (Q(host=unit) | allocated)


def reporting_error(target, unit, allocated):
    """Why ``unit`` may not report on ``target`` (``allocated``: whether it has an allocation of it), or None."""
    if target.districts_carry:
        if not unit.is_district:
            return _("%(target)s is reported by the district offices, not by %(unit)s.") % {
                "target": target.code, "unit": unit.name,
            }
        if not allocated:
            return _("%(unit)s has no allocation of %(target)s, so it has nothing to report on it.") % {
                "target": target.code, "unit": unit.name,
            }
    elif unit.pk != target.host_id and not allocated:
        return _("%(target)s is reported by its host, %(host)s.") % {"target": target.code, "host": target.host.name}
    return None


# What a result must be ---------------------------------------------------------------------------

def period_error(target, period, closed, today):
    """Why ``target`` cannot have a result of the month ``period`` (``closed``: whether that month is
    closed), or None."""
    language = get_language() or "th"
    if not (target.first_period() <= period <= target.last_period()):
        return _("%(target)s runs from %(first)s to %(last)s; %(month)s is outside it.") % {
            "target": target.code,
            "first": fiscal.format_month(target.first_period(), language),
            "last": fiscal.format_month(target.last_period(), language),
            "month": fiscal.format_month(period, language),
        }
    if closed:
        return _("%(month)s is closed for reporting; ask Strategy and Evaluation to reopen it.") % {
            "month": fiscal.format_month(period, language),
        }
    if period > fiscal.month_start(today):
        return _("%(month)s has not begun yet; a month is reported once it has started.") % {
            "month": fiscal.format_month(period, language),
        }
    return None


def value_error(target, value):
    """Why ``value`` (a finite Decimal) cannot be a result of ``target``, or None."""
    if value < 0:
        return _("A result cannot be negative.")
    if target.is_percentage and value > 100:
        return _("A percentage must be between 0 and 100.")
    if value.normalize().as_tuple().exponent < -target.decimals:
        if not target.decimals:
            return _("%(target)s is counted in whole numbers.") % {"target": target.code}
        return ngettext(
            "%(target)s is counted with at most %(n)d decimal place.",
            "%(target)s is counted with at most %(n)d decimal places.",
            target.decimals,
        ) % {"target": target.code, "n": target.decimals}
    return None


# The figures' rules --------------------------------------------------------------------------------

# Submitted and verified results count (``Result.State`` values); drafts, results returned for
# correction and deleted results never do.
COUNTED_STATES = ("submitted", "verified")

HUNDRED = Decimal(100)
ZERO = Decimal(0)
AT_RISK_SHARE = Decimal("0.75")


class Band(models.TextChoices):
    HIGH = "high", gettext_lazy("At or above the upper threshold")
    MIDDLE = "middle", gettext_lazy("Between the thresholds")
    LOW = "low", gettext_lazy("Below the lower threshold")
    NONE = "none", gettext_lazy("Not reported")


class Status(models.TextChoices):
    NOT_REPORTING = "not_reporting", gettext_lazy("Not reporting yet")
    ACHIEVED = "achieved", gettext_lazy("Achieved")
    ON_TRACK = "on_track", gettext_lazy("On track")
    AT_RISK = "at_risk", gettext_lazy("At risk")
    OFF_TRACK = "off_track", gettext_lazy("Off track")
    MISSED = "missed", gettext_lazy("Missed")


def percent_of(value, goal):
    """``value`` as a percent of ``goal``, unrounded; None when there is no goal."""
    if value is None or not goal:
        return None
    return Decimal(value) * HUNDRED / Decimal(goal)


def band_for(percent, band_low, band_high):
    """The band of a unit at ``percent`` of its allocation, between the target's thresholds."""
    if percent is None:
        return Band.NONE
    if percent >= band_high:
        return Band.HIGH
    if percent >= band_low:
        return Band.MIDDLE
    return Band.LOW


def elapsed_share(start, deadline, day):
    """How much of the period from ``start`` to ``deadline`` (both inclusive) has passed by the end of ``day``."""
    total = (deadline - start).days + 1
    done = (min(max(day, start - datetime.timedelta(days=1)), deadline) - start).days + 1
    return Decimal(done) / Decimal(total)


def expected_percent(start, deadline, day, baseline_percent=Decimal(0)):
    """The straight line from ``baseline_percent`` at the start to 100 at the deadline, on ``day``."""
    return baseline_percent + (HUNDRED - baseline_percent) * elapsed_share(start, deadline, day)


def status_for(percent, start, deadline, day, baseline_percent=Decimal(0), reported=True):
    """The one status rule (see the module docstring)."""
    if not reported:
        return Status.NOT_REPORTING
    percent = percent or Decimal(0)
    if percent >= HUNDRED:
        return Status.ACHIEVED
    if day > deadline:
        return Status.MISSED
    gained = percent - baseline_percent
    expected_gain = (HUNDRED - baseline_percent) * elapsed_share(start, deadline, day)
    if gained >= expected_gain:
        return Status.ON_TRACK
    if gained >= expected_gain * AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def baseline(target, first_sum, first_count):
    """The level a target starts from: entered on the target, or the mean of the units' first
    reports (``first_count`` of them, summing to ``first_sum``)."""
    if not target.is_level:
        return Decimal(0)
    if target.baseline is not None:
        return target.baseline
    return first_sum / first_count if first_count else Decimal(0)
