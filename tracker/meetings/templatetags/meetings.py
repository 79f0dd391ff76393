"""Template filters of the meeting pages: signed changes, and an action's state on a day."""
from django import template

from tracker.lib.formatting import signed

register = template.Library()
register.filter("signed", signed)


@register.filter
def overdue_on(action, day):
    return action.is_overdue_on(day)


@register.filter
def state_on(action, day):
    return action.state_on(day)
