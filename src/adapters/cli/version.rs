//! The version the binary reports: the package's, with the commit it was built
//! from when the build knew it (build.rs).

/// `0.1.0 (commit 1a2b3c4d5e6f)`, or `0.1.0`.
pub const LONG: &str = env!("CLAUSE_VERSION");

/// [`LONG`] as an owned string, for output formats that carry it.
pub fn long() -> String {
    LONG.to_string()
}
