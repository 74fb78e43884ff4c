//! The one integration-test binary: every suite over the corpus under tests/ and policies/.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used,
    reason = "tests"
)]

mod suite {
    pub mod boundaries;
    pub mod calendars;
    pub mod cases;
    pub mod cli;
    pub mod contract;
    pub mod diagnostics;
    pub mod diff;
    pub mod docs;
    pub mod fees_and_facts;
    pub mod fmt;
    pub mod hostile;
    pub mod lints;
    pub mod lsp;
    pub mod lsp_client;
    pub mod map;
    pub mod parquet;
    pub mod properties;
    pub mod runner;
    pub mod semantics;
    pub mod serve;
    pub mod support;
    pub mod versions;
}
