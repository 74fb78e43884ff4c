//! Rules blocks and rules, and the final assembly of items into lines.

use super::exprs::{escape, names};
use super::layout::{group, nest, text, Doc};
use super::printer::{Blank, Item, Printer};
use super::source_text::Comment;
use crate::ast::*;

impl Printer<'_, '_> {
    pub(super) fn rules(&self, items: &mut Vec<Item>, b: &RulesBlock) {
        let scope = match b.scope {
            Scope::EachItem => "",
            Scope::WholeOrder => ", whole order",
        };
        let brace = self.open_brace(b.kind.span.end);
        let header = text(format!("rules for {}{scope} {{", b.kind.node));
        self.item(items, b.span.start, brace + 1, 2, header);
        let all = b.rules.iter().map(|r| ("rule", r));
        let all = all.chain(b.otherwise.iter().map(|r| ("otherwise", r)));
        for (i, (word, r)) in all.enumerate() {
            let start = items.len();
            self.rule(items, word, r);
            if let Some(first) = items.get_mut(start) {
                first.first = if i == 0 { Blank::No } else { Blank::Yes };
                first.rest = Blank::Source(false);
            }
        }
        self.close(items, b.span.end.saturating_sub(1), 2);
    }

    fn rule(&self, items: &mut Vec<Item>, word: &str, r: &Rule) {
        const IND: usize = 4;
        const CL: usize = 6;
        let decision = match r.decision.node {
            Decision::Approve => "approve",
            Decision::Deny => "deny",
            Decision::Review => "review",
        };
        let title = r
            .title
            .as_ref()
            .map(|t| format!(" {}", escape(&t.node)))
            .unwrap_or_default();
        let mut header = format!("{word} {}{title}: {decision}", r.name.node);
        let remedies: Vec<&str> = r.remedies.iter().map(|n| n.node.as_str()).collect();
        if !remedies.is_empty() {
            header.push(' ');
            header.push_str(&remedies.join(" or "));
        }
        if r.as_requested {
            header.push_str(" as requested");
        }
        let header_end = r
            .remedies
            .last()
            .map_or(r.decision.span.end, |n| n.span.end);
        self.item(items, r.span.start, header_end, IND, text(header));

        let quote_lines: Vec<String> = match self.src {
            Some(src) if r.quote.span.end > r.quote.span.start => src
                .quote_lines(r.quote.span)
                .iter()
                .map(|l| format!("{}{}", " ".repeat(CL), l.join(" ")))
                .collect(),
            _ => vec![format!("{}{}", " ".repeat(CL), escape(&r.quote.node))],
        };
        let quote_lines = if quote_lines.is_empty() {
            vec![format!("{}{}", " ".repeat(CL), escape(&r.quote.node))]
        } else {
            quote_lines
        };
        self.push(
            items,
            r.quote.span.start,
            r.quote.span.end,
            CL,
            quote_lines,
            Blank::No,
        );

        for (word, e) in r
            .when
            .iter()
            .map(|e| ("when ", e))
            .chain(r.unless.iter().map(|e| ("unless ", e)))
        {
            let doc = Doc::Concat(vec![text(word), self.top(e)]);
            self.item(
                items,
                self.back(self.start_of(e), 1),
                self.end_of(e),
                CL,
                doc,
            );
        }
        for ev in &r.evidence {
            let Some(first) = ev.codes.first() else {
                continue;
            };
            let mut parts = vec![text(format!("requires evidence {}", names(&ev.codes)))];
            let mut end = ev.codes.last().map_or(first.span.end, |c| c.span.end);
            if let Some(w) = &ev.when {
                parts.push(self.tail(vec![(Doc::Line, "when ", w, None)]));
                end = self.end_of(w);
            }
            self.item(
                items,
                self.back(first.span.start, 2),
                end,
                CL,
                Doc::Concat(parts),
            );
        }
        if let Some(e) = &r.refund {
            let doc = Doc::Concat(vec![text("refund "), self.top(e)]);
            self.item(
                items,
                self.back(self.start_of(e), 1),
                self.end_of(e),
                CL,
                doc,
            );
        }
        for d in &r.deductions {
            let may = if d.discretionary { "may " } else { "" };
            let mut parts = vec![
                text(format!("{may}deduct {} ", d.fee.node)),
                self.top(&d.amount),
            ];
            let mut end = self.end_of(&d.amount);
            let mut tail = Vec::new();
            if let Some(c) = &d.cap {
                tail.push((Doc::Line, "up to ", c, None));
                end = self.end_of(c);
            }
            if let Some(w) = &d.when {
                tail.push((Doc::Line, "when ", w, None));
                end = self.end_of(w);
            }
            if !tail.is_empty() {
                parts.push(self.tail(tail));
            }
            self.item(
                items,
                self.back(d.fee.span.start, if d.discretionary { 2 } else { 1 }),
                end,
                CL,
                Doc::Concat(parts),
            );
        }
        for f in &r.fees {
            let mut parts = vec![text(format!("fee {} paid by {}", f.fee.node, f.payer.node))];
            let mut end = f.payer.span.end;
            let mut tail = Vec::new();
            if let Some(a) = &f.amount {
                tail.push((Doc::Line, "amount ", a, None));
                end = self.end_of(a);
            }
            if let Some(w) = &f.when {
                let otherwise = f.otherwise.as_ref().map(|o| o.node.as_str());
                tail.push((Doc::Line, "when ", w, otherwise));
                end = f
                    .otherwise
                    .as_ref()
                    .map_or_else(|| self.end_of(w), |o| o.span.end);
            }
            if !tail.is_empty() {
                parts.push(self.tail(tail));
            }
            self.item(
                items,
                self.back(f.fee.span.start, 1),
                end,
                CL,
                Doc::Concat(parts),
            );
        }
        if let (Some(first), Some(last)) = (r.deadlines.first(), r.deadlines.last()) {
            let doc = text(format!("deadline {}", names(&r.deadlines)));
            self.item(
                items,
                self.back(first.span.start, 1),
                last.span.end,
                CL,
                doc,
            );
        }
    }

    /// The parts of a clause after its head (`up to ...`, `amount ...`, `when ...`):
    /// on the clause's line if they fit, otherwise each on a continuation line.
    fn tail(&self, parts: Vec<(Doc, &str, &Expr, Option<&str>)>) -> Doc {
        let mut docs = Vec::new();
        for (line, word, e, otherwise) in parts {
            docs.push(line);
            docs.push(text(word));
            docs.push(self.top(e));
            if let Some(o) = otherwise {
                docs.push(text(format!(", otherwise {o}")));
            }
        }
        nest(group(Doc::Concat(docs)))
    }

    /// Places the comments and empty lines, and joins the items' lines.
    pub(super) fn finish(&self, mut items: Vec<Item>) -> String {
        let mut leading: Vec<Vec<Comment>> = items.iter().map(|_| Vec::new()).collect();
        let mut trailing: Vec<Vec<Comment>> = items.iter().map(|_| Vec::new()).collect();
        if let Some(src) = self.src {
            let mut order: Vec<(usize, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.anchor, i))
                .collect();
            order.sort_unstable();
            for c in &src.comments {
                let n = order.partition_point(|&(a, _)| a <= c.start);
                let before = n.checked_sub(1).and_then(|k| order.get(k)).map(|&(_, i)| i);
                let after = order.get(n).map(|&(_, i)| i);
                let inside = before.filter(|&i| items.get(i).is_some_and(|it| c.start <= it.end));
                let target = if c.own_line {
                    inside.or(after).map(|i| (i, true))
                } else {
                    before.map(|i| (i, false)).or(after.map(|i| (i, true)))
                };
                match target {
                    Some((i, true)) => leading
                        .get_mut(i)
                        .into_iter()
                        .for_each(|l| l.push(c.clone())),
                    Some((i, false)) => trailing
                        .get_mut(i)
                        .into_iter()
                        .for_each(|l| l.push(c.clone())),
                    None => {}
                }
            }
            // Comments after code go at the ends of the item's lines.
            for (i, it) in items.iter_mut().enumerate() {
                let (Some(tr), Some(lead)) = (trailing.get_mut(i), leading.get_mut(i)) else {
                    continue;
                };
                if tr.is_empty() {
                    continue;
                }
                let n = it.lines.len();
                let first_line = src.line(it.anchor);
                let source_lines = (src.line(it.end) + 1).saturating_sub(first_line);
                let rel: Vec<usize> = tr
                    .iter()
                    .map(|c| src.line(c.start).saturating_sub(first_line))
                    .collect();
                let exact = source_lines == n && rel.iter().all(|&r| r < n);
                if exact {
                    for (c, r) in tr.iter().zip(rel) {
                        if let Some(l) = it.lines.get_mut(r) {
                            l.push(' ');
                            l.push_str(&c.text);
                        }
                    }
                } else {
                    let extra = tr.len().saturating_sub(n);
                    lead.extend(tr.iter().take(extra).cloned());
                    lead.sort_by_key(|c| c.start);
                    let rest = tr.len() - extra;
                    for (k, c) in tr.iter().skip(extra).enumerate() {
                        if let Some(l) = it.lines.get_mut(n - rest + k) {
                            l.push(' ');
                            l.push_str(&c.text);
                        }
                    }
                }
            }
        }
        let mut out = String::new();
        let mut last_end: Option<usize> = None;
        let blank = |rule: Blank, last_end: Option<usize>, start: usize| match rule {
            Blank::No => false,
            Blank::Yes => true,
            Blank::Source(default) => match self.src {
                Some(src) => last_end.is_some_and(|e| src.blank_line_between(e, start)),
                None => default,
            },
        };
        for (i, it) in items.iter().enumerate() {
            let lead = leading.get(i).map(Vec::as_slice).unwrap_or(&[]);
            for (j, c) in lead.iter().enumerate() {
                let rule = if j == 0 { it.first } else { it.rest };
                if blank(rule, last_end, c.start) && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&" ".repeat(it.indent));
                out.push_str(&c.text);
                out.push('\n');
                last_end = Some(c.end);
            }
            if it.lines.is_empty() {
                continue;
            }
            let rule = match (lead.is_empty(), it.close) {
                (_, true) => Blank::No,
                (true, false) => it.first,
                (false, false) => it.rest,
            };
            if blank(rule, last_end, it.anchor) && !out.is_empty() {
                out.push('\n');
            }
            for l in &it.lines {
                out.push_str(l.trim_end());
                out.push('\n');
            }
            last_end = Some(it.end);
        }
        out
    }
}
