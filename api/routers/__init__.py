"""One router per resource: health, queries, relations, cities (the /sparql router lives in
sparql.py, written separately)."""
