"""The request deadline's watchdog, on a socket pair (no server, no sleeping past it)."""

from __future__ import annotations

import socket
import threading

from cnamctl.twilio.deadline import Watch, Watchdog


def test_an_expired_watch_shuts_its_sockets_and_wakes_a_blocked_read():
    left, right = socket.socketpair()
    watch = Watch(deadline=0.0)
    watch.attach(left)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(left.recv(10)))
    reader.start()
    watch.expire()
    reader.join(5)
    assert not reader.is_alive() and got == [b""], "the read returned at once, with EOF"
    assert watch.expired
    left.close()
    right.close()


def test_a_finished_watch_leaves_its_sockets_alone():
    left, right = socket.socketpair()
    watch = Watch(deadline=0.0)
    watch.attach(left)
    watch.finish()
    watch.expire()
    right.sendall(b"x")
    assert left.recv(1) == b"x", "a socket returned to the pool stays usable"
    assert not watch.expired
    left.close()
    right.close()


def test_a_socket_attached_after_expiry_is_shut_at_once():
    left, right = socket.socketpair()
    watch = Watch(deadline=0.0)
    watch.expire()
    watch.attach(left)
    assert left.recv(1) == b""
    left.close()
    right.close()


def test_the_watchdog_expires_only_what_is_due():
    dog = Watchdog()
    with dog.watch(0.05) as soon, dog.watch(3600) as later:
        assert _eventually(lambda: soon.expired)
        assert not later.expired


def _eventually(predicate, timeout: float = 5.0) -> bool:
    done = threading.Event()
    while not done.wait(0.01):
        if predicate():
            return True
        timeout -= 0.01
        if timeout <= 0:
            return False
    return False


def test_the_watchdog_thread_ends_when_no_request_is_in_flight():
    dog = Watchdog()
    with dog.watch(3600):
        assert dog.running
    assert _eventually(lambda: not dog.running), "no thread left behind per client"
    with dog.watch(3600) as again:  # and starts again for the next request
        assert dog.running and not again.expired
