"""OKRs of each unit, bound to targets, and the projects/activities bound to OKRs."""
