"""What every test's new app would compile again, compiled once per test process.

A test gets an app of its own (`create_app`), and an app compiles its URL rules and templates anew: about a
quarter of a second per app for the 200-odd rules alone, more than most tests take. Both are pure functions
of their input, so the tests share them between apps:

- URL builders: werkzeug compiles each rule's builder into a Python function (`Rule._compile_builder`) that
  depends only on the rule's parsed parts, its defaults and `append_unknown`; the rule itself is its first
  argument (its converters are read when a URL is built). The compiled function is kept per those inputs.
- Templates: a Jinja bytecode cache kept in memory, keyed as Jinja keys it (the template's name and a
  checksum of its source), so a changed template is compiled again.

Matching, building and rendering are unchanged; only the compiling is done once.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

_builders: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _shared_compile_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    key = (
        self.rule,
        tuple(self._trace),
        tuple((k, repr(v), type(self._converters.get(k)).__name__) for k, v in sorted(defaults.items())),
        append_unknown,
    )
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def share_url_builders() -> None:
    """Apps made from now on in this process reuse the URL builders compiled for the first."""
    Rule._compile_builder = _shared_compile_builder


class _MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_templates = _MemoryBytecodeCache()


def share_compiled_templates(app) -> None:
    """`app` loads templates compiled by an earlier app of this process (same name and source)."""
    app.jinja_env.bytecode_cache = _templates
