"""Page weight: the attendee page (join form, then the marketplace) and the CSS/JS it links, gzip as served.

    .venv/bin/python bench/page_weight.py --url http://127.0.0.1:8000 --slug demo [--budget-kb 40]

Exits non-zero when a page and its assets weigh more than the budget.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


class Assets(HTMLParser):
    """The stylesheets and scripts a page links, and the first form (the join form)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.form: tuple[str, dict[str, str]] | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "form" and self.form is None and a.get("method", "get").lower() == "post":
            self.form, self._in_form = (a.get("action", ""), {}), True
        elif tag == "input" and self._in_form and self.form and a.get("name"):
            self.form[1][a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def weigh(client: httpx.Client, url: str) -> tuple[int, Assets]:
    """Bytes on the wire (gzip when the server gzips), and what the page links."""
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        response.raise_for_status()
        wire = sum(len(chunk) for chunk in response.iter_raw())
    parser = Assets()
    if "html" in response.headers.get("content-type", ""):
        parser.feed(client.get(url).text)
    return wire, parser


def report(client: httpx.Client, title: str, page: str, seen: set[str]) -> int:
    size, parser = weigh(client, page)
    rows = [(page, size)]
    for asset in parser.urls:
        absolute = urljoin(page, asset)
        rows.append((absolute, weigh(client, absolute)[0]))
        seen.add(absolute)
    total = sum(size for _, size in rows)
    print(f"\n{title}")
    for url, size in rows:
        print(f"  {size / 1000:7.1f} KB  {url}")
    print(f"  {total / 1000:7.1f} KB  total")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--slug", required=True)
    parser.add_argument("--budget-kb", type=float, default=40.0)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    page = f"{base}/e/{args.slug}"
    with httpx.Client(follow_redirects=True, timeout=10) as client:
        seen: set[str] = set()
        totals = [report(client, "join form", page, seen)]
        _, join = weigh(client, page)
        if join.form is not None:
            action, fields = join.form
            fields.setdefault("display_name", "Page Weight")
            fields["display_name"] = fields["display_name"] or "Page Weight"
            client.post(urljoin(page, action or page), data=fields)
            totals.append(report(client, "marketplace (joined, with the cookie)", page, seen))
    worst = max(totals)
    verdict = "within" if worst <= args.budget_kb * 1000 else "OVER"
    print(f"\nheaviest: {worst / 1000:.1f} KB, {verdict} the {args.budget_kb:.0f} KB budget")
    return 0 if worst <= args.budget_kb * 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
