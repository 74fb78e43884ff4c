//! Colour: diagnostics are drawn in colour on a terminal and plain anywhere
//! else (a file, a pipe, a CI log), following the conventions of
//! <https://no-color.org> and <https://bixense.com/clicolors/>: `NO_COLOR` set to
//! anything turns colour off; `CLICOLOR_FORCE` set to anything but `0` turns it
//! on even when the output is not a terminal; `NO_COLOR` wins over both.

use std::io::IsTerminal as _;

use clause::Diagnostics;

/// Which stream the text goes to: colour depends on whether that one is a terminal.
#[derive(Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether to write colour to `stream`.
pub fn colour(stream: Stream) -> bool {
    decide(
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0"),
        match stream {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        },
    )
}

fn decide(no_colour: bool, force: bool, terminal: bool) -> bool {
    !no_colour && (force || terminal)
}

/// Diagnostics drawn for `stream`, at the width of the command line's output.
pub fn render(d: &Diagnostics, stream: Stream) -> String {
    d.render_styled(super::WIDTH, colour(stream))
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_color_wins_then_force_then_the_terminal() {
        assert!(!super::decide(true, true, true));
        assert!(super::decide(false, true, false));
        assert!(super::decide(false, false, true));
        assert!(!super::decide(false, false, false));
    }
}
