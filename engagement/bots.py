"""Known crawlers and monitors, by user agent: their requests are dropped, not counted."""

import re

# Self-declared crawlers, link previewers, headless browsers and uptime monitors. Plain HTTP
# libraries (curl, python-requests) are not listed: real clients and our own tools use them.
KNOWN_BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawler|spider|slurp|bingpreview|facebookexternalhit|embedly|headlesschrome"
    r"|lighthouse|pingdom|uptimerobot|statuscake|ahrefs|semrush|yandex|baiduspider",
    re.IGNORECASE,
)


def is_known_bot(user_agent: str) -> bool:
    """Return True when the user agent names a known crawler or monitor."""
    return bool(KNOWN_BOT_USER_AGENT.search(user_agent or ""))
