"""The deployment examples under examples/, checked without the tools they are for
(Docker, Kubernetes and Grafana are not here) but against the real binary:

- systemd: `systemd-analyze verify` and the keys the unit must have;
- examples/vigil.yaml and every embedded Vigil configuration validate;
- Docker: the Dockerfile's stages, packages, copied sources and HEALTHCHECK (run
  against a real daemon); compose.yaml's services, mounts and secrets;
- Kubernetes: probes, ports, ConfigMap, Secret through *_file keys, the sidecar's
  readiness on /health, served by a real daemon;
- Prometheus: promtool check config / rules / test rules; Grafana: the dashboard's
  JSON; every metric either names is exported by a real daemon's /metrics.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess

import pytest
import requests

from conftest import ROOT, Daemon, free_port, run_cli, sanitizer_report, vigil_bin, wait_for

yaml = pytest.importorskip('yaml', reason='python3-yaml is needed to read the examples')

EX = ROOT / 'examples'


def load_all(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def config_check(text, tmp_path, env=None, name='check.yaml'):
    f = tmp_path / name
    f.write_text(text)
    return run_cli('config', 'check', str(f), env=env)


# ---- systemd ----

def unit_entries(path):
    """(section, key, value) of a unit file, in order (keys may repeat)."""
    out, section = [], None
    for raw in path.read_text().split('\n'):
        ln = raw.strip()
        if not ln or ln.startswith(('#', ';')):
            continue
        if ln.startswith('[') and ln.endswith(']'):
            section = ln[1:-1]
            continue
        key, _, value = ln.partition('=')
        out.append((section, key.strip(), value.strip()))
    return out


def test_systemd_unit_has_what_it_needs():
    entries = unit_entries(EX / 'systemd' / 'vigil.service')
    svc = {}
    for section, k, v in entries:
        if section == 'Service':
            svc.setdefault(k, []).append(v)
    one = {k: v[-1] for k, v in svc.items()}
    assert one['Type'] == 'notify'
    assert one['WatchdogSec'] == '30s'
    assert one['Restart'] == 'on-failure'
    assert one.get('DynamicUser') == 'yes' or one.get('User') not in (None, 'root')
    assert one['StateDirectory'] == 'vigil'
    assert one['ConfigurationDirectory'] == 'vigil'
    for k, v in {'NoNewPrivileges': 'yes', 'ProtectSystem': 'strict', 'ProtectHome': 'yes',
                 'PrivateTmp': 'yes', 'PrivateDevices': 'yes',
                 'SystemCallArchitectures': 'native'}.items():
        assert one.get(k) == v, k
    assert set(one['RestrictAddressFamilies'].split()) >= {'AF_UNIX', 'AF_INET', 'AF_INET6'}
    assert one['AmbientCapabilities'] == 'CAP_NET_RAW'
    assert '-HUP $MAINPID' in one['ExecReload']
    # the config file is in the ConfigurationDirectory, the database in the StateDirectory
    exec_start = one['ExecStart'].split()
    assert exec_start[1:3] == ['serve', '-c'] and exec_start[3] == '/etc/vigil/vigil.yaml'
    assert one['Environment'] == 'VIGIL_STORAGE=/var/lib/vigil/vigil.db'
    # the comment just above AmbientCapabilities says what it is for
    text = (EX / 'systemd' / 'vigil.service').read_text()
    above = text.split('\nAmbientCapabilities=')[0].rsplit('\n\n', 1)[1]
    assert 'ICMP' in above and 'unprivileged ping' in above, above


def test_systemd_analyze_verify(tmp_path):
    tool = shutil.which('systemd-analyze')
    if tool is None:
        pytest.skip('systemd-analyze is not installed')
    unit = tmp_path / 'vigil.service'
    # the unit names /usr/local/bin/vigil; verify checks the binary exists
    unit.write_text((EX / 'systemd' / 'vigil.service').read_text()
                    .replace('/usr/local/bin/vigil', vigil_bin()))
    r = subprocess.run([tool, 'verify', '--man=no', str(unit)], capture_output=True,
                       text=True, timeout=60, cwd=tmp_path)
    mine = [ln for ln in (r.stdout + r.stderr).splitlines() if 'vigil.service' in ln]
    assert r.returncode == 0 and not mine, r.stdout + r.stderr


# ---- examples/vigil.yaml ----

TOKENS = {'VIGIL_VIEWER_TOKEN': 'viewer-token-0123456789', 'VIGIL_ADMIN_TOKEN':
          'admin-token-0123456789', 'VIGIL_PUSH_TOKEN': 'push-token-0123456789'}


def test_example_config_validates(tmp_path):
    f = EX / 'vigil.yaml'
    r = run_cli('config', 'check', str(f), env=TOKENS)
    assert r.returncode == 0 and 'configuration OK' in r.stdout, r.stdout + r.stderr
    # its tokens come from the environment: without them it says which is missing
    r = subprocess.run([vigil_bin(), 'config', 'check', str(f)], capture_output=True,
                       text=True, env={k: v for k, v in os.environ.items() if k not in TOKENS})
    assert r.returncode == 2 and 'VIGIL_VIEWER_TOKEN' in r.stdout + r.stderr


# ---- Docker ----

def dockerfile(path):
    """The instructions of a Dockerfile as (KEYWORD, arguments), continuations joined."""
    out, cur = [], ''
    for raw in path.read_text().split('\n'):
        ln = raw.rstrip()
        if not cur and (not ln.strip() or ln.lstrip().startswith('#')):
            continue
        if ln.endswith('\\'):
            cur += ln[:-1] + ' '
            continue
        cur += ln
        kw, _, args = cur.strip().partition(' ')
        out.append((kw.upper(), ' '.join(args.split())))
        cur = ''
    return out


def stages(instrs):
    st = []
    for kw, args in instrs:
        if kw == 'FROM':
            st.append([])
        st[-1].append((kw, args))
    return st


def apt_packages(stage):
    pkgs = set()
    for kw, args in stage:
        if kw == 'RUN' and 'apt-get install' in args:
            seg = args.split('apt-get install', 1)[1].split('&&')[0]
            pkgs |= {w for w in seg.split() if not w.startswith('-')}
    return pkgs


def deps_packages():
    text = (ROOT / 'scripts' / 'deps.sh').read_text()
    return set(re.search(r'PACKAGES="(.*?)"', text, re.S).group(1).split())


DOCKER = EX / 'docker'


def test_dockerfile_builds_on_debian_as_non_root():
    instrs = dockerfile(DOCKER / 'Dockerfile')
    build, run = stages(instrs)
    for st in (build, run):
        assert re.match(r'debian:(12|bookworm)', st[0][1]), st[0]
    # every package scripts/deps.sh installs to build the binary (not tests, not fuzzing)
    needed = {p for p in deps_packages() if p.endswith('-dev')} - {'libcmocka-dev',
                                                                    'libclang-rt-14-dev'}
    needed |= {'gcc', 'make', 'cmake', 'pkg-config'}
    assert needed <= apt_packages(build), needed - apt_packages(build)
    # the sources the build needs: every directory CMakeLists.txt adds is copied
    copied = {a.split()[0] for k, a in build if k == 'COPY'}
    cmake = (ROOT / 'CMakeLists.txt').read_text()
    for sub in re.findall(r'add_subdirectory\(([^)\s]+)', cmake) + ['src', 'cmake']:
        assert sub.split('/')[0] in copied, sub
    for src in copied:
        assert (ROOT / src).exists(), src
    users = [a for k, a in run if k == 'USER']
    assert users and users[-1] not in ('root', '0')
    assert any(k == 'EXPOSE' and '8080' in a.split() for k, a in run)
    volumes = [a for k, a in run if k == 'VOLUME']
    assert volumes and '/var/lib/vigil' in volumes[-1]
    env = ' '.join(a for k, a in run if k == 'ENV')
    assert 'VIGIL_STORAGE=/var/lib/vigil/' in env and 'VIGIL_LISTEN=0.0.0.0:8080' in env


def needed_runtime_packages():
    """The Debian packages of the shared libraries the binary links directly."""
    readelf = shutil.which('readelf')
    if readelf is None:
        pytest.skip('readelf (binutils) is not installed')
    dyn = subprocess.run([readelf, '-d', vigil_bin()], capture_output=True, text=True).stdout
    needed = re.findall(r'\(NEEDED\)\s+Shared library: \[(.+?)\]', dyn)
    ldd = subprocess.run(['ldd', vigil_bin()], capture_output=True, text=True).stdout
    where = dict(re.findall(r'^\s*(\S+) => (\S+)', ldd, re.M))
    pkgs = set()
    for lib in needed:
        if re.match(r'lib(c|m|pthread|dl|rt|asan|ubsan|gcc_s)\.so', lib) or lib not in where:
            continue
        r = subprocess.run(['dpkg', '-S', os.path.realpath(where[lib])], capture_output=True,
                           text=True)
        if r.returncode != 0:
            r = subprocess.run(['dpkg', '-S', where[lib]], capture_output=True, text=True)
        if r.returncode == 0:
            pkgs.add(r.stdout.split(':')[0])
    return pkgs


def test_dockerfile_runtime_stage_has_the_libraries():
    _, run = stages(dockerfile(DOCKER / 'Dockerfile'))
    want = needed_runtime_packages()
    assert want, 'found no library packages: is this a Debian system?'
    assert want <= apt_packages(run), want - apt_packages(run)


def healthcheck_command():
    hc = [a for k, a in dockerfile(DOCKER / 'Dockerfile') if k == 'HEALTHCHECK']
    assert len(hc) == 1
    assert 'CMD vigil check http://127.0.0.1:8080/health/live' in hc[0]
    return hc[0].split(' CMD ', 1)[1]


def test_healthcheck_command_against_a_real_daemon(daemon, tmp_path):
    cmd = healthcheck_command()
    env = dict(os.environ, PATH=os.path.dirname(vigil_bin()) + ':' + os.environ['PATH'])
    if os.path.basename(vigil_bin()) != 'vigil':
        (tmp_path / 'bin').mkdir()
        os.symlink(vigil_bin(), tmp_path / 'bin' / 'vigil')
        env['PATH'] = str(tmp_path / 'bin') + ':' + env['PATH']
    d = daemon('')
    ok = subprocess.run(['/bin/sh', '-c', cmd.replace('8080', str(d.port))], env=env,
                        capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith('OK')
    # nothing listening: unhealthy, with the exit code Docker wants (1, never 2)
    down = subprocess.run(['/bin/sh', '-c', cmd.replace('8080', str(free_port()))], env=env,
                          capture_output=True, text=True, timeout=30)
    assert down.returncode == 1, down.stdout + down.stderr


def secret_files(text, prefix, tmp_path, values=None):
    """Rewrites PREFIX/NAME paths of *_file keys to files in TMP_PATH; returns (text, names)."""
    names = re.findall(r'_file:\s*' + re.escape(prefix) + r'([\w.-]+)', text)
    sdir = tmp_path / 'secrets'
    sdir.mkdir(exist_ok=True)
    for n in names:
        (sdir / n).write_text((values or {}).get(n, 'secret-value-0123456789') + '\n')
    return text.replace(prefix, str(sdir) + '/'), names


def test_compose_runs_vigil_beside_app_redis_postgres(tmp_path):
    compose = yaml.safe_load((DOCKER / 'compose.yaml').read_text())
    services = compose['services']
    assert {'vigil', 'app', 'redis', 'postgres'} <= set(services)
    assert services['app']['image'].startswith('nginx')
    assert services['redis']['image'].startswith('redis')
    assert services['postgres']['image'].startswith('postgres')
    v = services['vigil']
    context = (DOCKER / v['build']['context']).resolve()
    assert context == ROOT and (context / v['build']['dockerfile']).is_file()
    mounts = dict(m.split(':')[1::-1] for m in v['volumes'] if m.startswith('./'))
    cfg_path = v['command'][v['command'].index('-c') + 1]
    source = (DOCKER / mounts[cfg_path]).resolve()
    assert source == DOCKER / 'vigil.yaml'
    assert any(p.endswith(':8080') for p in v['ports'])
    # the mounted configuration validates, its secrets being the service's compose secrets
    text, names = secret_files(source.read_text(), '/run/secrets/', tmp_path, {
        'vigil_postgres_url': 'postgresql://vigil:password@postgres:5432/app'})
    assert names and set(names) <= set(v['secrets']) <= set(compose['secrets'])
    r = config_check(text, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    # it watches the other services by their compose names
    cfg = yaml.safe_load(source.read_text())
    hosts = set()
    for m in cfg['monitors']:
        if 'host' in m:
            hosts.add(m['host'])
        if 'url' in m:
            hosts.add(re.match(r'^\w+://(?:[^@/]*@)?([^:/]+)', m['url']).group(1))
    assert hosts and hosts <= set(services), hosts - set(services)
    assert cfg['server']['listen'].endswith(':8080')


# ---- Kubernetes ----

K8S = EX / 'kubernetes'


def k8s_docs():
    docs = []
    for f in sorted(K8S.glob('*.yaml')):
        docs += [(f.name, d) for d in load_all(f)]
    return docs


def containers(doc):
    return doc['spec']['template']['spec']['containers']


def port_of(container, port):
    if isinstance(port, int):
        return port
    return next(p['containerPort'] for p in container['ports'] if p.get('name') == port)


def vigil_setups():
    """For each pod running Vigil: (file, deployment, vigil container, its config text)."""
    docs = k8s_docs()
    maps = {d['metadata']['name']: d for _, d in docs if d['kind'] == 'ConfigMap'}
    out = []
    for f, d in docs:
        if d['kind'] != 'Deployment':
            continue
        for c in containers(d):
            if not c['image'].startswith('vigil'):
                continue
            cfg = c['args'][c['args'].index('-c') + 1]
            mount = next(m for m in c['volumeMounts'] if cfg.startswith(m['mountPath'] + '/'))
            vol = next(v for v in d['spec']['template']['spec']['volumes']
                       if v['name'] == mount['name'])
            text = maps[vol['configMap']['name']]['data'][cfg[len(mount['mountPath']) + 1:]]
            out.append((f, d, c, text))
    return out


def test_kubernetes_objects_and_probes():
    kinds = {d['kind'] for _, d in k8s_docs()}
    assert {'Deployment', 'ConfigMap', 'Secret', 'Service'} <= kinds
    setups = vigil_setups()
    assert {f for f, *_ in setups} == {'deployment.yaml', 'sidecar.yaml'}
    for f, d, c, text in setups:
        listen = yaml.safe_load(text)['server']['listen']
        assert c['livenessProbe']['httpGet']['path'] == '/health/live'
        assert c['readinessProbe']['httpGet']['path'] == '/health/ready'
        for probe in ('livenessProbe', 'readinessProbe'):
            assert port_of(c, c[probe]['httpGet']['port']) == int(listen.rsplit(':', 1)[1])
        assert listen.startswith('0.0.0.0:'), 'the kubelet probes the pod address'
    # the Service reaches the vigil container's port
    svc = next(d for _, d in k8s_docs() if d['kind'] == 'Service')
    f, d, c, _ = next(s for s in setups if s[0] == 'deployment.yaml')
    assert svc['spec']['selector'].items() <= d['spec']['template']['metadata']['labels'].items()
    assert port_of(c, svc['spec']['ports'][0]['targetPort']) == 8080
    # one writer per SQLite database
    assert d['spec']['replicas'] == 1 and d['spec']['strategy']['type'] == 'Recreate'


def test_kubernetes_sidecar_health_is_the_app_readiness():
    f, d, vc, text = next(s for s in vigil_setups() if s[0] == 'sidecar.yaml')
    app = next(c for c in containers(d) if c is not vc)
    probe = app['readinessProbe']['httpGet']
    assert probe['path'] == '/health'
    assert port_of(vc, probe['port']) == 8080
    cfg = yaml.safe_load(text)
    assert cfg['monitors'] and all(m.get('critical') for m in cfg['monitors'])


def test_kubernetes_configs_validate_with_secret_files(tmp_path):
    secret = next(d for _, d in k8s_docs() if d['kind'] == 'Secret')
    for f, d, c, text in vigil_setups():
        mounts = {v['name']: v for v in d['spec']['template']['spec']['volumes']}
        for m in c['volumeMounts']:
            vol = mounts[m['name']]
            if 'secret' not in vol:
                continue
            assert vol['secret']['secretName'] == secret['metadata']['name']
            text, names = secret_files(text, m['mountPath'] + '/', tmp_path,
                                       secret['stringData'])
            assert names and set(names) <= set(secret['stringData']), names
        assert '/etc/vigil/secrets/' not in text
        r = config_check(text, tmp_path, name=f + '.yaml')
        assert r.returncode == 0, f'{f}: {r.stdout}{r.stderr}'


def loopback_monitors(cfg):
    """The monitors pointed at closed loopback ports (no DNS, no traffic off this machine),
    checked every second so the test need not wait their production interval."""
    for m in cfg.get('monitors', []):
        port = free_port()
        if 'url' in m:
            m['url'] = re.sub(r'^(\w+://(?:[^@/]*@)?)[^/]+', rf'\g<1>127.0.0.1:{port}', m['url'])
        if 'host' in m:
            m['host'], m['port'] = '127.0.0.1', port
        if m['type'] == 'dns':
            m['server'] = f'127.0.0.1:{port}'
        m['interval'], m['timeout'] = '1s', '500ms'
    return cfg


def test_kubernetes_probe_paths_are_served(daemon, tmp_path):
    secret = next(d for _, d in k8s_docs() if d['kind'] == 'Secret')
    for i, (f, d, c, text) in enumerate(vigil_setups()):
        text, _ = secret_files(text, '/etc/vigil/secrets/', tmp_path, secret['stringData'])
        cfg = loopback_monitors(yaml.safe_load(text))
        v = daemon(yaml.safe_dump(cfg), env={'VIGIL_STORAGE': str(tmp_path / f'{i}.db')})
        probes = [c[p]['httpGet']['path'] for p in ('livenessProbe', 'readinessProbe',
                                                    'startupProbe') if p in c]
        for path in probes:
            assert v.get(path).status_code == 200, (f, path)
        if f == 'sidecar.yaml':
            # every critical monitor's dependency is missing: the app must not be ready
            r = wait_for(lambda: (lambda r: [r] if r.status_code == 503 else None)(
                v.get('/health')), 20, what='/health to fail while the dependencies are down')[0]
            assert r.headers['Content-Type'].startswith('application/health+json')
            failing = [k for k, comp in r.json()['checks'].items()
                       if k.startswith('monitor:') and comp[0]['status'] == 'fail']
            assert failing
        else:
            # the token from the Secret, read through token_file, opens the API
            token = secret['stringData']['viewer-token']
            r = v.get('/api/v1/monitors', headers={'Authorization': f'Bearer {token}'})
            assert r.status_code == 200, r.text


# ---- Prometheus and Grafana against a real daemon's /metrics ----

PROM = EX / 'prometheus'
KEYWORDS = {'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and',
            'or', 'unless', 'offset', 'inf', 'nan'}


def promql_names(expr):
    """The metric names an expression reads (functions, labels, keywords left out)."""
    e = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)
    e = re.sub(r"'(?:\\.|[^'\\])*'", "''", e)
    e = re.sub(r'label_values\(\s*([^,)]*)[^)]*\)', r' \1 ', e)
    e = re.sub(r'\$\{?\w+\}?', ' ', e)
    e = re.sub(r'\{[^}]*\}', ' ', e)
    e = re.sub(r'\[[^\]]*\]', ' ', e)
    e = re.sub(r'\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)', ' ', e)
    names = set()
    for m in re.finditer(r'(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*', e):
        if e[m.end():].lstrip().startswith('(') or m.group(0).lower() in KEYWORDS:
            continue
        names.add(m.group(0))
    return names


def test_promql_names_scanner():
    assert promql_names('histogram_quantile(0.95, sum by (le, route) '
                        '(rate(a_bucket{job="x", b=~"y|z"}[5m]))) > 0.5') == {'a_bucket'}
    assert promql_names('x - time() < 14 * 86400 and on (instance) y == 0') == {'x', 'y'}
    assert promql_names('label_values(m{i=~"$i"}, monitor)') == {'m'}
    assert promql_names('rate(c[$__rate_interval]) offset 5m') == {'c'}
    assert promql_names('rec:name:rate5m > 1') == {'rec:name:rate5m'}


@pytest.fixture(scope='module')
def exported(tmp_path_factory, targets):
    """The metric names of a daemon with every kind of monitor /metrics describes, host
    metrics and an alerting channel: (names with samples, every family name)."""
    from dnsserver import DnsServer
    from receiver import Receiver
    tmp = tmp_path_factory.mktemp('metrics')
    dns, hook = DnsServer('127.0.0.1').start(), Receiver().start()
    target = tmp / 'target'
    target.write_text('x')
    config = f'''host: {{interval: 1s, loopback: true}}
alerting:
  channels: [{{name: hook, type: webhook, url: "{hook.url}/hook"}}]
monitors:
  - {{name: Web, type: http, url: "{targets.tls_valid}/ok", tls_ca: "{targets.tls_ca_file}",
     interval: 1s}}
  - {{name: Port, type: tcp, host: 127.0.0.1, port: {targets.banner_port}, interval: 1s}}
  - {{name: Name, type: dns, query: www.example.test, server: "{dns.address}", interval: 1s}}
  - {{name: File, type: file, path: "{target}", interval: 1s}}
  - {{name: Gone, type: tcp, host: 127.0.0.1, port: {targets.refused_port}, interval: 1s}}
'''
    d = Daemon(tmp, config).start()
    want = ('probe_http_status_code{', 'probe_ssl_earliest_cert_expiry{',
            'probe_dns_lookup_time_seconds{', 'node_cpu_seconds_total{',
            'vigil_monitor_uptime_ratio{', 'vigil_notifications_total{')
    try:
        text = wait_for(lambda: (lambda t: t if all(w in t for w in want) else None)(
            d.get('/metrics').text), 20, what='every kind of metric in /metrics')
    finally:
        d.close()
        dns.stop()
        hook.stop()
    assert not sanitizer_report(d.log()), d.log()[-6000:]
    samples = {m.group(1) for m in re.finditer(r'^([A-Za-z_:][\w:]*)[{ ]', text, re.M)}
    families = set(re.findall(r'^# TYPE (\S+)', text, re.M))
    return samples, families | samples


def check_names(used, exported, what):
    samples, every = exported
    missing = {n for n in used if n not in every}
    assert not missing, f'{what} use metrics Vigil does not export: {sorted(missing)}'


def rule_groups():
    out = {}
    for f in sorted(PROM.glob('*rules*.yml')):
        if f.name != 'rules_test.yml':
            out[f.name] = yaml.safe_load(f.read_text())['groups']
    return out


def promtool():
    tool = shutil.which('promtool')
    if tool is None:
        pytest.skip('promtool is not installed')
    return tool


def test_promtool_checks_configs_rules_and_rule_tests():
    tool = promtool()
    for cfg in ('prometheus.yml', 'blackbox.yml'):
        r = subprocess.run([tool, 'check', 'config', cfg], cwd=PROM, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
    files = sorted(rule_groups())
    assert 'vigil-rules.yml' in files and 'blackbox-rules.yml' in files
    r = subprocess.run([tool, 'check', 'rules', *files], cwd=PROM, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([tool, 'test', 'rules', 'rules_test.yml'], cwd=PROM,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_rules_use_only_exported_metrics(exported):
    groups = rule_groups()
    recorded = {r['record'] for gs in groups.values() for g in gs for r in g['rules']
                if 'record' in r}
    used, alerts = set(), 0
    for gs in groups.values():
        for g in gs:
            for r in g['rules']:
                used |= promql_names(r['expr'])
                alerts += 'alert' in r
    assert alerts >= 10 and recorded
    assert {n for n in used if ':' in n} <= recorded, 'a recording rule used is not defined'
    check_names({n for n in used if ':' not in n}, exported, 'the rules')
    # the monitors' series the rules read did come with samples
    samples, _ = exported
    for n in ('probe_success', 'probe_ssl_earliest_cert_expiry', 'vigil_monitor_status',
              'probe_http_status_code', 'probe_dns_lookup_time_seconds'):
        assert n in used and n in samples, n


def test_blackbox_job_keeps_the_probe_series(exported):
    cfg = yaml.safe_load((PROM / 'blackbox.yml').read_text())
    job = cfg['scrape_configs'][0]
    keep = next(r for r in job['metric_relabel_configs'] if r.get('action') == 'keep')
    kept = {n for n in exported[0] if re.fullmatch(keep['regex'], n)}
    assert {'probe_success', 'probe_duration_seconds', 'probe_http_status_code',
            'probe_ssl_earliest_cert_expiry', 'vigil_monitor_status'} <= kept
    assert not any(n.startswith(('node_', 'process_')) for n in kept)
    inst = next(r for r in job['metric_relabel_configs'] if r.get('target_label') == 'instance')
    assert inst['source_labels'] == ['monitor']


def dashboard_panels(panels):
    for p in panels:
        yield p
        yield from dashboard_panels(p.get('panels', []))


def test_grafana_dashboard_queries_exported_metrics(exported):
    dash = json.loads((EX / 'grafana' / 'vigil-dashboard.json').read_text())
    panels = list(dashboard_panels(dash['panels']))
    ids = [p['id'] for p in panels]
    assert len(ids) == len(set(ids)), 'panel ids must be unique'
    used, queried = set(), 0
    for p in panels:
        g = p['gridPos']
        assert g['x'] + g['w'] <= 24, p['title']
        for t in p.get('targets', []):
            assert t['expr'].strip(), p['title']
            used |= promql_names(t['expr'])
            queried += 1
    for var in dash['templating']['list']:
        if var['type'] == 'query':
            used |= promql_names(var['query']['query'])
    assert queried >= 20
    check_names(used, exported, 'the dashboard')
    # it covers what the issue asks for
    for name in ('vigil_monitor_status', 'probe_duration_seconds', 'vigil_monitor_uptime_ratio',
                 'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes',
                 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total',
                 'vigil_alerts_firing', 'vigil_outbox_depth'):
        assert name in used, name
