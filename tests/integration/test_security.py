"""Vigil defending itself: rate limits, violations, blocks, proxies, the request log."""
import json
import re
import socket
import time

import requests

from conftest import api, promtool_check, wait_for

BOSS = 'admin-token-0123456789abc'
VIEW = 'viewer-token-0123456789ab'
AUTH = ('auth:\n  tokens:\n'
        f'    - {{name: boss, token: {BOSS}, role: admin}}\n'
        f'    - {{name: view, token: {VIEW}}}\n')


def get(d, path, token=None, **kw):
    headers = kw.pop('headers', {})
    if token:
        headers['Authorization'] = f'Bearer {token}'
    return requests.get(d.url(path), headers=headers, timeout=10, **kw)


def security(_, **sec):
    """A security section; loopback is not exempt unless ALLOW is given (tests run there)."""
    sec.setdefault('allow', [])
    lines = ['security:']
    for k, v in sec.items():
        lines.append(f'  {k}: {json.dumps(v)}')
    return '\n'.join(lines) + '\n'


def events(d, kind=None):
    """Security events via the summary, once committed."""
    return api(d, '/api/v1/security', BOSS)


def test_rate_limit_is_exact(daemon):
    # the "attacker" is 198.51.100.1 behind our trusted proxy; the test reads as 127.0.0.1
    d = daemon(AUTH + 'server:\n  trusted_proxies: [127.0.0.1]\n' +
               security(None, rate_limit={'requests': 60, 'per': '1m', 'burst': 5}))
    them = {'X-Forwarded-For': '198.51.100.1'}
    codes = [get(d, '/api/v1/monitors', VIEW, headers=dict(them)).status_code for _ in range(5)]
    assert codes == [200] * 5
    r = get(d, '/api/v1/monitors', VIEW, headers=dict(them))
    assert r.status_code == 429, r.text
    assert r.json()['error']['code'] == 'rate_limited'
    assert r.headers['Retry-After'] == '1'  # one token a second
    # /health has its own budget: load balancers are not limited by API users
    assert all(get(d, '/health', headers=dict(them)).status_code in (200, 503)
               for _ in range(20))
    assert get(d, '/metrics', headers=dict(them)).status_code == 200
    # other clients are not affected
    assert get(d, '/api/v1/monitors', VIEW,
               headers={'X-Forwarded-For': '198.51.100.2'}).status_code == 200
    # the bucket refills at the configured rate
    time.sleep(1.1)
    assert get(d, '/api/v1/monitors', VIEW, headers=dict(them)).status_code == 200
    assert get(d, '/api/v1/monitors', VIEW, headers=dict(them)).status_code == 429
    s = wait_for(lambda: (lambda x: x if x['violations']['by_type']['rate_limit']['total'] else
                          None)(events(d)), what='the rate_limit event')
    assert s['violations']['by_type']['rate_limit']['since_start'] >= 2


def test_failed_auth_budget(daemon):
    d = daemon(AUTH + security(None, auth_failure_limit={'requests': 1, 'per': '1h',
                                                          'burst': 3}))
    for _ in range(3):
        assert get(d, '/api/v1/monitors', 'wrong-token-xxxxxxxxxxxx').status_code == 401
    # the budget is spent: any credentials from this address wait, even good ones
    r = get(d, '/api/v1/monitors', 'wrong-token-xxxxxxxxxxxx')
    assert r.status_code == 429 and int(r.headers['Retry-After']) > 1000
    assert get(d, '/api/v1/monitors', VIEW).status_code == 429
    # requests without credentials still go through
    assert get(d, '/health').status_code in (200, 503)
    assert get(d, '/api/v1/monitors').status_code == 401


def test_automatic_block_and_lift(daemon):
    d = daemon(AUTH + security(None, block_after=3, block_window='1m', block_for='2s'))
    for _ in range(3):
        assert get(d, '/api/v1/monitors?limit=abc', VIEW).status_code == 400
    r = get(d, '/health')
    assert r.status_code == 403 and r.json()['error']['code'] == 'blocked'
    assert 1 <= int(r.headers['Retry-After']) <= 2
    assert 'blocked for 2s' in d.log()
    # lifted automatically
    wait_for(lambda: get(d, '/health').status_code != 403, timeout=10, what='the block to end')
    s = wait_for(lambda: (lambda x: x if x['blocked_ips']['total'] else None)(events(d)),
                 what='the block to be stored')
    assert s['blocked_ips']['current'] == 0 and s['blocked_ips']['last_24h'] == 1
    assert s['violations']['by_type']['bad_input']['since_start'] == 3
    assert s['top_suspicious_ips_24h'][0]['ip'] == '127.0.0.1'


def test_blocks_by_hand_survive_a_restart(daemon):
    d = daemon(AUTH + 'server:\n  trusted_proxies: [127.0.0.1]\n')
    auth = {'Authorization': f'Bearer {BOSS}'}
    r = requests.post(d.url('/api/v1/security/blocks'), headers=auth, timeout=10,
                      json={'ip': '203.0.113.7', 'reason': 'scanner'})
    assert r.status_code == 201 and r.json()['ip'] == '203.0.113.7' and r.json()['until'] is None
    for bad in [{'ip': 'not-an-ip'}, {'ip': '203.0.113.8', 'for': 'soon'}, []]:
        r = requests.post(d.url('/api/v1/security/blocks'), headers=auth, json=bad, timeout=10)
        assert r.status_code == 400, bad
    spoof = {'X-Forwarded-For': '203.0.113.7'}
    assert get(d, '/health', headers=spoof).status_code == 403
    assert get(d, '/health', headers={'X-Forwarded-For': '198.51.100.1'}).status_code != 403
    blocks = api(d, '/api/v1/security/blocks', VIEW)['blocks']
    assert [b['ip'] for b in blocks] == ['203.0.113.7'] and blocks[0]['by'] == 'boss'
    time.sleep(1.2)  # committed
    assert d.stop() == 0
    d.start()
    assert get(d, '/health', headers=spoof).status_code == 403
    r = requests.delete(d.url('/api/v1/security/blocks?ip=203.0.113.7'), headers=auth,
                        timeout=10)
    assert r.status_code == 200
    assert get(d, '/health', headers=spoof).status_code != 403
    r = requests.delete(d.url('/api/v1/security/blocks?ip=203.0.113.7'), headers=auth,
                        timeout=10)
    assert r.status_code == 404


def test_forwarded_headers_only_from_trusted_proxies(daemon):
    # no trusted proxy: the header is the client's word, ignored
    d = daemon(AUTH)
    requests.post(d.url('/api/v1/security/blocks'), headers={'Authorization': f'Bearer {BOSS}'},
                  json={'ip': '203.0.113.9'}, timeout=10)
    assert get(d, '/health', headers={'X-Forwarded-For': '203.0.113.9'}).status_code != 403
    # a trusted proxy: the nearest untrusted address from the right is the client
    d2 = daemon(AUTH + 'server:\n  trusted_proxies: ["127.0.0.0/8", "10.0.0.0/8"]\n')
    requests.post(d2.url('/api/v1/security/blocks'),
                  headers={'Authorization': f'Bearer {BOSS}'}, json={'ip': '203.0.113.9'},
                  timeout=10)
    for header, blocked in [
            ({'X-Forwarded-For': '203.0.113.9'}, True),
            ({'X-Forwarded-For': '203.0.113.9, 10.1.2.3'}, True),      # through two proxies
            ({'X-Forwarded-For': '203.0.113.9, 198.51.100.4'}, False),  # spoofed on the left
            ({'Forwarded': 'for=203.0.113.9;proto=https'}, True),
            ({'Forwarded': 'for="[2001:db8::1]:4711"'}, False),
            ({'X-Forwarded-For': 'garbage'}, False)]:
        code = get(d2, '/health', headers=header).status_code
        assert (code == 403) == blocked, (header, code)
    # the request log has the client as resolved
    get(d2, '/api/v1/monitors?token=s3cr3t-value&x=1', VIEW,
        headers={'X-Forwarded-For': '198.51.100.77'})
    rows = wait_for(lambda: [r for r in api(d2, '/api/v1/requests?route=/api/v1/monitors',
                                            VIEW)['requests'] if r['client'] == '198.51.100.77'],
                    what='the logged request')
    assert rows[0]['path'] == '/api/v1/monitors?token=<secret>&x=1'
    assert rows[0]['status'] == 200 and rows[0]['method'] == 'GET'


def test_allow_list_is_never_limited_nor_blocked(daemon):
    d = daemon(AUTH + security(None, allow=['127.0.0.1'], block_after=2,
                               rate_limit={'requests': 1, 'per': '1h', 'burst': 1}))
    for _ in range(5):
        assert get(d, '/api/v1/monitors?limit=x', VIEW).status_code == 400
    assert get(d, '/api/v1/monitors', VIEW).status_code == 200


def raw(d, data, timeout=5):
    """Sends DATA on a fresh connection and returns (status, body)."""
    s = socket.create_connection(('127.0.0.1', d.port), timeout=timeout)
    try:
        s.sendall(data)
        out = b''
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
            if b'\r\n\r\n' in out:
                head, _, body = out.partition(b'\r\n\r\n')
                m = re.search(rb'content-length: *(\d+)', head, re.I)
                if m and len(body) >= int(m.group(1)):
                    break
    finally:
        s.close()
    m = re.match(rb'HTTP/1\.[01] (\d{3})', out)
    return (int(m.group(1)) if m else None), out


def test_bad_input_corpus(daemon):
    d = daemon(AUTH + 'server:\n  max_body_size: 1KiB\n  max_header_size: 2KiB\n'
               'security:\n  block_after: 1000\n  allow: []\n')
    auth = {'Authorization': f'Bearer {BOSS}'}
    post = lambda path, data, **kw: requests.post(d.url(path), headers=dict(auth, **kw),
                                                 data=data, timeout=10)
    cases = [
        (post('/api/v1/monitors', '{"name": '), 400),
        (post('/api/v1/monitors', '[1, 2]'), 400),
        (post('/api/v1/monitors', '{"name": 5, "type": "tcp", "host": "h", "port": 1}'), 400),
        (post('/api/v1/monitors', '{"name": "a", "type": "tcp", "bogus": 1}'), 400),
        (post('/api/v1/monitors', 'x' * 5000), 413),
        (post('/api/v1/security/blocks', '{"ip": 7}'), 400),
        (requests.get(d.url('/api/v1/monitors?limit=-5'), headers=auth, timeout=10), 400),
        (requests.get(d.url('/api/v1/requests?since=yesterday-ish'), headers=auth, timeout=10),
         400),
        (requests.get(d.url('/api/v1/monitors/x/results?since=yesterday-ish'), headers=auth,
                      timeout=10), 404),  # no such monitor comes first
        (requests.get(d.url('/health'), headers={'X-Big': 'a' * 3000}, timeout=10), 431),
    ]
    for r, want in cases:
        assert r.status_code == want, (r.request.url, r.status_code, r.text[:200])
        assert r.headers['Content-Type'].startswith('application/json')
        assert 'error' in r.json()
    smuggling = [
        b'POST /api/v1/monitors HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n'
        b'Content-Length: 4\r\n\r\nabcd',
        b'POST /api/v1/monitors HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n'
        b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        b'GET /api/v1/monitors/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\n\r\n',
        b'GET /api/v1/../health HTTP/1.1\r\nHost: x\r\n\r\n',
        b'GET /he\x00alth HTTP/1.1\r\nHost: x\r\n\r\n',
        b'GET /health HTTP/1.1\r\nHost: x\r\nX: ' + b'b' * 70000 + b'\r\n\r\n',
        b'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n',
        b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + b'\x00' * 64,
    ]
    for data in smuggling:
        status, out = raw(d, data)
        assert status is None or 400 <= status < 500, (data[:60], out[:200])
    # the server is fine and the violations were recorded
    assert get(d, '/health').status_code in (200, 503)
    s = wait_for(lambda: (lambda x: x if x['violations']['by_type']['bad_input']['total'] >= 1
                          else None)(events(d)), what='bad_input events')
    assert s['violations']['by_type']['bad_input']['since_start'] >= 10


def test_request_log_dashboard_and_metrics(daemon):
    d = daemon(AUTH + 'monitors:\n  - {name: One, type: tcp, host: 127.0.0.1, port: 9}\n')
    for _ in range(5):
        get(d, '/health')
    get(d, '/api/v1/monitors', VIEW)
    get(d, '/api/v1/nope', VIEW)
    get(d, '/api/v1/monitors', 'bad-token-xxxxxxxxxxxxxxxx')
    rows = wait_for(lambda: (lambda r: r if len(r) >= 8 else None)(
        [r for r in api(d, '/api/v1/requests?limit=1000', VIEW)['requests']
         if r['route'] != '/api/v1/requests']), what='logged requests')
    routes = [r['route'] for r in rows]
    assert routes.count('/health') >= 5 and 'unmatched' in routes
    for r in rows:
        assert set(r) >= {'time', 'method', 'route', 'path', 'status', 'duration_ms', 'client',
                          'bytes_in', 'bytes_out', 'count'}
        assert r['client'] == '127.0.0.1' and r['count'] == 1
    assert 'bad-token' not in json.dumps(rows)
    only = api(d, '/api/v1/requests?status=4', VIEW)['requests']
    assert only and all(400 <= r['status'] < 500 for r in only)
    only = api(d, '/api/v1/requests?route=/health&limit=2', VIEW)
    assert only['count'] == 2 and only['next_cursor']
    more = api(d, f'/api/v1/requests?route=/health&limit=2&cursor={only["next_cursor"]}', VIEW)
    assert more['requests'][0]['id'] < only['requests'][-1]['id']
    assert get(d, '/api/v1/requests?status=42', VIEW).status_code == 400
    dash = api(d, '/api/v1/monitoring/dashboard', VIEW)
    for k in ['request_count', 'error_count', 'avg_response_time_ms', 'p95_response_time_ms',
              'requests_per_second', 'active_checks', 'uptime_seconds', 'store_queue_depth']:
        assert k in dash, k
    assert dash['request_count'] >= 8 and dash['error_count'] >= 2
    assert dash['p95_response_time_ms'] > 0 and dash['monitors'] == 1
    detailed = api(d, '/health/detailed', VIEW)
    assert detailed['security']['status'] == 'healthy'
    text = d.get('/metrics').text
    assert re.search(r'^vigil_security_violations_total\{type="auth_failure"\} 1$', text, re.M)
    assert 'vigil_security_blocked_addresses 0' in text
    promtool_check(text)


def test_blocks_list_pages(daemon):
    d = daemon(AUTH)
    auth = {'Authorization': f'Bearer {BOSS}'}
    ips = ['203.0.113.1', '203.0.113.2', '2001:db8::5']
    for ip in ips:
        assert requests.post(d.url('/api/v1/security/blocks'), headers=auth, json={'ip': ip},
                             timeout=10).status_code == 201
    first = api(d, '/api/v1/security/blocks?limit=2', VIEW)
    assert first['total'] == 3 and first['count'] == 2 and first['next_cursor']
    rest = api(d, f'/api/v1/security/blocks?limit=2&cursor={first["next_cursor"]}', VIEW)
    assert rest['count'] == 1 and rest['next_cursor'] is None
    assert [b['ip'] for b in first['blocks'] + rest['blocks']] == ips
    # an address of security.allow cannot be blocked
    r = requests.post(d.url('/api/v1/security/blocks'), headers=auth, json={'ip': '127.0.0.1'},
                      timeout=10)
    assert r.status_code == 409 and r.json()['error']['code'] == 'allowed'
