import socket
import threading

import pytest
from conftest import Account

from security.attacker import Victim


@pytest.fixture
def victim() -> Victim:
    return Victim()


@pytest.fixture
def attacker() -> Account:
    return Account("attacker")


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it: a key URL in a token names it, and
    no service may ever connect. (Behind docker compose the services' 127.0.0.1 is their own, so there the
    test shows only that no token made a service fetch from this host.)"""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    connections.append(connection.recv(4096))
                except OSError:
                    connections.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", connections
    stop.set()
    thread.join()
    server.close()
