//! Parquet claim histories for `clause eval --claims` and `clause diff --claims`
//! (the reading and writing are the library's `clause::parquet`).

use std::path::Path;

use clause::parquet::{is_parquet, ClaimLines};

use super::{EXIT_INPUT, EXIT_OK};

/// The claims of `path` as JSON lines when it is a Parquet file (`Ok(None)`
/// otherwise: the caller reads JSON lines). `--json-column` is for Parquet only.
pub fn claims(path: &Path, json_column: Option<&str>) -> Result<Option<ClaimLines>, String> {
    if path != Path::new("-") && is_parquet(path) {
        return ClaimLines::open(path, json_column).map(Some);
    }
    match json_column {
        Some(_) => Err(format!(
            "--json-column reads a Parquet file, and {} is not one",
            path.display()
        )),
        None => Ok(None),
    }
}

/// Whether `--out` asks for Parquet (its name ends in `.parquet`).
pub fn wants_parquet(out: Option<&Path>) -> bool {
    out.and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// `clause eval --claims history.parquet --out verdicts.parquet` (one policy
/// file, or a folder of versions): `write` writes the verdicts to the file.
pub fn eval_to_parquet(
    out: &Path,
    threads: usize,
    write: impl FnOnce(std::io::BufWriter<std::fs::File>) -> std::io::Result<clause::StreamSummary>,
) -> i32 {
    let file = match std::fs::File::create(out) {
        Ok(f) => std::io::BufWriter::with_capacity(1 << 20, f),
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            return EXIT_INPUT;
        }
    };
    let started = std::time::Instant::now();
    match write(file) {
        Ok(s) => {
            super::eval::summary("rows", &s, started, threads);
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            EXIT_INPUT
        }
    }
}
