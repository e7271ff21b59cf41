"""IATI activity XML: safe streaming reader, activities, transactions, checks and the mapping to
candidate rows.
"""
