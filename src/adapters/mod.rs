//! The binary's adapters over the library: the command line ([`cli`]), the
//! HTTP server ([`serve`], `clause serve`) and the language server ([`lsp`],
//! `clause lsp`).

pub mod cli;
pub mod lsp;
pub mod serve;
