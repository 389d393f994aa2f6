//! jq compatibility on top of jaq, filter by filter: the gaps issue 3 lists, with expected
//! values from jq's manual and test suite, and the places where Port's dialect answers as
//! libjq 1.7.1 while standard mode answers as jq 1.8.

use mapper_core::jq::{Dialect, Output, Program, RunContext};
use mapper_core::value::to_jq_text;

/// Every output of `code` on `input` (JSON text): values as `jq -c` prints them, errors as
/// `error: message`.
fn run(dialect: Dialect, code: &str, input: &str) -> Vec<String> {
    let program = Program::compile(code, dialect).unwrap_or_else(|e| panic!("{code} should compile: {e:?}"));
    let input = jaq_json::read::parse_single(input.as_bytes()).expect("input JSON");
    let mut out = Vec::new();
    program.run(input, &RunContext::default(), None, |o| {
        out.push(match o {
            Output::Value(v) => to_jq_text(&v),
            Output::Error(_) | Output::LimitExceeded(_) => format!("error: {}", o.error_message().unwrap_or_default()),
            Output::Halt(c) => format!("halt {c}"),
        });
        true
    });
    out
}

fn both(code: &str, input: &str) -> Vec<String> {
    let port = run(Dialect::Port, code, input);
    assert_eq!(
        port,
        run(Dialect::Standard, code, input),
        "{code}: Port and standard differ"
    );
    port
}

#[test]
fn join_and_from_entries_as_jq() {
    assert_eq!(both(r#"["a",1,null,true] | join("-")"#, "null"), [r#""a-1--true""#]);
    assert_eq!(
        run(
            Dialect::Standard,
            "from_entries",
            r#"[{"k":"a","v":1},{"name":"b","value":2},{"Key":"c","Value":3}]"#
        ),
        [r#"{"a":1,"b":2,"c":3}"#]
    );
    // Port's engine reads key/Key/name/Name and value/Value only: `k` is no key there.
    assert_eq!(
        run(
            Dialect::Port,
            "from_entries",
            r#"[{"name":"b","value":2},{"Key":"c","Value":3}]"#
        ),
        [r#"{"b":2,"c":3}"#]
    );
    assert_eq!(
        run(Dialect::Port, "try from_entries catch .", r#"[{"k":"a","v":1}]"#),
        [r#""Cannot use null (null) as object key""#]
    );
}

#[test]
fn todate_drops_the_fraction() {
    assert_eq!(both("todate", "1425599621.123"), [r#""2015-03-05T23:53:41Z""#]);
    assert_eq!(
        both(r#"strftime("%Y-%m-%dT%H:%M:%SZ")"#, "[2024,2,15]"),
        [r#""2024-03-15T00:00:00Z""#]
    );
}

#[test]
fn paths_on_null_and_missing_paths() {
    assert_eq!(both(r#"getpath(["a",0,"b"])"#, "null"), ["null"]);
    assert_eq!(both(r#"setpath(["a",1]; 5)"#, "null"), [r#"{"a":[null,5]}"#]);
    assert_eq!(both("[paths]", r#"{"a":[1]}"#), [r#"[["a"],["a",0]]"#]);
    assert_eq!(both("del(.[1, 2])", "[1,2,3,4]"), ["[1,4]"]);
    assert_eq!(both("pick(.b.c)", r#"{"a":1,"b":{"c":2,"d":3}}"#), [r#"{"b":{"c":2}}"#]);
}

#[test]
fn streams() {
    assert_eq!(
        both("[tostream]", r#"{"a":[1,{"b":2}]}"#),
        [r#"[[["a",0],1],[["a",1,"b"],2],[["a",1,"b"]],[["a",1]],[["a"]]]"#]
    );
    assert_eq!(
        both("fromstream(tostream)", r#"{"a":[1,{"b":2}]}"#),
        [r#"{"a":[1,{"b":2}]}"#]
    );
    assert_eq!(
        both("[1|truncate_stream([[0],1],[[1,0],2],[[1,0]],[[1]])]", "null"),
        ["[[[0],2],[[0]]]"]
    );
}

#[test]
fn loc_line_numbers_base32_and_literals() {
    assert_eq!(both("$__loc__", "null"), [r#"{"file":"<top-level>","line":1}"#]);
    assert_eq!(both("input_line_number", "null"), ["0"]);
    assert_eq!(
        run(Dialect::Standard, "@base32, (@base32 | @base32d)", r#""foobar""#),
        [r#""MZXW6YTBOI======""#, r#""foobar""#]
    );
    // Port's engine has no @base32: like any format it does not know, it fails when it runs
    // (Port stores null), and a branch that does not run it answers.
    assert_eq!(
        run(Dialect::Port, "try @base32 catch .", r#""foobar""#),
        [r#""base32 is not a valid format""#]
    );
    assert_eq!(run(Dialect::Port, "if false then @base32 else 2 end", "null"), ["2"]);
    assert_eq!(both("have_literal_numbers", "null"), ["true"]);
}

#[test]
fn regex_flags_and_array_form() {
    assert_eq!(
        both(r#"test(["FOO", "i"]), test("FOO")"#, r#""foo""#),
        ["true", "false"]
    );
    assert_eq!(both(r#"[splits("a+"; "g")]"#, r#""baab""#), [r#"["b","b"]"#]);
    assert_eq!(both(r#"[splits(", *"; null)]"#, r#""a, b,c""#), [r#"["a","b","c"]"#]);
    assert_eq!(both(r#"gsub("(?<d>\\d)"; ":\(.d);")"#, r#""a1b2""#), [r#""a:1;b:2;""#]);
    assert_eq!(both(r#"[match("a b"; "x") | .string]"#, r#""xab""#), [r#"["ab"]"#]);
    assert_eq!(
        both(r#"try test("a"; "q") catch ."#, r#""a""#),
        [r#""q is not a valid modifier string""#]
    );
}

#[test]
fn destructuring_alternatives() {
    assert_eq!(both(".[] as [$a] ?// $a | $a", r#"[[3],4]"#), ["3", "4"]);
}

#[test]
fn port_follows_its_engine_where_jq_differs() {
    // Port's engine is libjq at jq commit 588ff187 (`jq-1.7.1-83`), not the 1.7.1 release:
    // the expected values are port-exec's (tests/data/port-oracle has them all).
    // limit with a negative count: refused there as in jq 1.8 (jq 1.7.1 emitted everything).
    assert_eq!(
        run(Dialect::Port, "try limit(-1; 1, 2) catch .", "null"),
        [r#""limit doesn't support negative count""#]
    );
    assert_eq!(
        run(Dialect::Standard, "try limit(-1; 1, 2) catch .", "null"),
        [r#""limit doesn't support negative count""#]
    );
    // ltrimstr on a non-string: an error there (jq 1.7.1 returned the input).
    assert_eq!(
        run(Dialect::Port, "try ltrimstr(1) catch .", r#""hi""#),
        [r#""startswith() requires string inputs""#]
    );
    assert_eq!(
        run(Dialect::Standard, "try ltrimstr(1) catch .", r#""hi""#),
        [r#""startswith() requires string inputs""#]
    );
    // nth with a negative index.
    assert_eq!(
        run(Dialect::Port, "try nth(-1; 1, 2) catch .", "null"),
        [r#""nth doesn't support negative indices""#]
    );
    // 1.8-only filters do not exist in Port's engine.
    assert!(Program::compile("toarray", Dialect::Port).is_err());
    assert!(Program::compile(r#"trimstr("a")"#, Dialect::Port).is_err());
    assert_eq!(run(Dialect::Standard, "toarray", "1"), ["[1]"]);
    // Error values are quoted up to 11 characters in jq 1.7, 26 in jq 1.8.
    assert_eq!(
        run(Dialect::Port, "try utf8bytelength catch .", "[1,2,3,4,5,6,7]"),
        [r#""array ([1,2,3,4,5,...) only strings have UTF-8 byte length""#]
    );
}

/// jq's core operations, which hookmap's patched jaq-json implements (vendor/jaq-json): each
/// expected value as jq 1.8 and Port's engine (port-exec) answer, unless marked Port-only.
#[test]
fn core_operations_as_jq() {
    // `%`: both operands truncated to integers, saturating; a zero divisor is an error.
    assert_eq!(both("[5 % 2.7, -1.5 % 2, 1e20 % 2, 5.9 % 2]", "null"), ["[1,-1,1,1]"]);
    assert_eq!(
        both("[(infinite, -infinite) % (1, -1, infinite)]", "null"),
        ["[0,0,0,0,0,-1]"]
    );
    assert_eq!(run(Dialect::Port, "9223372036854775807 % 10", "null"), ["-8"]);
    assert_eq!(run(Dialect::Standard, "9223372036854775807 % 10", "null"), ["7"]);
    assert_eq!(
        both("try (. % 0.5) catch .", "2.5"),
        [r#""number (2.5) and number (0.5) cannot be divided (remainder) because the divisor is zero""#]
    );
    assert_eq!(
        both("try (1 / .) catch .", "0"),
        [r#""number (1) and number (0) cannot be divided because the divisor is zero""#]
    );
    // String repetition: the count truncated, 0 gives "", negative or NaN null.
    assert_eq!(
        both(r#"[.[] * "abc"]"#, "[-1.0, -0.5, 0.0, 0.5, 1.5, 3.7]"),
        [r#"[null,null,"","","abc","abcabcabc"]"#]
    );
    // Negation: negative zero; non-numbers in jq's words.
    assert_eq!(both("-0 | tostring", "null"), [r#""-0""#]);
    assert_eq!(
        both("try -. catch .", r#""foo""#),
        [r#""string (\"foo\") cannot be negated""#]
    );
    // Arithmetic in doubles beyond 2^53.
    assert_eq!(both(". - 10", "13911860366432393"), ["13911860366432382"]);
    // Indices truncated, NaN null; slices as jq's parse_slice; objects take strings only.
    assert_eq!(both("[.[1.7], .[-1.5], .[nan]]", "[0,1,2]"), ["[1,2,null]"]);
    assert_eq!(
        both("[.[1.2:3.5], .[nan:1], .[1:nan], .[1.7:-4294967296]]", "[0,1,2,3,4]"),
        ["[[1,2,3],[0],[1,2,3,4],[]]"]
    );
    assert_eq!(both("[.[1:3]?]", "null"), ["[null]"]);
    assert_eq!(both("[flatten(1), flatten]", "[]"), ["[[],[]]"]);
    assert_eq!(
        run(Dialect::Port, "try .[0] catch .", "{}"),
        [r#""Cannot index object with number""#]
    );
    // Updates create null's object or array and pad arrays; negative out of range fails.
    assert_eq!(
        both("[(null | .a += 1), (null | .[1] = 1)]", "null"),
        [r#"[{"a":1},[null,1]]"#]
    );
    assert_eq!(both(".[2][3] = 1", "[4]"), ["[4,null,[null,null,null,1]]"]);
    assert_eq!(
        both("try (.foo[-1] = 0) catch .", "null"),
        [r#""Out of bounds negative array index""#]
    );
    assert_eq!(both(".[1.5:3.5] = [\"x\"]", "[0,1,2,3,4]"), [r#"[0,"x",4]"#]);
    assert_eq!(
        both(r#"try (.[1:2] = "x") catch ."#, r#""abc""#),
        [r#""Cannot update string slices""#]
    );
}

/// Path expressions that are not paths (vendor/jaq-core): jq names the term's result, or the
/// path operation applied to it, with values cut as jq cuts them (jq.test, and Port's engine).
#[test]
fn path_expression_errors_as_jq() {
    let input = r#"{"a":[{"b":0},{"b":1}]}"#;
    let caught = |code: &str| both(&format!("try ({code}) catch ."), input);
    assert_eq!(caught("path(1)"), [r#""Invalid path expression with result 1""#]);
    assert_eq!(
        caught("path(.a | map(select(.b == 0)))"),
        [r#""Invalid path expression with result [{\"b\":0}]""#]
    );
    assert_eq!(
        caught("path(.a | map(select(.b == 0)) | .[0])"),
        [r#""Invalid path expression near attempt to access element 0 of [{\"b\":0}]""#]
    );
    assert_eq!(
        caught("path(.a | reverse | .c)"),
        [r#""Invalid path expression near attempt to access element \"c\" of [{\"b\":1},{\"b\":0}]""#]
    );
    assert_eq!(
        caught("path(.a | map(.) | .[1:2])"),
        [r#""Invalid path expression near attempt to access element {\"start\":1,... of [{\"b\":0},{\"b\":1}]""#]
    );
    assert_eq!(
        caught("path(.a | tostring | .[])"),
        [r#""Invalid path expression near attempt to iterate through \"[{\\\"b\\\":0},{\\\"b\\\":1}]\"""#]
    );
    assert_eq!(
        caught("path([range(100)])"),
        [r#""Invalid path expression with result [0,1,2,3,4,5,6,7,8,9,10,11...""#]
    );
    // Updates: the operation after the term is named, not one inside the update's function.
    assert_eq!(
        caught("(.a | map(.))[0] |= 1"),
        [r#""Invalid path expression near attempt to access element 0 of [{\"b\":0},{\"b\":1}]""#]
    );
    assert_eq!(
        caught(".a[0] |= path(1)"),
        [r#""Invalid path expression with result 1""#]
    );
    assert_eq!(
        caught("(.a | map(.) | .[]) = 1"),
        [r#""Invalid path expression near attempt to iterate through [{\"b\":0},{\"b\":1}]""#]
    );
    // An error of the term itself is that error.
    assert_eq!(caught(r#"path(.a | error("x"))"#), [r#""x""#]);
    // Paths still work.
    assert_eq!(
        both("[path(.a[0].b, (.a | first, last))]", input),
        [r#"[["a",0,"b"],["a",0],["a",-1]]"#]
    );
}

/// An array index too large to create: jq 1.8's catchable error in standard mode; in Port
/// mode jq 1.7 runs out of memory, so `try` catches nothing and Port stores null.
#[test]
fn array_indices_too_large_to_create() {
    for code in ["try setpath([500000000]; 0) catch .", "try (.[999999999] = 0) catch ."] {
        assert_eq!(
            run(Dialect::Standard, code, "null"),
            [r#""Array index too large""#],
            "{code}"
        );
        let port = run(Dialect::Port, code, "null");
        assert_eq!(port.len(), 1, "{code}");
        assert!(port[0].starts_with("error: size limit:"), "{code}: {port:?}");
    }
}

/// Number text: literals as decNumber writes them (Port's engine), doubles as JavaScript
/// writes them (what Port's binding hands jq), doubles as jq prints them.
#[test]
fn number_text_as_port_and_javascript_write_it() {
    use jaq_json::jq::{canonical_literal, js_text};
    for (lit, want) in [
        ("1e3", "1E+3"),
        ("1.50", "1.50"),
        ("100000000000000000000", "100000000000000000000"),
        ("1e-5", "0.00001"),
        ("1.23e-7", "1.23E-7"),
        ("1e+300", "1E+300"),
        ("0.5e1", "5"),
    ] {
        assert_eq!(canonical_literal(lit).as_deref(), Some(want), "{lit}");
    }
    for (f, want) in [
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e-300, "1e-300"),
        (1.0, "1"),
        (1e-7, "1e-7"),
        (-0.000001, "-0.000001"),
        (1.2345678901234568e22, "1.2345678901234568e+22"),
    ] {
        assert_eq!(js_text(f), want, "{f}");
    }
    assert_eq!(
        run(Dialect::Port, r#""\(1e3) \(1e300 * 1)""#, "null"),
        [r#""1E+3 1e+300""#]
    );
    assert_eq!(run(Dialect::Port, "tostring", "1e300"), [r#""1E+300""#]);
}

/// On linux-gnu the math filters are glibc's, as in Port's engine (libjq on Linux): its last
/// bits differ from Rust's libm (values from Port's engine).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn math_is_glibcs() {
    assert_eq!(
        both("[.[] | cbrt]", "[1745599888.383, -2.5]"),
        ["[1204.060294416281,-1.3572088082974532]"]
    );
    assert_eq!(both("jn(1; 2.5)", "null"), ["0.49709410246427405"]);
}

/// Decoders' invalid bytes as jq replaces them, and Port's byte-wise `@urid` (values from Port's
/// engine; jq 1.8 keeps `@urid`'s text).
#[test]
fn decoded_bytes_as_jq_reads_them() {
    // `@base64d` of "null" is 9e e9 65: jq reads e9 65 as one bad sequence.
    assert_eq!(both("@base64d", r#""null""#), ["\"\u{fffd}\u{fffd}\""]);
    assert_eq!(both("@base64d", r#""wIBh""#), ["\"\u{fffd}\u{fffd}a\""]);
    assert_eq!(
        run(Dialect::Port, "@urid", r#""Knäckebröd""#),
        ["\"Kn\u{fffd}\u{fffd}ckebr\u{fffd}\u{fffd}d\""]
    );
    assert_eq!(run(Dialect::Port, "@urid", r#""a\u0000%zz""#), [r#""a""#]);
    assert_eq!(run(Dialect::Port, "@urid", r#""%C3%A9""#), [r#""é""#]);
    assert_eq!(run(Dialect::Standard, "@urid", r#""Knäckebröd""#), [r#""Knäckebröd""#]);
}

/// Issue 24's held-out differences, each answered as Port's engine (port-exec) answers, and as
/// jq 1.8 where it differs (its src/builtin.c, jv_parse.c and lexer.l).
#[test]
fn held_out_differences_answered_as_ports_engine() {
    // `?//` is one token in jq 1.7 and 1.8: outside a destructuring it does not compile.
    for dialect in [Dialect::Port, Dialect::Standard] {
        for code in [r#".a ?// "d""#, r#".a?//"d""#, r#"[. as [$a] ?// $a | $a, (.b ?// 1)]"#] {
            let errs = Program::compile(code, dialect).map(|_| ()).unwrap_err();
            assert!(errs[0].message.contains("?//"), "{code}: {errs:?}");
        }
        assert!(Program::compile(r#".a? // "d""#, dialect).is_ok());
        assert!(Program::compile(". as [$a] ?// $a | $a", dialect).is_ok());
    }
    // A group that did not take part in a zero-width match: "" in Port's engine, null in jq 1.8.
    assert_eq!(
        run(Dialect::Port, r#"capture("(?<a>x)?")"#, r#""foo""#),
        [r#"{"a":""}"#]
    );
    assert_eq!(
        run(Dialect::Standard, r#"capture("(?<a>x)?")"#, r#""foo""#),
        [r#"{"a":null}"#]
    );
    // `fromjson` reads exactly one value.
    let both = |code: &str, input: &str| {
        let port = run(Dialect::Port, code, input);
        assert_eq!(port, run(Dialect::Standard, code, input), "{code}");
        port
    };
    assert_eq!(
        both("try fromjson catch .", r#""1 2""#),
        [r#""Unexpected extra JSON values (while parsing '1 2')""#]
    );
    assert_eq!(
        both("try fromjson catch .", r#"" ""#),
        [r#""Expected JSON value (while parsing ' ')""#]
    );
    assert_eq!(both("fromjson", r#""[1] ""#), ["[1]"]);
    // `index`/`rindex` on an object index it (`indices` is `.[$i]`), then fail on the value.
    assert_eq!(both(r#"indices("a")"#, r#"{"a":1}"#), ["1"]);
    assert_eq!(
        run(Dialect::Port, r#"try index("a") catch ."#, r#"{"a":1}"#),
        [r#""Cannot index number with number""#]
    );
    assert_eq!(
        run(Dialect::Standard, r#"try index("a") catch ."#, r#"{"a":1}"#),
        [r#""Cannot index number with number (0)""#]
    );
    assert_eq!(
        run(Dialect::Port, r#"try rindex("a") catch ."#, r#"{"a":1}"#),
        [r#""Cannot index number with object""#]
    );
    assert_eq!(both(r#"[index(", "), rindex(", ")]"#, r#""a,b, cd, efg""#), ["[3,7]"]);
    // `scalb` is C's, on numbers only (jaq's `x * pow(2; e)` repeated strings).
    assert_eq!(run(Dialect::Port, "[scalb(.; 2)?]", r#""x""#), ["[]"]);
    assert_eq!(
        run(Dialect::Port, "try scalb(.; 2) catch .", r#""x""#),
        [r#""string (\"x\") number required""#]
    );
    assert_eq!(run(Dialect::Port, "scalb(1.5; 2.5)", "null"), ["null"]);
    // Math functions name a non-number argument as jq does; a C builtin's arguments run with
    // the last one outermost.
    assert_eq!(
        run(Dialect::Port, "try floor catch .", r#""abcdefghijklmnop""#),
        [r#""string (\"abcdefghij...) number required""#]
    );
    assert_eq!(both("[pow(1,2; 3,4)]", "null"), ["[1,8,1,16]"]);
    assert_eq!(both("[fma(1,2; 3,4; 5,6)]", "null"), ["[8,11,9,13,9,12,10,14]"]);
}
