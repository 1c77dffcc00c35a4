"""systemd notifications without systemd: a fake NOTIFY_SOCKET receives what vigil sends.

READY=1 once serving, RELOADING=1/READY=1 around reloads, STOPPING=1, and WATCHDOG=1
at half of WATCHDOG_USEC only while the loop turns and the store writer keeps up (the
test-only hooks VIGIL_TEST_FREEZE_LOOP and VIGIL_TEST_STALL_WRITER, inert without
VIGIL_TEST_HOOKS=1, freeze one or the other).
"""
import os
import signal
import socket
import tempfile
import threading
import time

import pytest
import requests

from conftest import BOSS, ROLES_AUTH, wait_for


class FakeSystemd:
    """A unix datagram socket standing in for systemd's; records (time, message)."""

    def __init__(self, abstract=False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f'vigil-test-notify-{os.getpid()}-{id(self)}'
            self.sock.bind('\0' + name)
            self.address = '@' + name
            self.dir = None
        else:  # a short path: sun_path holds 108 bytes, pytest's tmp_path can be longer
            self.dir = tempfile.mkdtemp(prefix='vn', dir='/tmp')
            self.address = os.path.join(self.dir, 'notify')
            self.sock.bind(self.address)
        self.sock.settimeout(0.1)
        self.messages = []
        self.on_message = None
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            msg = data.decode()
            if self.on_message:
                self.on_message(msg)
            with self.lock:
                self.messages.append((time.monotonic(), msg))

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()
        if self.dir:
            os.unlink(self.address)
            os.rmdir(self.dir)

    def all(self):
        with self.lock:
            return list(self.messages)

    def since(self, t):
        return [m for (at, m) in self.all() if at >= t]

    def pings_since(self, t):
        return sum(1 for m in self.since(t) if m == 'WATCHDOG=1')

    def wait(self, predicate, t=0, timeout=20, what='a notification'):
        """The first message received at or after T for which PREDICATE holds."""
        def found():
            return next((m for m in self.since(t) if predicate(m)), None)
        return wait_for(found, timeout, what=what)

    def last_ping_age(self):
        pings = [at for (at, m) in self.all() if m == 'WATCHDOG=1']
        return time.monotonic() - pings[-1] if pings else float('inf')


def fields(msg):
    return dict(line.split('=', 1) for line in msg.split('\n'))


@pytest.fixture
def systemd():
    made = []

    def make(abstract=False):
        f = FakeSystemd(abstract)
        made.append(f)
        return f
    yield make
    for f in made:
        f.close()


# A monitor of a file, checked every 200 ms: a steady stream of writes for the store.
def busy_config(tmp_path):
    target = tmp_path / 'target'
    target.write_text('x')
    return ('storage:\n  commit_interval: 100ms\n'
            f'monitors:\n  - {{name: Target file, type: file, path: "{target}", '
            'interval: 200ms}\n')


def test_ready_after_serving_and_first_snapshot(daemon, systemd, tmp_path):
    sd = systemd()
    seen = {}

    def on_message(msg):
        # at the moment READY=1 arrives, the port must already answer
        if msg.startswith('READY=1') and 'live' not in seen:
            try:
                seen['live'] = requests.get(d.url('/health/live'), timeout=5).status_code
                seen['metrics'] = requests.get(d.url('/metrics'), timeout=5).text
            except requests.RequestException as e:
                seen['live'] = repr(e)
    sd.on_message = on_message
    d = daemon(busy_config(tmp_path), env={'NOTIFY_SOCKET': sd.address}, start=False)
    d.start(wait=False)
    ready = sd.wait(lambda m: m.startswith('READY=1'), what='READY=1')
    wait_for(lambda: 'live' in seen, 10, what='the check made on READY=1')
    assert seen['live'] == 200, seen['live']
    # the first snapshot is out: the monitor is in /metrics
    assert 'vigil_monitor_status{monitor="Target file"' in seen['metrics']
    assert fields(ready)['STATUS'].startswith('ready; serving http://127.0.0.1:')
    assert '1 monitor' in fields(ready)['STATUS']
    # READY=1 is the first message, sent once; no watchdog without WATCHDOG_USEC
    first = sd.all()[0][1]
    assert first.startswith('READY=1')
    assert d.get('/health/ready').status_code == 200
    assert not any(m == 'WATCHDOG=1' for (_, m) in sd.all())
    assert sum(1 for (_, m) in sd.all() if m.startswith('READY=1')) == 1


def test_reload_sighup_api_and_invalid(daemon, systemd, tmp_path):
    sd = systemd(abstract=True)
    config = busy_config(tmp_path) + ROLES_AUTH
    d = daemon(config, env={'NOTIFY_SOCKET': sd.address})
    sd.wait(lambda m: m.startswith('READY=1'), what='READY=1')

    t = time.monotonic()
    d.send(signal.SIGHUP)
    reloading = sd.wait(lambda m: m.startswith('RELOADING=1'), t, what='RELOADING=1')
    assert int(fields(reloading)['MONOTONIC_USEC']) > 0
    again = sd.wait(lambda m: m.startswith('READY=1'), t, what='READY=1 after the reload')
    assert 'configuration reloaded' in fields(again)['STATUS']
    msgs = sd.since(t)
    assert msgs.index(reloading) < msgs.index(again)

    t = time.monotonic()
    r = d.get('/api/v1/admin/reload', headers={'Authorization': f'Bearer {BOSS}'})
    assert r.status_code == 405  # it is a POST: nothing happened
    r = requests.post(d.url('/api/v1/admin/reload'),
                      headers={'Authorization': f'Bearer {BOSS}'}, timeout=10)
    assert r.status_code == 200, r.text
    sd.wait(lambda m: m.startswith('RELOADING=1'), t, what='RELOADING=1 from the API')
    sd.wait(lambda m: m.startswith('READY=1'), t, what='READY=1 after the API reload')

    t = time.monotonic()
    d.write_config(config + 'bogus_key: 1\n')
    d.send(signal.SIGHUP)
    sd.wait(lambda m: m.startswith('RELOADING=1'), t, what='RELOADING=1 (invalid file)')
    kept = sd.wait(lambda m: m.startswith('READY=1'), t, what='READY=1 after a failed reload')
    assert 'reload failed' in fields(kept)['STATUS']
    assert d.get('/health/live').status_code == 200


def test_stopping_on_sigterm(daemon, systemd, tmp_path):
    sd = systemd()
    d = daemon(busy_config(tmp_path), env={'NOTIFY_SOCKET': sd.address})
    sd.wait(lambda m: m.startswith('READY=1'), what='READY=1')
    t = time.monotonic()
    assert d.stop(signal.SIGTERM) == 0
    stopping = sd.wait(lambda m: m.startswith('STOPPING=1'), t, timeout=5, what='STOPPING=1')
    assert sd.since(t)[0] == stopping  # nothing else first (a READY=1 would be a lie)


def test_watchdog_pings_at_half_the_interval(daemon, systemd, tmp_path):
    sd = systemd(abstract=True)
    freeze = tmp_path / 'freeze'
    freeze.write_text('')  # the hook's file exists, but hooks are off: it must not hold
    d = daemon(busy_config(tmp_path), env={'NOTIFY_SOCKET': sd.address,
                                           'WATCHDOG_USEC': '1000000',
                                           'VIGIL_TEST_FREEZE_LOOP': str(freeze)})
    ready = sd.wait(lambda m: m.startswith('READY=1'), what='READY=1')
    sd.wait(lambda m: m == 'WATCHDOG=1', what='a first ping')
    assert [m for (_, m) in sd.all()].index(ready) == 0  # pings come after READY=1
    t = time.monotonic()
    time.sleep(3.0)
    n = sd.pings_since(t)
    # every 500 ms: about 6 in 3 s; the bounds only exclude "none" and "not halved"
    assert 3 <= n <= 12, f'{n} pings in 3 s at WATCHDOG_USEC=1s'
    assert 'test hook' not in d.log()


def test_watchdog_for_another_pid_is_ignored(daemon, systemd, tmp_path):
    sd = systemd()
    d = daemon(busy_config(tmp_path), env={'NOTIFY_SOCKET': sd.address,
                                           'WATCHDOG_USEC': '200000', 'WATCHDOG_PID': '1'})
    sd.wait(lambda m: m.startswith('READY=1'), what='READY=1')
    t = time.monotonic()
    d.send(signal.SIGHUP)  # a round trip through the loop, as a clock for the wait below
    sd.wait(lambda m: m.startswith('READY=1'), t, what='READY=1 after a reload')
    time.sleep(1.0)
    assert sd.pings_since(0) == 0


def quiet_for(sd, seconds, timeout):
    """Waits until no ping came for SECONDS (the pings stopped)."""
    wait_for(lambda: sd.last_ping_age() > seconds, timeout, interval=0.05,
             what=f'{seconds}s without a watchdog ping')


def test_pings_stop_while_the_loop_is_frozen(daemon, systemd, tmp_path):
    sd = systemd()
    freeze = tmp_path / 'freeze'
    d = daemon(busy_config(tmp_path), env={'NOTIFY_SOCKET': sd.address,
                                           'WATCHDOG_USEC': '600000',
                                           'VIGIL_TEST_HOOKS': '1',
                                           'VIGIL_TEST_FREEZE_LOOP': str(freeze)})
    sd.wait(lambda m: m == 'WATCHDOG=1', what='a first ping')
    freeze.write_text('')
    try:
        quiet_for(sd, 1.0, 10)
        t = time.monotonic()
        time.sleep(1.5)
        assert sd.pings_since(t) == 0, 'pings went on while the loop was frozen'
    finally:
        freeze.unlink()
    t = time.monotonic()
    sd.wait(lambda m: m == 'WATCHDOG=1', t, timeout=10, what='pings to resume')
    wait_for(lambda: sd.pings_since(t) >= 3, 10, what='pings to go on')
    assert 'test hook: the loop was held' in d.log()
    assert d.get('/health/live').status_code == 200


def test_pings_stop_while_the_writer_is_stalled(daemon, systemd, tmp_path):
    sd = systemd()
    stall = tmp_path / 'stall'
    d = daemon(busy_config(tmp_path), env={'NOTIFY_SOCKET': sd.address,
                                           'WATCHDOG_USEC': '600000',
                                           'VIGIL_TEST_HOOKS': '1',
                                           'VIGIL_TEST_STALL_WRITER': str(stall)})
    sd.wait(lambda m: m == 'WATCHDOG=1', what='a first ping')
    t = time.monotonic()
    stall.write_text('')
    try:
        stuck = sd.wait(lambda m: m.startswith('STATUS=store writer stuck'), t, timeout=15,
                        what='the stuck writer status')
        assert stuck
        quiet_for(sd, 1.0, 10)
        t = time.monotonic()
        time.sleep(1.5)
        assert sd.pings_since(t) == 0, 'pings went on while the writer was stuck'
        # the loop itself is fine: this is the writer's doing
        assert d.get('/health/live').status_code == 200
        assert 'no watchdog pings until it commits again' in d.log()
    finally:
        stall.unlink()
    t = time.monotonic()
    sd.wait(lambda m: m == 'WATCHDOG=1', t, timeout=15, what='pings to resume')
    wait_for(lambda: sd.pings_since(t) >= 3, 10, what='pings to go on')
    wait_for(lambda: 'watchdog pings resume' in d.log(), 5, what='the recovery log line')


@pytest.mark.parametrize('where', ['/nonexistent/vigil/notify', 'relative/notify', ''])
def test_nothing_breaks_when_notify_socket_leads_nowhere(daemon, where):
    d = daemon('', env={'NOTIFY_SOCKET': where, 'WATCHDOG_USEC': '200000'})
    d.send(signal.SIGHUP)
    wait_for(lambda: 'configuration reloaded' in d.log(), 10, what='the reload')
    assert d.get('/health/live').status_code == 200
    assert d.get('/health/ready').status_code == 200
    assert d.stop() == 0
    log = d.log()
    if where.startswith('/'):
        # sends fail (READY, pings, RELOADING...), and that is logged once
        assert log.count('cannot notify the service manager') == 1, log
    else:
        assert 'NOTIFY_SOCKET' in log and 'not notifying' in log
        assert 'cannot notify' not in log


def test_no_notify_socket_no_notifications(daemon):
    d = daemon('', env={'WATCHDOG_USEC': '200000', 'VIGIL_LOG_LEVEL': 'debug'}, start=False)
    d.env.pop('NOTIFY_SOCKET', None)
    d.start()
    d.send(signal.SIGHUP)
    wait_for(lambda: 'configuration reloaded' in d.log(), 10, what='the reload')
    assert d.get('/health/live').status_code == 200
    assert d.stop() == 0
    assert 'sd_notify' not in d.log()
