"""Template filters of the meeting pages: signed changes, and an action's state on a day."""
from django import template

from tracker.dashboard.templatetags.tracker import num

register = template.Library()


@register.filter
def signed(value, decimals=0):
    """A change with its sign: +3, −1.25 (a true minus sign), ±0."""
    if value is None:
        return "–"
    shown = num(abs(value), decimals)
    if value > 0:
        return f"+{shown}"
    if value < 0:
        return f"\u2212{shown}"
    return f"±{shown}"


@register.filter
def overdue_on(action, day):
    return action.is_overdue_on(day)


@register.filter
def state_on(action, day):
    return action.state_on(day)
