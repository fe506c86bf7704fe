"""Root conftest: its presence puts the repository root on sys.path (pytest's default rootdir import),
so tests can share helpers with `from tests.builders import question, bank, …`."""
