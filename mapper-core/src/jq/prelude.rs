//! Definitions layered over jaq's standard library so that programs behave as in jq 1.7
//! (the libjq Port runs). Later definitions shadow jaq's.

/// jq definitions replacing jaq's where jaq's differ from jq 1.7.
pub const JQ_COMPAT: &str = r#"
def join($x): reduce .[] as $i (null;
  (if . == null then "" else . + $x end) +
  ($i | if . == null then ""
        elif type == "string" then .
        elif type == "boolean" or type == "number" then tojson
        else error("Cannot join with \(type)") end)) // "";
def from_entries: reduce .[] as $x ({};
  . + { ($x | if .key == null then .k // .name // .Name // .K // .Key else .key end
            | if type == "string" then . else tojson end):
        ($x | if has("value") then .value elif has("v") then .v
              elif has("Value") then .Value else .V end) });
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row);
def INDEX(idx_expr): INDEX(.[]; idx_expr);
def ascii: [.] | implode;
def todate: if type == "number" then floor end | todateiso8601;
"#;

/// Every prelude definition, parsed once: jaq's core, std and JSON libraries, then ours.
pub fn defs() -> Vec<jaq_core::load::parse::Def<&'static str>> {
    let ours = jaq_core::load::parse(JQ_COMPAT, |p| p.defs()).expect("the compatibility prelude parses");
    jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(ours)
        .collect()
}
