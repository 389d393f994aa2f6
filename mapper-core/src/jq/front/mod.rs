//! The front end: hookmap's one reader of jq source (jaq's tokens and parse tree, with
//! positions from the tokens), and the rewrites that make jaq's parser read a program as jq
//! does. Each rewrite is a function from tokens to edits, applied by [`syntax::edit`].

pub(crate) mod alternatives;
pub(crate) mod catch;
pub(crate) mod checks;
pub(crate) mod grammar;
pub(crate) mod literals;
pub(crate) mod nesting;
pub(crate) mod syntax;
