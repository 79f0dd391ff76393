"""Who may do what: the one place that decides every write (and who may open a staff page).

Views ask ``permissions_for(request.user)`` and never look at roles themselves. Roles come
from ``Membership`` rows, read once per request:

* *reporter* of a unit: enters that unit's results;
* *verifier* of a host bureau: verifies or returns the results of the targets it hosts, and
  shares its targets out to the districts (allocations);
* *coordinator* (Strategy and Evaluation): sees every unit's reporting, closes or reopens
  months, and runs every bureau's follow-up meetings (a bureau's verifiers run its own);
* *viewer* (advisers, executives): reads;
* Django's superuser: the admin, allowed everything (and the only one allowed in Django's admin).
"""
from django.core.exceptions import PermissionDenied

from tracker.org.models import Membership, Role


class Permissions:
    def __init__(self, user):
        self.user = user
        self.is_admin = bool(user.is_authenticated and user.is_active and user.is_superuser)
        self.roles = set()
        if user.is_authenticated and user.is_active:
            self.roles = set(Membership.objects.filter(user=user).values_list("unit_id", "role"))

    def _has(self, role, unit_id=None):
        return any(r == role and (unit_id is None or u == unit_id) for u, r in self.roles)

    @property
    def is_staff_member(self):
        """Signed in with any role (or the admin): may open the staff pages at all."""
        return self.is_admin or bool(self.roles)

    @property
    def is_coordinator(self):
        return self.is_admin or self._has(Role.COORDINATOR)

    def units_reported(self):
        """Ids of the units this person reports for."""
        return sorted(u for u, r in self.roles if r == Role.REPORTER)

    def bureaus_verified(self):
        return sorted(u for u, r in self.roles if r == Role.VERIFIER)

    def may_report(self, unit):
        return self.is_admin or self._has(Role.REPORTER, unit.pk)

    def may_see_report(self, unit):
        """The report grid of ``unit``, read-only unless ``may_report``: its own people,
        coordinators and viewers, and the host bureaus' verifiers — for the rows of the targets
        their bureau hosts only (``hosts_seen_in_report``)."""
        return self.hosts_seen_in_report(unit) is None or bool(self.bureaus_verified())

    def hosts_seen_in_report(self, unit):
        """Whose targets' rows of ``unit``'s report grid this person reads: None for every row (its
        own people, coordinators, viewers); otherwise the ids of the bureaus they verify."""
        if self.may_report(unit) or self.is_coordinator or self._has(Role.VIEWER):
            return None
        return set(self.bureaus_verified())

    def may_verify(self, target):
        return self.is_admin or self._has(Role.VERIFIER, target.host_id)

    def may_see_verification(self, target):
        return self.may_verify(target) or self.is_coordinator or self._has(Role.VIEWER)

    def may_allocate(self, target):
        return self.is_admin or self._has(Role.VERIFIER, target.host_id)

    def may_see_allocations(self, target):
        return self.may_allocate(target) or self.is_coordinator or self._has(Role.VIEWER)

    def may_edit_okrs(self, unit):
        """Create and edit ``unit``'s OKRs and update its projects: its reporters, or the admin."""
        return self.is_admin or self._has(Role.REPORTER, unit.pk)

    def may_see_okrs(self, unit, host_ids=()):
        """``unit``'s OKR page, read-only unless ``may_edit_okrs``: coordinators, viewers, and the
        verifiers of a bureau hosting one of the targets its OKRs serve (``host_ids``)."""
        return (
            self.may_edit_okrs(unit) or self.is_coordinator or self._has(Role.VIEWER)
            or any(self._has(Role.VERIFIER, host_id) for host_id in host_ids)
        )

    def may_close_months(self):
        return self.is_coordinator

    def may_import(self, unit):
        """Import results for ``unit``: its reporters, or a coordinator for any unit."""
        return self.may_report(unit) or self.is_coordinator

    def may_see_compliance(self):
        """Who has reported: coordinators chase every unit; host bureaus' verifiers chase their targets."""
        return self.is_coordinator or self._has(Role.VERIFIER)

    def may_send_reminders(self):
        return self.is_coordinator

    def may_run_meetings(self, host=None):
        """Create the follow-up meetings of ``host`` and edit their agenda, reviews and actions: its
        verifiers and the coordinators (with ``host`` None: of any bureau at all)."""
        if self.is_coordinator:
            return True
        return self._has(Role.VERIFIER) if host is None else self._has(Role.VERIFIER, host.pk)

    def bureaus_run(self):
        """Ids of the bureaus whose meetings this person may run; None for every bureau."""
        return None if self.is_coordinator else self.bureaus_verified()

    @staticmethod
    def require(allowed):
        if not allowed:
            raise PermissionDenied


def permissions_for(user):
    return Permissions(user)
