"""Host metrics against this machine, node_exporter and the health thresholds."""
import os
import pathlib
import re
import shutil
import sqlite3
import subprocess

import pytest

from conftest import api, free_port, promtool_check, run_cli, wait_for

TOKEN = 'host-test-token-0123456789abcd'
AUTH = f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}}}\n'
HERE = pathlib.Path(__file__).parent


def meminfo_kb(field):
    text = open('/proc/meminfo').read()
    return int(re.search(rf'^{field}:\s+(\d+)', text, re.M).group(1))


def host(d):
    return wait_for(lambda: (lambda r: r.json() if r.status_code == 200 else None)(
        d.get('/api/v1/host', headers={'Authorization': f'Bearer {TOKEN}'})),
        what='a host sample')


def test_values_match_the_machine(daemon):
    d = daemon(AUTH + 'host:\n  interval: 1s\n')
    h = wait_for(lambda: (lambda x: x if x['cpu']['percent'] is not None else None)(host(d)),
                 what='a second sample (rates)')
    assert h['memory']['total_bytes'] == meminfo_kb('MemTotal') * 1024
    assert h['cpu']['count'] == os.cpu_count()
    assert len(h['cpu']['cores']) == os.cpu_count()
    assert 0 <= h['cpu']['percent'] <= 100
    root = [f for f in h['filesystems'] if f['mountpoint'] == '/']
    if root:  # "/" is a real filesystem here (not an overlay)
        st = os.statvfs('/')
        assert root[0]['size_bytes'] == st.f_blocks * st.f_frsize
        assert 0 < root[0]['percent'] < 100
    assert h['load']['1'] >= 0 and h['processes']['threads'] > 0
    assert h['system']['boot_time'] > 1e9
    names = [n['device'] for n in h['network']]
    assert 'lo' not in names  # loopback only when host.loopback is set
    assert set(h['health']) >= {'host:cpu', 'host:memory', 'host:load'}


def test_series_api(daemon):
    d = daemon(AUTH + 'host:\n  interval: 1s\n')
    hdr = {'Authorization': f'Bearer {TOKEN}'}
    series = wait_for(lambda: (lambda r: r.json()['series'] if r.status_code == 200 and
                               'cpu.percent' in r.json()['series'] else None)(
        d.get('/api/v1/host/series', headers=hdr)), what='the cpu series')
    assert 'memory.percent' in series and 'load.1' in series
    wait_for(lambda: len(api(d, '/api/v1/host/series?metric=memory.percent', TOKEN)['points'])
             >= 3, what='three points')
    doc = api(d, '/api/v1/host/series?metric=memory.percent&since=10m', TOKEN)
    assert doc['metric'] == 'memory.percent' and doc['step_s'] == 1
    p = doc['points'][-1]
    assert p['min'] <= p['avg'] <= p['max'] and 0 < p['avg'] < 100
    coarse = api(d, '/api/v1/host/series?metric=memory.percent&step=1m', TOKEN)
    assert coarse['step_s'] == 60 and len(coarse['points']) <= 2
    disk = [s for s in series if s.startswith('disk.percent{mountpoint=')]
    if disk:
        mp = re.search(r'mountpoint="([^"]*)"', disk[0]).group(1)
        assert api(d, f'/api/v1/host/series?metric=disk.percent&mountpoint={mp}',
                   TOKEN)['metric'] == disk[0]
    r = d.get('/api/v1/host/series?metric=nope', headers=hdr)
    assert r.status_code == 404
    r = d.get('/api/v1/host/series?metric=cpu.percent&step=100ms', headers=hdr)
    assert r.status_code == 400 and r.json()['error']['message'].startswith('step:')
    assert d.get('/api/v1/host').status_code == 401


def test_rollups_are_stored(daemon):
    d = daemon('host:\n  interval: 1s\n')
    wait_for(lambda: 'node_load1 ' in d.get('/metrics').text, what='a host sample')
    assert d.stop() == 0  # open minutes are written at shutdown
    db = sqlite3.connect(d.dir / 'vigil.db')
    names = {r[0] for r in db.execute('SELECT name FROM host_series')}
    assert {'memory.percent', 'load.1'} <= names
    rows = db.execute('SELECT count(*) FROM host_rollups r JOIN host_series s ON s.key = r.series'
                      " WHERE s.name = 'memory.percent'").fetchone()[0]
    assert rows == 3  # its minute, hour and day


def families(text):
    """{family: set of label-name tuples} from exposition text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s', line)
        if not m:
            continue
        labels = tuple(sorted(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m.group(3) or '')))
        out.setdefault(m.group(1), set()).add(labels)
    return out


def test_names_match_node_exporter(daemon, capsys):
    port = free_port()
    ne = subprocess.Popen(['prometheus-node-exporter', f'--web.listen-address=127.0.0.1:{port}'],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import requests
        ref = wait_for(lambda: requests.get(f'http://127.0.0.1:{port}/metrics', timeout=2).text,
                       what='node_exporter')
        d = daemon('host:\n  interval: 1s\n  loopback: true\n')
        ours = wait_for(lambda: (lambda t: t if 'node_cpu_seconds_total' in t else None)(
            d.get('/metrics').text), what='host metrics')
    finally:
        ne.terminate()
        ne.wait()
    promtool_check(ours)
    mine, theirs = families(ours), families(ref)
    node = sorted(n for n in mine if n.startswith('node_'))
    common = [n for n in node if n in theirs]
    mismatched = [n for n in common if mine[n] != theirs[n]]
    missing = [n for n in node if n not in theirs]
    with capsys.disabled():
        print(f'\n{len(common)} node_exporter names in common: ' + ' '.join(common))
    assert not mismatched, {n: (mine[n], theirs[n]) for n in mismatched}
    assert not missing, missing  # every node_* name Vigil exports is node_exporter's
    required = ['node_cpu_seconds_total', 'node_load1', 'node_load5', 'node_load15',
                'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes',
                'node_memory_MemFree_bytes', 'node_memory_Cached_bytes',
                'node_memory_Buffers_bytes', 'node_memory_SwapTotal_bytes',
                'node_memory_SwapFree_bytes', 'node_filesystem_size_bytes',
                'node_filesystem_free_bytes', 'node_filesystem_avail_bytes',
                'node_filesystem_files', 'node_filesystem_files_free',
                'node_disk_read_bytes_total', 'node_disk_written_bytes_total',
                'node_disk_reads_completed_total', 'node_disk_writes_completed_total',
                'node_disk_io_time_seconds_total', 'node_network_receive_bytes_total',
                'node_network_transmit_bytes_total', 'node_network_receive_packets_total',
                'node_network_receive_errs_total', 'node_network_receive_drop_total',
                'node_network_transmit_packets_total', 'node_boot_time_seconds',
                'node_time_seconds', 'node_procs_running', 'node_procs_blocked',
                'node_context_switches_total', 'node_intr_total', 'node_filefd_allocated',
                'node_uname_info']
    assert [n for n in required if n not in common] == []


def copy_proc(tmp_path):
    """A copy of the /proc files Vigil reads, for a test to rewrite one of them."""
    root = tmp_path / 'proc'
    (root / 'sys' / 'fs').mkdir(parents=True)
    (root / 'net').mkdir()
    for name in ('stat', 'meminfo', 'loadavg', 'uptime', 'vmstat', 'diskstats', 'mounts',
                 'sys/fs/file-nr', 'net/dev'):
        (root / name).write_text(open(f'/proc/{name}').read())
    return root


def fixture_proc(tmp_path, used_percent):
    """A copy of /proc's files with meminfo saying USED_PERCENT of memory is used."""
    root = copy_proc(tmp_path)
    total = 1000000
    avail = total * (100 - used_percent) // 100
    (root / 'meminfo').write_text(f'MemTotal: {total} kB\nMemFree: {avail} kB\n'
                                  f'MemAvailable: {avail} kB\nBuffers: 0 kB\nCached: 0 kB\n'
                                  'SwapTotal: 0 kB\nSwapFree: 0 kB\n')
    return root


def health(d):
    r = d.get('/health')
    return r.status_code, r.json()


def test_memory_threshold_fails_health(daemon, tmp_path):
    root = fixture_proc(tmp_path, 95)
    d = daemon('host:\n  interval: 1s\n', env={'VIGIL_PROC_ROOT': str(root)})
    code, doc = wait_for(lambda: (lambda c, j: (c, j) if 'host:memory' in j['checks'] else None)(
        *health(d)), what='host:memory')
    assert code == 503 and doc['status'] == 'fail'
    mem = doc['checks']['host:memory'][0]
    assert mem['status'] == 'fail' and abs(mem['observedValue'] - 95) < 0.01
    assert 'critical at 90' in mem['output']
    # at 85 % it warns; /health still answers 200
    (root / 'meminfo').write_text((root / 'meminfo').read_text()
                                  .replace('MemAvailable: 50000', 'MemAvailable: 150000'))
    code, doc = wait_for(lambda: (lambda c, j: (c, j) if j['checks']['host:memory'][0]['status']
                                  == 'warn' else None)(*health(d)), what='host:memory to warn')
    assert code == 200 and doc['status'] == 'warn'
    assert 'host:memory: fail -> warn' in d.log()


def test_disk_threshold_fails_health(daemon, tmp_path):
    if shutil.which('gcc') is None:
        pytest.skip('gcc is needed to build the statvfs shim')
    shim = tmp_path / 'fakestatvfs.so'
    subprocess.run(['gcc', '-shared', '-fPIC', '-O2', '-o', str(shim),
                    str(HERE / 'fakestatvfs.c'), '-ldl'], check=True)
    root = copy_proc(tmp_path)
    full = tmp_path / 'full'
    full.mkdir()
    (root / 'mounts').write_text(f'/dev/fake {full} ext4 rw 0 0\n')
    d = daemon('host:\n  interval: 1s\n', env={
        'VIGIL_PROC_ROOT': str(root), 'LD_PRELOAD': str(shim),
        'VIGIL_TEST_STATVFS_PATH': str(full),
        'ASAN_OPTIONS': 'detect_leaks=1:verify_asan_link_order=0'})
    name = f'host:disk:{full}'
    code, doc = wait_for(lambda: (lambda c, j: (c, j) if name in j['checks'] else None)(
        *health(d)), what=name)
    assert code == 503
    assert doc['checks'][name][0]['status'] == 'fail'
    assert abs(doc['checks'][name][0]['observedValue'] - 95) < 0.01


def test_metrics_cli():
    r = run_cli('metrics', '--json', '--interval', '200ms')
    assert r.returncode == 0, r.stderr
    import json
    doc = json.loads(r.stdout)
    assert doc['memory']['total_bytes'] == meminfo_kb('MemTotal') * 1024
    assert doc['cpu']['count'] == os.cpu_count()
    r = run_cli('metrics')
    assert r.returncode == 0
    assert r.stdout.startswith('CPU ') and '\nMemory ' in r.stdout
    assert run_cli('metrics', '--interval', 'x').returncode == 2


def test_process_groups(daemon):
    """A named group counts the processes whose command line matches, with their figures."""
    marker = f'vigil-group-test-{os.getpid()}'
    kids = [subprocess.Popen(['/usr/bin/python3', '-c',
                              'import time; x = bytearray(8 << 20); time.sleep(120)', marker])
            for _ in range(2)]
    try:
        d = daemon(AUTH + 'host:\n  interval: 1s\n  processes:\n'
                   f'    - {{name: workers, match: "{marker}"}}\n'
                   '    - {name: nobody, match: "^no-such-process-anywhere$"}\n')

        def groups():
            g = {x['name']: x for x in host(d)['groups']}
            return g if g['workers']['cpu_percent'] is not None else None
        g = wait_for(groups, what='two samples of the groups')
        w = g['workers']
        assert w['count'] == 2
        assert w['rss_bytes'] >= 2 * (8 << 20)  # each child touched 8 MiB
        assert w['threads'] >= 2 and w['fds'] >= 6
        assert 0 <= w['cpu_percent'] <= 200
        assert g['nobody']['count'] == 0 and g['nobody']['rss_bytes'] == 0
        text = d.get('/metrics').text
        assert re.search(r'^vigil_process_matched\{group="workers"\} 2$', text, re.M)
        assert re.search(r'^vigil_process_matched\{group="nobody"\} 0$', text, re.M)
        rss = float(re.search(r'^vigil_process_resident_memory_bytes\{group="workers"\} (\S+)$',
                              text, re.M).group(1))
        assert rss >= 2 * (8 << 20)
        # one child ends: the next sample counts one
        kids[0].kill()
        kids[0].wait()
        wait_for(lambda: {x['name']: x for x in host(d)['groups']}['workers']['count'] == 1,
                 what='the group to shrink')
    finally:
        for k in kids:
            k.kill()
            k.wait()


def test_series_list_pages(daemon):
    d = daemon(AUTH + 'host:\n  interval: 1s\n')
    host(d)
    full = api(d, '/api/v1/host/series', TOKEN)
    assert full['total'] == len(full['series']) and full['next_cursor'] is None
    seen, cursor = [], None
    while True:
        params = {'limit': 5}
        if cursor:
            params['cursor'] = cursor  # ids hold " { / =: let requests encode them
        page = api(d, '/api/v1/host/series', TOKEN, params=params)
        seen += page['series']
        cursor = page['next_cursor']
        if cursor is None:
            break
    assert seen == full['series']
