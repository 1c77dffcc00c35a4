"""The CLI skeleton: --version, help, usage errors, config check and print."""
import re

from conftest import run_cli

TOKEN = 'cli-test-token-0123456789abcdef'


def test_version_names_libraries():
    r = run_cli('--version')
    assert r.returncode == 0
    first, libs = r.stdout.splitlines()[:2]
    assert re.fullmatch(r'vigil \d+\.\d+\.\d+', first)
    for lib in ('libcurl', 'libmicrohttpd', 'SQLite', 'libuv'):
        assert re.search(lib + r' \d+\.\d+', libs), libs
    probes = r.stdout.splitlines()[2]
    for lib in ('c-ares', 'hiredis', 'libpq'):
        assert re.search(lib + r' \d+\.\d+', probes), probes


def test_help_lists_verbs():
    r = run_cli('help')
    assert r.returncode == 0
    for verb in ('serve', 'config', 'help'):
        assert f'  {verb} ' in r.stdout
    r = run_cli('help', 'config')
    assert r.returncode == 0
    assert 'vigil config check [FILE]' in r.stdout
    assert run_cli('config', '--help').stdout == r.stdout


def test_unknown_verb_and_flags_exit_2_with_usage():
    r = run_cli('frobnicate')
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == 'vigil: unknown verb "frobnicate"'
    assert 'usage: vigil' in r.stderr
    r = run_cli('serve', '--bogus')
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == 'vigil serve: unknown option "--bogus"'
    assert 'usage: vigil serve [-c FILE]' in r.stderr
    r = run_cli('serve', '-c')
    assert r.returncode == 2
    assert 'needs an argument' in r.stderr
    r = run_cli('config', 'frob', 'x.yaml')
    assert r.returncode == 2
    assert 'usage: vigil config' in r.stderr
    r = run_cli('help', 'nope')
    assert r.returncode == 2


def test_config_check_ok(tmp_path):
    f = tmp_path / 'v.yaml'
    f.write_text('server:\n  listen: "127.0.0.1:9999"\nlog:\n  level: debug\n')
    r = run_cli('config', 'check', str(f))
    assert r.returncode == 0
    assert r.stdout == 'configuration OK\n'


def test_config_check_reports_every_error(tmp_path):
    f = tmp_path / 'v.yaml'
    f.write_text('server:\n'
                 '  lisen: "127.0.0.1:9999"\n'
                 '  threads: 0\n'
                 '  connection_timeout: 5x\n'
                 'storage:\n'
                 '  queue_size: [1]\n')
    r = run_cli('config', 'check', str(f))
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines == [
        f'{f}:2:3: server.lisen: unknown key, did you mean "listen"?',
        f'{f}:3:12: server.threads: 0 is out of range (1..64)',
        f'{f}:4:23: server.connection_timeout: "5x" is not a duration (examples: 500ms, 10s, '
        '5m, 1h30m, 7d)',
        f'{f}:6:15: storage.queue_size: expected an integer, got a list',
        '4 errors',
    ]


def test_config_check_missing_file(tmp_path):
    r = run_cli('config', 'check', str(tmp_path / 'none.yaml'))
    assert r.returncode == 2
    assert 'none.yaml: cannot open: No such file or directory' in r.stderr


def test_config_print_masks_secrets(tmp_path):
    f = tmp_path / 'v.yaml'
    f.write_text('auth:\n  tokens:\n    - name: ops\n      token: "${T}"\n      role: admin\n')
    r = run_cli('config', 'print', str(f), env={'T': TOKEN})
    assert r.returncode == 0
    assert TOKEN not in r.stdout + r.stderr
    assert 'token: "<secret>"' in r.stdout
    assert 'role: admin' in r.stdout
    assert 'retention:' in r.stdout  # defaults are shown


def test_config_print_builtin_default(tmp_path):
    r = run_cli('config', 'print', cwd=tmp_path, env={'VIGIL_CONFIG': ''})
    assert r.returncode == 0
    assert r.stdout.startswith('# effective configuration from <built-in>\n')
    assert 'listen: "127.0.0.1:8080"' in r.stdout
    assert 'path: "vigil.db"' in r.stdout


def test_config_env_overrides_shown(tmp_path):
    r = run_cli('config', 'print', cwd=tmp_path,
                env={'VIGIL_LISTEN': '127.0.0.1:9191', 'VIGIL_LOG_FORMAT': 'json',
                     'VIGIL_CONFIG': ''})
    assert 'listen: "127.0.0.1:9191"' in r.stdout
    assert 'format: json' in r.stdout
    r = run_cli('config', 'check', cwd=tmp_path, env={'VIGIL_LOG_LEVEL': 'chatty',
                                                      'VIGIL_CONFIG': ''})
    assert r.returncode == 2
    assert 'environment VIGIL_LOG_LEVEL: "chatty" is not one of debug, info, warn, error' \
        in r.stderr


def test_serve_with_invalid_config_exits_2(tmp_path):
    f = tmp_path / 'v.yaml'
    f.write_text('log: {level: loud}\n')
    r = run_cli('serve', '-c', str(f), cwd=tmp_path)
    assert r.returncode == 2
    assert 'log.level: "loud" is not one of' in r.stderr


def test_docs_list_every_config_key():
    """docs/configuration.md carries the table generated from the command table."""
    import subprocess
    from conftest import ROOT, vigil_bin
    r = subprocess.run(['/usr/bin/python3', str(ROOT / 'scripts' / 'gendocs'), '--check',
                        vigil_bin()], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    keys = run_cli('config', 'keys').stdout
    for key in ('server.listen', 'storage.retention.raw', 'auth.tokens[].token', 'log.format'):
        assert f'| `{key}` |' in keys
