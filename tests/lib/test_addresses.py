"""The client's address: X-Forwarded-For believed only from a trusted proxy, and only its entry
that the proxy wrote."""
import pytest
from django.test import RequestFactory, override_settings

from tracker.lib.addresses import client_address


def address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("127.0.0.1", "203.0.113.5", "203.0.113.5"),                # nginx on the same machine
    ("127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),        # the client's own words are left of nginx's
    ("127.0.0.1", "203.0.113.5, 127.0.0.1", "203.0.113.5"),      # two trusted proxies in a row
    ("::1", "2001:db8::7", "2001:db8::7"),
    ("198.51.100.9", "6.6.6.6", "198.51.100.9"),                 # not from the proxy: the header is anyone's
    ("127.0.0.1", None, "127.0.0.1"),
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("127.0.0.1", "6.6.6.6, junk", "127.0.0.1"),                 # a chain we cannot read names nobody
])
def test_behind_the_proxy(remote, forwarded, expected):
    with override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=["127.0.0.1", "::1"]):
        assert address(remote, forwarded) == expected


def test_not_behind_a_proxy_the_header_is_ignored():
    with override_settings(BEHIND_PROXY=False):
        assert address("127.0.0.1", "203.0.113.5") == "127.0.0.1"


def test_trusted_proxies_may_be_networks():
    with override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert address("10.1.2.3", "203.0.113.5, 10.4.4.4") == "203.0.113.5"
        assert address("127.0.0.1", "203.0.113.5") == "127.0.0.1"
