"""The file probe against files the tests touch, age and size: missing, stale, too small or
large, directories, symbolic links, permissions, conditions on [AGE], [SIZE] and [EXISTS],
config errors, and no fd or child left behind over 100 runs in a daemon."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import api, monitor_yaml, run_cli, vigil_bin, wait_for, children

TOKEN = 'file-test-token-0123456789'
HOUR = 3600


def write(path, size, age=0):
    """Writes SIZE bytes to PATH and sets its mtime AGE seconds in the past."""
    path.write_bytes(b'v' * size)
    age_path(path, age)
    return path


def age_path(path, age):
    t = time.time() - age
    os.utime(path, (t, t))


def check(tmp_path, name='f', **keys):
    """Runs `vigil check --json` on one file monitor; returns (exit code, document)."""
    cfg = tmp_path / f'{name}.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml(name, type='file', **keys))
    r = run_cli('check', '-c', str(cfg), '--monitor', name, '--json')
    assert 'ERROR: AddressSanitizer' not in r.stderr and 'runtime error' not in r.stderr, r.stderr
    assert r.stdout, r.stderr
    return r.returncode, json.loads(r.stdout)


def test_fresh_file(tmp_path):
    f = write(tmp_path / 'heartbeat', 100)
    code, doc = check(tmp_path, path=str(f), max_age='1h', min_size=10, max_size='1KiB')
    assert code == 0 and doc['status'] == 'up' and doc['reason'] == 'ok'
    assert re.fullmatch(r'100 bytes, modified \d+s ago', doc['message']), doc
    v = doc['values']
    assert v['exists'] == 1 and v['size_bytes'] == 100 and 0 <= v['age_seconds'] < 60


def test_stale(tmp_path):
    f = write(tmp_path / 'backup.dump', 100, age=3 * HOUR + 30)
    code, doc = check(tmp_path, path=str(f), max_age='1h')
    assert code == 2 and doc['reason'] == 'file_stale'
    assert doc['message'] == 'modified 3h ago, max_age 1h'
    assert 3 * HOUR < doc['values']['age_seconds'] < 3 * HOUR + 120
    code, doc = check(tmp_path, path=str(f), max_age='4h')
    assert code == 0
    age_path(f, 2 * 86400 + 5 * HOUR + 7)  # beyond a day: hours
    assert check(tmp_path, path=str(f), max_age='1d')[1]['message'] == \
        'modified 2d5h ago, max_age 1d'
    age_path(f, 90)  # under an hour: seconds
    assert re.fullmatch(r'modified 1m3\ds ago, max_age 1m',
                        check(tmp_path, path=str(f), max_age='1m')[1]['message'])
    # touched again: fresh
    age_path(f, 0)
    assert check(tmp_path, path=str(f), max_age='1m')[0] == 0


def test_sizes(tmp_path):
    f = write(tmp_path / 'dump', 100)
    code, doc = check(tmp_path, path=str(f), min_size='1KiB')
    assert code == 2 and doc['reason'] == 'file_too_small'
    assert doc['message'] == '100 bytes, min_size 1KiB'
    code, doc = check(tmp_path, path=str(f), max_size=50)
    assert code == 2 and doc['reason'] == 'condition_failed'
    assert doc['message'] == '100 bytes, max_size 50B'
    assert check(tmp_path, path=str(f), min_size=100, max_size=100)[0] == 0
    empty = write(tmp_path / 'empty', 0)
    code, doc = check(tmp_path, path=str(empty), min_size=1)
    assert code == 2 and doc['message'] == '0 bytes, min_size 1B'


def test_missing(tmp_path):
    path = tmp_path / 'nope'
    code, doc = check(tmp_path, path=str(path))
    assert code == 2 and doc['reason'] == 'file_missing'
    assert doc['message'] == f'{path} does not exist'
    assert doc['values']['exists'] == 0
    f = write(tmp_path / 'plain', 1)
    code, doc = check(tmp_path, path=str(f / 'child'))
    assert code == 2 and doc['reason'] == 'file_missing'
    assert doc['message'] == f'{f}/child does not exist (a parent is not a directory)'
    # created later: up
    write(path, 5)
    assert check(tmp_path, path=str(path))[0] == 0


def test_symlinks_are_followed(tmp_path):
    target = write(tmp_path / 'target', 3000, age=2 * HOUR)
    link = tmp_path / 'link'
    link.symlink_to(target)
    code, doc = check(tmp_path, path=str(link), min_size='2KiB')
    assert code == 0 and doc['values']['size_bytes'] == 3000  # the target's, not the link's
    code, doc = check(tmp_path, path=str(link), max_age='1h')
    assert code == 2 and doc['reason'] == 'file_stale'  # the target's age
    dangling = tmp_path / 'dangling'
    dangling.symlink_to(tmp_path / 'gone')
    code, doc = check(tmp_path, path=str(dangling))
    assert code == 2 and doc['reason'] == 'file_missing'
    assert doc['message'] == f'{dangling} does not exist'
    loop = tmp_path / 'loop'
    loop.symlink_to(loop)
    code, doc = check(tmp_path, path=str(loop))
    assert code == 2 and doc['message'] == f'{loop} does not exist (a loop of symbolic links)'


def test_directory(tmp_path):
    d = tmp_path / 'backups'
    d.mkdir()
    code, doc = check(tmp_path, path=str(d), min_size='1MiB', max_age='1h')
    assert code == 0, doc  # sizes are not checked for directories
    assert check(tmp_path, path=str(d), max_size=1)[0] == 0
    assert re.fullmatch(r'directory, modified \d+s ago', doc['message']), doc
    age_path(d, 2 * HOUR)
    code, doc = check(tmp_path, path=str(d), max_age='1h')
    assert code == 2 and doc['reason'] == 'file_stale'
    write(d / 'new.dump', 10)  # a new entry modifies the directory
    assert check(tmp_path, path=str(d), max_age='1h')[0] == 0


def test_permission_denied():
    """A path Vigil may not look into is not_permitted (unknown), not missing: run as nobody,
    since root passes every permission check."""
    top = tempfile.mkdtemp(prefix='vigil-file-perm-')
    try:
        os.chmod(top, 0o755)
        secret = os.path.join(top, 'secret')
        os.mkdir(secret, 0o700)
        open(os.path.join(secret, 'f'), 'w').close()
        cfg = os.path.join(top, 'v.yaml')
        with open(cfg, 'w') as fh:
            fh.write('monitors:\n' + monitor_yaml('f', type='file',
                                                  path=os.path.join(secret, 'f')))
        os.chmod(cfg, 0o644)
        kw = {}
        if os.geteuid() == 0:
            kw['user'] = 'nobody'
        else:
            os.chmod(secret, 0o000)
        r = subprocess.run([vigil_bin(), 'check', '-c', cfg, '--monitor', 'f', '--json'],
                           capture_output=True, text=True, timeout=30, cwd=top, **kw)
        doc = json.loads(r.stdout)
        assert r.returncode == 3 and doc['status'] == 'unknown', (r.stdout, r.stderr)
        assert doc['reason'] == 'not_permitted'
        assert re.fullmatch(re.escape(os.path.join(secret, 'f')) +
                            r': permission denied to uid \d+', doc['message']), doc
    finally:
        os.chmod(os.path.join(top, 'secret'), 0o700)
        shutil.rmtree(top)


def test_conditions_on_age_and_size(tmp_path):
    f = write(tmp_path / 'log', 100, age=2 * HOUR)
    code, doc = check(tmp_path, path=str(f), conditions=['[SIZE] > 50', '[AGE] > 1h',
                                                         '[EXISTS] == true',
                                                         '[RESPONSE_TIME] < 5s'])
    assert code == 0, doc
    code, doc = check(tmp_path, path=str(f), conditions=['[SIZE] > 500'])
    assert code == 2 and doc['reason'] == 'condition_failed'
    assert '[SIZE] (100) > 500' in doc['message']
    code, doc = check(tmp_path, path=str(f), degraded_if=['[AGE] > 30m'])
    assert code == 1 and doc['reason'] == 'degraded' and '[AGE] (2h' in doc['message']
    code, doc = check(tmp_path, path=str(f), conditions=['[AGE] < 1h'])
    assert code == 2 and doc['reason'] == 'condition_failed'


def test_exists_condition_makes_missing_data(tmp_path):
    """With a condition on [EXISTS], a missing file is not file_missing: the conditions
    decide (a lock or maintenance file that must not be there)."""
    lock = tmp_path / 'maintenance.flag'
    code, doc = check(tmp_path, path=str(lock), conditions=['[EXISTS] == false'])
    assert code == 0 and doc['message'] == f'{lock} does not exist', doc
    write(lock, 1)
    code, doc = check(tmp_path, path=str(lock), conditions=['[EXISTS] == false'])
    assert code == 2 and doc['reason'] == 'condition_failed'
    code, doc = check(tmp_path, path=str(lock), degraded_if=['[EXISTS] == true'])
    assert code == 1 and doc['reason'] == 'degraded'


@pytest.mark.parametrize('keys, error', [
    (dict(max_age='1h'), 'monitors[0]: missing required key "path"'),
    (dict(path='relative/file'), 'monitors[0].path: "relative/file" is not an absolute path'),
    (dict(path='/x', max_age='soon'), 'monitors[0].max_age: "soon" is not a duration'),
    (dict(path='/x', min_size='big'), 'monitors[0].min_size: "big" is not a size'),
    (dict(path='/x', min_size='2KiB', max_size='1KiB'),
     'monitors[0].max_size: is less than min_size'),
    (dict(path='/x', conditions=['[BODY] == 1']), 'monitors[0].conditions[0]'),
    (dict(path='/x', max_ag='1h'), 'did you mean "max_age"'),
])
def test_config_errors(tmp_path, keys, error):
    cfg = tmp_path / 'bad.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('f', type='file', **keys))
    r = run_cli('config', 'check', str(cfg))
    assert r.returncode != 0
    assert error in r.stderr, r.stderr


def test_daemon_runs_100_times_without_leaks(daemon, tmp_path):
    ok = write(tmp_path / 'ok', 100)
    stale = write(tmp_path / 'stale', 100, age=2 * HOUR)
    dangling = tmp_path / 'dangling'
    dangling.symlink_to(tmp_path / 'gone')
    common = dict(type='file', interval='100ms', timeout='100ms')
    cases = {
        'ok': (dict(path=str(ok), max_age='1h'), 'up', 'ok'),
        'stale': (dict(path=str(stale), max_age='1h'), 'down', 'file_stale'),
        'missing': (dict(path=str(tmp_path / 'missing')), 'down', 'file_missing'),
        'dangling': (dict(path=str(dangling)), 'down', 'file_missing'),
        'small': (dict(path=str(ok), min_size='1KiB'), 'down', 'file_too_small'),
        'dir': (dict(path=str(tmp_path), min_size='1GiB'), 'up', 'ok'),
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
        if mid == 'ok':
            assert m['last_result']['values']['size_bytes'] == 100
        # results are committed by the writer within storage.commit_interval (1 s)
        rows = wait_for(lambda: (lambda r: r if len(r) == 100 else None)(
            api(d, f'/api/v1/monitors/{mid}/results?limit=100', TOKEN)['results']), 15,
            what=f'100 results of {mid} committed')
        assert all(r['reason'] == reason and r['latency_ms'] < 100 + 1000 for r in rows), rows
    assert len(os.listdir(f'/proc/{d.proc.pid}/fd')) <= fds_warm + 4
    assert children(d.proc.pid) == []

