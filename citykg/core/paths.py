"""Where the bundled resources and the default store live."""
import os
from pathlib import Path

from citykg import data, ontology, sparql

ONTOLOGY_DIR = Path(ontology.__file__).parent
SPARQL_DIR = Path(sparql.__file__).parent
DATA_DIR = Path(data.__file__).parent
GAZETTEER_DIR = DATA_DIR / "gazetteer"
DOCUMENTS_DIR = DATA_DIR / "documents"
ONTOLOGY_FILE = ONTOLOGY_DIR / "citykg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def default_store() -> Path:
    """The store directory: $CITYKG_STORE, else ./citykg-store in the working directory."""
    return Path(os.environ.get("CITYKG_STORE", "citykg-store"))
