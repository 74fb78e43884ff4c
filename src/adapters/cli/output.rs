//! Standard output for every command: `outln!`/`out!` write through [`write`],
//! which keeps the first write error, and [`finish`] turns it into the exit code
//! once the command is done. A full disk or a failing device is reported and
//! fails the command; a reader that has gone away (`clause eval ... | head`) ends
//! the output quietly, because that reader asked for no more.

use std::io::{self, Write as _};
use std::sync::{Mutex, PoisonError};

/// The first error writing standard output; nothing more is written after it.
static FAILURE: Mutex<Option<io::Error>> = Mutex::new(None);

/// Writes `args` (and a line end when `newline`) to standard output, unless an
/// earlier write failed.
pub(crate) fn write(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut failure = FAILURE.lock().unwrap_or_else(PoisonError::into_inner);
    if failure.is_some() {
        return;
    }
    let mut out = io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        *failure = Some(e);
    }
}

/// Flushes standard output; the command's exit `code`, or [`super::EXIT_OUTPUT`]
/// with a message when its output could not be written (a closed pipe is not a
/// failure).
pub(crate) fn finish(code: i32) -> i32 {
    let flushed = io::stdout().lock().flush();
    let mut failure = FAILURE.lock().unwrap_or_else(PoisonError::into_inner);
    match failure.take().or(flushed.err()) {
        None => code,
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Some(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            super::EXIT_OUTPUT
        }
    }
}
