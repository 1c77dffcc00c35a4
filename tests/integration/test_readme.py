"""The configuration example of the README is valid (docs stay true)."""
import pathlib
import re

from conftest import run_cli

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_readme_config_example_is_valid(tmp_path):
    text = (ROOT / 'README.md').read_text()
    example = re.search(r'```yaml\n(.*?)```', text, re.S).group(1)
    # its secret files and environment variables, provided here
    for name in re.findall(r'/run/secrets/(\w+)', example):
        (tmp_path / name).write_text(f'https://secrets.example.com/{name}-0123456789\n')
    example = example.replace('/run/secrets/', f'{tmp_path}/')
    example = example.replace('/var/lib/vigil/vigil.db', str(tmp_path / 'vigil.db'))
    env = {v: f'{v.lower()}-0123456789' for v in re.findall(r'\$\{(\w+)\}', example)}
    f = tmp_path / 'vigil.yaml'
    f.write_text(example)
    r = run_cli('config', 'check', str(f), env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'configuration OK' in r.stdout
