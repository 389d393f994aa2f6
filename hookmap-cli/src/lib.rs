//! The library half of the `hookmap` command line: what `hookmap test` runs, reusable by other
//! test harnesses (the repository's conformance tests run the corpus through it).

#![warn(missing_docs)]

pub mod testcase;
