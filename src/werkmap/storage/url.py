"""Storage URLs: the scheme, the options in the query, and a form that is safe to show.

A storage URL may hold credentials (``postgresql://app:s3cret@db/werkmap``). werkmap never logs a URL and
never puts one into an error message as it is: it shows :func:`redact_url` instead.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

__all__ = ["SECRET_PARAMETERS", "redact_url", "scheme_of", "scrub", "secrets_in", "url_options"]

SECRET_PARAMETERS = frozenset({"password", "passwd", "pwd", "secret", "token", "key", "api_key"})
"""Query parameters whose values are hidden by :func:`redact_url`."""


def scheme_of(url: str) -> str:
    """Return the lower-case scheme of a URL (``"sqlite"``), or ``""`` when it has none.

    Examples:
        >>> scheme_of("SQLite:///tmp/werkmap.db")
        'sqlite'
    """
    head, sep, _ = url.partition("://")
    return head.lower() if sep and head.replace("+", "").replace("-", "").isalnum() else ""


def redact_url(url: str) -> str:
    """Return ``url`` with its password and secret query values replaced by ``***``.

    Examples:
        >>> redact_url("postgresql://app:s3cret@db:5432/werkmap?sslmode=require&token=abc")
        'postgresql://app:***@db:5432/werkmap?sslmode=require&token=***'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"{scheme_of(url) or 'unknown'}://***"
    if not secrets_in(url) and "@" not in parts.netloc:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        netloc = f"{user}:***@{hostport}" if ":" in userinfo else f"{user}@{hostport}"
    query = "&".join(
        f"{k}={'***' if k.lower() in SECRET_PARAMETERS else v}"
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def secrets_in(url: str) -> list[str]:
    """Return the secret parts of a URL (password, secret query values), longest first."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    if parts.password:
        found.append(parts.password)
    found.extend(
        v
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() in SECRET_PARAMETERS and v
    )
    return sorted(found, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """Return ``text`` with every secret of ``url`` (and the raw URL itself) replaced by ``***``.

    Examples:
        >>> scrub("cannot log in with s3cret", "pg://app:s3cret@db/x")
        'cannot log in with ***'
    """
    text = text.replace(url, redact_url(url))
    for secret in secrets_in(url):
        text = text.replace(secret, "***")
    return text


def url_options(url: str) -> dict[str, str]:
    """Return the query parameters of a URL as a dict (the last value of a repeated key wins).

    Examples:
        >>> url_options("sqlite:///w.db?synchronous=normal")
        {'synchronous': 'normal'}
    """
    try:
        return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    except ValueError:
        return {}
