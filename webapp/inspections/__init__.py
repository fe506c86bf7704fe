"""Inspections (检查): open an inspection at a department, spot-test workers in kiosk mode, record 三违,
close with a report. Pages in `.routes` (the blueprint), JSON in `.api` with its fragment in `.openapi`,
tables in `.models`, use cases in `.service`."""
