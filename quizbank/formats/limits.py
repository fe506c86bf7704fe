"""What one file may cost to read: bounds checked before unpacking and while reading.

A web upload or a command-line import passes `ReadLimits` (the defaults suit a bank of 100,000
questions); a file beyond any bound is refused as a whole with a Chinese message saying which bound
and by how much, before the cost is paid: the file's size and the zip's central directory (total
unpacked size, number of sheets, each part's size and compression ratio) before anything is
unpacked; a sheet's extent before its rows are read; text's lines before they are parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on one file. `max_cells` counts every cell of each sheet's used range (empty ones too):
    that is what the reader holds in memory for a sheet."""

    max_bytes: int = 50 * MB  # the file as uploaded
    max_unpacked: int = 300 * MB  # an xlsx's parts unpacked, together
    max_ratio: float = 100  # an xlsx part's unpacked ÷ packed size (parts compress ~5–30×)
    ratio_check_from: int = 1 * MB  # tiny parts may compress well; only large ones can hurt
    max_sheets: int = 50
    max_cells: int = 4_000_000  # 100,000 questions × 12 columns, with room to spare
    max_lines: int = 1_000_000  # csv and text formats

    def replace(self, **changes: object) -> ReadLimits:
        """These limits with some changed; None values leave a bound as it is."""
        from dataclasses import replace

        return replace(self, **{k: v for k, v in changes.items() if v is not None})


DEFAULT_LIMITS = ReadLimits()


def size(n: float) -> str:
    """Bytes for a message: ``3.2 MB``."""
    return f"{n / MB:.1f} MB" if n < 10 * MB else f"{n / MB:.0f} MB"
