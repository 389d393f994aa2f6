#!/usr/bin/env python3
"""Build the Port-engine differential corpus: tests/data/port-oracle/.

Builds a probe set (jq expression + named input), asks the reference engine what Port stores
for each (port-exec: libjq at jqlang/jq commit 588ff187 behind Port's dialect layer), and
records the answers, so `make test` compares hookmap's Port mode with them without the
reference binary (tests/tests/port_oracle.rs).

Usage: scripts/port-oracle.py PORT_EXEC   (the reference's `port-exec`, from the project's shared
reference folder, `reference/port-jq/port-exec`; see tests/data/port-oracle/README.md)

Only this script reads the reference; it is not run by `make test`. Probes the reference
cannot answer within a few seconds (generators that never end) are left out.
"""
import importlib.machinery
import importlib.util
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'data', 'port-oracle')
CONFORMANCE = os.path.join(ROOT, 'tests', 'data', 'conformance')

# Inputs every builtin is applied to: name -> JSON text (kept as text: number literals matter).
INPUTS = {
    'null': 'null',
    'true': 'true',
    'false': 'false',
    'zero': '0',
    'int': '3',
    'neg': '-7',
    'frac': '2.5',
    'negfrac': '-1.5',
    'huge': '100000000000000000000',
    'big': '1e300',
    'tiny': '1e-300',
    'float-literal': '1.0',
    'epoch': '1745599888.383',
    'empty-string': '""',
    'string': '"hello, World"',
    'date': '"2025-04-25T16:51:28Z"',
    'numeric-text': '"42"',
    'fraction-text': '" 1.5 "',
    'unicode': '"héllo ✓"',
    'empty-array': '[]',
    'numbers': '[3,1,2]',
    'strings': '["b","a","c"]',
    'mixed': '[1,"a",null,true,[2],{"k":1}]',
    'nested-array': '[[1,[2]],[3],4]',
    'empty-object': '{}',
    'object': '{"a":1,"b":[1,2],"c":{"d":"x"}}',
    'entries': '[{"key":"a","value":1},{"k":"b","v":2},{"name":"c","value":3}]',
    'tm': '[2025,3,25,16,51,28.5,5,114]',
    'request': None,  # filled from tests/data/conformance/spacelift/request.json
}
# The smaller spread used for builtins that take arguments.
ARG_INPUTS = ['null', 'int', 'frac', 'huge', 'string', 'date', 'numbers', 'strings', 'mixed',
              'object', 'entries', 'nested-array', 'empty-object']

# Builtins whose output depends on the machine or the clock, or that never end on most inputs.
SKIP = {'now/0', 'localtime/0', 'get_jq_origin/0', 'get_prog_origin/0', 'get_search_list/0',
        'input_filename/0', 'modulemeta/0', 'repeat/1', 'builtins/0', 'halt/0', 'halt_error/0',
        'halt_error/1', 'input/0', 'inputs/0', 'debug/0', 'debug/1', 'stderr/0', 'recurse/2'}

# Arguments for builtins that take some (name/arity -> list of argument texts).
ARGS = {
    'IN/1': ['1', '"a", 3'], 'IN/2': ['.[]?; 1, 2'],
    'INDEX/1': ['.a?', 'tostring'], 'INDEX/2': ['.[]?; .key?'],
    'JOIN/2': ['{"1":"x"}; tostring'], 'JOIN/3': ['{"1":"x"}; .[]?; tostring'],
    'JOIN/4': ['{"1":"x"}; .[]?; tostring; add'],
    'add/1': ['.[]?', '1, 2'], 'all/1': ['. == 1'], 'all/2': ['.[]?; . != null'],
    'any/1': ['. == 1'], 'any/2': ['.[]?; . == 1'],
    'atan2/2': ['1; 2', '.; 1'], 'bsearch/1': ['1', '"b"'],
    'capture/1': ['"(?<x>[a-z]+)"'], 'capture/2': ['"(?<x>[A-Z])"; "gi"'],
    'combinations/1': ['2'], 'contains/1': ['"l"', '[1]', '{"a":1}', '1'],
    'copysign/2': ['1; -1'], 'del/1': ['.a', '.[0]', '.[]?'], 'delpaths/1': ['[["a"]]', '[[0]]'],
    'drem/2': ['10; 3'], 'endswith/1': ['"d"', '1'], 'error/1': ['"boom"', 'null', '{"a":1}'],
    'fdim/2': ['5; 3'], 'first/1': ['.[]?', 'empty'], 'flatten/1': ['1', '0', '-1'],
    'fma/3': ['2; 3; 4'], 'fmax/2': ['1; 2'], 'fmin/2': ['1; 2'], 'fmod/2': ['7; .', '.; 2'],
    'format/1': ['"text"', '"csv"', '"base64"', '"html"', '"json"'],
    'fromstream/1': ['tostream'], 'getpath/1': ['["a"]', '[0]', '["a","b"]'],
    'group_by/1': ['.', 'type'], 'gsub/2': ['"l"; "L"', '"^"; "-"', '"(?<x>o)"; "[\\(.x)]"'],
    'gsub/3': ['"L"; "x"; "i"'], 'has/1': ['"a"', '0', '"key"'], 'hypot/2': ['3; 4'],
    'in/1': ['{"a":1}', '[1,2]', '"abc"'], 'index/1': ['"l"', '1', '","'],
    'indices/1': ['"l"', '1', '[1,2]', '","'], 'inside/1': ['"hello, World!"', '[1,2,3,4]', '{"a":1,"z":2}'],
    'isempty/1': ['empty', '.[]?'], 'join/1': ['", "', '"-"'], 'jn/2': ['1; 2.5'],
    'last/1': ['.[]?', 'empty'], 'ldexp/2': ['3; 2'], 'limit/2': ['2; .[]?', '0; 1, 2', '-1; 1, 2'],
    'ltrimstr/1': ['"hel"', '1', '"2025"'], 'map/1': ['. + 1', 'tostring', 'type'],
    'map_values/1': ['. + 1', 'tostring', 'empty'], 'match/1': ['"[a-z]+"', '["L", "gi"]'],
    'match/2': ['"o"; "g"', '"[a-z]"; "gx"', '"^.+$"; "s"'], 'max_by/1': ['.', 'type'],
    'min_by/1': ['.', 'type'], 'nextafter/2': ['1; 2'], 'nexttoward/2': ['1; 2'],
    'nth/1': ['0', '1', '-1'], 'nth/2': ['1; .[]?', '0; empty', '-1; 1'],
    'path/1': ['.a', '.[0]', '..', 'first(.[]?)'], 'paths/1': ['type == "number"', 'scalars'],
    'pick/1': ['.a', '.[1]', '.c.d?'], 'pow/2': ['2; 10', '.; 2', '2; 0.5'],
    'range/1': ['3', '0', '-1'], 'range/2': ['1; 4', '0; 1.5'], 'range/3': ['0; 10; 3', '5; 0; -2'],
    'recurse/1': ['.[]?', 'if . == null then empty else .[]? end'], 'remainder/2': ['10; 3'],
    'rindex/1': ['"l"', '1', '","'], 'rtrimstr/1': ['"World"', '1', '"Z"'],
    'scalb/2': ['3; 2'], 'scalbln/2': ['3; 2'], 'scan/1': ['"[a-z]+"', '"(l)(o)?"', '"\\\\d"'],
    'scan/2': ['"L"; "i"'], 'select/1': ['. == 1', 'type == "string"'],
    'setpath/2': ['["a"]; 1', '[0]; 1', '[]; 1'], 'skip/2': ['1; .[]?', '-1; 1'],
    'sort_by/1': ['.', 'type', '-(.|length)'], 'split/1': ['", "', '""', '"l"'],
    'split/2': ['"L"; "i"', '", *"; null', '"[ ,]"; "g"'], 'splits/1': ['", *"'],
    'splits/2': ['"L"; "i"'], 'startswith/1': ['"he"', '1'],
    'strflocaltime/1': ['"%Y-%m-%dT%H:%M:%SZ"'],
    'strftime/1': ['"%Y-%m-%dT%H:%M:%SZ"', '"%A, %B %d, %Y"', '"%s"', '"%j %e %H %I %p"', '1'],
    'strptime/1': ['"%Y-%m-%dT%H:%M:%SZ"', '"%Y-%m-%d"', '"%s"'],
    'sub/2': ['"l"; "L"', '"(?<first>[a-z])"; "<\\(.first)>"', '"$"; "!"'], 'sub/3': ['"L"; "x"; "gi"'],
    'test/1': ['"^h"', '"\\\\d"', '["L", "i"]'], 'test/2': ['"WORLD"; "i"', '"a b"; "x"'],
    'truncate_stream/1': ['1; tostream'], 'unique_by/1': ['.', 'type', 'length?'],
    'until/2': ['. > 100; . * 2 + 1'], 'walk/1': ['if type == "number" then . + 1 else . end', 'tostring?'],
    'while/2': ['. < 10; . + 3'], 'with_entries/1': ['.value |= tostring', '.key |= ascii_upcase'],
    'yn/2': ['1; 2.5'], 'halt_error/1': ['1'], 'sort/1': ['.'],
    'ltrimstr/0': [], 'significand/0': [], 'splits/0': [],
}
# A generic argument for a builtin with arguments that the table above does not name.
GENERIC = {1: ['.'], 2: ['.; .'], 3: ['.; .; .']}

# Names jq 1.8 (standard mode) defines and that may be missing from Port's engine.
EXTRA = ['leaf_paths', 'toarray', 'trimstr("a")', 'trimstr("l")', '@base32', '@base32d', '@urid',
         'ascii', 'getpath(["a"])', 'have_decnum', 'have_literal_numbers', 'abs', 'ltrimstr("x")',
         'rtrimstr("x")', 'toboolean', 'splits("a")', 'pick(.a)', 'add(.[]?)', 'tojson', 'ascii(65)',
         '$__loc__', '$__prog_args', 'getpath(["a","b"])', 'input_line_number', 'env', '$ENV',
         'env.HOME', '$ENV.PATH', 'now | type', 'halt', 'halt_error', 'input', '[inputs]',
         'splits', 'get_search_list', 'recurse_down', 'todateiso8601', 'dateadd("seconds"; 1)',
         'datesub("seconds"; 1)', 'date', 'fromdateiso8601', 'dateadd', 'finites', 'normals',
         'significand', 'gamma', 'lgamma_r', 'frexp', 'modf', 'logb', 'drem(5; 2)', 'ldexp(1; 2)',
         'nearbyint', 'trunc', 'rint', 'round', 'ceil', 'floor', 'fabs', 'sqrt', 'cbrt', 'exp10',
         'pow10', 'log2', 'exp2', 'splits(", ")', 'getpath([])', 'error', 'error(null)',
         'tojson|fromjson', '@sh', '@text', '@json', '@html', '@uri', '@csv', '@tsv', '@base64',
         '@base64d', 'input_filename', 'ltrimstr', 'min_by', 'limit(1; .[]?)', 'first', 'last',
         'nth(0)', 'isvalid(.)', 'getpath(1)', 'implode', 'explode', 'ascii_downcase', 'utf8bytelength',
         'tostream', 'getpath(["a",0])', 'splits("l"; null)', 'have_decnum | not', '@base32 | @base32d']

# Hand-written probes by category: (category, expression, input names).
ALL_ARG = list(INPUTS)


def hand_written():
    p = []

    def add(cat, exprs, inputs):
        for e in exprs:
            for i in inputs:
                p.append((cat, e, i))

    add('paths', ['[paths]', '[paths(type == "number")]', '[paths(scalars)]', 'path(.a)', '[path(..)]',
                  'path(.a[0].b)', '[leaf_paths]', 'getpath(["a","b"])', 'setpath(["a","b"]; 1)',
                  'delpaths([["a"]])', 'del(.a, .b)', 'to_entries', 'paths(..)', '[paths] | length',
                  'path(.[1:2])', 'del(.[1:])', 'path(first(.a,.b))', '[path(.a // .b)]',
                  'try path(1) catch .', 'pick(.a.b)', 'pick(first(.[]?))', '[tostream]',
                  'fromstream(tostream)', 'getpath(["x"]) // "none"', 'path(getpath(["a","b"]))',
                  '.a.b.c', '.[0]', '.[-1]', '.[1:]', '.[:-1]', '.["a"]', '."a"', '.a?', '.[]?',
                  '..|numbers', '[..] | length', 'keys', 'has("a")', 'has(0)', 'in({"a":1})',
                  'map(has("a"))', 'any(.[]?; . == 1)', '.a += 1', '.a |= . + 1', '.[0] = 1',
                  '.a //= 3', 'to_entries | from_entries', 'with_entries(.value += 1)', 'del(..|nulls)'],
        ['null', 'object', 'numbers', 'mixed', 'string', 'entries', 'request', 'empty-object'])
    add('formats', ['@csv', '@tsv', '@sh', '@html', '@uri', '@json', '@text', '@base64', '@base64d',
                    '@base32', '@base32d', '@urid', '@html "x\\(.)y"', '@uri "q=\\(.)"', '@sh "echo \\(.)"',
                    '@json "v=\\(.)"', '@base64 "\\(.)"', '@csv "\\([.])"', '[.] | @csv', '[.] | @tsv',
                    'tostring | @base64 | @base64d', '[.[]?] | @csv', '@text "\\(.)"', 'format("text")'],
        ['null', 'int', 'frac', 'string', 'unicode', 'numbers', 'strings', 'mixed', 'object', 'huge',
         'empty-string', 'date', 'true'])
    add('interpolation', ['"v: \\(.)"', '"\\(.a) and \\(.b)"', '"\\(1 + 2)"', '"\\(.[0]?)"',
                          '"x\\(empty)y"', '"\\(.)\\(.)"', '"\\(null)"', '"\\(1e3)"', '"\\(1.0)"',
                          '"\\("a" | ascii_upcase)"', '"\\(tojson)"', '"nested \\("\\(.)")"',
                          '"\\(.a?)"', '"\\(1,2)"', '"a" + "\\(.)"'],
        ['null', 'int', 'frac', 'huge', 'string', 'numbers', 'object', 'float-literal', 'big'])
    add('optional', ['.a?', '.[0]?', '.a.b?', '(.a | tonumber)?', 'tonumber?', '[.[]?]', 'ltrimstr("a")?',
                     '(. as [$a, $b] | $a)?', 'error("x")?', '[error("x")?]', '(1, error("x"), 2)?',
                     '[.[] | tonumber?]', '.a[]?', 'keys?', '(.a.b.c)?', 'first(.[]?)', 'length?',
                     '[..?]', 'try error("x")', '(error("x") // 1)?', '[.[]? // 0]',
                     '.a? // "d"', 'tostring?', 'fromjson?', '[(1,2) | error?]'],
        ['null', 'int', 'string', 'numbers', 'strings', 'object', 'mixed', 'numeric-text', 'request'])
    add('try-catch', ['try error("x") catch .', 'try error({a:1}) catch .a', 'try (1/0) catch .',
                      'try .a catch "no"', 'try tonumber catch .', 'try error catch .', 'try error(null) catch .',
                      '[.[] | try tonumber catch "bad"]', 'try (.a | ltrimstr(1)) catch .',
                      'try ([1] | implode) catch .', 'try (. as [$a] | $a) catch .', 'try keys catch .',
                      'try (. + 1) catch .', 'try (. - "a") catch .', 'try ({} | .[0]) catch .',
                      'try ([] | .a) catch .', 'try (1 | .[]) catch .', 'try ("a" * {}) catch .',
                      'try fromjson catch .', 'try ("x" | test("(")) catch .', 'try error("\\(.)") catch .',
                      'try (null | implode) catch .', 'try (tostring | tonumber) catch "nan"',
                      '.a | try . catch .', 'try (error("a"), 1) catch .', 'label $f | 1, break $f, 2',
                      'try ("abc" | .[0]) catch .', 'try (has(0)) catch .', 'try (in({})) catch .',
                      'try ({} | has(0)) catch .', 'try ([] | has("a")) catch .', 'try ("a" | in([])) catch .',
                      'try (. % 0) catch .', 'try (splits(1)) catch .', 'try join(",") catch .',
                      'try ([1, {}] | join(",")) catch .', 'try (tojson | .[1e9:]) catch .',
                      'try getpath(["a", 0, "b"]) catch .', 'try setpath([1]; 1) catch .',
                      'try (to_entries) catch .', 'try from_entries catch .', 'try flatten catch .',
                      'try (-.) catch .', 'try (ascii_downcase) catch .', 'try (@csv) catch .',
                      'try (@base64d) catch .', 'try (strptime("%Y")) catch .', 'try (mktime) catch .',
                      'try gmtime catch .', 'try (todate) catch .', 'try (fromdate) catch .'],
        ['null', 'int', 'frac', 'string', 'numbers', 'object', 'mixed', 'date'])
    add('alternative', ['.a // "d"', '.a // .b // "c"', 'empty // 1', 'false // null // 3', '(.[]? // 0)',
                        '[.[]? // 0]', 'first(.[]? // 0)', 'error("x") // 1', '.a.b // "none"',
                        '(.a, .b) // "d"', '[.[]? | . // "n"]', '. // "x"', 'tonumber? // "nan"',
                        '(null, false) // 7', '[(null, 1, false, 2) // 9]', '.x //= 5',
                        'if . then "t" end', 'if . == 1 then "one" elif . == 2 then "two" end',
                        'if . then "t" else "f" end', 'if empty then 1 else 2 end', 'if (true, false) then 1 else 2 end',
                        '. and true', '. or false', 'not', '(. == null) and (.a? == null)', 'select(.)',
                        '[.[]? | select(. != null)]', 'isempty(.[]?)', 'values', 'nulls', 'booleans'],
        ['null', 'false', 'true', 'int', 'string', 'numbers', 'object', 'mixed', 'empty-object'])
    add('reduce', ['reduce .[]? as $x (0; . + 1)', 'reduce .[]? as $x (null; . + $x)',
                   'reduce range(5) as $i ([]; . + [$i * 2])', '[foreach .[]? as $x (0; . + 1)]',
                   '[foreach .[]? as $x (0; . + 1; [$x, .])]', 'reduce empty as $x (1; 2)',
                   'reduce (.[]? | numbers) as $n (0; . + $n)', '[limit(3; repeat(1))]',
                   'reduce .[]? as [$a, $b] (0; . + 1)', 'reduce to_entries[]? as {key: $k} ([]; . + [$k])',
                   '[foreach range(5) as $i (0; . + $i; select(. > 3))]', 'add', 'add / length',
                   'map(select(type == "number")) | add', '[recurse(if . < 3 then . + 1 else empty end)]',
                   '. as [$a, $b] | {a: $a, b: $b}', '. as {a: $x} | $x', '. as {$a} | $a',
                   '.[] as [$a] ?// $a | $a', '[.[]? as [$a] ?// $a | $a]', 'def f: . + 1; f',
                   'def f(g): [g]; f(.[]?)', 'def fac: if . <= 1 then 1 else . * (. - 1 | fac) end; 5 | fac',
                   '[range(3)] | map(. * 2) | add', '[splits(", ")]', 'getpath(["a"]) as $x | $x',
                   'input_line_number', 'length', 'utf8bytelength', '[.[]?] | length', 'any', 'all',
                   'min', 'max', 'unique', 'reverse', 'sort', 'group_by(type)', 'transpose', 'combinations',
                   '[combinations(2)] | length', 'flatten', 'flatten(1)', 'tojson', 'tostring', 'ascii_upcase',
                   'implode', 'explode', 'splits("a")', '[.[]?] | first', 'to_entries', 'from_entries',
                   'keys_unsorted', 'add(.[]?)', 'join(",")', 'map(tostring) | join(",")', 'index(",")',
                   'indices(1)', 'inside([1,2,3,4])', 'contains("a")', 'walk(if type == "array" then sort else . end)'],
        ['null', 'int', 'numbers', 'strings', 'mixed', 'object', 'entries', 'nested-array', 'string'])
    add('regex', ['test("l")', 'test("L"; "i")', 'test("l+"; "g")', 'test("^h.*d$"; "x")', 'test("\\\\s")',
                  '[match("l"; "g") | .offset]', 'match("(?<w>[A-Z])\\\\w+")', 'match("o"; "g").offset',
                  '[match("[a-z]"; "g").offset]', 'capture("(?<a>\\\\w+), (?<b>\\\\w+)")',
                  'capture("(?<y>\\\\d+)-(?<m>\\\\d+)")', '[scan("l")]', '[scan("[aeiou]"; "g")]',
                  '[scan("(l)(o)")]', 'split(", ")', 'split(", *"; null)', 'split("l"; "g")',
                  '[splits("[, ]+")]', 'sub("l"; "L")', 'gsub("l"; "L")', 'gsub("(?<c>[aeiou])"; "<\\(.c)>")',
                  'sub("^"; ">")', 'gsub(""; "-")', 'gsub("\\\\s+"; " ")', 'gsub("L"; "x"; "i")',
                  'sub("(?<x>.)"; "\\(.x)\\(.x)")', 'ascii_downcase | test("world")', 'test("")',
                  '[match(""; "g").offset]', 'test("a"; "n")', 'test("(?i)WORLD")', 'sub("$"; "!"; "g")',
                  'gsub("[^a-z]"; "")', 'test("\\\\p{L}")', 'splits(",")', '[match("(a)|(l)"; "g") | .captures | length]',
                  'test("x"; "q")', 'test(1)', 'sub(1; "x")', '[scan("\\\\d+")] | map(tonumber)',
                  'gsub("\\\\d"; "#")', 'sub("(?<d>\\\\d+)"; "\\(.d | tonumber + 1)")', 'test("T"; "l")',
                  'capture("(?<h>\\\\d+):(?<m>\\\\d+)")', 'match("(?<n>x)?y"; "g")', 'ascii'],
        ['string', 'date', 'unicode', 'empty-string', 'numeric-text', 'null', 'int'])
    add('dates', ['todate', 'fromdate', 'todateiso8601', 'fromdateiso8601', 'gmtime', 'mktime', 'gmtime | mktime',
                  'gmtime | todate', 'strftime("%Y-%m-%d")', 'strftime("%H:%M:%S %Z")', 'strftime("%a %b %e %Y")',
                  'strftime("%c")', 'strftime("%s")', 'strftime("%j %U %w %u")', 'strftime("%D %T %R")',
                  'strftime("%y %C %G %g %V")', 'strftime("%%")', 'strptime("%Y-%m-%dT%H:%M:%SZ")',
                  'strptime("%Y-%m-%dT%H:%M:%SZ") | mktime', 'strptime("%Y-%m-%d")', 'strptime("%d/%m/%Y")',
                  'strptime("%Y-%m-%dT%H:%M:%S%z")', 'fromdate | todate', 'fromdate + 3600 | todate',
                  '. / 1000 | todate', 'floor | todate', 'gmtime | .[5]', 'date', 'dateadd("seconds"; 60)',
                  'todate[:10]', 'sub("\\\\.\\\\d+"; "") | fromdate', '.[:19] + "Z" | fromdate',
                  'strptime("%Y-%m-%dT%H:%M:%S.%fZ")', 'fromdateiso8601 | gmtime', 'gmtime | strftime("%A")',
                  'strftime("%Y-%m-%dT%H:%M:%S.000Z")', 'localtime | type', 'mktime | todate',
                  'strftime(1)', 'gmtime | todate[:4]', 'todate | fromdate', '(. | tostring) + "s"',
                  'strflocaltime("%Y")', 'strptime("%s")', 'strptime("%A")'],
        ['epoch', 'int', 'zero', 'frac', 'date', 'tm', 'string', 'null', 'huge', 'neg', 'big',
         'numeric-text'])
    add('numbers', ['1e3', '1e3 | tostring', '1E3', '1.0', '1.0 | tostring', '1.50 | tostring', '100000000000000000000',
                    '100000000000000000000 | tostring', '100000000000000000000 | . % 2', '-1.5 | . % 2',
                    '. % 2', '. % -3', '. % 0.5', '5 % .', '. / 3', '. * 3', '. - 0.1', '. + 0.1',
                    '0.1 + 0.2', '1 / 3', '10 / 4', '. | tostring', 'tojson', '[.] | tojson', '.,1e1000',
                    '1e1000', '-1e1000', '1e1000 | tostring', 'nan', 'nan | tostring', '[nan] | tojson',
                    'infinite', '-infinite | tostring', 'nan < 1', '[nan, 1] | sort', '3.0', '3.10 | tostring',
                    '0.00001', '0.00001 | tostring', '1e-5 | tostring', '1.5e300 * 1e10', '9007199254740993',
                    '9007199254740993 | tostring', '9007199254740993 | . + 0', '-0', '-0 | tostring',
                    '0.1 | tostring', '1e17 | tostring', '12345678901234567890 | tostring', '. == 1.0',
                    'floor', 'sqrt', 'round', 'ceil', 'fabs', 'abs', 'pow(.; 2)', 'log', 'exp10', 'significand',
                    'tonumber', 'tostring | tonumber', '. as $x | $x', '[., 1] | max', '-.', '. * 100 | floor / 100',
                    '1 + 2 * 3', '2 - 3 - 4', '. > 2', '. < "a"', '[1, 1.0] | unique', '{"a": 1.0} | .a',
                    '1000000 | tostring', '123456789012 | tostring', '1.1e1 | tostring', '.5', '.5 + 1',
                    '0.5e1', '1e2 + 0', '[1e3]', '{a: 1e3}', '1e3 | . + 0 | tostring', '100 | tostring',
                    '3.14159 | tostring', '1.23e-7 | tostring', '-1.5 | tostring', '$__loc__', 'infinite | floor',
                    '. / 0', '0 / 0', '1 % 0', '5 % 2.7', '5.9 % 2', '-5 % 3', '4294967296 % 3',
                    '9223372036854775807 % 10', '. * 1.0 | tostring', 'tostring | length', '@text',
                    '[limit(3; .[]?)]', 'splits("1")', 'ltrimstr("1")', 'tojson | fromjson', 'isnan',
                    'isinfinite', 'isnormal', 'isvalid(1)', 'trunc', 'have_decnum', 'have_literal_numbers'],
        ['null', 'int', 'neg', 'frac', 'negfrac', 'huge', 'big', 'tiny', 'float-literal', 'numeric-text'])
    add('dialect', ["'a'", "'Success'", ". == 'x'", "'a' + 'b'", "\"'quoted'\"", "'it''s'", "[.[]? | 'v']",
                    "if . then 'yes' else 'no' end", "'a b'", "'x'|ascii_upcase", "env", "$ENV", "env.HOME",
                    "$ENV | length", "{a: 'b'}", "\"a\" + 'b'", "'\\(.)'", "('a')", "'a' , 'b'", "[1,2] | first",
                    "empty", "1, 2", "(1, 2) | . * 10", "limit(0; 1)", "first(empty)", "error", "null",
                    "{} | .a", "[][0]", "\"\\u00e9\"", "\"tab\\there\"", "'x''y'", "' spaced '",
                    "$__loc__", "input_line_number", "splits", "builtins | length > 100", "{(.a?|tostring): 1}",
                    "{a: 1} + {b: 2}", "{a: {b: 1}} * {a: {c: 2}}", "[1,2,3] - [2]", "\"ab\" * 3", "\"ab\" * 0",
                    "{\"a\":1} | keys[0]", "[.[]?] | @json", "(1,2,3) as $x | $x", "[range(1;10;3)]", "ltrimstr",
                    "getpath([\"a\"])?", "{\"k\": .}", "{$__loc__}", "{a:1} | has(\"a\")", "tostream",
                    "[paths]", "ascii", "@base32", "toarray", "trimstr(\"a\")", "leaf_paths", "[leaf_paths]",
                    "pick(.a)", "abs", "have_decnum", "getpath([])", "input", "halt", "halt_error",
                    "\"x\" | halt_error", "{} | halt_error(1)", "debug", "stderr", "debug(\"m\")", "$__prog_args",
                    "input_filename", "get_search_list", "splits(\"a\"; \"g\")", "@sh \"\\(.)\"", "ltrimstr(\"a\")",
                    "todate", "tojson | length", "[splits(\"\")]", "implode", "\"\\(1;2)\"", "{a:1}.a",
                    "[1][]", ".[]", ".. | numbers", "..", "$x", "def f: f; 1", "reduce . as $x (0; 1)",
                    "@json \"x\"", "[.[]?] | sort_by(.)", "1 as $x | 2 as $y | [$x, $y]", "getpath([\"a\"]) |= 1",
                    "to_entries[0]?", "(.a, .b) = 1", ".a = (1, 2)", "[.[]?] | .[1:] = [9]", "ascii_downcase?",
                    "splits(\"x\")?", "not | not", "[true, false] | all", "error(\"\\(.)\")", "@text \"\\(.)\"",
                    "tojson | @json", "try error(\"x\") catch error(\"y\")", "(try error(\"x\") catch .) | length",
                    "try error catch type", "[.[]?, 1] | add", "getpath([0, \"a\"])", ".[0:1]", ".[\"a\", \"b\"]?"],
        ['null', 'int', 'string', 'numbers', 'object', 'mixed', 'request'])
    return p


def finite(v):
    """A number beyond doubles (jq prints `1E+1000` as written) is Infinity once the binding
    makes it a JavaScript double, and JSON.stringify stores Infinity as null."""
    if isinstance(v, float) and (v != v or v in (float('inf'), float('-inf'))):
        return None
    if isinstance(v, list):
        return [finite(x) for x in v]
    if isinstance(v, dict):
        return {k: finite(x) for k, x in v.items()}
    return v


def load_port_exec(path):
    loader = importlib.machinery.SourceFileLoader('port_exec', path)
    spec = importlib.util.spec_from_loader('port_exec', loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def mapping_probes(port):
    """Every jq string of the conformance corpus's and the examples' mappings, with its request
    (and `.item`, the first item, under itemsToParse)."""
    probes, inputs = [], {}
    roots = [CONFORMANCE, os.path.join(ROOT, 'examples')]
    for root in roots:
        for dirpath, _dirs, files in sorted(os.walk(root)):
            if 'config.json' not in files or 'request.json' not in files:
                continue
            rel = os.path.relpath(dirpath, ROOT)
            request_text = open(os.path.join(dirpath, 'request.json')).read()
            cfg = json.load(open(os.path.join(dirpath, 'config.json')))
            mappings = cfg.get('mappings', []) if isinstance(cfg, dict) else cfg
            for n, m in enumerate(mappings):
                name = f'{rel}#{n}'
                text = request_text
                items = m.get('itemsToParse')
                if isinstance(items, str):
                    probes.append(('mappings', items, rel))
                    got = port.answer(items, request_text, timeout=5)
                    if isinstance(got, list) and got:
                        req = json.loads(request_text)
                        req['item'] = got[0]
                        text = json.dumps(req)
                inputs[name] = text
                inputs.setdefault(rel, request_text)

                def leaves(v):
                    if isinstance(v, str):
                        yield v
                    elif isinstance(v, dict):
                        for x in v.values():
                            yield from leaves(x)
                    elif isinstance(v, list):
                        for x in v:
                            yield from leaves(x)
                if isinstance(m.get('filter'), str):
                    probes.append(('mappings', m['filter'], name))
                for e in leaves(m.get('entity', {})):
                    probes.append(('mappings', e, name))
    return probes, inputs


def jq_suite_probes():
    """The programs of jq's own suite with their first input (what a user would paste)."""
    probes, inputs = [], {}
    for f in sorted(os.listdir(os.path.join(CONFORMANCE, 'jq'))):
        if not f.endswith('.test'):
            continue
        lines = open(os.path.join(CONFORMANCE, 'jq', f)).read().split('\n')
        i, fail = 0, False
        while i < len(lines):
            line = lines[i]
            i += 1
            t = line.strip()
            if not t or t.startswith('#'):
                continue
            if line.startswith('%%FAIL'):
                fail = True
                continue
            prog = line
            if fail:
                fail = False
                probes.append(('jq-suite', prog, 'null'))
            else:
                inp = lines[i] if i < len(lines) else 'null'
                i += 1
                key = f'jq:{f}:{i - 1}'
                inputs[key] = inp
                probes.append(('jq-suite', prog, key))
            while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith('#'):
                i += 1
    return probes, inputs


def main(argv):
    if not argv:
        sys.exit('usage: scripts/port-oracle.py PORT_EXEC (the reference engine: reference/port-jq/port-exec in the shared folder)')
    port_exec = argv[0]
    port = load_port_exec(os.path.abspath(port_exec))
    os.environ['TZ'] = 'UTC'
    inputs = dict(INPUTS)
    inputs['request'] = open(os.path.join(CONFORMANCE, 'spacelift', 'request.json')).read()
    probes = []
    builtins = port.answer('builtins | sort', 'null')
    for b in builtins:
        if b in SKIP:
            continue
        name, arity = b.rsplit('/', 1)
        arity = int(arity)
        if arity == 0:
            for i in INPUTS:
                probes.append(('builtin', name, i))
        else:
            for args in ARGS.get(b, GENERIC[arity] if arity in GENERIC else []):
                for i in ARG_INPUTS:
                    probes.append(('builtin', f'{name}({args})', i))
    for e in EXTRA:
        for i in ['null', 'int', 'string', 'object', 'numbers', 'date']:
            probes.append(('undefined-or-new', e, i))
    probes += hand_written()
    mp, mi = mapping_probes(port)
    probes += mp
    inputs.update(mi)
    jp, ji = jq_suite_probes()
    probes += jp
    inputs.update(ji)
    # One probe per (expression, input).
    seen, unique = set(), []
    for p in probes:
        if (p[1], p[2]) not in seen:
            seen.add((p[1], p[2]))
            unique.append(p)

    def ask(p):
        text = inputs[p[2]]
        try:
            json.loads(text)
        except ValueError:
            return '<skip>'  # not one JSON value (jq suite inputs with several values)
        try:
            return finite(port.answer(p[1], text, timeout=4))
        except ValueError:
            return '<skip>'  # an output Python's JSON reader refuses (never stored by Port as is)

    print(f'{len(unique)} probes to ask', file=sys.stderr)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(ask, unique))
    os.makedirs(OUT, exist_ok=True)
    used = set()
    n = 0
    with open(os.path.join(OUT, 'probes.jsonl'), 'w') as out:
        for (cat, expr, inp), ans in zip(unique, answers):
            if ans in ('<timeout>', '<skip>'):
                continue
            used.add(inp)
            n += 1
            out.write(json.dumps({'category': cat, 'expr': expr, 'input': inp, 'output': ans},
                                 ensure_ascii=False) + '\n')
    with open(os.path.join(OUT, 'inputs.json'), 'w') as out:
        json.dump({k: inputs[k] for k in sorted(used)}, out, indent=0, ensure_ascii=False)
        out.write('\n')
    print(f'{n} probes, {len(used)} inputs -> {os.path.relpath(OUT, ROOT)}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
