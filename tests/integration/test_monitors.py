"""Monitors end to end: API, conditions, state, critical components, reload, restart, metrics."""
import re
import signal

from conftest import api, monitor_yaml, promtool_check, wait_for

TOKEN = 'monitors-test-token-0123456789'
AUTH = f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}}}\n'


def config(*monitors, extra=''):
    return AUTH + extra + 'monitors:\n' + ''.join(monitors)


def monitor(d, mid):
    return api(d, f'/api/v1/monitors/{mid}', TOKEN)


def wait_result(d, mid, pred=lambda m: True, timeout=20, what=None):
    """Waits until monitor MID has a last result satisfying PRED; returns the monitor."""
    def ready():
        m = monitor(d, mid)
        return m if m['last_result'] is not None and pred(m) else None
    return wait_for(ready, timeout, what=what or f'a result of {mid}')


def test_api_lists_monitors(daemon, targets):
    d = daemon(config(
        monitor_yaml('Web API', type='http', url=targets.http + '/ok', interval='1s',
                     group='Public'),
        monitor_yaml('SSH port', type='tcp', host='127.0.0.1', port=targets.banner_port,
                     interval='1s', expect='SSH-2.0'),
        monitor_yaml('Nothing there', type='http', url=f'http://127.0.0.1:{targets.refused_port}/',
                     interval='1s')))
    for mid in ('web-api', 'ssh-port', 'nothing-there'):
        wait_result(d, mid)
    doc = api(d, '/api/v1/monitors', TOKEN)
    assert doc['count'] == 3
    byid = {m['id']: m for m in doc['monitors']}
    assert [m['id'] for m in doc['monitors']] == ['web-api', 'ssh-port', 'nothing-there']
    web = byid['web-api']
    assert web['name'] == 'Web API' and web['group'] == 'Public' and web['type'] == 'http'
    assert web['status'] == 'up'
    assert web['last_result']['reason'] == 'ok'
    assert web['last_result']['message'] == 'HTTP 200'
    assert web['last_result']['http_status'] == 200
    assert web['last_result']['latency_ms'] > 0
    assert web['uptime_24h'] == 1.0
    assert re.match(r'\d{4}-\d\d-\d\dT', web['since'])
    assert byid['ssh-port']['status'] == 'up'
    down = byid['nothing-there']
    assert down['status'] == 'down'
    assert down['last_result']['reason'] == 'connect_refused'
    assert 'Failed to connect' in down['last_result']['message']
    assert down['uptime_24h'] == 0.0


def test_monitor_detail_and_secrets(daemon, targets):
    url = targets.http.replace('http://', 'http://alice:pa55-w0rd-x@') + '/ok?token=t0k3n-abc&q=1'
    d = daemon(config(monitor_yaml('Secret', type='http', url=url, interval='1s',
                                   headers={'X-Api-Key': 'k3y-value-123', 'Accept': 'x/y'})))
    m = wait_result(d, 'secret')
    cfg = m['config']
    assert cfg['url'].endswith('<secret>@127.0.0.1:' + targets.http.rsplit(':', 1)[1]
                               + '/ok?token=<secret>&q=1')
    assert cfg['headers'] == {'X-Api-Key': '<secret>', 'Accept': 'x/y'}
    assert cfg['interval'] == '1s' and cfg['type'] == 'http'
    assert m['state']['checks'] >= 1 and 'next_check' in m['state']
    assert set(m['uptime']) == {'24h', '7d', '30d', '90d'}
    assert m['uptime']['90d'] is None  # 90 days are kept for public monitors only
    texts = [d.get(p, headers={'Authorization': f'Bearer {TOKEN}'}).text for p in (
        '/api/v1/monitors', '/api/v1/monitors/secret', '/api/v1/monitors/secret/results',
        '/metrics', '/health')]
    d.stop()
    texts.append(d.log())
    for secret in ('pa55-w0rd-x', 't0k3n-abc', 'k3y-value-123'):
        for t in texts:
            assert secret not in t


def test_results_events_and_uptime(daemon, targets):
    d = daemon(config(monitor_yaml('Flappy', type='http', url=targets.http + '/ok',
                                   interval='300ms', timeout='200ms')))
    wait_for(lambda: monitor(d, 'flappy')['state']['checks'] >= 5, what='five checks')
    r = api(d, '/api/v1/monitors/flappy/results?limit=3', TOKEN)
    assert r['count'] == 3 and len(r['results']) == 3
    times = [x['time'] for x in r['results']]
    assert times == sorted(times, reverse=True)
    assert all(x['reason'] == 'ok' and x['message'] == 'HTTP 200' for x in r['results'])
    future = api(d, '/api/v1/monitors/flappy/results?since=2099-01-01T00:00:00Z', TOKEN)
    assert future['count'] == 0
    ev = wait_for(lambda: api(d, '/api/v1/monitors/flappy/events', TOKEN)['events'],
                  what='the event to be stored')
    assert [(e['from'], e['to']) for e in ev] == [('unknown', 'up')]
    # rollups are written as minutes close, and at a clean stop
    assert d.stop() == 0
    d.start()
    up = api(d, '/api/v1/monitors/flappy/uptime?window=24h', TOKEN)
    assert up['uptime'] == 1.0
    assert up['checks']['up'] >= 5 and up['checks']['down'] == 0
    assert up['latency_ms']['avg'] > 0 and up['latency_ms']['p95'] >= up['latency_ms']['p50']
    for w in ('7d', '30d', '90d'):
        assert api(d, f'/api/v1/monitors/flappy/uptime?window={w}', TOKEN)['checks']['up'] >= 5


def test_bad_parameters(daemon):
    d = daemon(config(monitor_yaml('One', type='tcp', host='127.0.0.1', port=1, interval='1s')))
    h = {'Authorization': f'Bearer {TOKEN}'}
    for path, param in (('/api/v1/monitors/one/results?limit=abc', 'limit'),
                        ('/api/v1/monitors/one/results?limit=0', 'limit'),
                        ('/api/v1/monitors/one/results?since=yesterday', 'since'),
                        ('/api/v1/monitors/one/results?until=13', None),
                        ('/api/v1/monitors/one/uptime?window=1y', 'window'),
                        ('/api/v1/monitors/one/events?limit=-1', 'limit')):
        r = d.get(path, headers=h)
        if param is None:
            assert r.status_code == 200
            continue
        assert r.status_code == 400, path
        err = r.json()['error']
        assert err['code'] == 'bad_parameter'
        assert err['message'].startswith(param + ':'), err
    r = d.get('/api/v1/monitors/nope', headers=h)
    assert r.status_code == 404 and 'nope' in r.json()['error']['message']
    assert d.get('/api/v1/monitors').status_code == 401


def test_conditions_degraded_and_failed(daemon, targets):
    d = daemon(config(
        monitor_yaml('Cond ok', type='http', url=targets.http + '/ok', interval='1s',
                     conditions=['[STATUS] == 200', '[BODY].status == ok',
                                 'len([BODY].items) == 3', '[HEADER].Content-Type == pat(*json*)'],
                     degraded_if=['[BODY].n > 40']),
        monitor_yaml('Cond bad', type='http', url=targets.http + '/ok', interval='1s',
                     conditions=['[BODY].status == down', '[BODY].nested.name == vigil']),
        monitor_yaml('Expect 503', type='http', url=targets.http + '/status/503', interval='1s',
                     expect_status=[503]),
        monitor_yaml('Want 2xx', type='http', url=targets.http + '/status/503', interval='1s')))
    m = wait_result(d, 'cond-ok')
    assert m['status'] == 'degraded'
    assert m['last_result']['reason'] == 'degraded'
    assert m['last_result']['message'] == '[BODY].n (42) > 40'
    m = wait_result(d, 'cond-bad')
    assert m['status'] == 'down'
    assert m['last_result']['reason'] == 'condition_failed'
    assert m['last_result']['message'] == '[BODY].status (ok) == down'
    assert wait_result(d, 'expect-503')['status'] == 'up'
    m = wait_result(d, 'want-2xx')
    assert m['last_result']['reason'] == 'http_status'
    assert m['last_result']['message'] == 'HTTP 503 (expected 2xx)'


def test_thresholds_and_retries(daemon, targets):
    refused = f'http://127.0.0.1:{targets.refused_port}/'
    d = daemon(config(
        monitor_yaml('Three strikes', type='http', url=refused, interval='200ms',
                     timeout='150ms', failure_threshold=3),
        monitor_yaml('Retried', type='http', url=refused, interval='1s', retries=2)))
    # down only after three failed checks: the event comes with the third result
    m = wait_result(d, 'three-strikes', lambda m: m['status'] == 'down')
    ev = wait_for(lambda: api(d, '/api/v1/monitors/three-strikes/events', TOKEN)['events'],
                  what='the event to be stored')
    results = api(d, '/api/v1/monitors/three-strikes/results?limit=1000', TOKEN)['results']
    oldest = sorted(r['time'] for r in results)
    assert [(e['from'], e['to']) for e in ev] == [('unknown', 'down')]
    assert ev[0]['time'] >= oldest[2]
    assert m['state']['consecutive_failures'] == 3
    r = wait_result(d, 'retried')
    assert r['last_result']['attempts'] == 3  # retries: 2 means three attempts per check


def test_critical_monitors_drive_health(daemon, targets):
    d = daemon(config(
        monitor_yaml('Database', type='tcp', host='127.0.0.1', port=targets.refused_port,
                     interval='300ms', critical=True),
        monitor_yaml('Cache', type='tcp', host='127.0.0.1', port=targets.banner_port,
                     interval='300ms', critical=True),
        monitor_yaml('Optional', type='tcp', host='127.0.0.1', port=targets.refused_port,
                     interval='300ms')))
    wait_result(d, 'database', lambda m: m['status'] == 'down')
    wait_result(d, 'cache', lambda m: m['status'] == 'up')

    def failing():
        r = d.get('/health')
        return r.json() if r.status_code == 503 else None
    doc = wait_for(failing, what='/health to fail')
    assert doc['status'] == 'fail'
    db = doc['checks']['monitor:database'][0]
    assert db['status'] == 'fail' and db['componentType'] == 'component'
    assert db['observedUnit'] == 'ms' and 'refused' in db['output'].lower()
    assert doc['checks']['monitor:cache'][0]['status'] == 'pass'
    assert 'monitor:optional' not in doc['checks']


def test_reload_keeps_state_and_schedule(daemon, targets):
    keep = monitor_yaml('Keep', type='tcp', host='127.0.0.1', port=targets.banner_port,
                        interval='300ms')
    gone = monitor_yaml('Gone', type='tcp', host='127.0.0.1', port=targets.banner_port,
                        interval='300ms')
    d = daemon(config(keep, gone))
    before = wait_result(d, 'keep', lambda m: m['state']['checks'] >= 3)
    wait_result(d, 'gone')
    d.write_config(config(keep, monitor_yaml('New', type='tcp', host='127.0.0.1',
                                             port=targets.banner_port, interval='300ms')))
    d.send(signal.SIGHUP)
    wait_for(lambda: d.get('/api/v1/monitors/gone', headers={
        'Authorization': f'Bearer {TOKEN}'}).status_code == 404, what='Gone to be removed')
    wait_result(d, 'new')
    # still scheduled: its count goes on from where it was (the reload may
    # take less than one 300 ms interval, so wait for the next check)
    after = wait_for(lambda: (lambda m: m if m['state']['checks'] > before['state']['checks']
                              else None)(monitor(d, 'keep')), what='Keep to be checked again')
    assert after['since'] == before['since']
    ev = api(d, '/api/v1/monitors/keep/events', TOKEN)['events']
    assert len(ev) == 1  # no new transition from the reload
    assert 'monitors: 1 added, 0 changed, 1 removed, 2 in all' in d.log()


def test_restart_keeps_state(daemon, targets):
    d = daemon(config(
        monitor_yaml('Steady', type='tcp', host='127.0.0.1', port=targets.banner_port,
                     interval='300ms'),
        monitor_yaml('Broken', type='tcp', host='127.0.0.1', port=targets.refused_port,
                     interval='300ms', failure_threshold=2)))
    wait_result(d, 'steady', lambda m: m['state']['checks'] >= 3)
    broken = wait_result(d, 'broken', lambda m: m['status'] == 'down')
    steady = monitor(d, 'steady')
    assert d.stop() == 0
    d.start()
    # right away, before any new check, the state is what it was
    m = monitor(d, 'broken')
    assert m['status'] == 'down' and m['since'] == broken['since']
    assert m['last_result'] is not None
    wait_result(d, 'steady', lambda m: m['state']['checks'] >= 3)
    assert monitor(d, 'steady')['since'] == steady['since']
    for mid in ('steady', 'broken'):
        ev = api(d, f'/api/v1/monitors/{mid}/events', TOKEN)['events']
        assert len(ev) == 1, ev  # no spurious transition after the restart


def test_metrics_with_hostile_names(daemon, targets):
    names = ['quote " and \\ backslash', 'new\nline', 'unicode ✓ ok', "apos'trophe {}"]
    d = daemon(config(*[monitor_yaml(n, type='http', url=targets.http + '/ok', interval='1s')
                        for n in names]))
    wait_for(lambda: all(m['last_result'] for m in api(d, '/api/v1/monitors', TOKEN)['monitors']),
             what='every monitor to have a result')
    text = d.get('/metrics').text
    promtool_check(text)
    assert 'probe_success{monitor="quote \\" and \\\\ backslash"} 1' in text
    assert 'probe_success{monitor="new\\nline"} 1' in text
    for name in ('probe_duration_seconds', 'probe_http_status_code', 'vigil_monitor_status',
                 'vigil_monitor_uptime_ratio', 'vigil_checks_total', 'vigil_checks_in_flight',
                 'vigil_scheduler_lag_seconds_bucket', 'probe_http_duration_seconds'):
        assert re.search(rf'^{name}[{{ ]', text, re.M), name
    assert 'vigil_monitor_status{monitor="new\\nline",status="up"} 1' in text
    assert 'phase="processing"' in text
    assert re.search(r'^vigil_checks_total\{type="http",reason="ok"\} \d+', text, re.M)


def test_tls_expiry_recorded(daemon, targets):
    d = daemon(config(monitor_yaml('TLS', type='http', url=targets.tls_valid + '/ok',
                                   interval='1s', tls_ca=str(targets.tls_ca_file),
                                   degraded_if=['[CERTIFICATE_EXPIRATION] < 3650d'])))
    m = wait_result(d, 'tls')
    assert m['status'] == 'degraded'  # the test certificate expires well within ten years
    assert m['last_result']['certificate_expires'][:4].isdigit()
    text = d.get('/metrics').text
    exp = re.search(r'^probe_ssl_earliest_cert_expiry\{monitor="TLS"\} (\d+)', text, re.M)
    assert exp and abs(int(exp.group(1)) - int(targets.tls_valid_not_after)) < 2


def test_fresh_connections_unless_keepalive(daemon, targets):
    # a condition that never holds puts the server's connection id in every message
    spy = ['[HEADER].X-Conn-Id == never']
    d = daemon(config(
        monitor_yaml('Fresh', type='http', url=targets.http + '/keepalive', interval='200ms',
                     conditions=spy),
        monitor_yaml('Reused', type='http', url=targets.http + '/keepalive', interval='200ms',
                     conditions=spy, keepalive=True)))

    def conn_ids(mid):
        rows = api(d, f'/api/v1/monitors/{mid}/results?limit=5', TOKEN)['results']
        return [re.search(r'\((\d+)\)', r['message']).group(1) for r in rows]
    wait_for(lambda: len(conn_ids('fresh')) == 5 and len(conn_ids('reused')) == 5,
             what='five stored results each')
    assert len(set(conn_ids('fresh'))) == 5   # a new connection every check
    assert len(set(conn_ids('reused'))) == 1  # one connection, kept
