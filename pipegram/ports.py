"""Free ports on this machine, for `pipegram up`'s emulator and metrics and for tests."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now, chosen by the OS."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on this port now (as servers do, with SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(span: int, host: str = "127.0.0.1") -> int:
    """A free port p with p + 1 … p + span - 1 free too."""
    for _ in range(50):
        port = free_port()
        if all(port_free(port + offset, host) for offset in range(span)):
            return port
    raise RuntimeError(f"found no {span} free ports in a row")
