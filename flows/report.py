"""The shape of the department's yearly report (pure): its periods, and the words its pages
and files use for each figure (the staff catalogue's [report])."""

FORMATS = ("json", "csv", "xlsx", "pdf")  # the files the report comes as

UNRECORDED = "tidak_dicatat"  # a service whose type, area or expert was not written down

# The department's four-month periods (caturwulan) and the survey's semesters: (name, first
# month, last month).
PERIODS = (("I", 1, 4), ("II", 5, 8), ("III", 9, 12))
SEMESTERS = (("I", 1, 6), ("II", 7, 12))
