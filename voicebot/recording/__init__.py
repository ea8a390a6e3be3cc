"""Recordings of served calls: the recorder a call writes through and the stores that keep the files."""
