# Port's engine, libjq at jq commit 588ff187 (`jq-1.7.1-83`): where it differs from jq 1.8.
# Each definition follows that commit's `src/builtin.jq` or C builtin, as measured with the
# reference engine (tests/data/port-oracle). Its counterparts for jq 1.8 are in
# library/standard.jq; what the engine lacks altogether is in builtins.rs (`UNDEFINED`).
def _typeval: "\(type) (\(tojson | if length > 14 then .[:11] + "..." else . end))";
def _only_arrays($f): error("\(_typeval) cannot be \($f)-formatted, only array");
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
# Formats that engine does not know are looked up when they run, as `format` does: an error
# there (`if false then @base32 else 1 end` is 1), not a program that does not compile.
def @base32: error("base32 is not a valid format");
def @base32d: error("base32d is not a valid format");
def @htmld: error("htmld is not a valid format");
