# jq definitions replacing or completing jaq's, the same in Port's engine (jq 1.7.1-83) and in
# jq 1.8. Later definitions shadow earlier ones; a `_jaq_*` alias defined before an override
# keeps jaq's own filter reachable from it. engine/prelude.rs says how the files are layered.
def _jaq_utf8bytelength: utf8bytelength;
def _jaq_limit($n; f): limit($n; f);
def _jaq_skip($n; f): skip($n; f);
def _jaq_strftime($f): strftime($f);
def _jaq_strflocaltime($f): strflocaltime($f);
def _jaq_mktime: mktime;
def _jaq_implode: implode;
def _jaq_trim: trim;
def _jaq_ltrim: ltrim;
def _jaq_rtrim: rtrim;
# jaq's `flatten($d)` ends in `add`, which makes `[] | flatten(1)` null; jq answers [].
def _jaq_flatten($d): flatten($d) // [];
def _jaq_bsearch($t): bsearch($t);
def _jaq_getpath($p): getpath($p);
def _jaq_fromjson: fromjson;
def _jaq_indices($i): indices($i);
def _jaq_gmtime0: gmtime;
def _jaq_localtime: localtime;

def join($x): reduce .[] as $i (null;
  (if . == null then "" else . + $x end) as $acc
  | ($i | if . == null then "" elif type == "boolean" or type == "number" then tojson else . end) as $v
  | if ($v | type) == "string" then $acc + $v
    else error("\($acc | _typeval) and \($v | _typeval) cannot be added") end) // "";
def from_entries: reduce .[] as $x ({};
  . + { ($x | if .key == null then .k // .name // .Name // .K // .Key else .key end
            | if type == "string" then . else tojson end):
        ($x | if has("value") then .value elif has("v") then .v
              elif has("Value") then .Value else .V end) });
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row);
def INDEX(idx_expr): INDEX(.[]; idx_expr);
def JOIN($idx; idx_expr): [.[] | [., $idx[idx_expr]]];
def JOIN($idx; stream; idx_expr): stream | [., $idx[idx_expr]];
def JOIN($idx; stream; idx_expr; join_expr): stream | [., $idx[idx_expr]] | join_expr;
def ascii: [.] | implode;
# jq's C builtins take their arguments' outputs last argument outermost (`[pow(1,2; 3,4)]` is
# [1,8,1,16]); jaq's natives take the first outermost.
def _jaq_atan2($a; $b): atan2($a; $b);
def _jaq_copysign($a; $b): copysign($a; $b);
def _jaq_drem($a; $b): drem($a; $b);
def _jaq_fdim($a; $b): fdim($a; $b);
def _jaq_fmax($a; $b): fmax($a; $b);
def _jaq_fmin($a; $b): fmin($a; $b);
def _jaq_fmod($a; $b): fmod($a; $b);
def _jaq_hypot($a; $b): hypot($a; $b);
def _jaq_nextafter($a; $b): nextafter($a; $b);
def _jaq_nexttoward($a; $b): nexttoward($a; $b);
def _jaq_pow($a; $b): pow($a; $b);
def _jaq_remainder($a; $b): remainder($a; $b);
def _jaq_jn($a; $b): jn($a; $b);
def _jaq_yn($a; $b): yn($a; $b);
def _jaq_fma($a; $b; $c): fma($a; $b; $c);
def atan2(a; b): b as $b | a as $a | _jaq_atan2($a; $b);
def copysign(a; b): b as $b | a as $a | _jaq_copysign($a; $b);
def drem(a; b): b as $b | a as $a | _jaq_drem($a; $b);
def fdim(a; b): b as $b | a as $a | _jaq_fdim($a; $b);
def fmax(a; b): b as $b | a as $a | _jaq_fmax($a; $b);
def fmin(a; b): b as $b | a as $a | _jaq_fmin($a; $b);
def fmod(a; b): b as $b | a as $a | _jaq_fmod($a; $b);
def hypot(a; b): b as $b | a as $a | _jaq_hypot($a; $b);
def nextafter(a; b): b as $b | a as $a | _jaq_nextafter($a; $b);
def nexttoward(a; b): b as $b | a as $a | _jaq_nexttoward($a; $b);
def pow(a; b): b as $b | a as $a | _jaq_pow($a; $b);
def remainder(a; b): b as $b | a as $a | _jaq_remainder($a; $b);
def jn(a; b): b as $b | a as $a | _jaq_jn($a; $b);
def yn(a; b): b as $b | a as $a | _jaq_yn($a; $b);
def fma(a; b; c): c as $c | b as $b | a as $a | _jaq_fma($a; $b; $c);
def scalb(x; e): e as $e | x as $x | _scalb($x; $e);
def nan: _nan;
def infinite: _infinite;
# jaq's own definitions of these call its `nan` and `infinite` (`0 / 0`, `1 / 0`), which
# jq's division refuses; the same definitions on the ones above.
def isnan: . < nan and nan < .;
def isinfinite: . == infinite or . == -infinite;
def isfinite: isnumber and (isinfinite | not);
def isnormal: isnumber and ((. == 0 or isnan or isinfinite) | not);
def logb:
    if . == 0.0 then -infinite
  elif isinfinite then infinite
  elif isnan then .
  else ilogb | . + 0.0 end;
def significand:
    if isinfinite or isnan then .
  elif . == 0.0 then 0.0
  else scalbln(.; ilogb | -1 * .) end;
def finites: select(isfinite);
def normals: select(isnormal);
def fromjson: if . == "nan" or . == "NaN" or . == "-nan" or . == "-NaN" then nan
  elif type != "string" then error("\(_typeval) only strings can be parsed")
  else _json_nesting_ok | _json_one_value | _json_words_ok | _jaq_fromjson end;
def have_literal_numbers: true;
def have_decnum: true;
def input_filename: null;
def input: first(inputs, error("No more inputs"));

def utf8bytelength:
  if type == "string" then _jaq_utf8bytelength
  else error("\(_typeval) only strings have UTF-8 byte length") end;
def ltrimstr($x):
  if type == "string" and ($x | type) == "string" and startswith($x) then .[($x | length):] else . end;
def rtrimstr($x):
  if type == "string" and ($x | type) == "string" and ($x | length) > 0 and endswith($x)
  then .[:length - ($x | length)] else . end;
def trim:  if type == "string" then _jaq_trim  else error("trim input must be a string") end;
def ltrim: if type == "string" then _jaq_ltrim else error("trim input must be a string") end;
def rtrim: if type == "string" then _jaq_rtrim else error("trim input must be a string") end;
def flatten($d): if $d < 0 then error("flatten depth must not be negative") else _jaq_flatten($d) end;

def setpath($p; $v): _setpath($p; $v);
def delpaths($ps): _delpaths($ps);
def del(f): delpaths([path(f)]);
def to_entries: [keys_unsorted[] as $k | {key: $k, value: .[$k]}];
def paths: path(..) | select(length > 0);
def paths(node_filter): . as $dot | paths | select(. as $p | $dot | getpath($p) | node_filter);
def leaf_paths: paths(scalars);
def pick(pathexps): . as $top | reduce path(pathexps) as $p (null; setpath($p; $top | getpath($p)));
def tostream: path(def r: (.[]? | r), .; r) as $p | getpath($p) | reduce path(.[]?) as $q ([$p, .]; [$p + $q]);
def fromstream(f): { x: null, e: false } as $init
  | foreach f as $i ($init;
      if .e then $init else . end
      | if $i | length == 2
        then setpath(["e"]; $i[0] | length == 0) | setpath(["x"] + $i[0]; $i[1])
        else setpath(["e"]; $i[0] | length == 1) end;
      if .e then .x else empty end);
def truncate_stream(stream): . as $n | null | stream | . as $input
  | if (.[0] | length) > $n then setpath([0]; .[0][$n:]) else empty end;

def match(re; mode): _match_impl(re; mode; false) | .[];
def match($val): ($val | type) as $vt
  | if $vt == "string" then match($val; null)
    elif $vt == "array" and ($val | length) > 1 then match($val[0]; $val[1])
    elif $vt == "array" and ($val | length) > 0 then match($val[0]; null)
    else error($vt + " not a string or array") end;
def test(re; mode): _match_impl(re; mode; true);
def test($val): ($val | type) as $vt
  | if $vt == "string" then test($val; null)
    elif $vt == "array" and ($val | length) > 1 then test($val[0]; $val[1])
    elif $vt == "array" and ($val | length) > 0 then test($val[0]; null)
    else error($vt + " not a string or array") end;
def capture(re; mods): match(re; mods)
  | reduce (.captures | .[] | select(.name != null) | { (.name): .string }) as $pair ({}; . + $pair);
def capture($val): ($val | type) as $vt
  | if $vt == "string" then capture($val; null)
    elif $vt == "array" and ($val | length) > 1 then capture($val[0]; $val[1])
    elif $vt == "array" and ($val | length) > 0 then capture($val[0]; null)
    else error($vt + " not a string or array") end;
def scan($re; $flags): match($re; "g" + $flags)
  | if (.captures | length > 0) then [.captures | .[] | .string] else .string end;
def scan($re): scan($re; null);
def split($re; flags): . as $s
  | [match($re; "g" + flags) | (.offset, .offset + .length)] as $ms
  | [0] + $ms + [$s | length]
  | [range(0; length; 2) as $i | $s[.[$i]:.[$i + 1]]];
def splits($re; flags): split($re; flags) | .[];
def splits($re): splits($re; null);
def sub($re; str; $flags): . as $in
  | (reduce match($re; $flags) as $edit ({result: [], previous: 0};
        $in[.previous: ($edit | .offset)] as $gap
        | [reduce ($edit | .captures | .[] | select(.name != null) | { (.name): .string }) as $pair
            ({}; . + $pair) | str] as $inserts
        | reduce range(0; $inserts | length) as $ix (.;
            .result = (.result | setpath([$ix]; .[$ix] + $gap + $inserts[$ix])))
        | .previous = ($edit | .offset + .length))
      | .result[] + $in[.previous:])
    // $in;
def sub($re; str): sub($re; str; "");
def gsub($re; str; $flags): sub($re; str; $flags + "g");
def gsub($re; str): sub($re; str; "g");

def @csv: if type != "array" then _only_arrays("csv")
  else map(if type == "string" then "\"" + (split("\"") | join("\"\"")) + "\""
           elif type == "number" or type == "boolean" then tojson
           elif . == null then ""
           else error("\(_typeval) is not valid in a csv row") end) | join(",") end;
def @tsv: if type != "array" then _only_arrays("tsv")
  else map(if type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t")
             | split("\n") | join("\\n") | split("\r") | join("\\r")
           elif type == "number" or type == "boolean" then tojson
           elif . == null then ""
           else error("\(_typeval) is not valid in a tsv row") end) | join("\t") end;
def @base64d: tostring | . as $s | try _decode_base64 catch error("\($s | _typeval) \(.)");
def @urid: tostring | . as $s | try _decode_uri catch error("\($s | _typeval) \(.)");
def tonumber: if type == "number" then .
  elif type == "string" then . as $s | try _tonumber catch error("\($s | _typeval) cannot be parsed as a number")
  else error("\(_typeval) cannot be parsed as a number") end;
def _strindices($i): if type != "string" then error("\(_typeval) cannot be searched, as it is not a string")
  elif ($i | type) != "string" then error("\($i | _typeval) is not a string") else _jaq_indices($i) end;
# jq's own definitions (jaq's `index` and `indices` refuse objects, where jq indexes them:
# `{"a":1} | indices("a")` is 1, and `index("a")` fails on it).
def indices($i): if type == "array" and ($i | type) == "array" then .[$i]
  elif type == "array" then .[[$i]]
  elif type == "string" and ($i | type) == "string" then _strindices($i)
  else .[$i] end;
def index($i): indices($i) | .[0];
def rindex($i): indices($i) | .[-1:][0];
def bsearch($t): if type == "array" then _jaq_bsearch($t) else error("\(_typeval) cannot be searched from") end;
def implode: if type != "array" then error("implode input must be an array")
  else map(if type != "number" then error("Unicode codepoint must be numeric")
           else floor | if . < 0 or . > 1114111 or (. >= 55296 and . <= 57343) then 65533 else . end end)
    | _jaq_implode end;
def @base32: tostring | _encode_base32;
def @base32d: tostring | _decode_base32;

# jaq's date natives multiply seconds by 10^6 in an i64: beyond about 9.2e12 that overflows.
def _epoch_ok: if type == "number" and (. >= 9e12 or . <= -9e12) then error("\(_typeval) is out of range for a date") else . end;
# jiff's `%c` is not C's; jq formats with the C library in the C locale.
def _c_fmt: if contains("%c") then split("%c") | join("%a %b %e %H:%M:%S %Y") else . end;
def _is_tm: type == "array" and all(.[]; type == "number");
def _pad_tm: if length < 8 then . + [range(8 - length) | 0] else . end;
def strftime($f):
  if ($f | type) != "string" then error("strftime/1 requires a string format")
  elif type == "number" then _epoch_ok | _jaq_strftime($f | _c_fmt)
  elif _is_tm then _pad_tm | _jaq_strftime($f | _c_fmt)
  else error("strftime/1 requires parsed datetime inputs") end;
def strflocaltime($f):
  if ($f | type) != "string" then error("strflocaltime/1 requires a string format")
  elif type == "number" then _epoch_ok | _jaq_strflocaltime($f)
  elif _is_tm then _pad_tm | _jaq_strflocaltime($f)
  else error("strflocaltime/1 requires parsed datetime inputs") end;
def mktime: if _is_tm then _pad_tm | _jaq_mktime else error("mktime requires parsed datetime inputs") end;
def todate: if type == "number" then floor end | strftime("%Y-%m-%dT%H:%M:%SZ");
def gmtime: _epoch_ok | _jaq_gmtime0;
def localtime: _epoch_ok | _jaq_localtime;
