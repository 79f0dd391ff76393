"""The rules of results, each once: which units may report on a target, and what a recorded result
must be. Pure functions of what the caller has loaded, so that one result (``Result.clean``, which
reads what they need) and thousands at once (the import, which reads it once) are judged alike.

Which results count, bands, status and the trajectory are the figures' rules:
``tracker.targets.progress`` (its docstring states them); who may move a result from which state to
which: ``tracker.targets.recording`` (``REPORTED``, ``REVIEWS``, ``change_error``).
"""
from django.db.models import Q
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

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
