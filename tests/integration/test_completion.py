"""`vigil completion bash|zsh|fish`: verbs, flags from the verb table, monitor names."""
import shutil
import subprocess

import pytest

from conftest import monitor_yaml, run_cli, vigil_bin

CONFIG = ('monitors:\n' + monitor_yaml('API Root', type='tcp', host='127.0.0.1', port=1) +
          monitor_yaml('Billing DB', type='tcp', host='127.0.0.1', port=2) +
          'alerting:\n  channels:\n'
          '    - {name: ops-hook, type: webhook, url: "http://127.0.0.1:1/x"}\n')


@pytest.fixture(scope='module')
def script(tmp_path_factory):
    d = tmp_path_factory.mktemp('completion')
    r = run_cli('completion', 'bash')
    assert r.returncode == 0, r.stderr
    (d / 'vigil.bash').write_text(r.stdout)
    (d / 'vigil.yaml').write_text(CONFIG)
    (d / 'other.yaml').write_text('monitors:\n' + monitor_yaml('Other', type='tcp',
                                                                host='127.0.0.1', port=3))
    return d


def complete(script, *words, cwd=None):
    """Runs _vigil for the command line WORDS (the last one being completed)."""
    arr = ' '.join(f"'{w}'" for w in (vigil_bin(),) + words)
    code = (f'source {script / "vigil.bash"}; COMP_WORDS=({arr}); '
            f'COMP_CWORD={len(words)}; _vigil; printf "%s\\n" "${{COMPREPLY[@]}}"')
    r = subprocess.run(['bash', '-c', code], capture_output=True, text=True, timeout=30,
                       cwd=cwd or script, env={'PATH': '/usr/bin:/bin', 'HOME': str(script)})
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.split('\n') if w]


def test_bash_verbs_and_flags(script):
    verbs = complete(script, '')
    for v in ('serve', 'check', 'status', 'top', 'report', 'completion', 'help'):
        assert v in verbs
    assert complete(script, 'st') == ['status']
    assert sorted(complete(script, 're')) == ['report']
    # flags come from each verb's args and help text
    flags = complete(script, 'report', '--')
    for f in ('--url', '--token', '--token-file', '--since', '--until', '--output', '--format',
              '--config', '--db', '--no-progress', '--help'):
        assert f in flags, flags
    assert 'status' not in flags
    assert sorted(complete(script, 'report', '--format', '')) == ['csv', 'json']
    assert complete(script, 'top', '--int') == ['--interval']
    assert sorted(complete(script, 'completion', '')) == ['bash', 'fish', 'zsh']
    assert 'print' in complete(script, 'config', '')
    assert complete(script, 'help', 'rep') == ['report']
    # FILE arguments complete files
    assert 'other.yaml' in complete(script, 'report', '-c', 'oth')


def test_flags_follow_the_help_text(script):
    """Every flag a verb's --help lists is offered (the script is made from that table)."""
    for verb in ('status', 'top', 'check', 'report'):
        help_text = run_cli('help', verb).stdout
        offered = complete(script, verb, '-')
        for word in help_text.split():
            word = word.rstrip(',')
            if word.startswith('--') and len(word) > 2 and word[2].isalpha() and \
                    word.replace('-', '').isalpha():
                assert word in offered, (verb, word)


def test_bash_monitor_names(script, tmp_path):
    # from ./vigil.yaml, from -c FILE on the line, and nothing (quietly) without a config
    assert sorted(complete(script, 'check', '--monitor', '')) == ['api-root', 'billing-db']
    assert complete(script, 'check', '-m', 'bi') == ['billing-db']
    assert complete(script, 'check', '-c', 'other.yaml', '-m', '') == ['other']
    assert complete(script, 'notify', 'test', '') == ['ops-hook']
    (tmp_path / 'bad.yaml').write_text('monitors: [\n')
    assert complete(script, 'check', '-c', str(tmp_path / 'bad.yaml'), '-m', '') == []
    r = run_cli('completion', '--list-monitors', '-c', str(script / 'vigil.yaml'))
    assert r.returncode == 0 and r.stdout == 'api-root\tAPI Root\nbilling-db\tBilling DB\n'


def test_usage_errors():
    r = run_cli('completion', 'tcsh')
    assert r.returncode == 2 and 'bash, zsh or fish' in r.stderr
    assert run_cli('completion').returncode == 2
    r = run_cli('completion', '--help')
    assert r.returncode == 0 and 'source <(vigil completion bash)' in r.stdout


@pytest.mark.parametrize('shell', ['zsh', 'fish'])
def test_zsh_and_fish_scripts_parse(shell, tmp_path):
    r = run_cli('completion', shell)
    assert r.returncode == 0 and 'completion --list-' in r.stdout
    assert ('compdef _vigil vigil' if shell == 'zsh' else 'complete -c vigil') in r.stdout
    for flag in ('format', 'since', 'interval', 'token-file'):
        assert flag in r.stdout, flag
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f'{shell} is not installed: only generated, not parsed')
    path = tmp_path / f'vigil.{shell}'
    path.write_text(r.stdout)
    p = subprocess.run([exe, '-n', str(path)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
