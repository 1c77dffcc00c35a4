"""The process probe against processes the tests spawn and kill: counts, CPU, memory,
users, config errors, and no fd or child left behind over 100 runs in a daemon."""
import json
import os
import re
import subprocess
import uuid

import pytest

from conftest import api, monitor_yaml, run_cli, wait_for, children

PY = '/usr/bin/python3'
TOKEN = 'process-test-token-0123456789'


def marker():
    return f'vigil-test-{uuid.uuid4().hex[:12]}'


class Procs:
    """Processes started by one test, each with a marker in its command line; all killed at
    teardown (by their own Popen object, nothing else)."""

    def __init__(self):
        self.procs = []

    def sleeper(self, mark, **kw):
        # argv[0] is the marker: the command line is "<mark> 1000", nothing else matches it
        p = subprocess.Popen([mark, '1000'], executable='/bin/sleep', stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def python(self, code, mark, ready=False):
        """A python3 running CODE with MARK as an argument; waits for a line when READY."""
        p = subprocess.Popen([PY, '-c', code, mark], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE if ready else subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, text=True)
        self.procs.append(p)
        if ready:
            assert p.stdout.readline().strip() == 'ready'
        return p

    def kill(self, p):
        p.kill()
        p.wait()  # reaped: a zombie has no command line anyway, but leave none

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
            if p.stdout:
                p.stdout.close()


@pytest.fixture
def procs():
    ps = Procs()
    yield ps
    ps.close()


def check(tmp_path, name='p', **keys):
    """Runs `vigil check --json` on one process monitor; returns (exit code, document)."""
    cfg = tmp_path / f'{name}.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml(name, type='process', **keys))
    r = run_cli('check', '-c', str(cfg), '--monitor', name, '--json')
    assert 'ERROR: AddressSanitizer' not in r.stderr and 'runtime error' not in r.stderr, r.stderr
    assert r.stdout, r.stderr
    return r.returncode, json.loads(r.stdout)


def test_count_follows_processes(tmp_path, procs):
    mark = marker()
    regex = f'^{mark} '
    code, doc = check(tmp_path, match=regex, min=2, max=3)
    assert code == 2 and doc['reason'] == 'process_count'
    assert doc['message'] == f"0 processes match '{regex}' (min 2)"
    first = procs.sleeper(mark)
    code, doc = check(tmp_path, match=regex, min=2, max=3)
    assert doc['message'] == f"1 process matches '{regex}' (min 2)" and code == 2
    procs.sleeper(mark)
    code, doc = check(tmp_path, match=regex, min=2, max=3)
    assert code == 0 and doc['status'] == 'up' and doc['values']['count'] == 2
    assert re.fullmatch(r'2 processes, \d+\.\d% CPU, \d+\.\d MiB', doc['message']), doc
    procs.sleeper(mark)
    procs.sleeper(mark)
    code, doc = check(tmp_path, match=regex, min=2, max=3)
    assert code == 2 and doc['message'] == f"4 processes match '{regex}' (max 3)"
    procs.kill(first)
    code, doc = check(tmp_path, match=regex, min=2, max=3)
    assert code == 0 and doc['values']['count'] == 3
    # the default is min 1, no max
    code, doc = check(tmp_path, match=regex)
    assert code == 0 and doc['values']['count'] == 3


def test_values_and_placeholders(tmp_path, procs):
    mark = marker()
    for _ in range(3):
        procs.sleeper(mark)
    code, doc = check(tmp_path, match=mark, conditions=[
        '[COUNT] == 3', '[THREADS] == 3', '[FDS] >= 9', '[MEMORY] > 100000', '[CPU] < 50',
        '[RESPONSE_TIME] < 5s'])
    assert code == 0, doc
    v = doc['values']
    assert v['count'] == 3 and v['threads'] == 3 and v['fds'] >= 9  # stdin, stdout, stderr each
    assert v['memory_bytes'] > 100000 and v['cpu_percent'] < 50
    code, doc = check(tmp_path, match=mark, conditions=['[COUNT] == 2'])
    assert code == 2 and doc['reason'] == 'condition_failed'
    assert '[COUNT] (3) == 2' in doc['message']
    code, doc = check(tmp_path, match=mark, degraded_if=['[THREADS] > 2'])
    assert code == 1 and doc['reason'] == 'degraded' and '[THREADS] (3) > 2' in doc['message']


def test_cpu_burner(tmp_path, procs):
    mark = marker()
    procs.python('while True: pass', mark)
    # two cores shared with other work: the burner should get more than half of one,
    # at least in one of a few runs
    for _ in range(5):
        code, doc = check(tmp_path, match=mark, cpu_max=50)
        if doc['values']['cpu_percent'] > 50:
            break
    assert doc['values']['cpu_percent'] > 50, doc
    assert code == 1 and doc['status'] == 'degraded' and doc['reason'] == 'degraded'
    assert re.fullmatch(r'CPU \d+\.\d% > cpu_max 50%', doc['message']), doc
    # a failing condition outranks the threshold: down, not degraded
    code, doc = check(tmp_path, match=mark, cpu_max=50, conditions=['[CPU] < 1'])
    assert code == 2 and doc['reason'] == 'condition_failed'
    # an idle process stays under the same threshold
    idle = marker()
    procs.sleeper(idle)
    code, doc = check(tmp_path, match=idle, cpu_max=50)
    assert code == 0 and doc['values']['cpu_percent'] < 50


def test_memory_max(tmp_path, procs):
    mark = marker()
    procs.python('import sys, time\nb = b"x" * (50 << 20)\nprint("ready", flush=True)\n'
                 'time.sleep(1000)', mark, ready=True)
    code, doc = check(tmp_path, match=mark, memory_max='30MiB')
    assert doc['values']['memory_bytes'] >= 50 << 20, doc
    assert code == 1 and doc['reason'] == 'degraded'
    assert re.fullmatch(r'memory \d+\.\d MiB > memory_max 30\.0 MiB', doc['message']), doc
    code, doc = check(tmp_path, match=mark, memory_max='500MiB')
    assert code == 0 and doc['status'] == 'up'
    code, doc = check(tmp_path, match=mark, conditions=[f'[MEMORY] > {50 << 20}'])
    assert code == 0


def test_user_filter(tmp_path, procs):
    if os.geteuid() != 0:
        pytest.skip('starting a process as another user needs root')
    mark = marker()
    procs.sleeper(mark, user='nobody')
    procs.sleeper(mark)
    procs.sleeper(mark)
    assert check(tmp_path, match=mark)[1]['values']['count'] == 3
    code, doc = check(tmp_path, match=mark, user='nobody')
    assert code == 0 and doc['values']['count'] == 1
    assert check(tmp_path, match=mark, user='65534')[1]['values']['count'] == 1
    assert check(tmp_path, match=mark, user='root')[1]['values']['count'] == 2
    code, doc = check(tmp_path, match=mark, user='nobody', min=2)
    assert code == 2 and doc['message'] == f"1 process of user nobody matches '{mark}' (min 2)"
    code, doc = check(tmp_path, match=mark, user='no-such-user-vigil')
    assert code == 3 and doc['reason'] == 'internal_error'
    assert doc['message'] == 'no user named "no-such-user-vigil"'


def test_vigil_never_matches_itself(tmp_path):
    # the command line of this very `vigil check` holds the monitor's name
    name = marker()
    code, doc = check(tmp_path, name=name, match=f'--monitor {name}', min=0, max=0)
    assert code == 0 and doc['values']['count'] == 0, doc


@pytest.mark.parametrize('keys, error', [
    (dict(match='a(b'), 'monitors[0].match: "a(b" is not a valid regular expression'),
    (dict(match='x{2,1}'), 'monitors[0].match: "x{2,1}" is not a valid regular expression'),
    (dict(match=''), 'monitors[0].match: is empty'),
    (dict(min=1), 'monitors[0]: missing required key "match"'),
    (dict(match='x', min=3, max=2), 'monitors[0].max: 2 is less than min (3)'),
    (dict(match='x', max=2.5), 'monitors[0].max: 2.5 is not a whole number'),
    (dict(match='x', min=-1), 'monitors[0].min: '),
    (dict(match='x', cpu_max='lots'), 'monitors[0].cpu_max: "lots" is not a number'),
    (dict(match='x', memory_max='2 bananas'), 'monitors[0].memory_max: "2 bananas" is not a size'),
    (dict(match='x', memory_mx='1GiB'), 'did you mean "memory_max"'),
])
def test_config_errors(tmp_path, keys, error):
    cfg = tmp_path / 'bad.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('p', type='process', **keys))
    r = run_cli('config', 'check', str(cfg))
    assert r.returncode != 0
    assert error in r.stderr, r.stderr


def test_daemon_runs_100_times_without_leaks(daemon, procs):
    mark = marker()
    procs.sleeper(mark)
    procs.sleeper(mark)
    common = dict(type='process', interval='150ms', timeout='150ms')
    cases = {
        'two-sleepers': (dict(match=f'^{mark} ', min=2, max=2), 'up', 'ok'),
        'none': (dict(match=f'^{mark}-absent', min=1), 'down', 'process_count'),
        'too-many': (dict(match=f'^{mark} ', max=1), 'down', 'process_count'),
        'no-user': (dict(match=mark, user='no-such-user-vigil'), 'unknown', 'internal_error'),
    }
    d = daemon(f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}}}\n' + 'monitors:\n' +
               ''.join(monitor_yaml(n, **common, **k) for n, (k, _, _) in cases.items()))

    def checks():
        return {m: api(d, f'/api/v1/monitors/{m}', TOKEN)['state']['checks'] for m in cases}
    wait_for(lambda: min(checks().values()) >= 10, 60, interval=0.2, what='10 runs each')
    fds_warm = len(os.listdir(f'/proc/{d.proc.pid}/fd'))
    wait_for(lambda: min(checks().values()) >= 100, 120, interval=0.5, what='100 runs each')
    for mid, (_, status, reason) in cases.items():
        m = api(d, f'/api/v1/monitors/{mid}', TOKEN)
        assert m['status'] == status and m['last_result']['reason'] == reason, m
        if mid == 'two-sleepers':
            assert m['last_result']['values']['count'] == 2
        # results are committed by the writer within storage.commit_interval (1 s)
        rows = wait_for(lambda: (lambda r: r if len(r) == 100 else None)(
            api(d, f'/api/v1/monitors/{mid}/results?limit=100', TOKEN)['results']), 15,
            what=f'100 results of {mid} committed')
        assert all(r['reason'] == reason and r['latency_ms'] < 150 + 1000 for r in rows), rows
    assert len(os.listdir(f'/proc/{d.proc.pid}/fd')) <= fds_warm + 4
    assert children(d.proc.pid) == []
