"""Load orchestration: one file's load through validate, resolve, FX and write, inside one
publication.
"""
