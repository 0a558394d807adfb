"""What every response promises: compression, and cookies that scripts and other sites can't use."""

from app.main import SESSION_COOKIE


def test_static_files_are_served_gzipped(client):
    response = client.get("/static/vendor/htmx-2.0.11.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content.startswith(b"var htmx") or b"htmx" in response.content[:200]


def test_session_cookie_is_signed_httponly_and_samesite_lax(client, factory):
    event = factory.event()
    client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}, follow_redirects=False)
    cookie = next(c for c in client.cookies.jar if c.name == SESSION_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly") or cookie.has_nonstandard_attr("httponly")
    set_cookie = client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}, follow_redirects=False).headers[
        "set-cookie"
    ]
    assert "httponly" in set_cookie.lower() and "samesite=lax" in set_cookie.lower()


def test_a_tampered_session_cookie_is_ignored(client, factory):
    event = factory.event()
    client.cookies.set(SESSION_COOKIE, "eyJmYWNpbGl0YXRvcnMiOiB7fX0=.forged.signature")
    response = client.get(f"/e/{event.slug}/facilitate")
    assert response.status_code == 403


def test_pages_get_a_strict_content_security_policy_and_no_referrer_leak(client, factory):
    event = factory.event()
    page = client.get(f"/e/{event.slug}")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/docs").headers
