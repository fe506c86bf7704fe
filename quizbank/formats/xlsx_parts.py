"""A long worksheet read in parts, so that calamine parses the next part while the caller reads this one.

calamine parses a whole sheet before it hands over the first row (~0.9 s for 100,000 rows of inline
text), and it lets go of the GIL while it parses. So a worksheet part of `SPLIT_FROM` bytes or more is
cut at row starts into parts of about `PART_BYTES` of XML; each part goes into a small workbook of its
own (the original's workbook, relationships, styles and shared strings, and the sheet's head, the rows
and a closing tag), and a thread unpacks and parses part k + 1 while the caller reads the rows of part
k. On two cores the parse then overlaps the Python that reads the rows instead of coming before it.

A cut must not change what is read. A sheet is cut only where its ``<sheetData>`` and ``<row `` tags carry
no namespace prefix and every row where a part starts says its number (``r="…"``); small shared strings
only (`STRINGS_AT_MOST`). A ``<row `` that is not a tag (text in a CDATA section, a comment) would leave
the part before the cut unclosed, which calamine refuses. Whatever is refused, before or during the read
(that, a damaged part, a workbook calamine will not open), raises `Unsplittable`, and the caller reads
the workbook whole, as if it had never been cut.
"""

from __future__ import annotations

import contextlib
import io
import queue
import re
import sys
import threading
import zipfile
from collections.abc import Iterator, Sequence
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

SPLIT_FROM = 8 * 1024 * 1024  # a sheet part smaller than this parses in well under 0.1 s: read it whole
PART_BYTES = 4 * 1024 * 1024  # ~6,000 rows of inline text: small enough that the first part is soon ready

# Each part's workbook parses the shared strings again, and a sheet of shared strings parses quickly (its
# cells are numbers): with more strings than this, the parts cost more than they save (measured: 100,000
# rows with 8.7 MB of strings, 1.8 s read whole, 2.0 s in parts).
STRINGS_AT_MOST = 1024 * 1024

_OFFICE_DOCUMENT = "/relationships/officeDocument"
_ROW_NUMBERED = re.compile(rb"<row\s(?:[^>]*\s)?r\s*=\s*[\"']\d+[\"']")
_HEAD_LIMIT = 1024 * 1024  # where <sheetData> must have started: a sheet's head is views, columns, formats


# A part once parsed: the 0-based (row, column) of its first used cell (None when it has none) and its rows
# from there, as `CalamineSheet.to_python` gives them.
Part = tuple[tuple[int, int] | None, Sequence[Sequence[object]]]


class Unsplittable(Exception):
    """The workbook cannot be read in parts here; read it whole."""


def _workbook_folder(zf: zipfile.ZipFile) -> str:
    """Where calamine looks for ``workbook.xml``, its relationships, styles and shared strings: the folder of
    the last main-document relationship in ``_rels/.rels`` (``xl/`` when there is none)."""
    targets = [
        t for t, kind in _relationships(_read(zf, "_rels/.rels")).values() if kind.endswith(_OFFICE_DOCUMENT)
    ]
    if not targets:
        return "xl/"
    target = targets[-1]
    return target[: target.rfind("/") + 1].removeprefix("/")


def sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name → its part in the zip, resolved as calamine resolves it (src/xlsx/mod.rs: the
    workbook folder's ``workbook.xml`` and ``_rels/workbook.xml.rels``, the last ``id`` attribute of a sheet,
    a relative target joined to the folder as it is). Raises `Unsplittable` when any of that is missing
    (its callers take any other error, a damaged part's, as Unsplittable too)."""
    folder = _workbook_folder(zf)
    rels = _relationships(_read(zf, f"{folder}_rels/workbook.xml.rels"))
    workbook = ElementTree.fromstring(_read(zf, f"{folder}workbook.xml"))
    paths: dict[str, str] = {}
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = [v for k, v in element.attrib.items() if _local(k) == "id"][-1:] or [""]
        target, kind = rels.get(rel_id[0], ("", ""))
        if kind.rpartition("/")[2] == "worksheet":
            paths[element.get("name", "")] = target[1:] if target.startswith("/") else f"{folder}{target}"
    return paths


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    """The part `name`, found as calamine finds parts (ignoring case); Unsplittable when there is none."""
    info = _entry(zf, name)
    if info is None:
        raise Unsplittable(f"no {name} in the workbook")
    return zf.read(info)


def _entry(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member `name`, its case ignored; Unsplittable when several match (which one calamine reads is
    its zip library's choice)."""
    wanted = name.lower()
    found = [i for i in zf.infolist() if i.filename.lower() == wanted]
    if len(found) > 1:
        raise Unsplittable(f"{len(found)} members named {name}")
    return found[0] if found else None


def _relationships(xml: bytes) -> dict[str, tuple[str, str]]:
    return {
        e.get("Id", ""): (e.get("Target", ""), e.get("Type", ""))
        for e in ElementTree.fromstring(xml).iter()
        if _local(e.tag) == "Relationship"
    }


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def parts_of(
    zf: zipfile.ZipFile, part: zipfile.ZipInfo | str, part_bytes: int = PART_BYTES
) -> Iterator[bytes]:
    """The XML of `part` (a worksheet) as whole worksheets of about `part_bytes` each, the first a quarter of
    that (the reader waits for it): the sheet's head, some of its rows, and a closing
    ``</sheetData></worksheet>`` (the last part keeps the real tail)."""
    with zf.open(part) as f:
        buffer = b""
        head = None
        done = False
        while not done:
            size = part_bytes if head is not None else max(part_bytes // 4, 1)
            block = f.read(size)
            done = len(block) < size  # a zip member reads short only at its end
            buffer += block
            if head is None:
                start = buffer.find(b"<sheetData>", 0, _HEAD_LIMIT)
                if start < 0:
                    if done or len(buffer) > _HEAD_LIMIT:
                        raise Unsplittable("no plain <sheetData> in the sheet's first megabyte")
                    continue
                start += len(b"<sheetData>")
                head, buffer = buffer[:start], buffer[start:]
            if done:
                yield head + buffer
                return
            cut = buffer.rfind(b"<row ")
            if cut > 0 and buffer.find(b">", cut) < 0:  # the block ends inside that row's tag
                cut = buffer.rfind(b"<row ", 0, cut)
            if cut <= 0:
                continue  # one row longer than a part: read on
            if _ROW_NUMBERED.match(buffer, cut) is None:
                raise Unsplittable("a row without its number")
            yield head + buffer[:cut] + b"</sheetData></worksheet>"
            buffer = buffer[cut:]


def _kept(zf: zipfile.ZipFile) -> list[tuple[str, bytes]]:
    """What each part's workbook carries beside the part: the parts calamine reads to open a workbook and
    read a sheet's values, found as it finds them (not ``[Content_Types].xml``: calamine does not read it).
    Nothing else: where this module and calamine would disagree on which part is a sheet, calamine then
    finds no sheet, and the workbook is read whole."""
    folder = _workbook_folder(zf)
    wanted = ["_rels/.rels", f"{folder}workbook.xml", f"{folder}_rels/workbook.xml.rels"]
    optional = [f"{folder}styles.xml", f"{folder}sharedStrings.xml"]
    kept = [(name, _read(zf, name)) for name in wanted]
    return kept + [(info.filename, zf.read(info)) for name in optional if (info := _entry(zf, name))]


def _workbook(kept: list[tuple[str, bytes]], path: str, xml: bytes) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, content in kept:
            z.writestr(name, content)
        z.writestr(path, xml)
    out.seek(0)
    return out


def long_sheets(zf: zipfile.ZipFile) -> set[str]:
    """The worksheets worth reading in parts (`SPLIT_FROM` bytes of XML or more), by name."""
    if not any(i.file_size >= SPLIT_FROM for i in zf.infolist()):
        return set()
    try:
        paths = sheet_paths(zf)
        strings = _entry(zf, f"{_workbook_folder(zf)}sharedStrings.xml")
    except Exception:  # noqa: BLE001 — whatever is odd here, the whole read meets it and says so
        return set()
    if strings is not None and strings.file_size > STRINGS_AT_MOST:
        return set()
    sizes = {i.filename.lower(): i.file_size for i in zf.infolist()}
    return {name for name, path in paths.items() if sizes.get(path.lower(), 0) >= SPLIT_FROM}


def parts(data: bytes, name: str, part_bytes: int | None = None) -> Iterator[Part]:
    """Each part of the worksheet `name` of the xlsx `data` once calamine has parsed it, its parts in the
    order of their rows; a thread unpacks and parses one part ahead of the reader.

    Raises `Unsplittable` (before or between parts) when the sheet cannot be read this way."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            info = _entry(zf, sheet_paths(zf).get(name, "\0"))
            if info is None:
                raise Unsplittable(f"no worksheet part for {name}")
            kept = _kept(zf)
        except Unsplittable:
            raise
        except Exception as e:  # a damaged member (zlib.error, EOFError, …): the whole read says what it is
            raise Unsplittable(repr(e)) from e
        ready: queue.Queue = queue.Queue(maxsize=1)
        stop = threading.Event()

        def parse() -> None:
            try:
                for xml in parts_of(zf, info, part_bytes or PART_BYTES):
                    # calamine does not check that end tags match (quick-xml's check_end_names is off), but it
                    # reads each part to its end (the merged cells after the rows), so a cut that left a
                    # CDATA section or a comment open fails here
                    book = CalamineWorkbook.from_filelike(_workbook(kept, info.filename, xml))
                    if not _put(ready, book.get_sheet_by_name(name), stop):
                        return
                _put(ready, None, stop)
            except BaseException as e:  # handed to the reader, which reads the workbook whole
                _put(ready, e if isinstance(e, Unsplittable) else Unsplittable(repr(e)), stop)

        worker = threading.Thread(target=parse, name=f"xlsx-parts-{name}", daemon=True)
        try:
            with _switching_often():
                worker.start()
                last_row = -1
                while (sheet := ready.get()) is not None:
                    if isinstance(sheet, Unsplittable):
                        raise sheet
                    # Here, not in the worker: making the rows holds the GIL either way, and here it is not
                    # handed over.
                    start, rows = sheet.start, sheet.to_python(skip_empty_area=True)
                    del sheet
                    if start is None or not rows:
                        continue
                    # The whole sheet is one grid, in row order, a repeated row read once: parts give the same
                    # only while each starts below the last.
                    if start[0] <= last_row:
                        raise Unsplittable("rows out of order across parts")
                    last_row = start[0] + len(rows) - 1
                    yield start, rows
        finally:
            stop.set()  # the worker sees it within one put's timeout, or when its parse ends
            if worker.is_alive():
                worker.join()


_SWITCH_INTERVAL = 0.0002  # seconds; Python's default is 0.005
_switching = threading.Lock()
_readers = 0
_interval_before = 0.0


@contextlib.contextmanager
def _switching_often() -> Iterator[None]:
    """Python's thread switch interval shortened while any sheet is read in parts.

    The worker takes the GIL for moments (to unpack a block, to hand a part over) between long stretches
    without it; at the default 5 ms a moment costs up to 5 ms of waiting for the reader to let go, and the
    worker falls behind (measured: 100,000 rows 2.1-2.3 s at 5 ms, 1.3-1.5 s at 0.2 ms)."""
    global _readers, _interval_before
    with _switching:
        if _readers == 0:
            _interval_before = sys.getswitchinterval()
            sys.setswitchinterval(_SWITCH_INTERVAL)
        _readers += 1
    try:
        yield
    finally:
        with _switching:
            _readers -= 1
            if _readers == 0:
                sys.setswitchinterval(_interval_before)


def _put(ready: queue.Queue, item: object, stop: threading.Event) -> bool:
    """Hand `item` to the reader; False when the reader has stopped reading."""
    while not stop.is_set():
        try:
            ready.put(item, timeout=0.05)
            return True
        except queue.Full:
            continue
    return False
