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
    /// Seconds since the Unix epoch, as `now` returns them; supplied by the host's clock.
    pub now: f64,
    /// What `env` and `$ENV` return.
    pub env: &'a Val,
    /// What `input` and `inputs` read.
    pub inputs: Inputs<'a, Val>,
    /// Set when the program read `env` or `$ENV` (Port replaces them with `{}`).
    pub env_used: Cell<bool>,
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
