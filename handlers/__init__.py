"""Platform-neutral core: one command grammar, handlers that take a Request and return a Reply.

Nothing in this package imports Slack or Discord code.
"""
