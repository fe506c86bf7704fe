"""Inspections (检查): open an inspection at a department, spot-test workers in kiosk mode, record 三违,
close with a report. The blueprint lives in `webapp.inspections.views`; tables in `.models`."""
