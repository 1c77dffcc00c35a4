"""Push monitors: heartbeats sent by jobs to /api/v1/push/{token}, and `vigil exec`."""
import sys
import time

import requests

from conftest import ROLES_AUTH, VIEW, api, monitor_yaml, run_cli, wait_for

TOKEN = 'job-token-0123456789abcdef'
OTHER = 'other-token-0123456789abcdef'


def config(period='1h', grace='1m', interval='200ms', token=TOKEN, extra=''):
    return (ROLES_AUTH + 'monitors:\n' +
            monitor_yaml('Nightly Backup', type='push', token=token, period=period,
                         grace=grace, interval=interval) +
            monitor_yaml('Queue Worker', type='push', token=OTHER, period='1h',
                         interval='200ms') + extra)


def last(d, mid='nightly-backup'):
    return api(d, f'/api/v1/monitors/{mid}', VIEW)


def ping(d, suffix='', body=None, method='POST'):
    url = d.url(f'/api/v1/push/{TOKEN}' + (f'/{suffix}' if suffix else ''))
    return requests.request(method, url, data=body, timeout=10)


def wait_reason(d, reason, mid='nightly-backup'):
    return wait_for(lambda: (m := last(d, mid))['last_result'] and
                    m['last_result']['reason'] == reason and m,
                    what=f'{mid} to end with reason {reason}')


def test_lifecycle_success_fail_exit_code(daemon):
    d = daemon(config())
    m = wait_reason(d, 'awaiting_ping')
    assert m['status'] == 'unknown'
    assert m['last_result']['message'] == 'waiting for the first ping'

    r = ping(d, body='backup done\n12 GB copied\n')
    assert r.status_code == 200, r.text
    assert r.json() == {'monitor': 'nightly-backup', 'recorded': 'success recorded'}
    m = wait_reason(d, 'ok')
    assert m['status'] == 'up'
    assert m['last_result']['message'] == '12 GB copied'  # the last line of the body

    # a failure is down at once, with what the job said
    assert ping(d, 'fail', body='disk full').status_code == 200
    m = wait_reason(d, 'job_failed')
    assert m['status'] == 'down'
    assert m['last_result']['message'] == 'failed: disk full'

    # GET works too (curl in a crontab), and an exit code of 0 is success
    assert ping(d, '0', method='GET').status_code == 200
    m = wait_reason(d, 'ok')
    assert m['status'] == 'up' and m['last_result']['message'] == 'ping'

    assert ping(d, '3', body='3 tables failed').status_code == 200
    m = wait_reason(d, 'job_failed')
    assert m['last_result']['values']['exit_code'] == 3
    assert 'exit code 3: 3 tables failed' in m['last_result']['message']
    # the other push monitor never heard anything
    assert last(d, 'queue-worker')['last_result']['reason'] == 'awaiting_ping'


def test_start_measures_duration(daemon):
    d = daemon(config())
    assert ping(d, 'start').status_code == 200
    time.sleep(0.3)
    assert ping(d, body='ok').status_code == 200
    m = wait_reason(d, 'ok')
    assert m['last_result']['values']['duration_s'] >= 0.3
    assert m['last_result']['latency_ms'] >= 300  # the run's duration is its latency


def test_missed_heartbeat_and_unfinished_run(daemon):
    d = daemon(config(period='1s', grace='0s'))
    # nothing ever came: late once period + grace have passed since Vigil began waiting
    m = wait_reason(d, 'heartbeat_missed')
    assert m['status'] == 'down'
    assert 'no ping since Vigil began waiting' in m['last_result']['message']
    ping(d, body='ok')
    wait_reason(d, 'ok')
    m = wait_reason(d, 'heartbeat_missed')
    assert 'last ping' in m['last_result']['message']
    assert '(period 1s + grace 0s)' in m['last_result']['message']


def test_started_run_that_never_ends(daemon):
    d = daemon(config(period='1h', grace='1s'))
    ping(d, body='ok')
    wait_reason(d, 'ok')
    ping(d, 'start')
    m = wait_reason(d, 'heartbeat_missed')
    assert 'has not finished (grace 1s)' in m['last_result']['message']


def test_unknown_tokens_and_bad_pings_say_nothing(daemon):
    d = daemon(config())
    answers = []
    for path in ('/api/v1/push/not-a-token-0123456789', f'/api/v1/push/{TOKEN}x',
                 f'/api/v1/push/{TOKEN}/256', f'/api/v1/push/{TOKEN}/restart',
                 '/api/v1/push/' + 'a' * 200):
        r = requests.post(d.url(path), timeout=10)
        assert r.status_code == 404, path
        answers.append(r.json())
    # every refusal is the same, and names no token or monitor
    assert all(a == answers[0] for a in answers), answers
    assert TOKEN not in str(answers) and 'backup' not in str(answers).lower()
    assert wait_reason(d, 'awaiting_ping')['status'] == 'unknown'


def test_rate_limit_and_body_cap(daemon):
    d = daemon(config())
    codes = [ping(d).status_code for _ in range(30)]
    assert codes[:20] == [200] * 20, codes
    assert 429 in codes[20:], codes
    r = ping(d)
    if r.status_code == 429:
        assert r.headers.get('Retry-After') == '1'
    # the other token has its own budget
    assert requests.post(d.url(f'/api/v1/push/{OTHER}'), timeout=10).status_code == 200
    time.sleep(1.1)
    assert ping(d, body='x' * (10 * 1024 + 1)).status_code == 413
    assert ping(d, body='x' * (10 * 1024)).status_code == 200


def test_state_survives_restart(daemon):
    d = daemon(config())
    ping(d, '2', body='import failed')
    wait_reason(d, 'job_failed')
    d.stop()
    d.start()
    m = wait_for(lambda: (m := last(d))['state']['checks'] >= 1 and m, what='a check')
    assert m['last_result']['reason'] == 'job_failed'
    assert m['last_result']['values']['exit_code'] == 2
    assert 'import failed' in m['last_result']['message']
    assert ping(d, body='fixed').status_code == 200  # answered once durable
    d.kill9()
    d.start()
    m = wait_for(lambda: (m := last(d))['state']['checks'] >= 1 and m, what='a check')
    assert m['last_result']['reason'] == 'ok'
    assert m['last_result']['message'] == 'fixed'


def test_token_is_a_secret(daemon, tmp_path):
    d = daemon(config())
    ping(d, body='ok')
    wait_reason(d, 'ok')
    text = requests.get(d.url('/api/v1/monitors/nightly-backup'),
                        headers={'Authorization': f'Bearer {VIEW}'}, timeout=10).text
    assert TOKEN not in text
    assert TOKEN not in d.log()
    printed = run_cli('config', 'print', str(d.config_path))
    assert printed.returncode == 0, printed.stderr
    assert TOKEN not in printed.stdout and 'token' in printed.stdout
    # the request log keeps the ping without its token, even in the database file
    d.stop()
    import sqlite3
    db = sqlite3.connect(str(d.dir / 'vigil.db'))
    paths = [p for (p,) in db.execute("SELECT path FROM requests WHERE route LIKE '/api/v1/push%'")]
    db.close()
    assert paths and all(p.startswith('/api/v1/push/<secret>') for p in paths), paths
    assert not any(TOKEN in p for p in paths)


def test_config_errors(tmp_path):
    cfg = tmp_path / 'bad.yaml'
    cfg.write_text('monitors:\n' +
                   monitor_yaml('Short', type='push', token='abc', period='1h') +
                   monitor_yaml('Slash', type='push', token='abc/def/0123456789', period='1h') +
                   monitor_yaml('No Period', type='push', token='0123456789abcdef01') +
                   monitor_yaml('Twin A', type='push', token='twin-token-0123456789', period='1h') +
                   monitor_yaml('Twin B', type='push', token='twin-token-0123456789', period='1h'))
    r = run_cli('config', 'check', str(cfg))
    assert r.returncode == 2
    assert 'token' in r.stderr and 'use 16 to 127' in r.stderr
    assert "only letters, digits, '-' and '_'" in r.stderr
    assert 'period' in r.stderr
    assert 'is also the token of monitors[3]: each push monitor needs its own' in r.stderr


def test_exec_reports_start_success_and_failure(daemon, tmp_path):
    d = daemon(config())
    url = d.url(f'/api/v1/push/{TOKEN}')
    r = run_cli('exec', '--push', url, '--', sys.executable, '-c',
                'import time; print("rows copied: 42"); time.sleep(0.2)')
    assert r.returncode == 0, r.stderr
    assert 'rows copied: 42' in r.stdout  # the job's output still reaches the terminal
    m = wait_reason(d, 'ok')
    assert m['last_result']['message'] == 'rows copied: 42'
    assert m['last_result']['values']['duration_s'] >= 0.2

    r = run_cli('exec', '--push', url, '--', sys.executable, '-c',
                'import sys; print("partial"); print("disk full", file=sys.stderr); sys.exit(3)')
    assert r.returncode == 3  # the job's exit code is ours
    assert 'disk full' in r.stderr
    m = wait_reason(d, 'job_failed')
    assert m['last_result']['values']['exit_code'] == 3
    assert 'disk full' in m['last_result']['message']


def test_exec_timeout_and_unreachable_vigil(daemon, tmp_path):
    d = daemon(config())
    url = d.url(f'/api/v1/push/{TOKEN}')
    marker = tmp_path / 'grandchild-alive'
    # the job starts a grandchild; the timeout kills the whole group
    script = (f'import subprocess, time; '
              f'subprocess.Popen(["/bin/sh", "-c", "sleep 30; touch {marker}"]); '
              f'print("working", flush=True); time.sleep(30)')
    r = run_cli('exec', '--push', url, '--timeout', '500ms', '--', sys.executable, '-c', script)
    assert r.returncode == 124, (r.returncode, r.stderr)
    assert 'timed out' in r.stderr
    m = wait_reason(d, 'job_failed')
    assert m['last_result']['values']['exit_code'] == 124
    assert not marker.exists()

    # monitoring never stops the job: Vigil down means a warning, and the job's own status
    d.stop()
    r = run_cli('exec', '--push', url, '--', '/bin/sh', '-c', 'echo still ran; exit 5')
    assert r.returncode == 5
    assert 'still ran' in r.stdout
    assert 'vigil exec: ping' in r.stderr
    r = run_cli('exec', '--push', url, '--', '/nonexistent/job')
    assert r.returncode == 127
    r = run_cli('exec', '--', 'true')
    assert r.returncode == 2 and '--push URL is required' in r.stderr
