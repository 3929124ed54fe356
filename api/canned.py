"""Canned queries: `sparql/*.rq` files with grlc-style headers, parsed once at start-up.

The mechanism (header parsing, typed parameters, VALUES binding) is `citykg.sparql`, which
the loaders, wikidata and commands use for their own queries too; the API takes it from there.
"""
from citykg.sparql import (  # noqa: F401
    LANGS,
    MAX_IRI,
    MAX_TEXT,
    NO_CONTROL,
    RESERVED,
    VARIABLE,
    XSD_TYPES,
    CannedQuery,
    Param,
    ParamError,
    QueryFileError,
    check_text,
    load_queries,
    parse_header,
    parse_query,
    projection,
)
