"""The 班前会 list as an Excel workbook (formulas neutralised, text cells stay text)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from quizbank.formats.excel import neutralise_formula as neutralise
from webapp.analysis.service import Missed


def briefing_xlsx(questions: Sequence[Missed], sections: Sequence[Missed], scope: str) -> bytes:
    def frame(rows: Sequence[Missed], first: str) -> pd.DataFrame:
        df = pd.DataFrame(
            [(m.label, m.asked, m.wrong, round(100 * m.wrong_share, 1)) for m in rows],
            columns=[first, "作答次数", "答错次数", "答错率%"],
        )
        return df.map(neutralise) if len(df) else df

    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame(questions, "题目").to_excel(writer, sheet_name="易错题", index=False)
        frame(sections, "手册章节").to_excel(writer, sheet_name="易错章节", index=False)
        pd.DataFrame([("范围", neutralise(scope))], columns=["项目", "说明"]).to_excel(
            writer, sheet_name="说明", index=False
        )
        for name in ("易错题", "易错章节"):
            sheet = writer.sheets[name]
            sheet.column_dimensions["A"].width = 60
            for row in sheet.iter_rows(min_row=2):
                for c in row:
                    if isinstance(c.value, str):
                        c.data_type = "s"
    return out.getvalue()
