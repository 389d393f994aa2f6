//! Native filters we provide on top of jaq's: the host clock, `env`, and jq-compatible
//! replacements for the few jaq natives whose behaviour differs from jq 1.7.

use super::data::Data;
use jaq_core::box_iter::box_once;
use jaq_core::native::{run, v, Filter, Fun};
use jaq_core::RunPtr;
use jaq_json::Val;

/// Names of jaq natives we replace (or remove) and must therefore drop from jaq's lists.
const REPLACED: &[&str] = &["now", "env", "input", "inputs"];

/// Every native filter a hookmap program can call.
pub fn all() -> Vec<Fun<Data>> {
    let keep = |(name, _, _): &Fun<Data>| !REPLACED.contains(name);
    let mut funs: Vec<Fun<Data>> = jaq_core::funs::<Data>()
        .chain(jaq_std::funs::<Data>())
        .chain(jaq_json::funs::<Data>())
        .filter(keep)
        .collect();
    funs.extend(jaq_std::input::funs::<Data>().into_vec().into_iter().map(run::<Data>));
    funs.extend(ours().into_vec().into_iter().map(run::<Data>));
    funs
}

fn ours() -> Box<[Filter<RunPtr<Data>>]> {
    Box::new([
        ("now", v(0), |cv| box_once(Ok(Val::from(cv.0.data().now)))),
        ("env", v(0), |cv| {
            let data = cv.0.data();
            data.env_used.set(true);
            box_once(Ok(data.env.clone()))
        }),
    ])
}
