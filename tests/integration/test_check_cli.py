"""vigil check and vigil wait: one-shot checks with Nagios exit codes."""
import json
import threading
import time

from conftest import free_port, run_cli


def test_check_url_ok(targets):
    r = run_cli('check', targets.http + '/ok')
    assert r.returncode == 0
    assert r.stdout.startswith('OK - HTTP 200 | time=')


def test_check_url_down_and_unknown(targets):
    r = run_cli('check', f'http://127.0.0.1:{targets.refused_port}/')
    assert r.returncode == 2
    assert r.stdout.startswith('CRITICAL - ')
    r = run_cli('check', targets.http + '/status/500')
    assert r.returncode == 2
    assert 'HTTP 500 (expected 2xx)' in r.stdout
    r = run_cli('check', 'ftp://example.invalid/')
    assert r.returncode == 3
    assert 'scheme must be http or https' in r.stderr


def test_check_tcp_and_timeout(targets):
    assert run_cli('check', f'tcp://127.0.0.1:{targets.banner_port}').returncode == 0
    t0 = time.monotonic()
    r = run_cli('check', '--timeout', '300ms', targets.http + '/hang')
    assert r.returncode == 2 and 'within 300 ms' in r.stdout
    assert time.monotonic() - t0 < 10


def test_check_config_monitor_verbose_and_json(targets, tmp_path):
    cfg = tmp_path / 'v.yaml'
    cfg.write_text(f'''monitors:
  - name: API
    type: http
    url: "{targets.http}/ok"
    conditions: ["[STATUS] == 200", "[BODY].status == ok"]
    degraded_if: ["[BODY].n > 41"]
''')
    r = run_cli('check', '-c', str(cfg), '--monitor', 'API', '--verbose')
    assert r.returncode == 1  # degraded: WARNING
    assert r.stdout.startswith('WARNING - [BODY].n (42) > 41')
    assert 'condition   true  [STATUS] (200) == 200' in r.stdout
    assert 'degraded_if true  [BODY].n (42) > 41' in r.stdout
    assert 'timings' in r.stdout
    r = run_cli('check', '-c', str(cfg), '--monitor', 'api', '--json')
    doc = json.loads(r.stdout)
    assert doc['status'] == 'degraded' and doc['exit_code'] == 1 and doc['http_status'] == 200
    assert [c['holds'] for c in doc['conditions']] == [True, True, True]
    r = run_cli('check', '-c', str(cfg), '--monitor', 'nope')
    assert r.returncode == 3 and 'no monitor named "nope"' in r.stderr


def test_check_usage_errors():
    assert run_cli('check').returncode == 2
    assert run_cli('check', 'http://x/', '--monitor', 'y').returncode == 2
    assert run_cli('check', '--timeout', '5x', 'http://x/').returncode == 2


def test_wait_until_healthy_and_timeout():
    port = free_port()
    r = run_cli('wait', '--timeout', '1s', '--interval', '200ms', f'tcp://127.0.0.1:{port}')
    assert r.returncode == 2
    assert 'was not healthy within 1s' in r.stderr

    import socket
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def listen_later():
        time.sleep(1.0)
        srv.bind(('127.0.0.1', port))
        srv.listen()
    th = threading.Thread(target=listen_later)
    th.start()
    try:
        r = run_cli('wait', '--timeout', '20s', '--interval', '200ms', f'tcp://127.0.0.1:{port}')
        assert r.returncode == 0, r.stderr
    finally:
        th.join()
        srv.close()
