//! Declarations: the policy's settings, facts, tables, calendars and windows.

use super::exprs::{date, duration, escape, names};
use super::layout::{group, nest, text, Doc};
use super::printer::{Item, Printer};
use super::WIDTH;
use crate::ast::*;

impl Printer<'_, '_> {
    pub(super) fn decl(&self, items: &mut Vec<Item>, d: &Decl) {
        const IND: usize = 2;
        match d {
            Decl::Currency(c) => {
                self.item(
                    items,
                    self.back(c.span.start, 1),
                    c.span.end,
                    IND,
                    text(format!("currency {}", c.node)),
                );
            }
            Decl::Timezone(t) => {
                let doc = text(format!("timezone {}", escape(&t.node)));
                self.item(items, self.back(t.span.start, 1), t.span.end, IND, doc);
            }
            Decl::Effective(d) => {
                let doc = text(format!("effective from {}", date(&d.node)));
                self.item(items, self.back(d.span.start, 1), d.span.end, IND, doc);
            }
            Decl::Calendar(c) => {
                let brace = self.open_brace(c.span.start);
                self.item(items, c.span.start, brace + 1, IND, text("calendar {"));
                if let (Some(first), Some(last)) = (c.weekend.first(), c.weekend.last()) {
                    let doc = text(format!("weekend {}", names(&c.weekend)));
                    self.item(
                        items,
                        self.back(first.span.start, 1),
                        last.span.end,
                        IND + 2,
                        doc,
                    );
                }
                let span = |h: &Holiday| match h {
                    Holiday::Date(d) => d.span,
                    Holiday::Bundled(s) => s.span,
                };
                if let (Some(first), Some(last)) = (c.holidays.first(), c.holidays.last()) {
                    let list: Vec<String> = c
                        .holidays
                        .iter()
                        .map(|h| match h {
                            Holiday::Date(d) => date(&d.node),
                            Holiday::Bundled(s) => escape(&s.node),
                        })
                        .collect();
                    let covering = c
                        .covering
                        .as_ref()
                        .map(|c| format!(" covering {:04} to {:04}", c.first.node, c.last.node))
                        .unwrap_or_default();
                    let doc = filled("holidays ", &list, covering.trim(), IND + 2);
                    let end = c
                        .covering
                        .as_ref()
                        .map_or(span(last).end, |cov| cov.span.end.max(span(last).end));
                    self.item(items, self.back(span(first).start, 1), end, IND + 2, doc);
                }
                self.close(items, c.span.end.saturating_sub(1), IND);
            }
            Decl::Fact(f) => {
                let label = f
                    .label
                    .as_ref()
                    .map(|l| format!(" {}", escape(&l.node)))
                    .unwrap_or_default();
                let mut s = format!("fact {}{label}: {}", f.name.node, f.ty.node);
                if !f.codes.is_empty() {
                    s.push_str(&format!(" ({})", names(&f.codes)));
                }
                if f.optional {
                    s.push_str(" optional");
                }
                let end = f.codes.last().unwrap_or(&f.ty).span.end;
                self.item(items, self.back(f.name.span.start, 1), end, IND, text(s));
            }
            Decl::Fees(fs) | Decl::Jurisdictions(fs) => {
                let word = if matches!(d, Decl::Fees(_)) {
                    "fees"
                } else {
                    "jurisdictions"
                };
                if let (Some(first), Some(last)) = (fs.first(), fs.last()) {
                    let doc = text(format!("{word} {}", names(fs)));
                    self.item(
                        items,
                        self.back(first.span.start, 1),
                        last.span.end,
                        IND,
                        doc,
                    );
                }
            }
            Decl::Window(w) => self.window(items, w),
            Decl::Threshold(t) => {
                let doc = Doc::Concat(vec![
                    text(format!("threshold {} = ", t.name.node)),
                    self.top(&t.expr),
                ]);
                let end = self.end_of(&t.expr);
                self.item(items, self.back(t.name.span.start, 1), end, IND, doc);
            }
            Decl::Table(t) => {
                let brace = self.open_brace(t.key.span.end);
                let header = text(format!("table {} by {} {{", t.name.node, t.key.node));
                self.item(
                    items,
                    self.back(t.name.span.start, 1),
                    brace + 1,
                    IND,
                    header,
                );
                let mut last_end = brace + 1;
                for row in &t.rows {
                    let doc = Doc::Concat(vec![
                        text(format!("{}: ", names(&row.keys))),
                        self.top(&row.value),
                    ]);
                    let anchor = row
                        .keys
                        .first()
                        .map_or(row.value.span.start, |k| k.span.start);
                    last_end = self.end_of(&row.value);
                    self.item(items, anchor, last_end, IND + 2, doc);
                }
                if let Some(v) = &t.default {
                    let doc = Doc::Concat(vec![text("otherwise: "), self.top(v)]);
                    last_end = self.end_of(v);
                    self.item(
                        items,
                        self.back(self.start_of(v), 2),
                        last_end,
                        IND + 2,
                        doc,
                    );
                }
                let close = self.src.and_then(|s| s.find(last_end, b'}')).unwrap_or(0);
                self.close(items, close, IND);
            }
            Decl::Rules(b) => self.rules(items, b),
        }
    }

    fn window(&self, items: &mut Vec<Item>, w: &WindowDecl) {
        let paths = |ps: &[Name]| {
            ps.iter()
                .map(|p| p.node.as_str())
                .collect::<Vec<_>>()
                .join(" else ")
        };
        let shape = match &w.shape {
            WindowShape::From {
                duration: d,
                anchor,
            } => {
                format!("{} from {}", duration(d), paths(anchor))
            }
            WindowShape::Until(d) => format!("until {}", date(&d.node)),
            WindowShape::UntilEvent(ps) => format!("until {}", paths(ps)),
            WindowShape::Between(a, b) => {
                format!("between {} and {}", date(&a.node), date(&b.node))
            }
        };
        let mut options = Vec::new();
        for e in &w.extensions {
            let to = match &e.to {
                ExtendTo::Date(d) => format!("extended to {} when ", date(&d.node)),
                ExtendTo::By(d) => format!("extended by {} when ", duration(d)),
            };
            options.push(Doc::Concat(vec![text(to), self.top(&e.when)]));
        }
        if w.roll_forward {
            options.push(text("rolled forward to a business day"));
        }
        match w.plain_dates {
            Some(DayEdge::Start) => options.push(text("plain dates at start of day")),
            Some(DayEdge::End) => options.push(text("plain dates at end of day")),
            None => {}
        }
        let mut tail = Vec::new();
        for o in options {
            tail.push(text(","));
            tail.push(Doc::Line);
            tail.push(o);
        }
        let doc = group(Doc::Concat(vec![
            text(format!("window {} = {shape}", w.name.node)),
            nest(Doc::Concat(tail)),
        ]));
        self.item(items, w.span.start, w.span.end, 2, doc);
    }
}

/// `holidays A, B, C, ... [covering Y to Y]` filled up to [`WIDTH`] columns: as
/// many entries on a line as fit, the rest on continuation lines indented two more.
fn filled(head: &str, list: &[String], tail: &str, indent: usize) -> Doc {
    let head = head.trim_end();
    let mut lines: Vec<String> = vec![head.to_string()];
    let mut pieces: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            if i + 1 < list.len() {
                format!("{entry},")
            } else {
                entry.clone()
            }
        })
        .collect();
    if !tail.is_empty() {
        pieces.push(tail.to_string());
    }
    for piece in pieces {
        let start = if lines.len() == 1 { indent } else { indent + 2 };
        let Some(cur) = lines.last_mut() else {
            continue;
        };
        let empty = cur == head || cur.is_empty();
        if !empty && start + cur.chars().count() + 1 + piece.chars().count() > WIDTH {
            lines.push(piece);
        } else {
            cur.push(' ');
            cur.push_str(&piece);
        }
    }
    let mut rest = Vec::new();
    for l in lines.iter().skip(1) {
        rest.push(Doc::Line);
        rest.push(text(l.clone()));
    }
    Doc::Concat(vec![
        text(lines.first().cloned().unwrap_or_default()),
        nest(Doc::Concat(rest)),
    ])
}
