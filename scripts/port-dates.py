#!/usr/bin/env python3
"""Build the Port-engine date corpus: tests/data/port-dates/.

`strftime`, `strflocaltime`, `mktime`, `gmtime`, `todate` and friends on broken-down times
whose fields are out of range, negative, huge or missing, and on epoch numbers far outside
jiff's years, with every conversion of glibc's `strftime` under random flags (`_ - 0 ^ #`),
widths and modifiers (`E`, `O`). Asks the reference engine what Port stores for each
(port-exec: libjq at jqlang/jq commit 588ff187, glibc, C locale) and records the answers, so
`make test` compares hookmap's Port mode with them without the reference binary
(tests/tests/port_dates.rs, which requires every answer).

Usage: scripts/port-dates.py PORT_EXEC   (reference/port-jq/port-exec in the shared folder)

The probes are drawn from fixed seeds: the same script gives the same corpus.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'data', 'port-dates')

CONVERSIONS = list('aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%') + [
    'Ec', 'EC', 'Ex', 'EX', 'Ey', 'EY', 'Od', 'Oe', 'OH', 'OI', 'Om', 'OM', 'OS', 'Ou', 'OU',
    'OV', 'Ow', 'OW', 'Oy', 'OY', 'Ob', 'OB', 'Ea', 'Oa', 'q', 'E', 'O', '+', 'Q', 'f', '1', 'é']
FLAGS = ['', '', '', '_', '-', '0', '^', '#', '^#', '_0', '0_', '-_']
WIDTHS = ['', '', '', '1', '2', '3', '5', '10', '40']
FIELDS = [0, 1, 2, 3, 5, 6, 7, 11, 12, 13, 23, 24, 25, 59, 60, 61, -1, -2, -13, 100, 365, 366,
          -366, 400, 1e10, -1e10, 2.5, -2.5, 0.9, 2147483647, -2147483648, 1e300]
YEARS = [2020, 1970, 1900, 0, 3, 99, 100, 1999, 2000, 2001, 2004, 2100, -1, -5, -100, -1900,
         10000, 1e300, -1e300, 2147483647, 1969, 1582]
EPOCHS = [0, 1, -1, 86399, 86400, 1745599888.383, -1745599888.383, 1e9, 1e11, -1e11, 2.5,
          -0.5, 951782400, 4107542399, 253402300799, -62135596800, 8.9e12, -8.9e12, 6e16,
          -6e16, 6.7e16, -6.8e16, 1e17, 1e19]


def fmt(rng, n):
    out = ''.join('%' + rng.choice(FLAGS) + rng.choice(WIDTHS) + rng.choice(CONVERSIONS)
                  + rng.choice(['', '|', ' ', 'x']) for _ in range(n))
    if rng.random() < 0.05:
        out += '%' + rng.choice(['', '_', '5', 'E'])
    return out


def probes():
    rng = random.Random(7)
    out = []
    for _ in range(700):
        tm = ([rng.choice(YEARS)] + [rng.choice(FIELDS) for _ in range(8)])[:rng.randint(0, 9)]
        name = rng.choice(['strftime', 'strflocaltime'])
        out.append(f'{json.dumps(tm)} | {name}({json.dumps(fmt(rng, rng.randint(1, 4)), ensure_ascii=False)})')
    for _ in range(200):
        tm = ([rng.choice(YEARS)] + [rng.choice(FIELDS) for _ in range(8)])[:rng.randint(0, 9)]
        out.append(f'{json.dumps(tm)} | ' + rng.choice(['mktime', 'todate', 'mktime | todate', 'mktime | gmtime']))
    for _ in range(300):
        out.append(f'{json.dumps(rng.choice(EPOCHS))} | strftime({json.dumps(fmt(rng, rng.randint(1, 3)), ensure_ascii=False)})')
    for x in EPOCHS:
        for e in ['todate', 'gmtime', 'gmtime | mktime', 'gmtime | todate', 'localtime',
                  'gmtime | .[5] += 100 | mktime', 'gmtime | .[2] += 40 | todate',
                  'gmtime | .[2] += 40 | mktime | todate', 'dateadd("seconds"; 10) | todate']:
            out.append(f'{json.dumps(x)} | {e}')
    out += ['null | mktime', '"x" | mktime', '{} | strftime("%Y")', '[1, "a"] | mktime',
            '[1, null] | strftime("%Y")', '[nan] | mktime', '1 | strftime(null)',
            '"x" | strftime(1)', '[] | strftime("")', '0 | strflocaltime("")',
            '"2015-03-05T23:51:47Z" | fromdate', '"2015-03-05T23:51:47Z" | fromdateiso8601 | todate',
            '[2015,2,5,23,51,47,4,63] | mktime', '"1425599507" | gmtime', 'null | localtime',
            '[1969,11,31,23,59,59] | mktime', '[2020,0,1,0,0,0,0,0,"x"] | mktime']
    return out


def main(argv):
    if not argv:
        sys.exit('usage: scripts/port-dates.py PORT_EXEC (reference/port-jq/port-exec in the shared folder)')
    exprs = probes()
    with tempfile.TemporaryDirectory() as tmp:
        listed = os.path.join(tmp, 'exprs.txt')
        null = os.path.join(tmp, 'null.json')
        open(listed, 'w').write('\n'.join(exprs) + '\n')
        open(null, 'w').write('null')
        env = dict(os.environ, TZ='UTC')
        batch = subprocess.run([argv[0], '--batch', listed, null], env=env, check=True,
                               capture_output=True, text=True).stdout
    answers = [json.loads(l) for l in batch.splitlines() if l.strip()]
    assert [a['expr'] for a in answers] == exprs, 'port-exec answered another list'
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'probes.jsonl'), 'w') as out:
        for a in answers:
            out.write(json.dumps({'expr': a['expr'], 'output': a['output']}, ensure_ascii=False) + '\n')
    print(f'{len(answers)} probes -> {os.path.relpath(OUT, ROOT)}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
