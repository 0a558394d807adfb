"""Cross-site request forgery: the session's token, handed to every form, and the check on every form post.

Its own module, not in app/deps.py: the templates hand the token to every form and htmx request, and
app/templating.py (which the live board's renderer uses too) must not depend on the routes' dependencies.
"""

from fastapi import Depends, Request

from app.i18n import _
from app.services import tokens
from app.services.errors import NotAllowed

CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; every form and htmx request sends it back."""
    token = request.session.get(CSRF_KEY)
    if not token:
        token = tokens.new_secret()
        request.session[CSRF_KEY] = token
    return str(token)


async def require_csrf(request: Request) -> None:
    """Refuse a form post that does not carry this session's token (cross-site request forgery).

    SameSite=Lax cookies already keep most cross-site posts out; the token also covers old
    browsers and same-site subdomains. htmx sends it as a header, plain forms as a hidden field.
    """
    expected = request.session.get(CSRF_KEY)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not tokens.secrets_equal(given, expected):
        raise NotAllowed(_("This form has expired. Reload the page and try again."))


CsrfChecked = Depends(require_csrf)
