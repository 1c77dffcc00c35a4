"""`vigil status` and `vigil report`: clients of a running daemon's API (and of its database)."""
import csv
import http.server
import io
import json
import os
import pty
import re
import sqlite3
import subprocess
import threading
import time

from conftest import ROLES_AUTH, VIEW, api, free_port, monitor_yaml, run_cli, sanitizer_report
from conftest import vigil_bin, wait_for

SECRET = 'topsecret-header-7f3a9c'


def config(port, down=True, degraded=False):
    """An up http monitor on the daemon itself (its header a secret), a down one, alerting."""
    mons = monitor_yaml('Self', type='http', url=f'http://127.0.0.1:{port}/health/live',
                        interval='300ms', headers={'Authorization': f'Bearer {SECRET}'},
                        degraded_if=['[STATUS] == 200'] if degraded else [])
    if down:
        mons += monitor_yaml('Closed port', type='tcp', host='127.0.0.1', port=1,
                             interval='300ms', timeout='200ms', public=True)
    return (ROLES_AUTH + 'storage:\n  path: vigil.db\n'
            'alerting:\n  retry_initial: 10s\n  channels:\n'
            '    - {name: hook, type: webhook, url: "http://127.0.0.1:1/hook"}\n'
            'monitors:\n' + mons)


def start(daemon, **kw):
    port = free_port()
    d = daemon(config(port, **kw), port=port)
    return d


def cli(d, *args, token=VIEW, **kw):
    env = {'VIGIL_URL': d.base if d else kw.pop('url'), 'VIGIL_TOKEN': token}
    env.update(kw.pop('env', {}))
    r = run_cli(*args, env=env, **kw)
    assert not sanitizer_report(r.stderr), r.stderr
    return r


def statuses(d):
    return {m['id']: m['status'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']}


def test_status_text_json_and_exit_codes(daemon):
    d = start(daemon)
    wait_for(lambda: statuses(d) == {'self': 'up', 'closed-port': 'down'}, what='up and down')
    r = cli(d, 'status')
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f'CRITICAL - vigil at {d.base}: 2 monitors: 1 down, 0 degraded, 1 up')
    assert re.search(r'^host \S+: cpu ', r.stdout, re.M)
    down = next(i for i, l in enumerate(lines) if l.startswith('down ') and 'Closed port' in l)
    up = next(i for i, l in enumerate(lines) if l.startswith('up ') and 'Self' in l)
    assert down < up  # down first
    assert 'connect_refused' in lines[down] and 'ok: HTTP 200' in lines[up]
    assert 'alerts firing: 1' in r.stdout
    r = cli(d, 'status', '--json')
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert doc['status'] == 'CRITICAL' and doc['exit_code'] == 2
    assert doc['counts'] == {'total': 2, 'down': 1, 'degraded': 0, 'up': 1}
    assert [m['id'] for m in doc['monitors']['monitors']] == ['self', 'closed-port']
    assert doc['alerts']['alerts'][0]['monitor'] == 'closed-port'
    assert doc['health']['status'] in ('pass', 'warn', 'fail')
    # the flags win over the environment; --token-file reads the token
    tf = d.dir / 'token'
    tf.write_text(VIEW + '\n')
    r = run_cli('status', '--url', d.base, '--token-file', str(tf), env={'VIGIL_URL': 'http://x:1'})
    assert r.returncode == 2 and r.stdout.startswith('CRITICAL'), r.stdout + r.stderr


def test_status_ok_and_warning(daemon):
    d = start(daemon, down=False)
    wait_for(lambda: statuses(d) == {'self': 'up'}, what='up')
    r = cli(d, 'status')
    assert r.returncode == 0 and r.stdout.startswith('OK - '), r.stdout
    d2 = start(daemon, down=False, degraded=True)
    wait_for(lambda: statuses(d2) == {'self': 'degraded'}, what='degraded')
    r = cli(d2, 'status')
    assert r.returncode == 1 and r.stdout.startswith('WARNING - '), r.stdout
    assert json.loads(cli(d2, 'status', '-j').stdout)['status'] == 'WARNING'


class Garbage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'<html>not vigil</html>' if 'monitors' in self.path else b'{}'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def test_status_unknown(daemon):
    # nobody there
    url = f'http://127.0.0.1:{free_port()}'
    r = cli(None, 'status', url=url)
    assert r.returncode == 3 and r.stdout.startswith('UNKNOWN - cannot connect'), r.stdout
    assert 'Connection refused' in r.stdout
    doc = json.loads(cli(None, 'status', '--json', url=url).stdout)
    assert doc['status'] == 'UNKNOWN' and doc['exit_code'] == 3 and 'refused' in doc['error']
    # something that is not vigil
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Garbage)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        r = cli(None, 'status', url=f'http://127.0.0.1:{srv.server_address[1]}')
        assert r.returncode == 3 and 'not JSON' in r.stdout, r.stdout
    finally:
        srv.shutdown()
    # a wrong token, and none: said so, and the token is never printed
    d = start(daemon, down=False)
    r = cli(d, 'status', token='wrong-token-55aa66bb')
    assert r.returncode == 3 and 'the token is wrong or lacks the viewer role' in r.stdout
    assert 'wrong-token-55aa66bb' not in r.stdout + r.stderr
    r = run_cli('status', '--url', d.base, env={'VIGIL_TOKEN': ''})
    assert r.returncode == 3 and 'needs a token' in r.stdout, r.stdout
    # bad command lines are UNKNOWN too (2 would read as CRITICAL)
    assert run_cli('status', '--bogus').returncode == 3
    assert run_cli('status', '--url', 'ftp://x').returncode == 3


def window(d, seconds=120):
    """A window that ended 2 s ago: every result in it is committed, so counts are stable."""
    now = time.time()
    return int((now - seconds) * 1000), int((now - 2) * 1000)


def api_results(d, mid, since, until):
    return api(d, f'/api/v1/monitors/{mid}/results?since={since}&until={until}&limit=10000',
               VIEW)['results']


def check_export(d, doc, since, until):
    """DOC (a JSON report) against the API's own answers for the window."""
    assert doc['report']['format'] == 'vigil-report'
    ids = [m['id'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']]
    assert [m['id'] for m in doc['monitors']] == ids
    for m in doc['monitors']:
        want = api_results(d, m['id'], since, until)
        assert len(m['results']) == len(want) > 0, m['id']
        assert [r['time'] for r in m['results']] == [r['time'] for r in want]
        assert m['window']['results'] == len(want)
        assert sum(m['window']['checks'].values()) == len(want)
        assert m['config']['name'] == m['name']
    self_mon = doc['monitors'][0]
    assert self_mon['config']['headers']['Authorization'] == '<secret>'
    assert self_mon['window']['uptime'] == 1.0 and self_mon['window']['latency_ms']['max'] > 0
    assert doc['monitors'][1]['window']['checks']['down'] == len(doc['monitors'][1]['results'])
    assert [a['id'] for a in doc['alerts']] == \
        [a['id'] for a in api(d, '/api/v1/alerts', VIEW)['alerts']]
    assert doc['alerts'][0]['monitor'] == 'closed-port'
    assert doc['notifications'] and doc['notifications'][0]['channel'] == 'hook'
    assert [i['id'] for i in doc['incidents']] == \
        [i['id'] for i in api(d, '/api/v1/incidents', VIEW)['incidents']]
    assert doc['incidents'] and doc['incidents'][0]['updates']
    assert doc['summary']['results'] == sum(len(m['results']) for m in doc['monitors'])


def test_report_json_csv_and_database(daemon):
    d = start(daemon)
    wait_for(lambda: len(api_results(d, 'closed-port', *window(d))) >= 3, what='results')
    wait_for(lambda: api(d, '/api/v1/incidents', VIEW)['incidents'], what='the incident')
    since, until = window(d)
    # JSON from the API, to a file
    out = d.dir / 'r.json'
    r = cli(d, 'report', '--since', str(since), '--until', str(until), '-o', str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == '' and r.stderr == ''  # no progress bar without a terminal
    assert not (d.dir / 'r.json.partial').exists()
    text = out.read_text()
    assert SECRET not in text
    check_export(d, json.loads(text), since, until)
    # the same from the database, read while the daemon runs
    r = run_cli('report', '-c', str(d.config_path), '--since', str(since), '--until', str(until),
                cwd=d.dir)
    assert r.returncode == 0, r.stderr
    assert SECRET not in r.stdout
    doc = json.loads(r.stdout)
    assert doc['report']['source'].endswith('vigil.db')
    check_export(d, doc, since, until)
    # CSV: the same records, one row each, RFC 4180
    r = cli(d, 'report', '--since', str(since), '--until', str(until), '--format', 'csv', '-o',
            str(d.dir / 'r.csv'))
    assert r.returncode == 0, r.stderr
    text = (d.dir / 'r.csv').read_bytes().decode()
    assert SECRET not in text
    assert text.startswith('record,id,monitor,time,status,value,reason,message,detail\r\n')
    rows = list(csv.DictReader(io.StringIO(text, newline='')))
    for m in ('self', 'closed-port'):
        res = [x for x in rows if x['record'] == 'result' and x['monitor'] == m]
        assert len(res) == len(api_results(d, m, since, until))
        assert all(x['status'] in ('up', 'down') and float(x['value']) >= 0 for x in res)
    mon = next(x for x in rows if x['record'] == 'monitor' and x['id'] == 'self')
    assert json.loads(mon['detail'])['config']['headers']['Authorization'] == '<secret>'
    kinds = {x['record'] for x in rows}
    assert {'monitor', 'result', 'event', 'window', 'alert', 'notification', 'incident',
            'incident_update'} <= kinds
    # a file that cannot be written: exit 1, nothing left behind
    r = cli(d, 'report', '-o', str(d.dir / 'no' / 'such' / 'dir.json'))
    assert r.returncode == 1 and 'dir.json' in r.stderr
    # bad command lines
    assert run_cli('report', '--format', 'xml').returncode == 2
    assert run_cli('report', '--since', 'yesterday').returncode == 2
    assert run_cli('report', '-c', str(d.config_path), '--url', d.base).returncode == 2
    r = run_cli('report', '-c', str(d.config_path), '--db', str(d.dir / 'none.db'))
    assert r.returncode == 1 and 'none.db' in r.stderr


def test_report_progress_on_a_terminal(daemon):
    d = start(daemon, down=False)
    wait_for(lambda: statuses(d) == {'self': 'up'}, what='up')
    master, slave = pty.openpty()
    env = dict(os.environ, VIGIL_URL=d.base, VIGIL_TOKEN=VIEW)
    p = subprocess.run([vigil_bin(), 'report', '-o', str(d.dir / 'p.json')], stderr=slave,
                       stdout=subprocess.DEVNULL, env=env, timeout=30)
    os.close(slave)
    seen = b''
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            seen += chunk
    except OSError:
        pass
    os.close(master)
    assert p.returncode == 0
    assert b'%' in seen and b'monitors' in seen and b'\r' in seen, seen


def test_report_stays_bounded_in_memory(daemon):
    """250,000 results: the export is tens of MB, the process stays at its usual size."""
    port = free_port()
    d = daemon(ROLES_AUTH + 'storage:\n  path: vigil.db\nhost:\n  enabled: false\nmonitors:\n' +
               monitor_yaml('Big', type='tcp', host='127.0.0.1', port=1, interval='1s'),
               port=port)
    wait_for(lambda: api(d, '/api/v1/monitors', VIEW)['monitors'][0]['last_result'],
             what='the first check')
    d.stop()
    db = sqlite3.connect(d.dir / 'vigil.db')
    key = db.execute("SELECT key FROM monitors WHERE slug = 'big'").fetchone()[0]
    t0 = int(time.time() * 1000) - 20 * 3600 * 1000
    n = 250000
    db.executemany('INSERT OR IGNORE INTO results (monitor, t, status, latency, reason, message)'
                   ' VALUES (?, ?, 3, ?, 3, ?)',
                   ((key, t0 + i * 100, 100 + i % 977, None if i % 500 else f'refused {i}')
                    for i in range(n)))
    db.commit()
    db.close()

    def peak(*args):
        # ASan keeps freed memory in a quarantine (256 MB by default), which would hide
        # what the code itself holds: measure without it
        env = dict(os.environ, VIGIL_URL=d.base, VIGIL_TOKEN=VIEW)
        env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':quarantine_size_mb=0').lstrip(':')
        p = subprocess.run(['/usr/bin/time', '-v', vigil_bin(), 'report', *args],
                           capture_output=True, text=True, env=env, cwd=d.dir, timeout=120)
        assert p.returncode == 0, p.stderr[-3000:]
        return int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', p.stderr)[1]) * 1024

    small = peak('-c', str(d.config_path), '--since', '1m', '-o', 'small.json')
    big = peak('-c', str(d.config_path), '--since', '24h', '-o', 'big.json')
    size = (d.dir / 'big.json').stat().st_size
    assert size > 25_000_000
    assert len(json.loads((d.dir / 'big.json').read_text())['monitors'][0]['results']) >= n
    assert big - small < size / 4, (small, big, size)
    # through the API too, page by page
    d.start()
    url_big = peak('--since', '24h', '-o', 'api.json')
    assert (d.dir / 'api.json').stat().st_size > 25_000_000
    assert url_big - small < size / 4, (small, url_big, size)
