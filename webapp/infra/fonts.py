"""The CJK font PDFs embed (certificates, inspection reports), looked up once per request that needs it.

Config: ``CJK_FONT`` (a path) or else ``CJK_FONT_CANDIDATES`` (paths to try; unset: $QUIZBANK_CJK_FONT, then
the usual places, see quizbank.certificates.pdf). Without a usable font a PDF route answers 503 with a
Chinese message saying what to install, never a 500; `quizbank serve` says the same at start."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from quizbank.certificates.pdf import FONT_ENV, FontNotFound, find_cjk_font, register_font

INSTALL_HINT = (
    "Debian/Ubuntu：sudo apt-get install fonts-wqy-zenhei（文泉驿正黑，TrueType，可嵌入 PDF；"
    "fonts-noto-cjk 的字体是 CFF 轮廓，无法嵌入）；其他系统请设置环境变量 "
    f"{FONT_ENV}=/字体路径.ttf 或 .ttc（TrueType 轮廓，如 simhei.ttf），然后重启服务。"
)
MISSING = "服务器没有可嵌入 PDF 的中文字体，暂时无法生成 PDF。请管理员安装字体：" + INSTALL_HINT


def cjk_font_path(app: Flask | None = None) -> Path:
    """The font's path; FontNotFound when there is none."""
    config = (app or current_app).config
    if config.get("CJK_FONT"):
        path = Path(config["CJK_FONT"])
        if not path.is_file():
            raise FontNotFound(f"CJK_FONT {path} 不存在")
        return path
    return find_cjk_font(config.get("CJK_FONT_CANDIDATES"))


def cjk_font_name() -> str:
    """The registered reportlab name of the font (registering it on first use)."""
    return register_font(cjk_font_path())


def startup_problem(app: Flask) -> str | None:
    """What `quizbank serve` prints at start when PDFs cannot be made, else None."""
    try:
        register_font(cjk_font_path(app))
    except FontNotFound as e:
        return f"注意：没有找到可嵌入 PDF 的中文字体（{e}），合格证和检查报告的 PDF 将无法生成。\n  安装：{INSTALL_HINT}"
    return None


def init_app(app: Flask) -> None:
    from webapp.infra.errors import error_response

    @app.errorhandler(FontNotFound)
    def _font_missing(_e: FontNotFound):
        return error_response(503, "font_missing", MISSING)
