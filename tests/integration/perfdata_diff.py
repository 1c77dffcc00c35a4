#!/usr/bin/python3
"""Differential test of Vigil's perfdata parser against Monitoring::Plugin::Performance.

A generator with a fixed seed writes a few thousand lines of performance data
and knows, for each, what Vigil's parser must return (the oracle). The same
file is parsed by Vigil (`test_perfdata --dump FILE`, the unit test binary)
and by Debian's libmonitoring-plugin-perl (parse_perfstring, and
Monitoring::Plugin::Range for the thresholds). Then:

  * Vigil must equal the oracle on every generated line;
  * on "clean" lines (the guidelines' grammar, without the features below)
    Perl must equal Vigil: label, value, uom, warn, crit, min, max, all
    compared *before* unit conversion (Perl converts nothing), and the
    thresholds as ranges (start, end, inside);
  * on "divergent" lines, which each use one feature where Vigil means to
    differ, Perl is not asserted; each feature must show its difference at
    least once, so the list below stays true;
  * Vigil's base units must be the written value times the factor of the
    documented table (UNITS below, written independently of the C code);
  * random garbage must not crash Vigil, and never yields more than 64 items;
  * Vigil's output is the same under a locale whose decimal point is a comma.

Intentional differences (docs/probes/command.md repeats them):
  escaped_quote     'it''s'=1: Vigil reads the label it's; Perl drops the item
  equals_in_label   'a=b'=1: Vigil reads the label a=b; Perl mangles or drops it
  unknown_value     a=U: Vigil keeps it with value NaN; Perl drops it
  at_range          a=1;@10:20: Vigil keeps the range; Perl loses it and every later field
  colon_range       a=1;:10: same
  capital_e         a=1E3: Vigil reads 1000; Perl reads 1 with the UOM "E3"
  stray_token       junk a=1: Vigil skips junk; Perl reads the label "junk a"
  decimal_comma     a=1,5: Vigil skips it (C locale only); Perl reads 1.5
  bad_uom_char      a=5KB/s: Vigil skips it; Perl keeps a=5KB
  junk_in_min       a=1;;;0MB: Vigil has no min; Perl reads min 0 and drops max

Run by tests/integration/test_probe_command.py; by hand:
  tests/integration/perfdata_diff.py BUILD_DIR
"""
import math
import os
import pathlib
import random
import subprocess
import sys

SEED = 20240601
ITEMS_MAX = 64

# UOM -> (base unit name, factor): the documented table.
UNITS = {
    '': ('', 1), 's': ('seconds', 1), 'ms': ('seconds', 1e-3), 'us': ('seconds', 1e-6),
    'ns': ('seconds', 1e-9), '%': ('percent', 1), 'c': ('counter', 1), 'B': ('bytes', 1),
    'KB': ('bytes', 1024), 'kB': ('bytes', 1024), 'KiB': ('bytes', 1024),
    'MB': ('bytes', 1024 ** 2), 'MiB': ('bytes', 1024 ** 2), 'GB': ('bytes', 1024 ** 3),
    'GiB': ('bytes', 1024 ** 3), 'TB': ('bytes', 1024 ** 4), 'TiB': ('bytes', 1024 ** 4),
}
OTHER_UOMS = ['Celsius', 'rpm', 'x10', 'mb', 'qps', 'ops_s']
DIVERGENT = ['escaped_quote', 'equals_in_label', 'unknown_value', 'at_range', 'colon_range',
             'capital_e', 'stray_token', 'decimal_comma', 'bad_uom_char', 'junk_in_min']

PERL = r'''
use strict;
use warnings;
use Monitoring::Plugin::Performance;
use Monitoring::Plugin::Range;
local $SIG{__WARN__} = sub {};   # Range.pm carps about invalid ranges
binmode STDIN;
binmode STDOUT;
sub esc {
    my $s = shift;
    return "\\N" unless defined $s;
    $s =~ s/([\x00-\x1f\\\x7f-\xff])/sprintf("\\x%02X", ord($1))/ge;
    return $s;
}
sub num {
    my $v = shift;
    return "nan" unless defined $v && $v ne "";
    return sprintf("%.17g", $v);
}
sub range {
    my $t = shift;
    return "-" unless defined $t && $t ne "";
    my $r = Monitoring::Plugin::Range->parse_range_string($t);
    return "-" unless defined $r;   # not "unless $r": a Range stringifies "0:" as ""
    my $s = $r->start_infinity ? "-inf" : sprintf("%.17g", $r->start);
    my $e = $r->end_infinity ? "inf" : sprintf("%.17g", $r->end);
    return ($r->alert_on ? "@" : "") . ",$s,$e";
}
while (my $line = <STDIN>) {
    chomp $line;
    my @p = Monitoring::Plugin::Performance->parse_perfstring($line);
    print scalar(@p);
    for my $p (@p) {
        print "\t", join("\t", esc($p->label), num($p->value), esc($p->uom // ""),
                         esc($p->warning), esc($p->critical), num($p->min), num($p->max),
                         range($p->warning), range($p->critical));
    }
    print "\n";
}
'''


# ---- the generator and its oracle ----

class Item:
    """One generated item: its text and what Vigil must make of it."""

    def __init__(self, text, label, value, uom, warn=None, crit=None, vmin=math.nan,
                 vmax=math.nan):
        self.text, self.label, self.value, self.uom = text, label, value, uom
        self.warn, self.crit, self.min, self.max = warn, crit, vmin, vmax


def number(rng, allow_exp=True):
    """A number as text in the C locale, and its value."""
    kind = rng.randrange(8)
    if kind == 0:
        t = str(rng.randrange(0, 100))
    elif kind == 1:
        t = str(rng.randrange(-1000, 1000))
    elif kind == 2:
        t = f'{rng.uniform(-1000, 1000):.{rng.randrange(1, 7)}f}'
    elif kind == 3:
        t = f'{rng.uniform(0, 1):.6f}'
    elif kind == 4:
        t = str(rng.randrange(0, 10 ** 12))
    elif kind == 5:
        t = rng.choice(['+', '']) + '.' + str(rng.randrange(1, 1000))
    elif kind == 6:
        t = str(rng.randrange(0, 100)) + '.'
    else:
        t = (f'{rng.uniform(-10, 10):.3f}e{rng.choice(["", "-", "+"])}{rng.randrange(0, 9)}'
             if allow_exp else str(rng.randrange(0, 50)))
    return t, float(t)


def label(rng, tag=None):
    """(text as written, label as read)."""
    plain = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.:-[]%#'
    quoted = plain + '   ;,()é€'
    if tag is None and rng.random() < 0.5:
        s = ''.join(rng.choice(plain) for _ in range(rng.randrange(1, 16)))
        return s, s
    s = ''.join(rng.choice(quoted) for _ in range(rng.randrange(1, 16)))
    if tag == 'escaped_quote':
        i = rng.randrange(len(s) + 1)
        s = s[:i] + "'" + s[i:]
    elif tag == 'equals_in_label':
        i = rng.randrange(len(s) + 1)
        s = s[:i] + '=' + s[i:]
    return "'" + s.replace("'", "''") + "'", s


def threshold(rng, tag=None):
    """(range text, (inside, start, end) or None when not a valid range)."""
    (a, av), (b, bv) = number(rng, False), number(rng, False)
    if av > bv:
        (a, av), (b, bv) = (b, bv), (a, av)
    if tag == 'at_range':
        return f'@{a}:{b}', (True, av, bv)
    if tag == 'colon_range':
        return f':{b}', (False, 0.0, bv) if bv >= 0 else None
    form = rng.randrange(7)
    if form == 0:
        return b, (False, 0.0, bv) if bv >= 0 else None
    if form == 1:
        return f'{a}:', (False, av, math.inf)
    if form == 2:
        return f'~:{b}', (False, -math.inf, bv)
    if form == 3:
        return f'{a}:{b}', (False, av, bv)
    if form == 4:
        return '~:', (False, -math.inf, math.inf)
    if form == 5 and av < bv:
        return f'{b}:{a}', None
    return f'{a}:{b}', (False, av, bv)


def item(rng, tag=None):
    lt, lv = label(rng, tag if tag in ('escaped_quote', 'equals_in_label') else None)
    if tag == 'unknown_value':
        vt, value, uom = 'U', math.nan, ''
    elif tag == 'capital_e':
        m = rng.randrange(1, 99)
        e = rng.randrange(0, 6)
        vt, value, uom = f'{m}E{e}', float(f'{m}e{e}'), ''
    else:
        vt, value = number(rng)
        uom = rng.choice(list(UNITS) + OTHER_UOMS)
    nfields = rng.randrange(5)
    rtag = tag if tag in ('at_range', 'colon_range') else None
    if rtag:
        nfields = max(nfields, 1)
    texts, it = [vt + uom], Item('', lv, value, uom)
    for k in range(1, nfields + 1):
        if rng.random() < 0.25 and not (rtag and k == 1):
            texts.append('')
            continue
        if k <= 2:
            t, r = threshold(rng, rtag if k == 1 else None)
            texts.append(t)
            setattr(it, 'warn' if k == 1 else 'crit', (t, r))
        else:
            t, v = number(rng, False)
            if tag == 'junk_in_min' and k == 3:
                texts.append(t + 'MB')
                continue
            texts.append(t)
            setattr(it, 'min' if k == 3 else 'max', v)
    if tag == 'junk_in_min':
        while len(texts) < 4:
            texts.append('')
        texts[3] = texts[3] or '0MB'
        if not texts[3].endswith('MB'):
            texts[3] += 'MB'
        it.min = math.nan
    if rng.random() < 0.1:
        texts.append('')  # a trailing semicolon
    it.text = lt + '=' + ';'.join(texts)
    return it


def separator(rng):
    return rng.choice([' ', ' ', ' ', '  ', '\t', ' \t '])


def clean_line(rng, tag=None):
    """A line of items; TAG adds one divergent feature. Returns (text, items, skipped)."""
    items = [item(rng) for _ in range(rng.randrange(1, 8))]
    skipped = 0
    if tag in ('stray_token', 'decimal_comma', 'bad_uom_char'):
        bad = {'stray_token': rng.choice(['junk', 'free', 'OK', '-', 'x;y']),
               'decimal_comma': f'comma={rng.randrange(10)},{rng.randrange(10)}',
               'bad_uom_char': f'rate={rng.randrange(100)}KB/s'}[tag]
        texts = [i.text for i in items]
        texts.insert(rng.randrange(len(texts) + 1), bad)
        skipped = 1
    else:
        if tag is not None:
            items[rng.randrange(len(items))] = item(rng, tag)
        texts = [i.text for i in items]
    lead = rng.choice(['', '', ' '])
    trail = rng.choice(['', '', ' '])
    return lead + separator(rng).join(texts) + trail, items, skipped


def garbage_line(rng, base):
    special = "'=;:@~ \t,.eEU-+0123456789%|"
    b = bytearray(base.encode())
    for _ in range(rng.randrange(1, 6)):
        op, pos = rng.randrange(3), rng.randrange(len(b) + 1)
        ch = (ord(rng.choice(special)) if rng.random() < 0.7
              else rng.choice([c for c in range(1, 256) if c != 10]))
        if op == 0:
            b.insert(pos, ch)
        elif op == 1 and pos < len(b):
            del b[pos]
        elif pos < len(b):
            b[pos] = ch
    return bytes(b)


def generate(rng, n_clean=3000, n_divergent_each=60, n_garbage=1000):
    """Returns [(kind, tag, bytes, items or None, skipped)]."""
    lines = []
    for _ in range(n_clean):
        text, items, sk = clean_line(rng)
        lines.append(('clean', None, text.encode(), items, sk))
    for tag in DIVERGENT:
        for _ in range(n_divergent_each):
            text, items, sk = clean_line(rng, tag)
            lines.append(('divergent', tag, text.encode(), items, sk))
    over = [Item(f'i{i}={i}', f'i{i}', float(i), '') for i in range(ITEMS_MAX + 9)]
    lines.append(('over_limit', None, ' '.join(i.text for i in over).encode(), over, 0))
    for _ in range(n_garbage):
        lines.append(('garbage', None, garbage_line(rng, lines[rng.randrange(n_clean)][2]
                                                    .decode()), None, 0))
    return lines


# ---- reading the two parsers' outputs ----

def unescape(s):
    if s == '\\N':
        return None
    out, i = bytearray(), 0
    while i < len(s):
        if s.startswith('\\x', i):
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += s[i].encode()
            i += 1
    return out.decode('utf-8', 'surrogateescape')


def num(s):
    return float(s)  # float() reads nan, inf, -inf


def rng_of(s):
    if s == '-':
        return None
    inside, start, end = s.split(',')
    return (inside == '@', float(start), float(end))


def parse_vigil(line):
    f = line.split('\t')
    n, skipped, dropped = int(f[0]), int(f[1]), int(f[2])
    items = []
    for k in range(n):
        g = f[3 + 11 * k:3 + 11 * (k + 1)]
        items.append({'label': unescape(g[0]), 'value': num(g[1]), 'uom': unescape(g[2]),
                      'warn': unescape(g[3]), 'crit': unescape(g[4]), 'min': num(g[5]),
                      'max': num(g[6]), 'base': num(g[7]), 'unit': unescape(g[8]),
                      'wr': rng_of(g[9]), 'cr': rng_of(g[10])})
    return items, skipped, dropped


def parse_perl(line):
    f = line.split('\t')
    items = []
    for k in range(int(f[0])):
        g = f[1 + 9 * k:1 + 9 * (k + 1)]
        items.append({'label': unescape(g[0]), 'value': num(g[1]), 'uom': unescape(g[2]),
                      'warn': unescape(g[3]), 'crit': unescape(g[4]), 'min': num(g[5]),
                      'max': num(g[6]), 'wr': rng_of(g[7]), 'cr': rng_of(g[8])})
    return items


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def ranges_equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a[0] == b[0] and close(a[1], b[1]) and close(a[2], b[2])


FIELDS = ('label', 'value', 'uom', 'warn', 'crit', 'min', 'max')


def items_differ(v, p, with_ranges=True):
    """The first field where Vigil's item V and Perl's P differ, or None."""
    for f in FIELDS:
        same = close(v[f], p[f]) if f in ('value', 'min', 'max') else v[f] == p[f]
        if not same:
            return f
    if with_ranges and not (ranges_equal(v['wr'], p['wr']) and ranges_equal(v['cr'], p['cr'])):
        return 'range'
    return None


def oracle_differs(v, it):
    """The first field where Vigil's item V differs from the oracle's item IT, or None."""
    want = {'label': it.label, 'value': it.value, 'uom': it.uom,
            'warn': it.warn[0] if it.warn else None, 'crit': it.crit[0] if it.crit else None,
            'min': it.min, 'max': it.max}
    f = items_differ(v, dict(want, wr=None, cr=None), with_ranges=False)
    if f:
        return f
    for key, r in (('wr', it.warn), ('cr', it.crit)):
        if r is not None and not ranges_equal(v[key], r[1]):
            return key
    unit, factor = UNITS.get(it.uom, (it.uom, 1))
    if v['unit'] != unit:
        return 'unit'
    if not close(v['base'], it.value * factor):
        return 'base'
    return None


# ---- the run ----

def dump_bin(build):
    exe = pathlib.Path(build) / 'tests' / 'unit' / 'test_perfdata'
    if not exe.exists():
        raise AssertionError(f'{exe} is missing: build the test_perfdata target')
    return exe


def comma_locale(workdir):
    """A LOCPATH with de_DE.UTF-8 (decimal comma) built by localedef, or None."""
    loc = pathlib.Path(workdir) / 'locale'
    loc.mkdir(exist_ok=True)
    r = subprocess.run(['localedef', '-i', 'de_DE', '-f', 'UTF-8', str(loc / 'de_DE.UTF-8')],
                       capture_output=True)
    return str(loc) if r.returncode in (0, 1) and (loc / 'de_DE.UTF-8').exists() else None


def run(build, workdir):
    """Runs the whole comparison; returns a report dict, raising AssertionError on a failure."""
    rng = random.Random(SEED)
    lines = generate(rng)
    corpus = pathlib.Path(workdir) / 'perfdata-corpus.txt'
    corpus.write_bytes(b'\n'.join(text for _, _, text, _, _ in lines) + b'\n')
    exe = dump_bin(build)
    env = {k: v for k, v in os.environ.items() if not k.startswith('LC_')}
    vig = subprocess.run([str(exe), '--dump', str(corpus)], capture_output=True, check=True,
                         env=dict(env, LANG='C'), timeout=120).stdout
    perl = subprocess.run(['perl', '-e', PERL], input=corpus.read_bytes(), capture_output=True,
                          check=True, timeout=120).stdout
    vlines, plines = vig.decode().split('\n')[:-1], perl.decode().split('\n')[:-1]
    assert len(vlines) == len(lines) == len(plines), (len(vlines), len(lines), len(plines))

    report = {'lines': len(lines), 'oracle_failures': [], 'perl_failures': [],
              'divergent_seen': {t: 0 for t in DIVERGENT}, 'garbage_agree': 0,
              'garbage': 0, 'clean_items': 0, 'locale': None}
    for (kind, tag, text, items, skipped), vl, pl in zip(lines, vlines, plines):
        v, vskipped, vdropped = parse_vigil(vl)
        p = parse_perl(pl)
        if kind == 'garbage':
            report['garbage'] += 1
            assert len(v) <= ITEMS_MAX, text
            report['garbage_agree'] += (len(v) == len(p) and
                                        all(items_differ(a, b) is None for a, b in zip(v, p)))
            continue
        want = items[:ITEMS_MAX]
        bad = None
        if len(v) != len(want) or vskipped != skipped or \
                vdropped != max(0, len(items) - ITEMS_MAX):
            bad = f'{len(v)} items, {vskipped} skipped, {vdropped} dropped; want {len(want)}, ' \
                  f'{skipped}'
        else:
            for a, it in zip(v, want):
                f = oracle_differs(a, it)
                if f:
                    bad = f'item {it.text!r}: {f}: vigil {a}'
                    break
        if bad:
            report['oracle_failures'].append(f'{text!r}: {bad}')
        if kind == 'divergent':
            if len(v) != len(p) or any(items_differ(a, b) for a, b in zip(v, p)):
                report['divergent_seen'][tag] += 1
            continue
        p = p[:ITEMS_MAX]
        report['clean_items'] += len(v)
        if len(v) != len(p):
            report['perl_failures'].append(f'{text!r}: vigil {len(v)} items, perl {len(p)}')
            continue
        for a, b in zip(v, p):
            f = items_differ(a, b)
            if f:
                report['perl_failures'].append(f'{text!r}: {f}: vigil {a} perl {b}')
                break

    loc = comma_locale(workdir)
    if loc is not None:
        comma = subprocess.run([str(exe), '--dump', str(corpus)], capture_output=True,
                               check=True, timeout=120,
                               env=dict(env, LOCPATH=loc, LC_ALL='de_DE.UTF-8',
                                        # glibc's setlocale keeps a buffer LeakSanitizer reports
                                        ASAN_OPTIONS='detect_leaks=0')).stdout
        report['locale'] = 'de_DE.UTF-8'
        assert comma == vig, 'the output changed under a decimal-comma locale'

    assert not report['oracle_failures'], \
        f"{len(report['oracle_failures'])} lines differ from the oracle:\n" + \
        '\n'.join(report['oracle_failures'][:20])
    assert not report['perl_failures'], \
        f"{len(report['perl_failures'])} clean lines differ from Perl:\n" + \
        '\n'.join(report['perl_failures'][:20])
    unseen = [t for t, n in report['divergent_seen'].items() if n == 0]
    assert not unseen, f'documented differences never seen: {unseen}'
    return report


if __name__ == '__main__':
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        rep = run(sys.argv[1] if len(sys.argv) > 1 else 'build-asan', d)
    print({k: v for k, v in rep.items() if k not in ('oracle_failures', 'perl_failures')})
