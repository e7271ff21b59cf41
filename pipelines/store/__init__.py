"""The warehouse store: the only reader of sql/, connections, publication, versions and rollback,
aggregates, batches and the review list.
"""
