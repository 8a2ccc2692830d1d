"""Who may do what in the web console (read without the database: the CLI's options)."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything
    EXPERT = "expert"  # their own sessions
    RECEPTIONIST = "receptionist"  # the inbox and the calendar; registers walk-ins
    LEADERSHIP = "leadership"  # the department's leaders: the reports, read only


ROLES = tuple(Role)
# Who works the clinic's day (the inbox, the calendar, a booking's page); leaders read reports.
CLINIC_ROLES = (Role.ADMIN, Role.EXPERT, Role.RECEPTIONIST)
