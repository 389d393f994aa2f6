# Standard jq: where jq 1.8 differs from Port's engine (the jq suite is 1.8's). Each definition
# here has a counterpart in port/builtins.jq.
def _typeval: "\(type) (\(tojson | if length > 29 then .[:26] + "..." else . end))";
def _only_arrays($f): error("\(_typeval) cannot be \($f)-formatted, only an array can be");
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
