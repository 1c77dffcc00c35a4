"""Fixtures for integration tests: start the real vigil binary, talk to it as a user would.

Every daemon runs in its own temporary directory on a free loopback port, with
an inline YAML config. At teardown each daemon is stopped and its log is
checked for sanitizer reports, so a leak or undefined behaviour fails the test
that caused it.
"""
import os
import pathlib
import re
import signal
import socket
import subprocess
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
SANITIZER_MARKERS = ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
                     'SUMMARY: UndefinedBehaviorSanitizer')


def vigil_bin():
    env = os.environ.get('VIGIL_BIN')
    if env:
        return os.path.abspath(env)
    for cand in ('build-asan/vigil', 'build/vigil'):
        if (ROOT / cand).exists():
            return str(ROOT / cand)
    raise RuntimeError('no vigil binary: run make test, or set VIGIL_BIN')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=10.0, interval=0.02, what='condition'):
    """Polls PREDICATE until it returns a truthy value, or fails after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except (requests.ConnectionError, OSError) as e:
            last = e
        time.sleep(interval)
    raise AssertionError(f'timed out after {timeout}s waiting for {what} (last: {last!r})')


def run_cli(*args, env=None, cwd=None, timeout=30, input=None):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([vigil_bin(), *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=timeout, input=input)


def open_fds(pid):
    """How many file descriptors process PID has open."""
    return len(os.listdir(f'/proc/{pid}/fd'))


def children(pid):
    """Pids whose parent is PID (zombies included: an unreaped child is a leak too)."""
    out = []
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open(f'/proc/{name}/stat') as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(')') + 2:].split()[1]) == pid:
                out.append(int(name))
    return out


def sanitizer_report(text):
    return any(m in text for m in SANITIZER_MARKERS)


class Daemon:
    """One vigil process with its own directory, port and log."""

    def __init__(self, tmp, config='', env=None, port=None, name='vigil'):
        self.dir = pathlib.Path(tmp)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.config_path = self.dir / f'{name}.yaml'
        self.log_path = self.dir / f'{name}.log'
        self.env = dict(os.environ)
        self.env['VIGIL_LISTEN'] = f'127.0.0.1:{self.port}'
        self.env.update(env or {})
        self.proc = None
        self.write_config(config)

    def write_config(self, config):
        """Writes the config file (the port comes from VIGIL_LISTEN)."""
        self.config_text = config
        self.config_path.write_text(config)

    def start(self, wait=True, args=None):
        self.logf = open(self.log_path, 'ab')
        cmd = [vigil_bin(), 'serve', '-c', str(self.config_path)] + list(args or [])
        self.proc = subprocess.Popen(cmd, cwd=self.dir, env=self.env, stdout=self.logf,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=20):
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f'vigil exited with {self.proc.returncode}:\n{self.log()}')
            return requests.get(self.base + '/health/live', timeout=1).status_code == 200
        wait_for(up, timeout, what='vigil to answer /health/live')

    def url(self, path):
        return self.base + path

    def get(self, path, **kw):
        kw.setdefault('timeout', 10)
        return requests.get(self.url(path), **kw)

    def log(self):
        try:
            return self.log_path.read_text(errors='replace')
        except FileNotFoundError:
            return ''

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the daemon; returns its exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f'vigil did not stop within {timeout}s:\n{self.log()}')

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.stop()
        if getattr(self, 'logf', None):
            self.logf.close()


@pytest.fixture
def daemon(tmp_path):
    """A factory: daemon(config_yaml, env=...) starts a vigil; all are stopped and checked at teardown."""
    started = []

    def make(config='', env=None, start=True, **kw):
        d = Daemon(tmp_path / f'd{len(started)}', config, env=env, **kw)
        started.append(d)
        if start:
            d.start()
        return d

    yield make
    problems = []
    for d in started:
        try:
            d.close()
        except AssertionError as e:
            problems.append(str(e))
        if sanitizer_report(d.log()):
            problems.append(f'sanitizer report in {d.log_path}:\n{d.log()[-6000:]}')
    assert not problems, '\n'.join(problems)


@pytest.fixture(scope='session')
def targets(tmp_path_factory):
    """The misbehaving-target servers (targets.py), shared by the whole session."""
    from targets import Targets
    t = Targets(tmp_path_factory.mktemp('targets'))
    t.start()
    yield t
    t.stop()


# Three tokens, one per role, and loopback allowed as a target of API monitors
# (the test servers are there; test_ssrf.py tests the default policy).
VIEW, OPS, BOSS = 'viewer-token-0123456789', 'operator-token-0123456789', 'admin-token-0123456789'
ROLES_AUTH = ('auth:\n  tokens:\n'
              f'    - {{name: view, token: {VIEW}}}\n'
              f'    - {{name: ops, token: {OPS}, role: operator}}\n'
              f'    - {{name: boss, token: {BOSS}, role: admin}}\n'
              'security:\n  targets: {allow: ["127.0.0.0/8"]}\n')


def api(d, path, token, **kw):
    """GET an API path of daemon D with TOKEN; returns the decoded JSON (asserting 200)."""
    r = d.get(path, headers={'Authorization': f'Bearer {token}'}, **kw)
    assert r.status_code == 200, f'{path}: {r.status_code} {r.text}'
    return r.json()


def monitor_yaml(name, **keys):
    """One monitors list item as YAML (values JSON-encoded, which YAML reads)."""
    import json
    lines = [f'  - name: {json.dumps(name)}']
    for k, v in keys.items():
        lines.append(f'    {k}: {json.dumps(v)}')
    return '\n'.join(lines) + '\n'


def promtool_check(text):
    """Asserts `promtool check metrics` accepts TEXT. Its only complaint may be the
    camelCase of node_memory_* names, which are node_exporter's own (kept for dashboards)."""
    p = subprocess.run(['promtool', 'check', 'metrics'], input=text, capture_output=True,
                       text=True)
    if p.returncode == 0:
        return
    assert p.returncode == 3, f'promtool failed to parse ({p.returncode}):\n{p.stdout}{p.stderr}'
    problems = [line for line in (p.stdout + p.stderr).splitlines() if line.strip()]
    unexpected = [line for line in problems if not re.match(
        r'^node_memory_\w+ metric names should be written in .snake_case. not .camelCase.$', line)]
    assert not unexpected, '\n'.join(unexpected)
