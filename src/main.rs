//! The `clause` binary: thin adapters (`adapters/`) over the library.

/// `eprintln!` that never panics. std's panics when standard error cannot be
/// written (`2>/dev/full`); this one loses the message instead, and the exit
/// code still says how the command ended. Defined before the modules, it is
/// the `eprintln!` every one of them uses.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that never panics, as [`eprintln!`].
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

mod adapters;

/// mimalloc: evaluation makes many small, short-lived allocations (a claim's
/// strings, a verdict's lists), which it serves faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack for the thread that does the work: generous, so that the limits on
/// nesting (`syntax::MAX_NESTING`, `syntax::MAX_OPERATORS`) are what stops a
/// hostile policy, never the stack.
const STACK_BYTES: usize = 64 * 1024 * 1024;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || adapters::cli::run(args));
    let code = match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: clause stopped unexpectedly");
            70
        }
    };
    std::process::exit(code);
}
