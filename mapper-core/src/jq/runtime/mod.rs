//! The native functions hookmap's programs call beyond jaq's own, each answering as jq's C code
//! does (and as Port's engine does, where [`super::Dialect`] says so).

pub(crate) mod base32;
pub(crate) mod c_time;
pub(crate) mod json_literals;
pub(crate) mod libm;
pub(crate) mod messages;
pub(crate) mod natives;
pub(crate) mod numbers;
pub(crate) mod paths;
pub(crate) mod regex;
pub(crate) mod utf8;
