"""The HTTP server: health endpoints, metrics, errors, auth, keep-alive, limits."""
import re
import socket
import subprocess

import pytest
import requests

from conftest import promtool_check, wait_for

VIEWER = 'viewer-token-0123456789abcdef'
ADMIN = 'admin-token-0123456789abcdef'
CONFIG = f'''auth:
  tokens:
    - {{name: dash, token: {VIEWER}}}
    - {{name: root, token: {ADMIN}, role: admin}}
'''


@pytest.fixture
def vigil(daemon):
    return daemon(CONFIG)


def test_health_is_ietf_health_json(vigil):
    r = vigil.get('/health')
    assert r.status_code == 200
    assert r.headers['Content-Type'] == 'application/health+json'
    doc = r.json()
    assert doc['status'] == 'pass'
    assert doc['serviceId'] == 'vigil'
    assert re.fullmatch(r'\d+\.\d+\.\d+', doc['releaseId'])
    assert 'version' in doc
    for name in ('store:connection', 'store:queue', 'loop:lag'):
        check = doc['checks'][name][0]
        assert check['status'] == 'pass'
        assert {'componentType', 'observedValue', 'observedUnit', 'time'} <= set(check)
    disk = wait_for(lambda: vigil.get('/health').json()['checks'].get('disk:free'),
                    what='disk:free to be measured')
    assert disk[0]['observedUnit'] == 'bytes' and disk[0]['observedValue'] > 0


def test_health_etag_and_head(vigil):
    r = vigil.get('/health')
    etag = r.headers['ETag']
    r2 = vigil.get('/health', headers={'If-None-Match': etag})
    assert r2.status_code in (200, 304)  # a new snapshot may have been published
    if r2.status_code == 304:
        assert r2.content == b''
    h = requests.head(vigil.url('/health'), timeout=5)
    assert h.status_code == 200 and h.content == b''


def test_live_and_ready(vigil):
    assert vigil.get('/health/live').json() == {'status': 'pass'}
    r = vigil.get('/health/ready')
    assert r.status_code == 200 and r.json()['status'] == 'pass'


def test_detailed_needs_a_token(vigil):
    r = vigil.get('/health/detailed')
    assert r.status_code == 401
    assert r.headers['WWW-Authenticate'].startswith('Bearer')
    assert r.json()['error']['code'] == 'unauthorized'
    r = vigil.get('/health/detailed', headers={'Authorization': 'Bearer wrong-but-long-enough'})
    assert r.status_code == 401
    r = vigil.get('/health/detailed', headers={'Authorization': f'Bearer {VIEWER}'})
    assert r.status_code == 200
    doc = r.json()
    assert doc['store']['schema_version'] >= 1
    assert doc['store']['migrations_applied'] >= 1
    assert doc['store']['file_size_bytes'] > 0 or doc['store']['file_size_bytes'] == -1
    assert doc['process']['rss_bytes'] > 0
    assert doc['process']['threads'] >= 2
    assert doc['process']['open_fds'] > 0
    assert doc['application']['requests_total'] >= 3
    assert 'checks' in doc and doc['status'] in ('pass', 'warn', 'fail')
    doc = wait_for(lambda: (lambda d: d if 'memory' in d['system'] and 'disk' in d['system']
                            else None)(vigil.get('/health/detailed', headers={
                                'Authorization': f'Bearer {VIEWER}'}).json()),
                   what='system figures')
    meminfo = open('/proc/meminfo').read()
    total_kb = int(re.search(r'MemTotal:\s+(\d+)', meminfo).group(1))
    assert doc['system']['memory']['total_bytes'] == total_kb * 1024
    assert doc['system']['disk']['total_bytes'] > 0


def test_every_response_has_response_time(vigil):
    for path, code in (('/health', 200), ('/metrics', 200), ('/nope', 404),
                       ('/health/detailed', 401)):
        r = vigil.get(path)
        assert r.status_code == code
        assert re.fullmatch(r'\d+\.\d{3}ms', r.headers['X-Response-Time']), path


def test_errors_are_json(vigil):
    r = vigil.get('/does/not/exist')
    assert r.status_code == 404
    assert r.headers['Content-Type'] == 'application/json'
    assert r.json()['error']['code'] == 'not_found'
    r = requests.post(vigil.url('/health'), timeout=5)
    assert r.status_code == 405
    assert r.headers['Allow'] == 'GET, HEAD'
    assert r.json()['error']['code'] == 'method_not_allowed'


def raw(port, data, read_timeout=5):
    with socket.create_connection(('127.0.0.1', port), timeout=read_timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except socket.timeout:
            pass
        return b''.join(chunks)


def test_keep_alive_reuses_the_connection(vigil):
    req = b'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'
    with socket.create_connection(('127.0.0.1', vigil.port), timeout=5) as s:
        for _ in range(3):
            s.sendall(req)
            head = b''
            while b'\r\n\r\n' not in head:
                head += s.recv(4096)
            assert head.startswith(b'HTTP/1.1 200')
            assert b'connection: close' not in head.lower()
            length = int(re.search(rb'(?i)content-length: (\d+)', head).group(1))
            body = head.split(b'\r\n\r\n', 1)[1]
            while len(body) < length:
                body += s.recv(4096)
    # and through requests' connection pool: one TCP connection for many requests
    with requests.Session() as sess:
        for _ in range(5):
            r = sess.get(vigil.url('/health'), timeout=5)
            assert r.status_code == 200
        adapter = sess.get_adapter(vigil.base)
        pool = adapter.poolmanager.connection_from_url(vigil.base)
        assert pool.num_connections == 1


def test_body_too_large_is_413(vigil):
    big = b'x' * (2 * 1024 * 1024)
    r = requests.post(vigil.url('/health'), data=big, timeout=10)
    assert r.status_code == 413
    assert r.json()['error']['code'] == 'payload_too_large'


def test_headers_too_large_is_431(vigil):
    r = vigil.get('/health', headers={'X-Big': 'y' * 12000})  # over max_header_size (8 KiB)
    assert r.status_code == 431
    assert r.json()['error']['code'] == 'header_too_large'
    # beyond connection_memory libmicrohttpd refuses the request itself, still with 431
    r = vigil.get('/health', headers={'X-Big': 'y' * 40000})
    assert r.status_code == 431
    assert vigil.get('/health/live').status_code == 200


def test_request_smuggling_shapes_are_400(vigil):
    dup = raw(vigil.port, b'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n'
                          b'Content-Length: 4\r\n\r\nabcd')
    assert dup.startswith(b'HTTP/1.1 400'), dup[:200]
    both = raw(vigil.port, b'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n'
                           b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n')
    assert both.startswith(b'HTTP/1.1 400'), both[:200]
    assert vigil.get('/health/live').status_code == 200


def test_metrics_pass_promtool(vigil):
    vigil.get('/health')
    vigil.get('/nope')
    r = vigil.get('/metrics')
    assert r.status_code == 200
    assert r.headers['Content-Type'].startswith('text/plain; version=0.0.4')
    text = r.text
    for name in ('process_cpu_seconds_total', 'process_resident_memory_bytes',
                 'process_virtual_memory_bytes', 'process_open_fds', 'process_max_fds',
                 'process_start_time_seconds', 'vigil_build_info', 'vigil_http_requests_total',
                 'vigil_http_request_duration_seconds_bucket', 'vigil_store_queue_depth',
                 'vigil_store_commits_total', 'vigil_store_errors_total',
                 'vigil_loop_lag_seconds_bucket'):
        assert re.search(rf'^{name}[{{ ]', text, re.M), name
    assert 'vigil_http_requests_total{route="/health",code="200"}' in text
    assert 'vigil_http_requests_total{route="unmatched",code="404"}' in text
    promtool_check(text)


def test_tls(daemon, tmp_path):
    key, crt = tmp_path / 'k.pem', tmp_path / 'c.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
                    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', str(key), '-out', str(crt)],
                   check=True, capture_output=True)
    d = daemon(f'server:\n  tls:\n    cert: {crt}\n    key: {key}\n', start=False)
    d.base = d.base.replace('http://', 'https://')
    d.start(wait=False)
    wait_for(lambda: requests.get(d.url('/health/live'), verify=str(crt), timeout=2)
             .status_code == 200, what='HTTPS to answer')
    assert requests.get(d.url('/health'), verify=str(crt), timeout=5).json()['status'] == 'pass'


def test_idle_connections_are_closed_after_the_timeout(daemon):
    d = daemon('server:\n  connection_timeout: 1s\n')
    with socket.create_connection(('127.0.0.1', d.port), timeout=10) as s:
        s.sendall(b'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')
        assert s.recv(4096).startswith(b'HTTP/1.1 200')
        s.settimeout(10)
        # the server closes the idle keep-alive connection: recv returns b'' (or a reset)
        try:
            rest = s.recv(4096)
        except ConnectionResetError:
            rest = b''
        assert rest == b''


def test_per_ip_connection_limit(daemon):
    d = daemon('server:\n  max_connections_per_ip: 2\n')

    def served():
        s = socket.create_connection(('127.0.0.1', d.port), timeout=5)
        s.sendall(b'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')
        try:
            if s.recv(4096).startswith(b'HTTP/1.1 200'):
                return s
        except ConnectionResetError:
            pass
        s.close()
        return None
    # the readiness probe's connection may take a moment to be released
    held = [wait_for(served, what='a first connection')]
    held.append(wait_for(served, what='a second connection'))
    try:
        extra = socket.create_connection(('127.0.0.1', d.port), timeout=5)
        try:
            extra.sendall(b'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')
            try:
                data = extra.recv(4096)
            except ConnectionResetError:
                data = b''
            assert data == b'', 'a third connection from the same address was served'
        finally:
            extra.close()
    finally:
        for s in held:
            s.close()
    wait_for(lambda: d.get('/health/live').status_code == 200, what='service after release')
