"""Upload previews: a file read once, shown for confirmation, then committed (the bank's and the roster's
two-step imports)."""
