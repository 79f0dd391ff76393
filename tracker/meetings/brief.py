"""A meeting's brief (สรุปสำหรับผู้บริหาร) on A4 — as a page to print, as a PDF made on the server —
and its presentation mode (เอกสารนำเสนอ), one target per screen.

All three show the agenda of :func:`tracker.meetings.agenda.load` (the figures the meeting saw)
with the server-drawn SVG charts of :mod:`tracker.meetings.svgcharts`, in the reader's language.
The PDF is the brief's own HTML laid out by WeasyPrint; WeasyPrint reads the stylesheets and the
Sarabun font from the static files and never from the network.
"""
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tracker.meetings import agenda as agendas
from tracker.meetings import svgcharts
from tracker.meetings.views import meeting_or_404
from tracker.targets.rules import Band


def _context(request, meeting, **extra):
    agenda = agendas.load(meeting)
    language = get_language() or settings.LANGUAGE_CODE
    for item in agenda.items:
        item.trajectory_svg = item.band_svg = ""
        if item.figure is not None:
            item.trajectory_svg = svgcharts.trajectory(item.figure, language)
            if item.target.districts_carry:
                item.band_svg = svgcharts.band_bar(item.figure)
    return {"meeting": meeting, "agenda": agenda, "bands": list(Band), **extra}


def pdf_filename(meeting):
    return f"meeting-{meeting.host.code}-{meeting.date.isoformat()}.pdf"


def brief(request, pk):
    meeting = meeting_or_404(pk)
    if request.GET.get("format") == "pdf":
        return _pdf_response(request, meeting)
    return render(request, "meetings/brief.html", _context(request, meeting))


def brief_pdf(request, pk):
    return _pdf_response(request, meeting_or_404(pk))


def present(request, pk):
    meeting = meeting_or_404(pk)
    return render(request, "meetings/present.html", _context(request, meeting))


def _pdf_response(request, meeting):
    context = _context(request, meeting, pdf=True, base_template="meetings/_brief_pdf_base.html")
    html = render_to_string("meetings/brief.html", context, request=request)
    try:
        pdf = render_pdf(html, request.build_absolute_uri("/"))
    except (ImportError, OSError):  # WeasyPrint, or the Pango libraries it loads, not installed here
        logging.getLogger(__name__).exception("The brief's PDF could not be made")
        messages.error(request, _("The PDF cannot be made on this server (its PDF library is not installed). Print the brief from the browser instead: it is laid out for A4."))
        return redirect("meetings:brief", pk=meeting.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(meeting)}"'
    return response


def render_pdf(html, base_url):
    """``html`` laid out on A4 as PDF bytes (imported here: only the PDF needs WeasyPrint)."""
    from weasyprint import HTML

    # WeasyPrint warns of every screen rule of tracker.css it does not know (media queries, …).
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=base_url, url_fetcher=static_fetcher()).write_pdf()


def static_fetcher():
    """A WeasyPrint URL fetcher that serves ``/static/…`` (the stylesheets, the Sarabun font files
    of ``vendor/sarabun``; see ``static_file``) and ``data:`` URLs, and refuses
    everything else: a PDF made on the server fetches nothing from the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    # STATIC_URL itself, not static(""): the manifest storage of production has no entry for "".
    prefix = urlsplit(settings.STATIC_URL).path

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = unquote(urlsplit(url).path)
            name = path[len(prefix):] if path.startswith(prefix) else None
            found = name and static_file(name)
            if not found:
                raise ValueError(f"not a static file: {url}")
            with open(found, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher(allowed_protocols={"http", "https", "data"})


def static_file(name):
    """The file behind the static URL's ``name``: found in the source folders by the staticfiles
    finders or else collected — production's hashed names (``css/tracker.3f2a….css``) exist only in
    STATIC_ROOT. Nothing outside those folders is read (``..``)."""
    if found := finders.find(name):
        return found
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        collected = (root / name).resolve()
        if collected.is_relative_to(root) and collected.is_file():
            return str(collected)
    return None
