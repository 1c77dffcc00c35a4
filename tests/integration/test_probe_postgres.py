"""The postgres probe against a real PostgreSQL cluster started for this module."""
import json
import pathlib
import re
from urllib.parse import quote

import pytest
import requests

from conftest import api, monitor_yaml, run_cli, sanitizer_report, wait_for, open_fds, children
from pgserver import PgServer
from redisserver import FakeRedis, FullBacklog

TOKEN = 'operator-token-0123456789'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {TOKEN}, role: operator}}\n'
WRONG = 'Wr0ng-pg-password'


@pytest.fixture(scope='module')
def pg():
    server = PgServer().start()
    yield server
    server.stop()


def check(tmp_path, timeout='5s', **keys):
    """Runs one postgres monitor with `vigil check --json`; returns (document, process)."""
    cfg = tmp_path / 'p.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('P', type='postgres', timeout=timeout, **keys))
    p = run_cli('check', '-c', str(cfg), '--monitor', 'P', '--json')
    assert p.stdout, p.stderr
    assert not sanitizer_report(p.stderr), p.stderr
    return json.loads(p.stdout), p


def test_up_without_query(pg, tmp_path):
    for url in (pg.url(), pg.conninfo(), pg.url(host='localhost')):
        doc, p = check(tmp_path, url=url, conditions=['[CONNECTED] == true'])
        assert p.returncode == 0 and doc['reason'] == 'ok', (url, doc)
        assert doc['message'].startswith('PostgreSQL 1') and 'connected in' in doc['message']
        assert 'query' not in doc['message']
        assert doc['values']['server_version'] >= 100000
        assert doc['values']['connect_time_ms'] > 0
        assert 'query_time_ms' not in doc['values']
        assert doc['ip'] == '127.0.0.1' or doc['ip'] == '::1' and 'localhost' in url


def test_query_placeholders(pg, tmp_path):
    doc, p = check(tmp_path, url=pg.url(), query='SELECT name, id FROM items ORDER BY id',
                   conditions=['[ROWS] == 3', '[RESULT] == one', '[BODY] == "one|1"',
                               '[RESPONSE_TIME] < 5s'])
    assert p.returncode == 0 and doc['reason'] == 'ok', doc
    assert ', query in ' in doc['message']
    assert doc['values']['rows'] == 3 and doc['values']['query_time_ms'] >= 0
    assert all(c['holds'] for c in doc['conditions']), doc['conditions']
    # a JSON first column: [BODY] paths reach into it
    doc, _ = check(tmp_path, url=pg.url(), query="SELECT json_build_object('n', 42, 'ok', true)",
                   conditions=['[BODY].n == 42', '[BODY].ok == true'])
    assert doc['reason'] == 'ok', doc
    # no rows, and a statement that returns none
    doc, _ = check(tmp_path, url=pg.url(), query='SELECT 1 WHERE false',
                   conditions=['[ROWS] == 0'])
    assert doc['reason'] == 'ok', doc
    doc, _ = check(tmp_path, url=pg.url(), query="SET application_name = 'x'",
                   conditions=['[ROWS] == 0'])
    assert doc['reason'] == 'ok', doc
    doc, _ = check(tmp_path, url=pg.url(), query='SELECT NULL::text', degraded_if=['[ROWS] > 0'])
    assert doc['status'] == 'degraded', doc


def test_expect(pg, tmp_path):
    doc, p = check(tmp_path, url=pg.url(), query='SELECT count(*) FROM items', expect='3')
    assert p.returncode == 0 and doc['reason'] == 'ok', doc
    doc, p = check(tmp_path, url=pg.url(), query='SELECT count(*) FROM items', expect='4')
    assert p.returncode == 2 and doc['reason'] == 'condition_failed', doc
    assert doc['message'] == 'the query returned "3", expected "4"'
    doc, _ = check(tmp_path, url=pg.url(), query='SELECT name FROM items WHERE id = 9',
                   expect='x')
    assert doc['reason'] == 'condition_failed' and 'no row' in doc['message'], doc
    doc, _ = check(tmp_path, url=pg.url(), query='SELECT NULL', expect='x')
    assert doc['reason'] == 'condition_failed' and 'NULL' in doc['message'], doc


def test_query_error(pg, tmp_path):
    doc, p = check(tmp_path, url=pg.url(), query='SELECT * FROM no_such_table')
    assert p.returncode == 2 and doc['reason'] == 'query_failed', doc
    assert doc['message'] == 'query failed: 42P01: relation "no_such_table" does not exist'
    doc, _ = check(tmp_path, url=pg.url(), query='SELECT 1/0')
    assert doc['reason'] == 'query_failed' and '22012' in doc['message'], doc
    # an error after rows already streamed
    doc, _ = check(tmp_path, url=pg.url(),
                   query='SELECT 1/(3-g) FROM generate_series(1, 5) g')
    assert doc['reason'] == 'query_failed' and 'division by zero' in doc['message'], doc
    doc, _ = check(tmp_path, url=pg.url(), query='COPY items TO STDOUT')
    assert doc['reason'] == 'query_failed' and 'COPY' in doc['message'], doc


def test_auth_failed(pg, tmp_path):
    doc, p = check(tmp_path, url=pg.url(password=WRONG))
    assert p.returncode == 2 and doc['reason'] == 'auth_failed', doc
    assert 'password authentication failed' in doc['message']
    assert '28P01' in doc['message']
    doc, _ = check(tmp_path, url=f'postgresql://{pg.user}@127.0.0.1:{pg.port}/{pg.db}')
    assert doc['reason'] == 'auth_failed' and 'no password' in doc['message'], doc
    doc, _ = check(tmp_path, url=pg.url(db='no_such_db'))
    assert doc['reason'] == 'connect_failed' and '3D000' in doc['message'], doc


def test_unix_socket_in_the_config_file(pg, tmp_path):
    doc, _ = check(tmp_path, url=f'host={pg.dir} port={pg.port} user=postgres dbname=postgres',
                   query='SELECT current_user', expect='postgres')
    assert doc['reason'] == 'ok', doc


def test_refused_hang_and_slow_query(pg, targets, tmp_path):
    doc, p = check(tmp_path, url=pg.url(port=targets.refused_port))
    assert p.returncode == 2 and doc['reason'] == 'connect_refused', doc
    assert 'Connection refused' in doc['message']
    # accepts and never answers: the timeout ends it, on time
    doc, _ = check(tmp_path, timeout='700ms', url=pg.url(port=targets.hang_port))
    assert doc['reason'] == 'timeout', doc
    assert 630 <= doc['latency_ms'] <= 1700, doc  # the loop's ms timer may fire a hair early
    # connected, then a query that outlives the timeout
    doc, _ = check(tmp_path, timeout='700ms', url=pg.url(), query='SELECT pg_sleep(10)')
    assert doc['reason'] == 'timeout' and 630 <= doc['latency_ms'] <= 1700, doc
    assert doc['values']['connect_time_ms'] > 0
    # the server noticed the abandoned query's connection going away
    wait_for(lambda: pg.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                             "'SELECT pg_sleep(10)%' AND state = 'active'").strip() == '0',
             15, interval=0.2, what='the abandoned query cancelled')


def test_timeout_while_connecting(tmp_path):
    with FullBacklog() as b:
        cfg = tmp_path / 'p.yaml'
        cfg.write_text('monitors:\n' + monitor_yaml(
            'P', type='postgres', timeout='500ms', url=f'host=127.0.0.1 port={b.port}'))
        p = run_cli('check', '-c', str(cfg), '--monitor', 'P', '--verbose')
    assert p.returncode == 2 and 'reason      timeout' in p.stdout, p.stdout
    assert 'connect ' not in p.stdout  # it never connected: stopped mid-connect
    assert not sanitizer_report(p.stderr), p.stderr


def test_not_postgres(tmp_path):
    with FakeRedis('garbage') as fake:
        doc, _ = check(tmp_path, url=f'host=127.0.0.1 port={fake.port} user=x')
    assert doc['reason'] == 'protocol_error', doc
    with FakeRedis('close') as fake:
        doc, _ = check(tmp_path, url=f'host=127.0.0.1 port={fake.port} user=x')
    assert doc['reason'] in ('connection_reset', 'protocol_error'), doc


def test_password_never_shown(daemon, pg, tmp_path):
    d = daemon(AUTH + 'monitors:\n' +
               monitor_yaml('uri', type='postgres', url=pg.url(), interval='300ms',
                            query='SELECT 1') +
               monitor_yaml('conninfo', type='postgres', url=pg.conninfo(), interval='300ms') +
               monitor_yaml('wrong', type='postgres', url=pg.url(password=WRONG),
                            interval='300ms'),
               env={'VIGIL_LOG_LEVEL': 'debug'})
    wait_for(lambda: api(d, '/api/v1/monitors/wrong', TOKEN)['state']['checks'] >= 2, 20,
             what='checks')
    assert api(d, '/api/v1/monitors/uri', TOKEN)['status'] == 'up'
    assert api(d, '/api/v1/monitors/conninfo', TOKEN)['status'] == 'up'
    wrong = api(d, '/api/v1/monitors/wrong', TOKEN)
    assert wrong['last_result']['reason'] == 'auth_failed'
    assert wrong['config']['url'] == '<secret>'
    texts = [d.get(p, headers={'Authorization': f'Bearer {TOKEN}'}).text
             for p in ('/api/v1/monitors', '/api/v1/monitors/uri', '/api/v1/monitors/wrong',
                       '/api/v1/monitors/conninfo/results', '/api/v1/monitors/wrong/results',
                       '/metrics', '/api/v1/status')]
    cfg = tmp_path / 'v.yaml'
    cfg.write_text(d.config_text)
    texts.append(run_cli('config', 'print', str(cfg)).stdout)
    for m in ('uri', 'conninfo', 'wrong'):
        p = run_cli('check', '-c', str(cfg), '--monitor', m, '--json', '--verbose')
        texts.append(p.stdout + p.stderr)
    d.stop()
    texts.append(d.log())
    for t in texts:
        for secret in (pg.password, quote(pg.password, safe=''), WRONG):
            assert secret not in t, t[:2000]


def test_api_monitors(daemon, pg):
    def create(d, **body):
        return requests.post(d.url('/api/v1/monitors'), timeout=10, json=body,
                             headers={'Authorization': f'Bearer {TOKEN}'})

    def run(d, mid):
        r = requests.post(d.url(f'/api/v1/monitors/{mid}/run'), timeout=30,
                          headers={'Authorization': f'Bearer {TOKEN}'})
        assert r.status_code == 200, r.text
        return r.json()['result']

    d = daemon(AUTH)  # default policy: loopback is not a target of API monitors
    assert create(d, name='p', type='postgres', url=pg.url(), interval='1h').status_code == 201
    assert run(d, 'p')['reason'] == 'target_forbidden'
    assert create(d, name='n', type='postgres', interval='1h',
                  url=pg.url(host='localhost')).status_code == 201
    res = run(d, 'n')
    assert res['reason'] == 'target_forbidden' and 'localhost' in res['message'], res
    # a Unix socket or a file of this host cannot be named through the API
    for url in (f'host={pg.dir} port={pg.port} user=postgres',
                f'host=127.0.0.1 port={pg.port} passfile=/etc/shadow'):
        r = create(d, name='s', type='postgres', url=url)
        assert r.status_code == 400 and 'url' in r.text, r.text
    d2 = daemon(AUTH + 'security:\n  targets: {allow: ["127.0.0.0/8"]}\n')
    assert create(d2, name='p', type='postgres', url=pg.url(), query='SELECT 1',
                  interval='1h').status_code == 201
    assert run(d2, 'p')['reason'] == 'ok'


def test_daemon_runs_100_times_without_leaks(daemon, pg, targets):
    timeout_ms = 150  # the hanging target: 100 ms (its runs end by the timeout)
    cases = {
        'ok': (dict(url=pg.url(), query='SELECT count(*) FROM items', expect='3'), 'ok'),
        'auth': (dict(url=pg.url(password=WRONG)), 'auth_failed'),
        'query': (dict(url=pg.url(), query='SELECT * FROM nope'), 'query_failed'),
        'refused': (dict(url=pg.url(port=targets.refused_port)), 'connect_refused'),
        'hang': (dict(url=pg.url(port=targets.hang_port), interval='100ms', timeout='100ms'),
                 'timeout'),
    }
    common = dict(type='postgres', interval=f'{timeout_ms}ms', timeout=f'{timeout_ms}ms')
    d = daemon(AUTH + 'monitors:\n' +
               ''.join(monitor_yaml(n, **{**common, **k}) for n, (k, _) in cases.items()))

    def checks():
        return {m: api(d, f'/api/v1/monitors/{m}', TOKEN)['state']['checks'] for m in cases}
    wait_for(lambda: min(checks().values()) >= 10, 60, interval=0.2, what='10 runs each')
    fds_warm = open_fds(d.proc.pid)
    wait_for(lambda: min(checks().values()) >= 100, 150, interval=0.5, what='100 runs each')
    for mid, (_, reason) in cases.items():
        rows = wait_for(lambda: (lambda r: r if len(r) == 100 else None)(
            api(d, f'/api/v1/monitors/{mid}/results?limit=100', TOKEN)['results']), 15,
            what=f'100 results of {mid} committed')
        bad = [r for r in rows if r['reason'] != reason or r['latency_ms'] > timeout_ms + 1000]
        assert not bad, bad[:3]
    # a check may be in flight at either moment: a few sockets of slack, never growth
    assert open_fds(d.proc.pid) <= fds_warm + 5
    assert children(d.proc.pid) == []
    assert d.stop() == 0
    # every connection the daemon opened was closed: none of the test role is left
    wait_for(lambda: pg.psql(f"SELECT count(*) FROM pg_stat_activity WHERE usename = "
                             f"'{pg.user}'").strip() == '0', 10, what='no connection left')


def test_doc_example_is_valid(tmp_path):
    doc = pathlib.Path(__file__).resolve().parents[2] / 'docs' / 'probes' / 'postgres.md'
    example = re.search(r'```yaml\n(.*?)```', doc.read_text(), re.S).group(1)
    env = {v: f'{v.lower()}-0123456789' for v in re.findall(r'\$\{(\w+)\}', example)}
    f = tmp_path / 'vigil.yaml'
    f.write_text(example)
    r = run_cli('config', 'check', str(f), env=env)
    assert r.returncode == 0 and 'configuration OK' in r.stdout, r.stdout + r.stderr
    # and the passwords it names stay hidden in the effective config
    r = run_cli('config', 'print', str(f), env=env)
    assert 'pg_password-0123456789' not in r.stdout and r.stdout.count('<secret>') >= 4
