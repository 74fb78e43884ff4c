//! The `clause` command line; the work is in `cli/`.

fn main() {
    std::process::exit(clause::cli::run(std::env::args_os()));
}
