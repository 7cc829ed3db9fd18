"""Pure translators from what platforms and carriers hand over to canonical records.

Nothing here imports Django: every connector takes bytes or rows and returns
`(records, messages)`, so it can be tested and reused without a database.
"""
