"""Secrets of every kind of field never come out: API answers, the request log, metrics, logs."""
import json
import time

import requests

from conftest import monitor_yaml, wait_for

CANARY = 'CANARY-7d1e3b9a5c'
ADMIN = 'admin-token-for-canaries-0123'


def test_secrets_never_leave(daemon, targets):
    file_monitor = monitor_yaml(
        'Filed', type='http', url=f'{targets.http}/ok?token={CANARY}-url&x=1', interval='300ms',
        headers={'Authorization': f'Bearer {CANARY}-header', 'X-Api-Key': f'{CANARY}-key'},
        auth={'basic': f'user:{CANARY}-basic'})
    d = daemon(f'auth:\n  tokens:\n    - {{name: a, token: {ADMIN}, role: admin}}\n'
               'security:\n  secret_params: [session]\n  targets: {allow: ["127.0.0.0/8"]}\n'
               'monitors:\n' + file_monitor)
    auth = {'Authorization': f'Bearer {ADMIN}'}
    body = {'name': 'Made', 'type': 'http', 'interval': '300ms',
            'url': f'http://api-user:{CANARY}-userinfo@127.0.0.1:{targets.http.rsplit(":", 1)[1]}'
                   f'/ok?session={CANARY}-session&api_key={CANARY}-apikey',
            'headers': {'Authorization': f'Bearer {CANARY}-api-header',
                        'Cookie': f'sid={CANARY}-cookie'},
            'auth': {'bearer': f'{CANARY}-bearer'}}
    r = requests.post(d.url('/api/v1/monitors'), json=body, headers=auth, timeout=10)
    assert r.status_code == 201, r.text
    assert CANARY not in r.text
    # an API monitor with a bad field echoes no secret either
    bad = dict(body, name='Bad', interval='forever')
    r = requests.post(d.url('/api/v1/monitors'), json=bad, headers=auth, timeout=10)
    assert r.status_code == 400 and CANARY not in r.text
    for mid in ('filed', 'made'):
        wait_for(lambda: requests.get(d.url(f'/api/v1/monitors/{mid}'), headers=auth,
                                      timeout=10).json()['state']['checks'] >= 2,
                 what=f'{mid} checked')
        requests.post(d.url(f'/api/v1/monitors/{mid}/run'), headers=auth, timeout=10)
    # requests carrying secrets in their query
    requests.get(d.url(f'/health?token={CANARY}-q1&session={CANARY}-q2'), timeout=10)
    time.sleep(1.5)  # the request log and results are committed
    paths = ['/api/v1/monitors', '/api/v1/monitors/filed', '/api/v1/monitors/made',
             '/api/v1/monitors/filed/results', '/api/v1/monitors/made/results',
             '/api/v1/monitors/made/events', '/api/v1/requests?limit=1000', '/api/v1/security',
             '/api/v1/monitoring/dashboard', '/health', '/health/detailed', '/metrics',
             '/api/v1/openapi.json']
    for path in paths:
        r = requests.get(d.url(path), headers=auth, timeout=10)
        assert r.status_code in (200, 503), (path, r.status_code)
        assert CANARY not in r.text, f'{path} leaks: {r.text[r.text.find(CANARY) - 80:][:200]}'
    log_rows = requests.get(d.url('/api/v1/requests?route=/health'), headers=auth,
                            timeout=10).json()['requests']
    assert any('token=<secret>' in r['path'] and 'session=<secret>' in r['path']
               for r in log_rows), log_rows
    # the target saw the real credentials: they were used, just never shown
    assert d.stop() == 0
    log = d.log()
    assert CANARY not in log, log[log.find(CANARY) - 200:][:400]
    db = (d.dir / 'vigil.db').read_bytes() if (d.dir / 'vigil.db').exists() else b''
    # the API monitor's definition is stored as given (it must run after a restart);
    # nothing else in the database carries a secret
    import sqlite3
    con = sqlite3.connect(d.dir / 'vigil.db')
    for table, col in [('results', 'message'), ('events', 'message'), ('requests', 'path'),
                       ('security_events', 'detail'), ('monitors', 'name')]:
        for (v,) in con.execute(f'SELECT {col} FROM {table}'):
            assert v is None or CANARY not in v, (table, v)
    con.close()
    assert db  # the database exists
