//! The run-time data every compiled program sees: the clock, `$ENV`, and `input`s.

use core::cell::Cell;
use jaq_core::data::{DataT, HasLut};
use jaq_core::Lut;
use jaq_json::Val;
use jaq_std::input::{HasInputs, Inputs, RcIter};

/// Marker type binding jaq's generic machinery to our value type and run data.
pub struct Data;

impl DataT for Data {
    type V<'a> = Val;
    type Data<'a> = &'a RunData<'a>;
}

/// Values a program can observe from its host while it runs.
pub struct RunData<'a> {
    /// The compiled program's lookup table.
    pub lut: &'a Lut<Data>,
    /// The dialect the program was compiled in: natives answer as its engine does.
    pub dialect: crate::jq::Dialect,
    /// Seconds since the Unix epoch, as `now` returns them; supplied by the host's clock.
    pub now: f64,
    /// What `env` and `$ENV` return.
    pub env: &'a Val,
    /// What `input` and `inputs` read.
    pub inputs: Inputs<'a, Val>,
    /// Set when the program read `env` or `$ENV` (Port replaces them with `{}`).
    pub env_used: Cell<bool>,
    /// The limits in force.
    pub limits: &'a super::limits::Limits,
    /// When the request must be done (seconds since the epoch, on `clock`).
    pub deadline: Option<f64>,
    /// The host clock the deadline is checked against.
    pub clock: Option<&'a dyn crate::clock::Clock>,
    /// Definition calls so far (the deadline is checked every few hundred).
    pub ticks: Cell<u32>,
    /// The stack position when the evaluation started.
    pub stack_base: usize,
    /// Values `range` made so far.
    pub range_values: Cell<u64>,
    /// The limit that was hit.
    pub limit: core::cell::RefCell<Option<super::limits::LimitHit>>,
}

impl<'a> HasLut<'a, Data> for &'a RunData<'a> {
    fn lut(&self) -> &'a Lut<Data> {
        self.lut
    }
}

impl<'a> HasInputs<'a, Val> for &'a RunData<'a> {
    fn inputs(&self) -> Inputs<'a, Val> {
        self.inputs
    }
}

/// An `inputs` source that is always exhausted.
pub fn no_inputs() -> RcIter<core::iter::Empty<Result<Val, String>>> {
    RcIter::new(core::iter::empty())
}
