from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
DOCUMENTS = ROOT / "tests" / "documents"
YOKOHAMA = SHARED / "seeds" / "004_1f68e00701a21ecf.txt"
SAPPORO = SHARED / "seeds" / "000_d5c9530cca281613.txt"


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    if not SEEDS:
        pytest.skip(f"the seed documents are not at {SHARED / 'seeds'}")
    return SEEDS


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, seeds) -> Path:
    """A store built once from the bundled data and the two seed documents."""
    from citykg.build import build

    path = tmp_path_factory.mktemp("seed-store")
    build(path, seeds, validate=False)
    return path
