"""citykg: a knowledge graph of city international relations."""
