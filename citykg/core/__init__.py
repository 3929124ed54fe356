"""The foundation: terms, paths, gazetteers, the store and its backends. Imports nothing above it."""
