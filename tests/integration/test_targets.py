"""Self-test of targets.py, so a broken test server is not mistaken for a Vigil bug."""
import socket
import time

import pytest
import requests


def test_http_behaviours(targets):
    t = targets
    assert requests.get(t.http + '/ok', timeout=5).json()['status'] == 'ok'
    assert requests.get(t.http + '/status/503', timeout=5).status_code == 503
    r = requests.get(t.http + '/redirect/2', timeout=5)
    assert r.status_code == 200 and len(r.history) == 3
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(t.http + '/hang', timeout=0.5)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(t.http + '/rst', timeout=5)
    before = t.hits('/ok')
    requests.get(t.http + '/ok', timeout=5)
    assert t.hits('/ok') == before + 1
    with requests.Session() as s:
        a = s.get(t.http + '/keepalive', timeout=5).headers['X-Conn-Id']
        b = s.get(t.http + '/keepalive', timeout=5).headers['X-Conn-Id']
        assert a == b


def test_raw_ports(targets):
    t = targets
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.1', t.refused_port), timeout=2)
    with socket.create_connection(('127.0.0.1', t.hang_port), timeout=0.5) as s:
        with pytest.raises(socket.timeout):
            s.recv(1)
    with socket.create_connection(('127.0.0.1', t.banner_port), timeout=2) as s:
        assert s.recv(100).startswith(b'SSH-2.0-')
        s.sendall(b'ping')
        assert s.recv(100) == b'ping'


def test_tls(targets):
    t = targets
    assert requests.get(t.tls_valid + '/ok', verify=t.tls_ca_file, timeout=5).status_code == 200
    for url in (t.tls_self_signed, t.tls_wrong_host):
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(url + '/ok', verify=t.tls_ca_file, timeout=5)
    with pytest.raises(requests.exceptions.SSLError) as e:
        requests.get(t.tls_expired + '/ok', verify=t.tls_ca_file, timeout=5)
    assert 'expired' in str(e.value)
    assert t.tls_valid_not_after > time.time() + 5 * 86400


def test_stop_closes_everything(tmp_path):
    from targets import Targets
    t = Targets(tmp_path).start()
    port = int(t.http.rsplit(':', 1)[1])
    hung = socket.create_connection(('127.0.0.1', port), timeout=2)
    hung.sendall(b'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n')
    t.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.1', port), timeout=2)
    hung.settimeout(2)
    try:
        data = hung.recv(10)
    except ConnectionResetError:
        data = b''
    assert data == b''  # the hanging connection was closed too
    hung.close()


def test_stop_closes_tls_connections_and_joins_their_threads(tmp_path):
    import ssl
    from targets import Targets
    t = Targets(tmp_path).start()
    port = int(t.tls_valid.rsplit(':', 1)[1])
    ctx = ssl.create_default_context(cafile=t.tls_ca_file)
    clients = []
    for _ in range(5):
        c = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=5),
                            server_hostname='127.0.0.1')
        c.sendall(b'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n')
        clients.append(c)
    for _ in range(100):  # bounded: the server registers each connection as it accepts it
        if len(t._conn_threads) == 5:
            break
        time.sleep(0.02)
    threads = list(t._conn_threads)
    assert len(threads) == 5
    t.stop()
    assert [th for th in threads if th.is_alive()] == []
    for c in clients:
        c.settimeout(2)
        try:
            data = c.recv(10)
        except (ConnectionResetError, ssl.SSLError):
            data = b''
        assert data == b''
        c.close()
