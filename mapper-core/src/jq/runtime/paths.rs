//! `setpath` and `delpaths` as jq 1.7 implements them (`jv_setpath`, `jv_delpaths`): `null`
//! grows into objects and arrays, arrays grow with `null`s, negative indices count from the
//! end, and missing paths are no error when deleting.

use crate::jq::Dialect;
use crate::value::TypeName;
use jaq_json::Val;
use jaq_std::ValT;
use std::rc::Rc;

/// The largest array index a path may create: the cap of jaq-json's updates (vendor/jaq-json),
/// below jq 1.8's (2^29), which would need gigabytes. Past it, jq 1.8's error
/// ([`jaq_json::jq::INDEX_TOO_LARGE`]); Port's engine runs out of memory (see `natives.rs`).
const MAX_INDEX: f64 = jaq_json::jq::MAX_NEW_INDEX as f64;

fn is_str(v: &Val) -> bool {
    matches!(v, Val::TStr(_) | Val::BStr(_))
}

/// jq 1.7's wording; jq 1.8 adds the key's value to a non-string key.
fn index_error(t: &Val, k: &Val) -> String {
    if is_str(k) {
        format!(
            "Cannot index {} with \"{}\"",
            t.type_name(),
            crate::value::key_string(k)
        )
    } else {
        format!("Cannot index {} with {}", t.type_name(), k.type_name())
    }
}

/// jq's `jv_get` for the kinds a path may hold.
fn get(t: &Val, k: &Val) -> Result<Val, String> {
    match (t, k) {
        (Val::Null, Val::Num(_) | Val::TStr(_) | Val::BStr(_) | Val::Obj(_)) => Ok(Val::Null),
        (Val::Obj(o), _) if is_str(k) => Ok(o.get(k).cloned().unwrap_or(Val::Null)),
        (Val::Arr(a), Val::Num(_)) => {
            let f = k.as_f64().unwrap_or(f64::NAN);
            if f.is_nan() {
                return Ok(Val::Null);
            }
            let i = f.floor();
            let i = if i < 0.0 { i + a.len() as f64 } else { i };
            Ok(if i >= 0.0 && i < a.len() as f64 {
                a[i as usize].clone()
            } else {
                Val::Null
            })
        }
        (Val::Arr(_), Val::Obj(_)) => {
            let (from, to) = slice_bounds(t, k)?;
            match t {
                Val::Arr(a) => Ok(a[from..to].iter().cloned().collect()),
                _ => unreachable!(),
            }
        }
        // `indices`; only reached on the way to `set`, which refuses array keys.
        (Val::Arr(_), Val::Arr(_)) => Ok(Val::Null),
        _ => Err(index_error(t, k)),
    }
}

/// The `[from, to)` range a `{"start", "end"}` slice key selects in array `t`.
fn slice_bounds(t: &Val, k: &Val) -> Result<(usize, usize), String> {
    let len = match t {
        Val::Arr(a) => a.len() as f64,
        _ => 0.0,
    };
    let Val::Obj(o) = k else { unreachable!() };
    let bound = |name: &str, default: f64| -> Result<f64, String> {
        match o.get(&Val::utf8_str(name.to_owned())) {
            None | Some(Val::Null) => Ok(default),
            Some(Val::Num(n)) => {
                let f = Val::Num(n.clone()).as_f64().unwrap_or(f64::NAN);
                let f = if f < 0.0 { f + len } else { f };
                Ok(f.clamp(0.0, len))
            }
            Some(_) => Err("Start and end indices of an array slice must be numbers".to_owned()),
        }
    };
    let from = bound("start", 0.0)?.floor() as usize;
    let to = (bound("end", len)?.ceil() as usize).max(from);
    Ok((from, to))
}

/// jq's `jv_set`.
fn set(t: Val, k: &Val, v: Val) -> Result<Val, String> {
    match (t, k) {
        (t @ (Val::Null | Val::Obj(_)), k) if is_str(k) => {
            let mut o = match t {
                Val::Obj(o) => o,
                _ => Rc::new(Default::default()),
            };
            Rc::make_mut(&mut o).insert(k.clone(), v);
            Ok(Val::Obj(o))
        }
        (t @ (Val::Null | Val::Arr(_)), Val::Num(_)) => {
            let mut a = match t {
                Val::Arr(a) => a,
                _ => Rc::new(Vec::new()),
            };
            let f = k.as_f64().unwrap_or(f64::NAN);
            if f.is_nan() {
                return Err("Cannot set array element at NaN index".to_owned());
            }
            let mut i = f.floor();
            if i < 0.0 {
                i += a.len() as f64;
                if i < 0.0 {
                    return Err("Out of bounds negative array index".to_owned());
                }
            }
            if i > MAX_INDEX {
                return Err(jaq_json::jq::INDEX_TOO_LARGE.to_owned());
            }
            let i = i as usize;
            let a_mut = Rc::make_mut(&mut a);
            if i >= a_mut.len() {
                a_mut.resize(i + 1, Val::Null);
            }
            a_mut[i] = v;
            Ok(Val::Arr(a))
        }
        (t @ (Val::Null | Val::Arr(_)), Val::Obj(_)) => {
            let Val::Arr(insert) = v else {
                return Err("A slice of an array can only be assigned another array".to_owned());
            };
            let (from, to) = slice_bounds(&t, k)?;
            let mut a = match t {
                Val::Arr(a) => a,
                _ => Rc::new(Vec::new()),
            };
            Rc::make_mut(&mut a).splice(from..to, insert.iter().cloned());
            Ok(Val::Arr(a))
        }
        (t, Val::Obj(_)) => Err(format!("Cannot update field at object index of {}", &t.type_name())),
        (t, Val::Arr(_)) => Err(format!("Cannot update field at array index of {}", &t.type_name())),
        (t, k) => Err(index_error(&t, k)),
    }
}

fn path_items(p: &Val) -> Result<&[Val], String> {
    match p {
        Val::Arr(a) => Ok(a),
        _ => Err("Path must be specified as an array".to_owned()),
    }
}

/// The longest path jq 1.8 follows ("Path too deep" beyond). Port's jq 1.7 has no limit, but a
/// longer path can only build a value past the depth limit, by recursion: both dialects stop.
const MAX_PATH: usize = 10000;

/// `t | setpath(path; v)`, an index error worded as `dialect`'s jq words it. Paths are limited
/// to [`MAX_PATH`] steps.
pub fn setpath(t: Val, path: &Val, v: Val, dialect: Dialect) -> Result<Val, String> {
    if path_items(path)?.len() > MAX_PATH {
        return Err("Path too deep".to_owned());
    }
    fn go(t: Val, path: &[Val], v: Val) -> Result<Val, String> {
        match path.split_first() {
            None => Ok(v),
            Some((k, rest)) => {
                let sub = get(&t, k)?;
                let sub = go(sub, rest, v)?;
                set(t, k, sub)
            }
        }
    }
    go(t, path_items(path)?, v).map_err(|e| match (dialect, path_items(path)) {
        // jq 1.8: "Cannot index object with number (1)".
        (Dialect::Standard, Ok(items)) if e.starts_with("Cannot index ") && !e.ends_with('"') => {
            let key = items.iter().find(|k| e.ends_with(k.type_name()));
            match key {
                Some(k) => format!("{e} ({})", crate::value::compact(k)),
                None => e,
            }
        }
        _ => e,
    })
}

/// jq's `jv_del`: remove one key, index or slice.
fn del(t: Val, k: &Val) -> Result<Val, String> {
    match (t, k) {
        (Val::Null, _) => Ok(Val::Null),
        (Val::Obj(mut o), k) if is_str(k) => {
            Rc::make_mut(&mut o).shift_remove(k);
            Ok(Val::Obj(o))
        }
        (Val::Arr(mut a), Val::Num(_)) => {
            let f = k.as_f64().unwrap_or(f64::NAN);
            if f.is_nan() {
                return Ok(Val::Arr(a));
            }
            let i = f.floor();
            let i = if i < 0.0 { i + a.len() as f64 } else { i };
            if i >= 0.0 && i < a.len() as f64 {
                Rc::make_mut(&mut a).remove(i as usize);
            }
            Ok(Val::Arr(a))
        }
        (t @ Val::Arr(_), Val::Obj(_)) => {
            let (from, to) = slice_bounds(&t, k)?;
            let Val::Arr(mut a) = t else { unreachable!() };
            Rc::make_mut(&mut a).drain(from..to);
            Ok(Val::Arr(a))
        }
        (t, k) => Err(if is_str(k) {
            format!("Cannot delete field at object index of {}", &t.type_name())
        } else {
            format!("Cannot delete {} element of {}", k.type_name(), &t.type_name())
        }),
    }
}

fn delpath(t: Val, path: &[Val]) -> Result<Val, String> {
    match path {
        [] => Ok(Val::Null),
        [k] => del(t, k),
        [k, rest @ ..] => {
            let sub = get(&t, k)?;
            if let Val::Null = sub {
                return Ok(t);
            }
            let sub = delpath(sub, rest)?;
            set(t, k, sub)
        }
    }
}

/// `t | delpaths(paths)`: delete every path, the last (in jq's sort order) first; paths are
/// limited to [`MAX_PATH`] steps.
pub fn delpaths(mut t: Val, paths: &Val) -> Result<Val, String> {
    let Val::Arr(ps) = paths else {
        return Err("Paths must be specified as an array".to_owned());
    };
    if ps.iter().any(|p| matches!(p, Val::Arr(p) if p.len() > MAX_PATH)) {
        return Err("Path too deep".to_owned());
    }
    let mut ps: Vec<Val> = ps.iter().map(|p| absolute(&t, p)).collect::<Result<_, _>>()?;
    ps.sort();
    for p in ps.iter().rev() {
        t = delpath(t, path_items(p)?)?;
    }
    Ok(t)
}

/// A path with every negative array index made absolute against `t` (as jq 1.8 does before
/// deleting), so that deleting one path does not shift what another one names.
fn absolute(t: &Val, path: &Val) -> Result<Val, String> {
    let mut cur = t.clone();
    let mut out = Vec::new();
    for k in path_items(path)? {
        let k = match (&cur, k) {
            (Val::Arr(a), Val::Num(_)) => match k.as_f64() {
                Some(f) if f < 0.0 && f + a.len() as f64 >= 0.0 => Val::from((f.floor() + a.len() as f64) as isize),
                _ => k.clone(),
            },
            _ => k.clone(),
        };
        cur = get(&cur, &k).unwrap_or(Val::Null);
        out.push(k);
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Val {
        jaq_json::read::parse_single(s.as_bytes()).unwrap()
    }

    fn text(v: &Val) -> String {
        crate::value::compact(v)
    }

    #[test]
    fn setpath_grows_null_into_containers() {
        // jq manual: `null | setpath(["a","b"]; 1)` is {"a":{"b":1}}; `setpath([0,"a"]; 1)` [{"a":1}].
        assert_eq!(
            text(&setpath(Val::Null, &json(r#"["a","b"]"#), json("1"), Dialect::Port).unwrap()),
            r#"{"a":{"b":1}}"#
        );
        assert_eq!(
            text(&setpath(Val::Null, &json(r#"[0,"a"]"#), json("1"), Dialect::Port).unwrap()),
            r#"[{"a":1}]"#
        );
        // jq.test: `[0] | setpath([2]; 42)` is [0,null,42].
        assert_eq!(
            text(&setpath(json("[0]"), &json("[2]"), json("42"), Dialect::Port).unwrap()),
            "[0,null,42]"
        );
    }

    #[test]
    fn delpaths_deletes_all_at_once_and_ignores_missing() {
        // jq.test: `del(.[1], .[-6], .[2], .[-3:9])` on [0..9] is [0,3,5,6,9].
        let paths = json(r#"[[1],[-6],[2],[{"start":-3,"end":9}]]"#);
        assert_eq!(
            text(&delpaths(json("[0,1,2,3,4,5,6,7,8,9]"), &paths).unwrap()),
            "[0,3,5,6,9]"
        );
        // jq.test: `delpaths([[-200]])` on [1,2,3] leaves it alone.
        assert_eq!(text(&delpaths(json("[1,2,3]"), &json("[[-200]]")).unwrap()), "[1,2,3]");
    }
}
