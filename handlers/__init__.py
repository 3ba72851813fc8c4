"""Platform-neutral core: one command grammar, handlers that take a Request and return a Reply.

Nothing in this package imports Slack or Discord code.
"""

import handlers.zones  # noqa: F401,E402  (time zones from the declared tzdata package, before any is opened)
