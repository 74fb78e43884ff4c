//! The binary's adapters over the library: the command line ([`cli`]) and the
//! HTTP server ([`serve`], `clause serve`).

pub mod cli;
pub mod serve;
