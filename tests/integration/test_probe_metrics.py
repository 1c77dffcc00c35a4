"""What the probe types add to /metrics and the API: perfdata, typed values, DNS lookup time."""
import re

import requests

from conftest import ROLES_AUTH, VIEW, api, monitor_yaml, promtool_check, wait_for

PLUGIN = '''#!/bin/sh
echo "OK - all fine | time=0.5s;1;2;0; size=2KB;;;0; 'my \\"odd\\" label'=3;;;; pct=50%;80;90 c=12c"
echo "long output line"
exit 0
'''


def sample(text, metric, **labels):
    """The value of the sample METRIC whose labels include LABELS, or None."""
    for line in text.splitlines():
        m = re.match(r'^(\w+)\{(.*)\} (\S+)$', line)
        if not m or m.group(1) != metric:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    return None


def test_perfdata_values_and_promtool(daemon, tmp_path):
    plugin = tmp_path / 'check_thing'
    plugin.write_text(PLUGIN)
    plugin.chmod(0o755)
    backup = tmp_path / 'backup.tar'
    backup.write_bytes(b'x' * 1234)
    d = daemon(ROLES_AUTH + 'monitors:\n' +
               monitor_yaml('Plugin', type='command', command=str(plugin), interval='300ms') +
               monitor_yaml('Backup file', type='file', path=str(backup), interval='300ms'))

    def ready():
        text = requests.get(d.url('/metrics'), timeout=10).text
        return sample(text, 'vigil_perfdata', monitor='Plugin', label='time') is not None and \
            sample(text, 'vigil_monitor_value', monitor='Backup file', name='size_bytes') and text
    text = wait_for(ready, what='perfdata and values in /metrics')
    assert sample(text, 'vigil_perfdata', monitor='Plugin', label='time', uom='seconds') == 0.5
    assert sample(text, 'vigil_perfdata', monitor='Plugin', label='size', uom='bytes') == 2048
    assert sample(text, 'vigil_perfdata', monitor='Plugin', label='pct', uom='percent') == 50
    assert sample(text, 'vigil_perfdata', monitor='Plugin', label='c', uom='counter') == 12
    assert sample(text, 'vigil_perfdata', monitor='Plugin', label='my \\"odd\\" label',
                  uom='') == 3
    assert sample(text, 'vigil_monitor_value', monitor='Backup file', name='size_bytes') == 1234
    assert sample(text, 'vigil_monitor_value', monitor='Plugin', name='exit_code') == 0
    promtool_check(text)

    # the API shows the same, and every stored result keeps its perfdata
    m = api(d, '/api/v1/monitors/plugin', VIEW)
    assert m['last_result']['perfdata'].startswith('time=0.5s;1;2;0;')
    assert m['last_result']['values']['exit_code'] == 0
    assert api(d, '/api/v1/monitors/backup-file', VIEW)['last_result']['values']['size_bytes'] \
        == 1234
    rows = wait_for(lambda: api(d, '/api/v1/monitors/plugin/results', VIEW)['results'],
                    what='stored results')
    assert all(r['perfdata'].startswith('time=0.5s') for r in rows)
    assert 'perfdata' not in api(d, '/api/v1/monitors/backup-file/results', VIEW)['results'][0]


def test_perfdata_items_in_conditions(tmp_path):
    from conftest import run_cli
    import json
    plugin = tmp_path / 'check_thing'
    plugin.write_text(PLUGIN)
    plugin.chmod(0o755)
    cfg = tmp_path / 'c.yaml'
    cfg.write_text('monitors:\n' +
                   monitor_yaml('Slow', type='command', command=str(plugin),
                                conditions=['[PERFDATA].time < 400ms']) +
                   monitor_yaml('Big', type='command', command=str(plugin),
                                degraded_if=['[PERFDATA].size > 1000']) +
                   monitor_yaml('Fine', type='command', command=str(plugin),
                                conditions=['[PERFDATA].time < 1s', '[PERFDATA].c == 12',
                                            '[PERFDATA] == pat(time=*)']))
    out = {}
    for name in ('Slow', 'Big', 'Fine'):
        r = run_cli('check', '-c', str(cfg), '--monitor', name, '--json')
        out[name] = json.loads(r.stdout)
    assert out['Slow']['reason'] == 'condition_failed', out['Slow']
    assert '500' in out['Slow']['message']
    assert out['Big']['status'] == 'degraded', out['Big']
    assert out['Fine']['status'] == 'up', out['Fine']
    bad = tmp_path / 'bad.yaml'
    bad.write_text('monitors:\n' + monitor_yaml('X', type='command', command='true',
                                                conditions=['[PERFDATA]. < 1']))
    assert run_cli('config', 'check', str(bad)).returncode == 2
