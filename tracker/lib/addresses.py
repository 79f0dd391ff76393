"""The address a request came from: the one rule the log-in lock-out and the log-in budget key on.

Behind the documented nginx (deploy/nginx) every request reaches Django from 127.0.0.1, so
``REMOTE_ADDR`` names the proxy, not the reader. nginx appends the address it saw to
``X-Forwarded-For`` (``$proxy_add_x_forwarded_for``): the right-most entry is the one our proxy
wrote, everything left of it is whatever the client chose to send. So the header is believed only
when ``BEHIND_PROXY`` is on *and* the request came from one of ``TRUSTED_PROXIES`` — anyone who
reaches the app server directly gets ``REMOTE_ADDR`` whatever they write — and then only its
right-most entry that is not itself a trusted proxy (for proxies in a row).

(django-ipware, which django-axes can use, trusts proxies named inside the header rather than the
peer that connected; it cannot say "believe this header only from 127.0.0.1".)
"""
import ipaddress

from django.conf import settings


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address):
    return address is not None and any(address in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_address(request):
    """The client's address as a string (``REMOTE_ADDR`` unless a trusted proxy says otherwise)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not (settings.BEHIND_PROXY and _trusted(_address(peer))):
        return peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            return peer  # a malformed chain: the proxy's own address, never the client's words
        if not _trusted(address):
            return str(address)
    return peer
