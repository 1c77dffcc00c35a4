"""The example alert rules (the seeds' defaults) load, and every rule reads a metric that a
running daemon has."""
import pathlib
import re

import yaml

from conftest import api, run_cli, wait_for

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / 'examples' / 'alerting' / 'seed-rules.yaml'
ENV = {'SLACK_WEBHOOK': 'https://hooks.slack.com/services/T0/B0/x',
       'SMTP_PASSWORD': 'smtp-password-0123',
       'PAGERDUTY_ROUTING_KEY': 'abcdefabcdefabcdefabcdefabcdefab'}
VIEW = 'viewer-token-examples-0123'


def test_seed_rules_are_valid(tmp_path):
    r = run_cli('config', 'check', str(EXAMPLE), env=ENV)
    assert r.returncode == 0 and 'configuration OK' in r.stdout, r.stdout + r.stderr


def test_seed_rules_read_metrics_vigil_has(daemon, targets):
    doc = yaml.safe_load(EXAMPLE.read_text())
    rules = doc['alerting']['rules']
    assert len(rules) >= 10
    text = EXAMPLE.read_text().replace('https://api.example.com/health', f'{targets.http}/ok')
    text = re.sub(r'(?m)^alerting:', f'auth:\n  tokens:\n    - {{name: v, token: {VIEW}}}\n'
                  'host:\n  interval: 1s\nalerting:', text)
    d = daemon(text, env=ENV)
    def ids():
        r = d.get('/api/v1/host/series?limit=256', headers={'Authorization': f'Bearer {VIEW}'})
        if r.status_code == 503:
            return None  # no host sample yet
        assert r.status_code == 200, r.text
        s = r.json()['series']
        s = {x if isinstance(x, str) else x.get('id', x.get('name')) for x in s}
        return s if 'cpu.percent' in s else None  # a rate: from the second sample on
    names = wait_for(ids, what='host series')
    families = {n.split('{')[0] for n in names}
    monitors = {m['id'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']}
    for r in rules:
        m = r['metric']
        if m.startswith('host.'):
            # the family is collected (which mountpoints exist depends on the machine)
            assert m[5:].split('{')[0] in families, (m, sorted(names))
        elif m.startswith('monitor.'):
            assert re.fullmatch(r'monitor\.(latency_ms|uptime_24h|down)\{monitor="(\w+)"\}', m)
            assert re.search(r'"(\w+)"', m).group(1) in monitors
        else:
            assert m == 'security.violations_1h', m
