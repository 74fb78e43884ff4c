//! The binary's adapters over the library: the command line ([`cli`]).

pub mod cli;
