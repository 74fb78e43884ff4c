//! The tools built on the language core: the analysis ([`lint`]), the formatter
//! ([`fmt`]), explanations and pages for people ([`explain`], [`render`]), policy
//! changes ([`diff`]), cases files ([`cases`]) and batch evaluation ([`batch`]).

pub mod batch;
pub mod cases;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod lint;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod render;
