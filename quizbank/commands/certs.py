"""`quizbank certs verify TOKEN|URL|IMAGE` and `quizbank certs keygen`.

verify checks a certificate offline: the signature against the public key, and the expiry date.
Revocation and suspension live in the database and cannot be checked offline; the output says so.
Exit 0 valid (or expiring soon), 1 forged, unreadable or expired, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from quizbank.certificates.tokens import (
    PUBLIC_KEY_FILE,
    SIGNING_KEY_FILE,
    Claims,
    InvalidToken,
    ensure_signing_key,
    key_id,
    load_public_key,
    token_from_text,
    verify_token,
)
from quizbank.rules.policy import DEFAULT_POLICY

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}
OFFLINE_NOTE = "吊销状态无法离线核验 (revocation cannot be checked offline)"
STATUS_TEXT = {"valid": "有效 valid", "expiring": "即将到期 expiring soon", "expired": "已过期 expired"}


class UsageError(Exception):
    pass


def instance_folder() -> Path:
    return Path(os.environ.get("QUIZBANK_HOME") or "instance")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "certs",
        help="合格证：离线核验、生成签名密钥 / certificates: verify offline, make the signing key",
        description="合格证工具 / certificate tools.",
    )
    sub = parser.add_subparsers(dest="certs_command", metavar="ACTION")
    parser.set_defaults(run=lambda args: _help(parser))

    verify = sub.add_parser(
        "verify",
        help="离线核验合格证二维码 / check a certificate offline",
        description=(
            "用公钥离线核验合格证：令牌、核验网址或二维码图片。"
            " Check a certificate offline from the public key: a token, a verify URL or an image of the QR code."
            f" {OFFLINE_NOTE}."
        ),
    )
    verify.add_argument(
        "what", metavar="TOKEN|URL|IMAGE", help="令牌、核验网址或二维码图片 / token, URL or image file"
    )
    verify.add_argument(
        "--public-key",
        metavar="FILE",
        help=f"公钥文件（默认 $QUIZBANK_HOME/{PUBLIC_KEY_FILE}，QUIZBANK_HOME 默认 ./instance）",
    )
    verify.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    verify.add_argument(
        "--today", metavar="YYYY-MM-DD", help="按此日期判断是否过期（默认今天）/ judge expiry on this date"
    )
    verify.set_defaults(run=run_verify)

    keygen = sub.add_parser(
        "keygen",
        help="生成签名密钥（已有则保留）/ make the signing key pair if missing",
        description=f"在 DIR（默认 $QUIZBANK_HOME 或 ./instance）生成 {SIGNING_KEY_FILE} 和 {PUBLIC_KEY_FILE}；已有则不覆盖。",
    )
    keygen.add_argument("--out", metavar="DIR", help="密钥目录 / folder for the key files")
    keygen.set_defaults(run=run_keygen)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_keygen(args: argparse.Namespace) -> int:
    folder = Path(args.out) if args.out else instance_folder()
    existed = (folder / SIGNING_KEY_FILE).exists()
    try:
        key = ensure_signing_key(folder)
    except (OSError, ValueError) as e:
        print(f"quizbank certs keygen: {e}", file=sys.stderr)
        return 2
    state = "已存在，未覆盖 (kept the existing key)" if existed else "已生成 (created)"
    print(f"{folder / SIGNING_KEY_FILE}: {state}")
    print(f"{folder / PUBLIC_KEY_FILE}: 公钥 (public key), key id {key_id(key):02x}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    try:
        public_key = _public_key(args.public_key)
        today = date.fromisoformat(args.today) if args.today else _today()
        texts = _texts(args.what)
    except UsageError as e:
        print(f"quizbank certs verify: {e}", file=sys.stderr)
        return 2
    except ValueError:
        print(f"quizbank certs verify: --today {args.today!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2

    claims: Claims | None = None
    problem = "图片中没有找到二维码 (no QR code found in the image)"
    for text in texts:
        try:
            claims = verify_token(token_from_text(text), public_key)
            break
        except InvalidToken as e:
            problem = str(e)
    if claims is None:
        return _report_invalid(problem, args.json)

    days_left = (claims.expires - today).days
    if days_left < 0:
        status = "expired"
    elif days_left <= DEFAULT_POLICY.expiring_soon_days:
        status = "expiring"
    else:
        status = "valid"
    if args.json:
        print(
            json.dumps(
                {
                    "valid": status != "expired",
                    "status": status,
                    "serial": claims.serial,
                    "holder": claims.holder,
                    "post": claims.post,
                    "issued": claims.issued.isoformat(),
                    "expires": claims.expires.isoformat(),
                    "key_id": f"{claims.key_id:02x}",
                    "revocation_checked": False,
                    "note": OFFLINE_NOTE,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"签名 signature:    有效 valid (key {claims.key_id:02x})")
        print(f"证书编号 serial:   {claims.serial}")
        print(f"持证人 holder:     {claims.holder}")
        print(f"岗位 post:         {claims.post}")
        print(f"发证日期 issued:   {claims.issued.isoformat()}")
        print(f"有效期至 expires:  {claims.expires.isoformat()}")
        print(f"状态 status:       {STATUS_TEXT[status]}")
        print(OFFLINE_NOTE)
    return 1 if status == "expired" else 0


def _report_invalid(reason: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"valid": False, "status": "invalid", "reason": reason}, ensure_ascii=False))
    else:
        print(f"证书无效 (invalid certificate): {reason}")
    return 1


def _today() -> date:
    # The command line is the imperative shell: it reads the clock and hands the date to the core.
    return date.today()


def _public_key(path: str | None):
    if path:
        candidates = [Path(path)]
    else:
        folder = instance_folder()
        candidates = [folder / PUBLIC_KEY_FILE, folder / SIGNING_KEY_FILE]
    for candidate in candidates:
        if candidate.is_file():
            try:
                return load_public_key(candidate.read_bytes())
            except (ValueError, TypeError) as e:
                raise UsageError(f"{candidate}: not an Ed25519 key in PEM ({e})") from None
    where = " or ".join(str(c) for c in candidates)
    raise UsageError(f"no public key: {where} not found (give --public-key FILE or set QUIZBANK_HOME)")


def _texts(what: str) -> list[str]:
    """The candidate tokens/URLs: the argument itself, or the QR codes read from an image file."""
    path = Path(what)
    looks_like_file = path.suffix.lower() in IMAGE_SUFFIXES
    if not looks_like_file:
        try:
            looks_like_file = path.is_file()
        except OSError:  # a long token is not a file name
            looks_like_file = False
    if not looks_like_file:
        return [what]
    if not path.is_file():
        raise UsageError(f"{what}: no such file")
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            results = zxingcpp.read_barcodes(image)
    except (UnidentifiedImageError, OSError) as e:
        raise UsageError(f"{what}: not an image this command can read ({e})") from None
    return [r.text for r in results if r.valid and r.text]
