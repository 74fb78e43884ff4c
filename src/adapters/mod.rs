//! The binary's adapters over the library: the command line ([`cli`]) and the
//! language server ([`lsp`]).

pub mod cli;
pub mod lsp;
