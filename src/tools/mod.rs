//! The tools built on the language core: the analysis ([`lint`]), the formatter
//! ([`fmt`]), explanations and pages for people ([`explain`], [`render`]), policy
//! changes ([`diff`]), the page beside the policy ([`map`]), cases files ([`cases`]) and batch evaluation ([`batch`]).

pub mod batch;
pub mod cases;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod lint;
pub mod map;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod render;
