"""Which address a request came from, when Doorstep may sit behind proxies (nginx, a load balancer).

Behind a proxy every request arrives from the proxy's address, so limits per address would count
every visitor together. The proxy passes the visitor's address in `X-Forwarded-For`, but anyone
can send that header, so it is read only as far as `TRUSTED_PROXIES` says:

- empty (the default): the header is ignored; the address is the connection's (REMOTE_ADDR);
- a number N: there are exactly N proxies in front and Doorstep is reachable only through them;
  each appends the address it was connected from, so the client is the Nth address from the
  right, counting the connection's own address as the first;
- addresses or networks (e.g. "127.0.0.1", "10.0.0.0/8"): the header is read only when the
  connection comes from one of them, and from the right; the first address that is not a
  trusted proxy is the client's.

Entries a client wrote itself are always to the left of those its proxies appended, so a client
cannot choose the address it is counted under. An entry that is not an IP address stops the walk
at the last good one.
"""

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def trusted_proxies() -> int | tuple[Network, ...]:
    """The TRUSTED_PROXIES setting: a number of proxies, or the networks they are in."""
    value = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if len(value) == 1 and str(value[0]).strip().isdigit():
        return int(str(value[0]).strip())
    return tuple(ipaddress.ip_network(str(part).strip(), strict=False) for part in value)


def forwarded_chain(request: HttpRequest) -> list[str]:
    """Every address the request passed, furthest first, ending with the connection's own."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    return [*forwarded, request.META.get("REMOTE_ADDR", "")]


def _is_trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest | None) -> str | None:
    """The visitor's address, by TRUSTED_PROXIES (see the module's notes); None if unknown."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = trusted_proxies()
    if remote is None or not proxies:
        return str(remote) if remote else (request.META.get("REMOTE_ADDR") or None)
    chain = forwarded_chain(request)[:-1]
    client = remote
    if isinstance(proxies, int):
        for _ in range(min(proxies, len(chain))):
            found = _address(chain.pop())
            if found is None:
                break
            client = found
        return str(client)
    while chain and _is_trusted(client, proxies):
        found = _address(chain.pop())
        if found is None:
            break
        client = found
    return str(client)
