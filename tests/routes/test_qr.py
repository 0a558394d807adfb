"""The join QR code: the attendee link of the event as an SVG image."""

from __future__ import annotations

import io

import segno

from tests.routes.pages_helpers import element, join


def test_qr_code_encodes_the_attendee_link_as_svg(client, factory, backend):
    factory.event(slug="autumn")
    expected = io.BytesIO()
    segno.make("http://testserver/e/autumn", error="m").save(
        expected, kind="svg", scale=4, border=2, xmldecl=False, dark="#000", light="#fff"
    )

    response = client.get("/e/autumn/qr.svg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content == expected.getvalue()
    assert response.text.startswith("<svg")


def test_qr_code_is_cacheable(client, factory, backend):
    factory.event(slug="autumn")

    response = client.get("/e/autumn/qr.svg")

    assert response.headers["cache-control"] == "public, max-age=86400"


def test_qr_code_of_an_unknown_event_is_not_found(client, backend):
    response = client.get("/e/nowhere/qr.svg")

    assert response.status_code == 404
    assert "There is no event &#39;nowhere&#39;." in response.text


def test_marketplace_shows_the_qr_code_to_invite_others(client, factory, backend):
    event = factory.event(slug="autumn")
    join(client, event.slug)

    invite = element(client.get("/e/autumn").text, "invite")

    assert '<img src="/e/autumn/qr.svg"' in invite
    assert 'alt="QR code of the link to join Autumn Gathering"' in invite
    assert '<a href="http://testserver/e/autumn">http://testserver/e/autumn</a>' in invite


def test_the_schedule_qr_code_encodes_the_address_of_schedule_xml(client, factory, backend):
    factory.event(slug="autumn")
    expected = io.BytesIO()
    segno.make("http://testserver/e/autumn/schedule.xml", error="m").save(
        expected, kind="svg", scale=4, border=2, xmldecl=False, dark="#000", light="#fff"
    )

    response = client.get("/e/autumn/schedule-qr.svg")

    assert (response.status_code, response.headers["content-type"]) == (200, "image/svg+xml")
    assert response.content == expected.getvalue()
