"""Slow and greedy clients cannot take Vigil away from the others."""
import http.client
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import wait_for

CONFIG = ('server:\n  connection_timeout: 2s\n  max_connections: 400\n'
          '  max_connections_per_ip: 50\n')


def health_from(d, source):
    """One GET /health from the loopback address SOURCE; returns the status."""
    c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=5, source_address=(source, 0))
    try:
        c.request('GET', '/health')
        return c.getresponse().status
    finally:
        c.close()


@pytest.mark.skipif(shutil.which('slowhttptest') is None, reason='slowhttptest is missing')
def test_slowloris_does_not_starve_health(daemon, tmp_path):
    d = daemon(CONFIG)
    attack = subprocess.Popen(
        ['slowhttptest', '-H', '-c', '300', '-r', '150', '-i', '1', '-x', '10', '-p', '3',
         '-l', '12', '-t', 'GET', '-u', f'http://127.0.0.1:{d.port}/health', '-g', '-o',
         str(tmp_path / 'slow')],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    statuses = []
    try:
        time.sleep(2)  # the attack is ramping up
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and attack.poll() is None:
            statuses.append(health_from(d, '127.0.0.2'))
            time.sleep(0.1)
    finally:
        attack.wait(timeout=60)
    assert len(statuses) >= 20
    assert all(s == 200 for s in statuses), statuses
    assert d.proc.poll() is None


def test_idle_connections_are_closed(daemon):
    d = daemon(CONFIG)
    s = socket.create_connection(('127.0.0.1', d.port), timeout=30)
    s.sendall(b'GET /health HTTP/1.1\r\nHost: x\r\n')  # never finished
    start = time.monotonic()
    try:
        data = s.recv(100)  # the server closes it: b'' (or a 408 first)
        while data:
            data = s.recv(100)
    except ConnectionResetError:
        pass
    finally:
        s.close()
    # closed by the timeout, not by the 30 s guard of this test
    assert time.monotonic() - start < 25


def test_one_address_gets_its_share_only(daemon):
    d = daemon(CONFIG)
    held = []
    try:
        for _ in range(80):
            c = socket.create_connection(('127.0.0.1', d.port), timeout=5,
                                         source_address=('127.0.0.3', 0))
            held.append(c)
        time.sleep(0.5)
        alive = 0
        for c in held:  # refused ones are closed by the server at once
            c.setblocking(False)
            try:
                alive += c.recv(1) != b''
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        assert alive <= 50, alive
        # others are served meanwhile
        assert health_from(d, '127.0.0.2') == 200
    finally:
        for c in held:
            c.close()
    wait_for(lambda: health_from(d, '127.0.0.3') == 200, what='the address to be served again')


def test_concurrent_health_while_api_is_hammered(daemon):
    """The API budget of one client does not touch /health of another."""
    d = daemon(CONFIG + 'security:\n  allow: []\n  rate_limit: {requests: 10, per: 1m, burst: 5}\n')
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                c = http.client.HTTPConnection('127.0.0.1', d.port, timeout=5,
                                               source_address=('127.0.0.4', 0))
                c.request('GET', '/api/v1/monitors')
                c.getresponse().read()
                c.close()
            except OSError:
                pass
    t = threading.Thread(target=hammer)
    t.start()
    try:
        codes = [health_from(d, '127.0.0.5') for _ in range(30)]
    finally:
        stop.set()
        t.join()
    assert codes == [200] * 30
