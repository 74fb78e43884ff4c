//! The `clause` binary: thin adapters (`adapters/`) over the library.

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
