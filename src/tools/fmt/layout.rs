//! Layout documents (after Wadler's "prettier printer"): a group is printed on
//! one line if it fits, otherwise its line breaks are taken.

use super::WIDTH;

/// A layout document (after Wadler's "prettier printer"): a group is printed on one
/// line if it fits, otherwise each of its own `Line`s becomes a line break.
pub(super) enum Doc {
    Text(String),
    /// A space, or a line break at the current indentation.
    Line,
    Concat(Vec<Doc>),
    /// Line breaks inside are indented two more columns.
    Nest(Box<Doc>),
    Group(Box<Doc>),
}

pub(super) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub(super) fn nest(d: Doc) -> Doc {
    Doc::Nest(Box::new(d))
}

pub(super) fn group(d: Doc) -> Doc {
    Doc::Group(Box::new(d))
}

/// Lays `doc` out starting at column `indent`; returns its lines, indented.
pub(super) fn layout(doc: &Doc, indent: usize) -> Vec<String> {
    let mut out = " ".repeat(indent);
    let mut col = indent;
    let mut stack: Vec<(usize, bool, &Doc)> = vec![(indent, false, doc)];
    while let Some((ind, flat, d)) = stack.pop() {
        match d {
            Doc::Text(s) => {
                out.push_str(s);
                col += s.chars().count();
            }
            Doc::Line if flat => {
                out.push(' ');
                col += 1;
            }
            Doc::Line => {
                out.push('\n');
                out.push_str(&" ".repeat(ind));
                col = ind;
            }
            Doc::Concat(v) => stack.extend(v.iter().rev().map(|x| (ind, flat, x))),
            Doc::Nest(x) => stack.push((ind + 2, flat, x)),
            Doc::Group(x) => {
                let flat = flat || fits(WIDTH.saturating_sub(col), (ind, x), &stack);
                stack.push((ind, flat, x));
            }
        }
    }
    out.split('\n').map(|l| l.trim_end().to_string()).collect()
}

/// Whether `first`, printed flat, and what follows it up to the next line break fit
/// in `room` columns.
pub(super) fn fits(room: usize, first: (usize, &Doc), rest: &[(usize, bool, &Doc)]) -> bool {
    let mut room = room;
    let mut stack: Vec<(bool, &Doc)> = vec![(true, first.1)];
    let mut rest = rest.iter().rev();
    loop {
        let (flat, d) = match stack.pop() {
            Some(x) => x,
            None => match rest.next() {
                Some(&(_, flat, d)) => (flat, d),
                None => return true,
            },
        };
        match d {
            Doc::Text(s) => match room.checked_sub(s.chars().count()) {
                Some(r) => room = r,
                None => return false,
            },
            Doc::Line if flat => match room.checked_sub(1) {
                Some(r) => room = r,
                None => return false,
            },
            Doc::Line => return true,
            Doc::Concat(v) => stack.extend(v.iter().rev().map(|x| (flat, x))),
            Doc::Nest(x) | Doc::Group(x) => stack.push((flat, x)),
        }
    }
}
