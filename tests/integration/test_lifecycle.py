"""Daemon lifecycle: clean stop, reload, one writer per database, database errors, secrets."""
import re
import resource
import signal
import sqlite3
import subprocess
import time


from conftest import Daemon, run_cli, vigil_bin, wait_for

TOKEN1 = 'first-token-0123456789abcdef'
TOKEN2 = 'second-token-0123456789abcdef'
CANARY = 'CANARY-SECRET-5f0c2a9e7b1d4c3a'


def tokens(*pairs):
    lines = ['auth:', '  tokens:']
    for name, tok in pairs:
        lines.append(f'    - {{name: {name}, token: {tok}}}')
    return '\n'.join(lines) + '\n'


def committed_seqs(log):
    """The (first, last) selftest seq the daemon reported committed in its last run."""
    runs = re.findall(r'selftest load of \d+ ops/s, seq from (\d+)', log)
    last = re.findall(r'selftest committed through seq (\d+)', log)
    return int(runs[-1]), (int(last[-1]) if last else None)


def test_sigterm_flushes_and_exits_0(daemon):
    d = daemon('storage:\n  commit_interval: 60s\n', env={'VIGIL_TEST_STORE_LOAD': '2000'})
    time.sleep(0.5)
    t0 = time.monotonic()
    assert d.stop(signal.SIGTERM) == 0
    took = time.monotonic() - t0
    assert took < 5, f'stopping took {took:.2f}s'
    first, last = committed_seqs(d.log())
    assert last is not None and last > first, 'nothing was flushed at shutdown'
    db = sqlite3.connect(d.dir / 'vigil.db')
    n = db.execute('SELECT count(*) FROM store_selftest WHERE seq BETWEEN ? AND ?',
                   (first, last)).fetchone()[0]
    assert n == last - first + 1
    stopped = db.execute('SELECT stopped_at FROM daemon_runs ORDER BY id DESC LIMIT 1').fetchone()
    assert stopped[0] is not None
    assert 'vigil: stopped' in d.log()


def test_sigint_also_stops_cleanly(daemon):
    d = daemon('')
    assert d.stop(signal.SIGINT) == 0


def test_ready_fails_while_stopping_and_live_before(daemon):
    d = daemon('')
    assert d.get('/health/ready').status_code == 200
    assert d.stop() == 0


def test_sighup_reload_good_and_bad(daemon):
    d = daemon(tokens(('one', TOKEN1)))
    auth1 = {'Authorization': f'Bearer {TOKEN1}'}
    auth2 = {'Authorization': f'Bearer {TOKEN2}'}
    assert d.get('/health/detailed', headers=auth1).status_code == 200
    assert d.get('/health/detailed', headers=auth2).status_code == 401
    d.write_config(tokens(('two', TOKEN2)))
    d.send(signal.SIGHUP)
    wait_for(lambda: d.get('/health/detailed', headers=auth2).status_code == 200,
             what='the new token to be accepted')
    assert d.get('/health/detailed', headers=auth1).status_code == 401
    assert 'configuration reloaded from' in d.log()
    # an invalid file: the error is logged, the current configuration stays
    d.write_config('auth:\n  tokens:\n    - {name: x, token: short}\nlog: {level: loud}\n')
    d.send(signal.SIGHUP)
    wait_for(lambda: 'reload failed with 2 errors' in d.log(), what='the reload error')
    assert 'log.level: "loud" is not one of' in d.log()
    assert d.get('/health/detailed', headers=auth2).status_code == 200
    # a key that needs a restart is reported
    d.write_config(tokens(('two', TOKEN2)) + 'server:\n  threads: 3\n')
    d.send(signal.SIGHUP)
    wait_for(lambda: 'server.threads changed; the new value takes effect after a restart'
             in d.log(), what='the restart warning')
    assert d.stop() == 0


def test_second_instance_refused(daemon, tmp_path):
    first = daemon('storage:\n  path: ' + str(tmp_path / 'shared.db') + '\n')
    second = daemon('storage:\n  path: ' + str(tmp_path / 'shared.db') + '\n', start=False)
    t0 = time.monotonic()
    second.start(wait=False)
    code = second.proc.wait(timeout=10)
    assert code == 1
    assert time.monotonic() - t0 < 5
    assert 'shared.db: the database is in use by another vigil process' in second.log()
    assert first.get('/health/live').status_code == 200


def test_not_a_database(daemon, tmp_path):
    bad = tmp_path / 'garbage.db'
    bad.write_bytes(b'not sqlite at all ' * 512)
    d = daemon(f'storage:\n  path: {bad}\n', start=False)
    d.start(wait=False)
    assert d.proc.wait(timeout=10) == 1
    assert f'{bad}: not a SQLite database' in d.log()


def test_database_directory_missing(daemon, tmp_path):
    d = daemon(f'storage:\n  path: {tmp_path}/no/such/dir/v.db\n', start=False)
    d.start(wait=False)
    assert d.proc.wait(timeout=10) == 1
    assert 'v.db: cannot open the database: No such file or directory' in d.log()


def test_disk_full(tmp_path):
    """A file size limit makes every write fail like a full disk: a clear message, exit 1."""
    d = Daemon(tmp_path / 'full', '')

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))
    p = subprocess.run([vigil_bin(), 'serve', '-c', str(d.config_path)], cwd=d.dir, env=d.env,
                       capture_output=True, text=True, timeout=30, preexec_fn=limit)
    assert p.returncode == 1, p.stderr
    assert 'vigil.db' in p.stderr and 'the disk is full' in p.stderr, p.stderr


def test_canary_secret_never_printed(daemon, tmp_path):
    secret_file = tmp_path / 'tok'
    secret_file.write_text(CANARY + '-file\n')
    config = ('auth:\n  tokens:\n'
              f'    - {{name: env, token: "${{CANARY_TOKEN}}", role: admin}}\n'
              f'    - {{name: file, token_file: {secret_file}}}\n'
              f'    - {{name: plain, token: {CANARY}-plain}}\n'
              'log:\n  level: debug\n')
    d = daemon(config, env={'CANARY_TOKEN': CANARY + '-env'})
    outputs = []
    for tok in ('-env', '-file', '-plain'):
        r = d.get('/health/detailed', headers={'Authorization': f'Bearer {CANARY}{tok}'})
        assert r.status_code == 200
        outputs.append(r.text)
    outputs.append(d.get('/metrics').text)
    outputs.append(d.get('/health').text)
    outputs.append(d.get('/nope').text)
    d.send(signal.SIGHUP)
    wait_for(lambda: 'configuration reloaded' in d.log(), what='reload')
    p = run_cli('config', 'print', str(d.config_path), env={'CANARY_TOKEN': CANARY + '-env'})
    outputs += [p.stdout, p.stderr]
    p = run_cli('config', 'check', str(d.config_path), env={'CANARY_TOKEN': CANARY + '-env'})
    outputs += [p.stdout, p.stderr]
    assert d.stop() == 0
    outputs.append(d.log())
    for text in outputs:
        assert CANARY not in text
