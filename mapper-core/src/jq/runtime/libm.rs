//! On Linux with glibc, the math filters call glibc's libm, as Port's engine (libjq on Linux)
//! does: Rust's `libm` (what jaq uses) differs from it in the last bit or two of some results
//! (`1 | jn(1; 2.5)`, `cbrt`, `exp10`, `sin`, ...). Elsewhere (the wasm build) jaq's stay.

use crate::jq::engine::data::Data;
use jaq_core::native::Fun;

/// The glibc-backed math filters (none where glibc is not there).
pub fn natives() -> Vec<Fun<Data>> {
    imp::natives()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use crate::jq::engine::data::Data;
    use jaq_core::native::{bome, run, v, Fun};
    use jaq_core::Error;
    use jaq_core::RunPtr;
    use jaq_json::Val;
    use jaq_std::ValT as _;

    /// A number argument, refused as jaq refuses it.
    fn f64_of(v: &Val) -> Result<f64, Error<Val>> {
        v.as_f64().ok_or_else(|| Error::typ(v.clone(), "number"))
    }

    /// An integer argument (the order of a Bessel function).
    fn i32_of(v: &Val) -> Result<i32, Error<Val>> {
        let i = v.as_isize().ok_or_else(|| Error::typ(v.clone(), "integer"))?;
        i32::try_from(i).map_err(|_| Error::typ(v.clone(), "integer"))
    }

    mod sys {
        // glibc's libm, linked by Rust's standard library on this target.
        extern "C" {
            pub fn acos(x: f64) -> f64;
            pub fn acosh(x: f64) -> f64;
            pub fn asin(x: f64) -> f64;
            pub fn asinh(x: f64) -> f64;
            pub fn atan(x: f64) -> f64;
            pub fn atanh(x: f64) -> f64;
            // Rust's compiler-builtins defines its own `cbrt` in the executable, which the
            // dynamic linker prefers to glibc's; `cbrtf64` (glibc 2.27) is glibc's, by its
            // other name.
            #[link_name = "cbrtf64"]
            pub fn cbrt(x: f64) -> f64;
            pub fn cos(x: f64) -> f64;
            pub fn cosh(x: f64) -> f64;
            pub fn erf(x: f64) -> f64;
            pub fn erfc(x: f64) -> f64;
            pub fn exp(x: f64) -> f64;
            pub fn exp10(x: f64) -> f64;
            pub fn exp2(x: f64) -> f64;
            pub fn expm1(x: f64) -> f64;
            pub fn j0(x: f64) -> f64;
            pub fn j1(x: f64) -> f64;
            pub fn lgamma(x: f64) -> f64;
            pub fn log(x: f64) -> f64;
            pub fn log10(x: f64) -> f64;
            pub fn log1p(x: f64) -> f64;
            pub fn log2(x: f64) -> f64;
            pub fn sin(x: f64) -> f64;
            pub fn sinh(x: f64) -> f64;
            pub fn tan(x: f64) -> f64;
            pub fn tanh(x: f64) -> f64;
            pub fn tgamma(x: f64) -> f64;
            pub fn y0(x: f64) -> f64;
            pub fn y1(x: f64) -> f64;
            pub fn atan2(y: f64, x: f64) -> f64;
            pub fn hypot(x: f64, y: f64) -> f64;
            pub fn pow(x: f64, y: f64) -> f64;
            pub fn jn(n: i32, x: f64) -> f64;
            pub fn yn(n: i32, x: f64) -> f64;
        }
    }

    /// `name`: glibc's `name(.)`.
    macro_rules! unary {
        ($($name:ident),*) => { unary!(@ 0; $($name),*) };
        (@ $arity:expr; $($name:ident),*) => {
            [$({ let f: RunPtr<Data> = |cv| {
                // SAFETY: a pure libm function of a double.
                bome(f64_of(&cv.1).map(|x| Val::from(unsafe { sys::$name(x) })))
            }; (stringify!($name), v($arity), f) }),*]
        };
    }
    /// `name(a; b)`: glibc's `name(a, b)`, ignoring `.`.
    macro_rules! binary {
        ($($name:ident),*) => { binary!(@ 2; $($name),*) };
        (@ $arity:expr; $($name:ident),*) => {
            [$({ let f: RunPtr<Data> = |mut cv| {
                let b = cv.0.pop_var();
                let a = cv.0.pop_var();
                // SAFETY: a pure libm function of doubles.
                bome((|| Ok(Val::from(unsafe { sys::$name(f64_of(&a)?, f64_of(&b)?) })))())
            }; (stringify!($name), v($arity), f) }),*]
        };
    }
    /// `name(n; x)`: glibc's Bessel function of integer order `n`.
    macro_rules! order {
        ($($name:ident),*) => { order!(@ 2; $($name),*) };
        (@ $arity:expr; $($name:ident),*) => {
            [$({ let f: RunPtr<Data> = |mut cv| {
                let x = cv.0.pop_var();
                let n = cv.0.pop_var();
                // SAFETY: a pure libm function of an int and a double.
                bome((|| Ok(Val::from(unsafe { sys::$name(i32_of(&n)?, f64_of(&x)?) })))())
            }; (stringify!($name), v($arity), f) }),*]
        };
    }

    pub fn natives() -> Vec<Fun<Data>> {
        let filters = unary!(
            acos, acosh, asin, asinh, atan, atanh, cbrt, cos, cosh, erf, erfc, exp, exp10, exp2, expm1, j0, j1, lgamma,
            log, log10, log1p, log2, sin, sinh, tan, tanh, tgamma, y0, y1
        )
        .into_iter()
        .chain(binary!(atan2, hypot, pow))
        .chain(order!(jn, yn));
        filters.map(run::<Data>).collect()
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    use crate::jq::engine::data::Data;
    use jaq_core::native::Fun;

    pub fn natives() -> Vec<Fun<Data>> {
        Vec::new()
    }
}
