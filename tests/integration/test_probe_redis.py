"""The redis probe against a real redis-server (with and without a password) and fakes."""
import json
import pathlib
import re

import pytest
import requests

from conftest import api, monitor_yaml, run_cli, sanitizer_report, wait_for, open_fds, children
from redisserver import FakeRedis, FullBacklog, RedisServer

TOKEN = 'operator-token-0123456789'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {TOKEN}, role: operator}}\n'
PASSWORD = 'R3dis:pw with@signs/'  # needs percent-encoding in the URL
WRONG = 'Wr0ng-redis-pw'


@pytest.fixture(scope='module')
def redis():
    r = RedisServer().start()
    r.command('SET', 'k1', 'v')
    yield r
    r.stop()


@pytest.fixture(scope='module')
def redis_pw():
    r = RedisServer(password=PASSWORD).start()
    yield r
    r.stop()


def check(tmp_path, timeout='3s', **keys):
    """Runs one redis monitor with `vigil check --json`; returns (document, process)."""
    cfg = tmp_path / 'r.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('R', type='redis', timeout=timeout, **keys))
    p = run_cli('check', '-c', str(cfg), '--monitor', 'R', '--json')
    assert p.stdout, p.stderr
    assert not sanitizer_report(p.stderr), p.stderr
    return json.loads(p.stdout), p


def test_up_with_info_values_and_conditions(redis, tmp_path):
    doc, p = check(tmp_path, url=redis.url(), conditions=[
        '[CONNECTED] == true', '[BODY] == PONG', '[INFO].role == master',
        '[INFO].used_memory < 1000000000', '[INFO].rdb_last_bgsave_status == ok',
        '[INFO].db0.keys >= 1', '[RESPONSE_TIME] < 3s'])
    assert p.returncode == 0, doc
    assert doc['status'] == 'up' and doc['reason'] == 'ok', doc
    assert doc['message'].startswith('Redis 7.') and '(master)' in doc['message']
    assert doc['values']['used_memory'] > 0
    assert doc['values']['connected_clients'] >= 1
    assert 0 <= doc['values']['ping_ms'] < 3000
    assert all(c['holds'] for c in doc['conditions']), doc['conditions']
    assert '[INFO].role (master) == master' in [c['detail'] for c in doc['conditions']]


def test_info_condition_fails_and_degrades(redis, tmp_path):
    doc, p = check(tmp_path, url=redis.url(), conditions=['[INFO].role == replica'])
    assert p.returncode == 2 and doc['reason'] == 'condition_failed', doc
    assert '[INFO].role (master) == replica' in doc['message']
    doc, p = check(tmp_path, url=redis.url(), degraded_if=['[INFO].used_memory > 1000'])
    assert p.returncode == 1 and doc['status'] == 'degraded', doc
    assert '[INFO].used_memory' in doc['message']
    # a field INFO does not have is a failed condition, not a crash
    doc, p = check(tmp_path, url=redis.url(), conditions=['[INFO].no_such_field == 1'])
    assert doc['reason'] == 'condition_failed', doc


def test_db_select(redis, tmp_path):
    # k1 lives in db 0 only: db 3 is empty, db 99 does not exist
    doc, _ = check(tmp_path, url=redis.url(db=0), conditions=['[INFO].db0.keys == 1'])
    assert doc['reason'] == 'ok', doc
    doc, _ = check(tmp_path, url=redis.url(db=3))
    assert doc['reason'] == 'ok', doc
    doc, p = check(tmp_path, url=redis.url(db=99))
    assert p.returncode == 2 and doc['reason'] == 'query_failed', doc
    assert 'SELECT' in doc['message'] and 'out of range' in doc['message']


def test_password(redis_pw, tmp_path):
    doc, p = check(tmp_path, url=redis_pw.url(db=2))
    assert p.returncode == 0 and doc['reason'] == 'ok', doc
    # the ACL form, with the default user named
    doc, _ = check(tmp_path, url=redis_pw.url(user='default'))
    assert doc['reason'] == 'ok', doc
    for url in (redis_pw.url(password=WRONG), redis_pw.url(password=''),
                redis_pw.url(user='nobody')):
        doc, p = check(tmp_path, url=url)
        assert p.returncode == 2 and doc['reason'] == 'auth_failed', (url, doc)
        assert 'authentication failed' in doc['message']
    doc, _ = check(tmp_path, url=redis_pw.url(password=''))
    assert 'NOAUTH' in doc['message'], doc


def test_refused_and_hang(targets, tmp_path):
    doc, p = check(tmp_path, url=f'redis://127.0.0.1:{targets.refused_port}')
    assert p.returncode == 2 and doc['reason'] == 'connect_refused', doc
    assert doc['latency_ms'] < 1000
    # accepts the connection and never answers: the timeout ends it, on time
    doc, p = check(tmp_path, timeout='700ms', url=f'redis://127.0.0.1:{targets.hang_port}')
    assert doc['reason'] == 'timeout', doc
    assert 630 <= doc['latency_ms'] <= 1700, doc  # the loop's ms timer may fire a hair early


def test_timeout_while_connecting(tmp_path):
    with FullBacklog() as b:
        cfg = tmp_path / 'r.yaml'
        cfg.write_text('monitors:\n' + monitor_yaml('R', type='redis', timeout='500ms',
                                                    url=f'redis://127.0.0.1:{b.port}'))
        p = run_cli('check', '-c', str(cfg), '--monitor', 'R', '--verbose')
    assert p.returncode == 2 and 'reason      timeout' in p.stdout, p.stdout
    assert 'connect ' not in p.stdout  # it never connected: stopped mid-connect
    assert not sanitizer_report(p.stderr), p.stderr


def test_shutdown_cancels_runs_in_flight(daemon, targets):
    with FullBacklog() as b:
        d = daemon(AUTH + 'monitors:\n' +
                   monitor_yaml('connecting', type='redis', url=f'redis://127.0.0.1:{b.port}',
                                interval='30s', timeout='20s') +
                   monitor_yaml('waiting', type='redis',
                                url=f'redis://127.0.0.1:{targets.hang_port}',
                                interval='30s', timeout='20s'))
        wait_for(lambda: all(api(d, f'/api/v1/monitors/{m}', TOKEN)['state']['running']
                             for m in ('connecting', 'waiting')), 10, what='both running')
        # stop() fails after 15 s unless cancel() ends both runs (the fixture checks ASan)
        assert d.stop() == 0


@pytest.mark.parametrize('behaviour,reason,text', [
    ('garbage', 'protocol_error', 'Protocol error'),
    ('nopong', 'unexpected_response', 'PONG'),
    ('array', 'protocol_error', 'array'),
    ('extra', 'unexpected_response', 'INFO'),
    ('bulk', 'body_too_large', '1024 KiB'),
    ('close', 'connection_reset', ''),
    ('partial', 'timeout', 'no answer within 500 ms'),  # cancelled in the middle of a reply
])
def test_misbehaving_servers(tmp_path, behaviour, reason, text):
    with FakeRedis(behaviour) as fake:
        doc, p = check(tmp_path, timeout='500ms', url=f'redis://127.0.0.1:{fake.port}')
    assert p.returncode == 2 and doc['reason'] == reason, doc
    assert text in doc['message'], doc
    assert not sanitizer_report(p.stderr), p.stderr


def test_password_never_shown(daemon, redis_pw, tmp_path):
    d = daemon(AUTH + 'monitors:\n' +
               monitor_yaml('good', type='redis', url=redis_pw.url(), interval='200ms') +
               monitor_yaml('wrong', type='redis', url=redis_pw.url(password=WRONG),
                            interval='200ms'),
               env={'VIGIL_LOG_LEVEL': 'debug'})
    wait_for(lambda: api(d, '/api/v1/monitors/wrong', TOKEN)['state']['checks'] >= 2, 15,
             what='checks')
    texts = [d.get(p, headers={'Authorization': f'Bearer {TOKEN}'}).text
             for p in ('/api/v1/monitors', '/api/v1/monitors/good', '/api/v1/monitors/wrong',
                       '/api/v1/monitors/good/results', '/api/v1/monitors/wrong/results',
                       '/metrics', '/api/v1/status')]
    assert api(d, '/api/v1/monitors/good', TOKEN)['status'] == 'up'
    wrong = api(d, '/api/v1/monitors/wrong', TOKEN)
    assert wrong['last_result']['reason'] == 'auth_failed'
    assert wrong['config']['url'].startswith('redis://<secret>@127.0.0.1:')
    cfg = tmp_path / 'v.yaml'
    cfg.write_text(d.config_text)
    texts.append(run_cli('config', 'print', str(cfg)).stdout)
    for m in ('good', 'wrong'):
        p = run_cli('check', '-c', str(cfg), '--monitor', m, '--json', '--verbose')
        texts.append(p.stdout + p.stderr)
    d.stop()
    texts.append(d.log())
    from urllib.parse import quote
    for t in texts:
        for secret in (PASSWORD, quote(PASSWORD, safe=''), WRONG):
            assert secret not in t, t[:2000]


def test_api_monitor_targets_checked(daemon, redis):
    d = daemon(AUTH)  # default policy: loopback is not a target of API monitors
    r = requests.post(d.url('/api/v1/monitors'), timeout=10,
                      headers={'Authorization': f'Bearer {TOKEN}'},
                      json=dict(name='api redis', type='redis', url=redis.url(),
                                interval='1h'))
    assert r.status_code == 201, r.text
    r = requests.post(d.url('/api/v1/monitors/api-redis/run'), timeout=30,
                      headers={'Authorization': f'Bearer {TOKEN}'})
    res = r.json()['result']
    assert res['reason'] == 'target_forbidden', res
    d2 = daemon(AUTH + 'security:\n  targets: {allow: ["127.0.0.0/8"]}\n')
    requests.post(d2.url('/api/v1/monitors'), timeout=10,
                  headers={'Authorization': f'Bearer {TOKEN}'},
                  json=dict(name='api redis', type='redis', url=redis.url(), interval='1h'))
    r = requests.post(d2.url('/api/v1/monitors/api-redis/run'), timeout=30,
                      headers={'Authorization': f'Bearer {TOKEN}'})
    assert r.json()['result']['reason'] == 'ok', r.text


def test_daemon_runs_100_times_without_leaks(daemon, redis, redis_pw, targets):
    timeout_ms = 100
    cases = {
        'ok': (dict(url=redis.url(db=1)), 'ok'),
        'auth': (dict(url=redis_pw.url(password=WRONG)), 'auth_failed'),
        'refused': (dict(url=f'redis://127.0.0.1:{targets.refused_port}'), 'connect_refused'),
        'hang': (dict(url=f'redis://127.0.0.1:{targets.hang_port}'), 'timeout'),
    }
    common = dict(type='redis', interval='100ms', timeout=f'{timeout_ms}ms')
    d = daemon(AUTH + 'monitors:\n' +
               ''.join(monitor_yaml(n, **common, **k) for n, (k, _) in cases.items()))

    def checks():
        return {m: api(d, f'/api/v1/monitors/{m}', TOKEN)['state']['checks'] for m in cases}
    wait_for(lambda: min(checks().values()) >= 10, 60, interval=0.2, what='10 runs each')
    fds_warm = open_fds(d.proc.pid)
    wait_for(lambda: min(checks().values()) >= 100, 120, interval=0.5, what='100 runs each')
    for mid, (_, reason) in cases.items():
        rows = wait_for(lambda: (lambda r: r if len(r) == 100 else None)(
            api(d, f'/api/v1/monitors/{mid}/results?limit=100', TOKEN)['results']), 15,
            what=f'100 results of {mid} committed')
        bad = [r for r in rows if r['reason'] != reason or r['latency_ms'] > timeout_ms + 1000]
        assert not bad, bad[:3]
    # a check may be in flight at either moment: a few sockets of slack, never growth
    assert open_fds(d.proc.pid) <= fds_warm + 4
    assert children(d.proc.pid) == []
    # the hanging target held one connection per timed-out run; all were closed
    assert d.stop() == 0


def test_doc_example_is_valid(tmp_path):
    doc = pathlib.Path(__file__).resolve().parents[2] / 'docs' / 'probes' / 'redis.md'
    example = re.search(r'```yaml\n(.*?)```', doc.read_text(), re.S).group(1)
    env = {v: f'{v.lower()}-0123456789' for v in re.findall(r'\$\{(\w+)\}', example)}
    f = tmp_path / 'vigil.yaml'
    f.write_text(example)
    r = run_cli('config', 'check', str(f), env=env)
    assert r.returncode == 0 and 'configuration OK' in r.stdout, r.stdout + r.stderr
    r = run_cli('config', 'print', str(f), env=env)
    assert 'redis_password-0123456789' not in r.stdout
    assert 'redis://<secret>@sessions.internal:6379/2' in r.stdout
