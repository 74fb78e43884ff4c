//! The tools built on the language core: the analysis ([`lint`]), the formatter
//! ([`fmt`]), explanations and pages for people ([`explain`], [`render`]), policy
//! changes ([`diff`]), the page beside the policy ([`map`]), cases files ([`cases`]),
//! batch evaluation ([`batch`]), a claim's timeline ([`timeline`]) and what
//! editors ask about a file being edited ([`ide`]).

pub mod batch;
pub mod cases;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod ide;
pub mod lint;
pub mod map;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod render;
pub mod timeline;
