//! Definitions layered over jaq's standard library so that programs behave as jq does.
//! Later definitions shadow earlier ones; a `_jaq_*` alias defined before an override keeps
//! jaq's own filter reachable from it.
//!
//! [`JQ_COMPAT`] is shared by both dialects; [`JQ_18`] (standard jq, as of 1.8) and
//! [`JQ_17`] (Port's libjq 1.7.1) hold the definitions where the two versions differ.

/// jq definitions replacing or completing jaq's, the same in jq 1.7 and 1.8.
pub const JQ_COMPAT: &str = r#"
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
  else _json_nesting_ok | _json_words_ok | _jaq_fromjson end;
def _jq_message: _jq_translate(_jq_18);
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

def setpath($p; $v): _setpath($p; $v; _jq_18);
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

def @csv: if type != "array" then error("\(_typeval) cannot be csv-formatted, only \(if _jq_18 then "an array can be" else "array" end)")
  else map(if type == "string" then "\"" + (split("\"") | join("\"\"")) + "\""
           elif type == "number" or type == "boolean" then tojson
           elif . == null then ""
           else error("\(_typeval) is not valid in a csv row") end) | join(",") end;
def @tsv: if type != "array" then error("\(_typeval) cannot be tsv-formatted, only \(if _jq_18 then "an array can be" else "array" end)")
  else map(if type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t")
             | split("\n") | join("\\n") | split("\r") | join("\\r")
           elif type == "number" or type == "boolean" then tojson
           elif . == null then ""
           else error("\(_typeval) is not valid in a tsv row") end) | join("\t") end;
def @base64d: tostring | . as $s | try _decode_base64 catch error("\($s | _typeval) \(.)");
def @urid: tostring | . as $s | try _decode_uri catch error("\($s | _typeval) \(.)");
def tonumber: if type == "number" then .
  elif type == "string" then . as $s | try _tonumber(_jq_18) catch error("\($s | _typeval) cannot be parsed as a number")
  else error("\(_typeval) cannot be parsed as a number") end;
def _strindices($i): if type != "string" then error("\(_typeval) cannot be searched, as it is not a string")
  elif ($i | type) != "string" then error("\($i | _typeval) is not a string") else indices($i) end;
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
"#;

/// Standard jq: where jq 1.8 differs from 1.7 (the jq suite is 1.8's).
pub const JQ_18: &str = r#"
def _typeval: "\(type) (\(tojson | if length > 29 then .[:26] + "..." else . end))";
def _jq_18: true;
def limit($n; f): if $n > 0 then _jaq_limit($n; f) elif $n == 0 then empty
  else error("limit doesn't support negative count") end;
def skip($n; f): if $n < 0 then error("skip doesn't support negative count") else _jaq_skip($n; f) end;
def nth($n; f): if $n < 0 then error("nth doesn't support negative indices") else first(skip($n; f)) end;
def getpath($p): if ($p | type) == "array" and ($p | length) > 10000 then error("Path too deep") else _jaq_getpath($p) end;
def toarray: if type == "array" then . else [.] end;
def trimstr($x): ltrimstr($x) | rtrimstr($x);
def abs: if type == "number" and . < 0 then - . else . end;
def ltrimstr($x): if type == "string" and ($x | type) == "string"
  then (if startswith($x) then .[($x | length):] else . end)
  else error("startswith() requires string inputs") end;
def rtrimstr($x): if type == "string" and ($x | type) == "string"
  then (if ($x | length) > 0 and endswith($x) then .[:length - ($x | length)] else . end)
  else error("endswith() requires string inputs") end;
def toboolean: if type == "boolean" then . elif . == "true" then true elif . == "false" then false
  else error("\(_typeval) cannot be parsed as a boolean") end;
"#;

/// Port's engine, libjq at jq commit 588ff187 (`jq-1.7.1-83`): where it differs from jq 1.8.
/// Each definition follows that commit's `src/builtin.jq` or C builtin, as measured with the
/// reference engine (tests/data/port-oracle).
pub const JQ_17: &str = r#"
def _typeval: "\(type) (\(tojson | if length > 14 then .[:11] + "..." else . end))";
def _jq_18: false;
def _jaq_has($k): has($k);
def _jaq_contains($b): contains($b);
def _jaq_reverse: reverse;
def _jaq_combinations: combinations;
def _compat_fromjson: fromjson;
def _compat_bsearch($t): bsearch($t);
def _compat_strindices($i): _strindices($i);
def _jaq_keys: keys;
def _jaq_keys_unsorted: keys_unsorted;
def _jaq_strptime($f): strptime($f);
def _jaq_ascii_downcase: ascii_downcase;
def _jaq_ascii_upcase: ascii_upcase;
def _jaq_flatten0: flatten;
def limit($n; f): if $n > 0 then _jaq_limit($n; f) elif $n == 0 then empty
  else error("limit doesn't support negative count") end;
def skip($n; f): if $n > 0 then _jaq_skip($n; f) elif $n == 0 then f
  else error("skip doesn't support negative count") end;
def nth($n; f): if $n < 0 then error("nth doesn't support negative indices") else first(skip($n; f)) end;
def ltrimstr($x): if type == "string" and ($x | type) == "string"
  then (if startswith($x) then .[($x | length):] else . end)
  else error("startswith() requires string inputs") end;
# That engine's `rtrimstr("")` answers "" (jq.test: `[.[]|rtrimstr("")]`).
def rtrimstr($x): if type == "string" and ($x | type) == "string"
  then (if ($x | length) == 0 then "" elif endswith($x) then .[:length - ($x | length)] else . end)
  else error("endswith() requires string inputs") end;
def from_entries: reduce .[] as $x ({};
  ($x | .key // .Key // .name // .Name) as $k
  | if ($k | type) != "string" then error("Cannot use \($k | _typeval) as object key") else . end
  | . + { ($k): ($x | if has("value") then .value else .Value end) });
# `reduce .[] as $i ([]; ...)` there: an object's values are flattened, a scalar is an error.
def flatten($d): if $d < 0 then error("flatten depth must not be negative")
  elif type == "array" then _jaq_flatten($d) else [.[]] | _jaq_flatten($d) end;
def flatten: if type == "array" then _jaq_flatten0 else [.[]] | _jaq_flatten0 end;
def has($k): if . == null then false elif type == "object" and ($k | type) == "string" then _jaq_has($k)
  elif type == "array" and ($k | type) == "number" then _jaq_has($k | floor)
  else error("Cannot check whether \(type) has a \($k | type) key") end;
def in(xs): . as $x | xs | has($x);
def contains($b): if type == ($b | type) then _jaq_contains($b)
  elif type == "object" then error("\(_typeval) and \($b | _typeval) cannot have their containment checked")
  else error("\(_typeval) and \($b | _typeval) cannot have their containment checked") end;
def inside(xs): . as $x | xs | contains($x);
def format($f): if $f == "text" then @text elif $f == "json" then @json elif $f == "csv" then @csv
  elif $f == "tsv" then @tsv elif $f == "html" then @html elif $f == "uri" then @uri
  elif $f == "sh" then @sh elif $f == "base64" then @base64 elif $f == "base64d" then @base64d
  else error("\($f) is not a valid format") end;
def mktime: if type != "array" then error("mktime requires array inputs")
  elif _is_tm then _pad_tm | .[5] |= floor | _jaq_mktime else error("mktime requires parsed datetime inputs") end;
def keys: if type == "object" or type == "array" then _jaq_keys else error("\(_typeval) has no keys") end;
def keys_unsorted: if type == "object" or type == "array" then _jaq_keys_unsorted
  else error("\(_typeval) has no keys") end;
def to_entries: [keys_unsorted[] as $k | {key: $k, value: .[$k]}];
def with_entries(f): to_entries | map(f) | from_entries;
def ascii_downcase: if type == "string" then _jaq_ascii_downcase else error("explode input must be a string") end;
def ascii_upcase: if type == "string" then _jaq_ascii_upcase else error("explode input must be a string") end;
def strptime($f): if type != "string" or ($f | type) != "string"
  then error("strptime/1 requires string inputs and arguments")
  # glibc's `%z` reads `Z` as +0000.
  else . as $s | (if ($f | contains("%z")) and endswith("Z") then .[:-1] + "+0000" else . end)
  | try _jaq_strptime($f) catch error("date \"\($s)\" does not match format \"\($f)\"") end;
def fromdateiso8601: strptime("%Y-%m-%dT%H:%M:%SZ") | mktime;
def fromdate: fromdateiso8601;
def reverse: if type == "array" then _jaq_reverse
  elif type == "object" and length > 0 then error("Cannot index object with number")
  else [.[length - 1 - range(0; length)]] end;
def combinations: if length == 0 then [] elif type == "object" then error("Cannot index object with number")
  else _jaq_combinations end;
# A C builtin there that fails without a message on anything but two strings.
def _strindices($i): if type == "string" and ($i | type) == "string" then _compat_strindices($i)
  else error(null) end;
# jq-defined there: it indexes its input with numbers.
def bsearch($t): if length == 0 then -1 elif type == "array" then _compat_bsearch($t)
  else error("Cannot index \(type) with number") end;
def fromjson: if . == "" then error("Expected JSON value (while parsing '')") else _compat_fromjson end;
# C's gamma is lgamma; nearbyint and rint round half to even.
def gamma: lgamma;
def lgamma_r: [lgamma, (if . >= 0 or . == floor or ((-. | ceil) % 2) == 0 then 1 else -1 end)];
def nearbyint: . as $x | round as $r
  | if ($r - $x | fabs) == 0.5 and ($r % 2) != 0 then $r - ($r - $x) * 2 else $r end;
def rint: nearbyint;
def tonumber: if type == "number" then .
  elif type == "string" then . as $s
  # C reads the string up to a NUL byte.
  | try (if contains("\u0000") then split("\u0000")[0] else . end | _tonumber_literal)
    catch error("\($s | _typeval) cannot be parsed as a number")
  else error("\(_typeval) cannot be parsed as a number") end;
# Numbers as that engine writes them: literals canonically (`1e3 | tostring` is "1E+3").
def tojson: _port_tojson;
def tostring: if type == "string" then . else _port_tojson end;
def @text: tostring;
def @json: tojson;
# `@urid` copies the text outside its escapes byte by byte: each byte of a non-ASCII character
# becomes U+FFFD, and a NUL byte ends the text (jq 1.8 keeps the text).
def @urid: tostring | . as $s | _bytewise | try _decode_uri catch error("\($s | _typeval) \(.)");
# C's struct tm (jq's jv2tm and tm2jv), glibc's gmtime, timegm and strftime in the C locale,
# local time being UTC (c_time.rs): `[2020] | todate` is "2020-01-00T00:00:00Z", `[] | mktime`
# 1899-12-31, `8.9e12 | todate` the year 283999.
def gmtime: if type != "number" then error("gmtime() requires numeric inputs")
  # jq converts to time_t (toward zero) and adds `t - floor(t)` to the seconds.
  else . as $t | _c_gmtime | .[5] += ($t - ($t | floor)) end;
def mktime: if type != "array" then error("mktime requires array inputs") else _c_mktime end;
def strftime($f): if type == "number" then gmtime
  elif type != "array" then error("strftime/1 requires parsed datetime inputs") else . end
  | if ($f | type) != "string" then error("strftime/1 requires a string format")
    else _c_strftime($f; "strftime") end;
def localtime: if type != "number" then error("localtime() requires numeric inputs") else gmtime end;
def strflocaltime($f): if type == "number" then localtime
  elif type != "array" then error("strflocaltime/1 requires parsed datetime inputs") else . end
  | if ($f | type) != "string" then error("strflocaltime/1 requires a string format")
    else _c_strftime($f; "strflocaltime") end;
def todate: if type == "number" then gmtime end | strftime("%Y-%m-%dT%H:%M:%SZ");
def todateiso8601: todate;
def fromdateiso8601: strptime("%Y-%m-%dT%H:%M:%SZ") | mktime;
def fromdate: fromdateiso8601;
"#;

/// Every prelude definition of a dialect, parsed once: jaq's core, std and JSON libraries,
/// then ours.
pub fn defs(jq_17: bool) -> Vec<jaq_core::load::parse::Def<&'static str>> {
    let parse =
        |code: &'static str| jaq_core::load::parse(code, |p| p.defs()).expect("the compatibility prelude parses");
    let version = parse(if jq_17 { JQ_17 } else { JQ_18 });
    let shared = parse(JQ_COMPAT);
    // `_compat_*` aliases name [`JQ_COMPAT`]'s definitions, so they follow it; other `_*`
    // definitions (aliases of jaq's filters, `_typeval`) precede it, unless they override one
    // of its own (`_strindices`); the rest override it.
    let (compat, version): (Vec<_>, Vec<_>) = version.into_iter().partition(|d| d.name.starts_with("_compat_"));
    let (typeval, rest): (Vec<_>, Vec<_>) = version
        .into_iter()
        .partition(|d| d.name.starts_with("_") && !shared.iter().any(|s| s.name == d.name));
    jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(typeval)
        .chain(shared)
        .chain(compat)
        .chain(rest)
        .collect()
}
