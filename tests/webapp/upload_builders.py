"""Crafted xlsx files for the upload-bound tests, written part by part (streamed: a 1 GB part costs no
memory here): many sheets, a huge shared-strings part, a zip bomb, a sheet declaring millions of cells.
`padding` controls how well a part compresses: "bomb" (thousands of times) or "under_ratio" (~60×, just
under the readers' per-part ratio check, like the attack in issue 8)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _padding(out: BinaryIO, size: int, kind: str) -> None:
    """`size` bytes of an XML comment's inside that compress as `kind` says."""
    chunk = 1 * MB
    while size > 0:
        n = min(chunk, size)
        if kind == "bomb":
            out.write(b"a" * n)
        else:  # ~60×: runs of one letter broken by a few random hex digits
            block = bytearray()
            while len(block) < n:
                block += b"a" * 500 + os.urandom(3).hex().encode()
            out.write(bytes(block[:n]))
        size -= n


def crafted_xlsx(
    target: Path | io.BytesIO,
    *,
    sheets: int = 1,
    sheet_padding: int = 0,
    shared_strings_padding: int = 0,
    padding: str = "under_ratio",
    dimension: str | None = None,
    header: tuple[str, ...] = ("题型", "题干", "选项A", "选项B", "答案"),
    strings_in_cells: bool = False,
) -> None:
    """With `strings_in_cells` the shared-strings padding is one string a cell of row 2 shows (the reader
    must hold it), else it sits in an XML comment (the reader skips it, the zip still counts it)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, sheets + 1)
        )
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sharedStrings+xml"/>{overrides}</Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheet_list = "".join(
            f'<sheet name="表{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1)
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {REL_NS}><sheets>{sheet_list}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        rels += (
            f'<Relationship Id="rId{sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{rels}</Relationships>',
        )
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(header) + 1}">'.encode())
            for text in header:
                out.write(f"<si><t>{text}</t></si>".encode())
            out.write(b"<si><t>" if strings_in_cells else b"<!--")
            _padding(out, shared_strings_padding, padding)
            out.write(b"</t></si></sst>" if strings_in_cells else b"--></sst>")
        for i in range(1, sheets + 1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                dim = f'<dimension ref="{dimension}"/>' if dimension else ""
                cells = "".join(f'<c r="{chr(65 + j)}1" t="s"><v>{j}</v></c>' for j in range(len(header)))
                row2 = (
                    f'<row r="2"><c r="B2" t="s"><v>{len(header)}</v></c></row>' if strings_in_cells else ""
                )
                out.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>'
                    f'<row r="1">{cells}</row>{row2}</sheetData><!--'.encode()
                )
                _padding(out, sheet_padding, padding)
                out.write(b"--></worksheet>")


def crafted_bytes(**kwargs) -> bytes:
    out = io.BytesIO()
    crafted_xlsx(out, **kwargs)
    return out.getvalue()
