"""Reading pages as a test asserts on them: text without tags, a page's HTML, one target's section,
the queries a page runs, and a staff form as the browser would post it."""
import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext


def text_of(html):
    """The visible text of an HTML fragment, with white space folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def page_html(client, url, **headers):
    """A page's HTML, once it has answered 200."""
    response = client.get(url, **headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def section(html, code):
    """The HTML of the element marked ``data-target="code"`` (an article or a table row)."""
    match = re.search(rf'<(article|tr)[^>]*data-target="{re.escape(code)}"[^>]*>(.*?)</\1>', html, flags=re.S)
    assert match, f"no element for {code}"
    return match.group(2)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def form_fields(html):
    """The named inputs and textareas of the page's POST form, as the browser would send them."""
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', html, re.S).group(1)
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = unescape(text)
    return fields


def headline(html, code):
    """The headline figures of target ``code``'s card: {label: the figure's text}, e.g.
    {"Result to date": "89 parks", "Target": "156 parks", …}."""
    found = re.search(r'<dl class="headline">(.*?)</dl>', section(html, code), flags=re.S)
    assert found, f"no headline for {code}"
    return {text_of(dt): text_of(dd) for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", found.group(1), flags=re.S)}


def band_counts(html, code):
    """Target ``code``'s districts by band, as shown: [(band text, count), …] in the page's order."""
    found = re.search(r'<ul class="band-counts"[^>]*>(.*?)</ul>', section(html, code), flags=re.S)
    assert found, f"no band counts for {code}"
    return [(text_of(band), int(count)) for band, count in re.findall(
        r'<span class="band [^"]*">(.*?)</span>\s*<strong>(\d+)</strong>', found.group(1), flags=re.S)]


def cells(html, code):
    """The visible text of each cell of the table row marked ``data-target="code"``."""
    row = re.search(rf'<tr[^>]*data-target="{re.escape(code)}"[^>]*>(.*?)</tr>', html, flags=re.S)
    assert row, f"no row for {code}"
    return [text_of(cell) for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", row.group(1), flags=re.S)]


def figure_texts(html):
    """The visible text of each ``data-figure="name"`` element of an HTML fragment: {name: text}."""
    return {name: text_of(inner) for _tag, name, inner in re.findall(
        r'<(dd|span|td|p)\b[^>]*data-figure="(\w+)"[^>]*>(.*?)</\1>', html, flags=re.S)}
