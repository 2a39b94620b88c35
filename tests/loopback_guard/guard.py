"""Refuse, and remember, every attempt to connect anywhere but this machine.

Installed for the whole test session (tests/conftest.py) and, through the sitecustomize
next to this file, in the subprocesses the tests start: nothing in the tests or in the
offline mode may reach past 127.0.0.1, and a test that tries fails the run.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from typing import Any

LOG_ENV = "LOOPBACK_GUARD_LOG"
_LOCAL_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}

_lock = threading.Lock()
attempts: list[str] = []
_installed = False


class NonLoopbackConnection(ConnectionRefusedError):
    """Raised instead of opening a connection off this machine."""


def _is_local(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and other families never leave the host
    if host in _LOCAL_NAMES or host == "":
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name: it would need a DNS lookup off this machine
    return address.is_loopback or address.is_unspecified


def _refuse(what: str) -> None:
    with _lock:
        attempts.append(what)
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(what + "\n")
    raise NonLoopbackConnection(f"refused by the loopback guard: {what}")


def install() -> None:
    """Patch socket's connect paths and name lookups (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(host):
            _refuse(f"connect to {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(host):
            _refuse(f"connect_ex to {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_local(name):
            _refuse(f"name lookup of {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
