"""Webhook bodies from a data-only template, and times in alerting.timezone."""
import re

from conftest import monitor_yaml, run_cli, wait_for
from receiver import Receiver

TEMPLATE = ('{"text": "{{monitor}} is {{status}} ({{reason}}): {{message}}", '
            '"since": "{{since}}", "at": "{{at}}", "state": "{{state}}", '
            '"n": {{alert_id}}}')


def config(hook, timezone=None, template=TEMPLATE):
    tz = f'  timezone: {timezone}\n' if timezone else ''
    return ('alerting:\n' + tz +
            '  channels:\n'
            f'    - {{name: hook, type: webhook, url: "{hook.url}/hook", '
            f'template: {template!r}}}\n'
            '    - {name: plain, type: slack, url: "' + hook.url + '/slack"}\n'
            'monitors:\n' +
            monitor_yaml('Svc "quoted" <b>', type='tcp', host='127.0.0.1', port=1,
                         interval='200ms'))


def test_template_and_timezone(daemon):
    hook = Receiver().start()
    try:
        daemon(config(hook, timezone='America/New_York'))
        body = wait_for(lambda: [b for b in hook.bodies() if 'state' in b] or None,
                        what='the templated trigger')[0]
        # the template's own shape, with values escaped into valid JSON
        assert set(body) == {'text', 'since', 'at', 'state', 'n'}
        assert body['text'].startswith('Svc "quoted" <b> is down (connect_refused): ')
        assert body['state'] == 'firing' and body['n'] >= 1
        # times carry the zone's offset: -05:00 in winter, -04:00 in summer
        assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[45]:00', body['at']), body
        slack = wait_for(lambda: [b for b in hook.bodies() if 'blocks' in b] or None,
                         what='the slack message')[0]
        assert re.search(r'-0[45]:00', str(slack)), slack
    finally:
        hook.stop()


def test_utc_by_default(daemon):
    hook = Receiver().start()
    try:
        daemon(config(hook))
        body = wait_for(lambda: [b for b in hook.bodies() if 'state' in b] or None,
                        what='the templated trigger')[0]
        assert body['at'].endswith('Z') and body['since'].endswith('Z')
    finally:
        hook.stop()


def test_template_errors(tmp_path):
    class H:
        url = 'http://127.0.0.1:9'
    cases = [
        ('{"t": "{{monitr}}"}', 'unknown field {{monitr}}'),
        ('{"t": "{{monitor"}', 'opens no {{name}} placeholder'),
        ('{"t": {{message}}}', 'is not JSON once filled'),
        ('{"t": "{{monitor | upper}}"}', 'opens no {{name}} placeholder'),
    ]
    for template, want in cases:
        f = tmp_path / 'c.yaml'
        f.write_text(config(H, template=template))
        r = run_cli('config', 'check', str(f))
        assert r.returncode == 2 and want in r.stderr, (template, r.stderr)
        assert 'alerting.channels[0].template' in r.stderr, r.stderr
    f = tmp_path / 'tz.yaml'
    f.write_text(config(H, timezone='Mars/Olympus'))
    r = run_cli('config', 'check', str(f))
    assert r.returncode == 2 and 'alerting.timezone' in r.stderr, r.stderr
    f.write_text(config(H, timezone='../../etc/passwd'))
    assert run_cli('config', 'check', str(f)).returncode == 2
    f.write_text(config(H).replace('type: slack,', 'type: slack, template: "{}",'))
    r = run_cli('config', 'check', str(f))
    assert r.returncode == 2 and 'only webhook channels take a template' in r.stderr
