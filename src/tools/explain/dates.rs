//! The dates worked out: when each time limit began and ends, and where the
//! claim's own event falls.

use super::decision::{Explainer, Place};
use super::phrases::{
    capitalize, facts_in, long_date, moment_of, sku_prefix, started, subject, window_words,
};
use crate::ast::DayEdge;
use crate::language::check::ir::{CheckedRule, IExpr, Window, WindowShape};
use crate::language::check::vocab::FactRef;
use crate::language::eval::facts::Moment;
use crate::language::eval::verdict::Ends;
use crate::language::eval::{day_against, DayAgainst};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

impl<'a> Explainer<'a> {
    pub(super) fn dates(&self) -> Vec<String> {
        let mut out = Vec::new();
        // An event already stated ("You received the order on ...") is not repeated.
        let mut stated: Vec<FactRef> = Vec::new();
        for d in &self.verdict.deadlines {
            let Some((idx, win)) = self.window(&d.name) else {
                out.push(format!(
                    "{}{} ends {}.",
                    sku_prefix(d.sku.as_deref()),
                    window_words(&d.name),
                    self.ends(d.ends)
                ));
                continue;
            };
            let sku_rule = d
                .sku
                .as_deref()
                .and_then(|s| self.verdict.items.iter().find(|i| i.sku == s))
                .or_else(|| self.verdict.items.first())
                .and_then(|i| self.rule(&i.rule));
            let instant = matches!(d.ends, Ends::Instant(_));
            let mut parts = Vec::new();
            let anchor = self.anchor(win);
            if let Some((fact, m)) = anchor {
                if !stated.contains(&fact) {
                    stated.push(fact);
                    parts.push(started(fact, &self.moment(m, instant), &self.policy.facts));
                }
            }
            parts.push(self.deadline_clause(win, d.ends));
            if let Some((fact, m)) = self.tested(sku_rule, idx) {
                if anchor.is_none_or(|(a, _)| a != fact) {
                    match self.place(idx, d.ends, m) {
                        // "Now" matters only once a deadline has passed.
                        Place::Within | Place::Before if fact == FactRef::AsOf => {}
                        Place::Within => parts.push(format!(
                            "{} is within that time",
                            subject(fact, &self.moment(m, instant), &self.policy.facts)
                        )),
                        Place::Before => parts.push(format!(
                            "{} is before that time begins",
                            subject(fact, &self.moment(m, instant), &self.policy.facts)
                        )),
                        Place::After(_) | Place::AfterDays(_) => parts.push(format!(
                            "{} is after that {}",
                            subject(fact, &self.moment(m, instant), &self.policy.facts),
                            if instant { "time" } else { "date" }
                        )),
                        Place::Unknown => parts.push(format!(
                            "{} gives no time of day, and that time ends during that day: whether it is within is not known",
                            subject(fact, &self.moment(m, instant), &self.policy.facts)
                        )),
                    }
                }
            }
            let sentence = format!("{}{}.", sku_prefix(d.sku.as_deref()), parts.join("; "));
            out.push(capitalize(&sentence));
        }
        out
    }

    /// The event a window starts at, as the engine reads it: the first anchor that is set.
    pub(super) fn anchor(&self, win: &Window) -> Option<(FactRef, Moment)> {
        match &win.shape {
            WindowShape::From { anchor, .. } => anchor
                .iter()
                .find_map(|f| moment_of(self.claim, *f).map(|m| (*f, m))),
            _ => None,
        }
    }

    /// "returns are accepted until 16 December 2023", "the label validity period ends on ...".
    fn deadline_clause(&self, win: &Window, ends: Ends) -> String {
        if let WindowShape::Between(a, b) = &win.shape {
            return format!(
                "{} runs from {} to {}",
                window_words(&win.name),
                long_date(*a),
                long_date(*b)
            );
        }
        if &*win.name == "return_window" {
            return format!("returns are accepted until {}", self.ends_bare(ends));
        }
        format!("{} ends {}", window_words(&win.name), self.ends(ends))
    }

    /// "on 16 December 2023" or "on 17 November 2023 at 23:59 (Asia/Seoul time)".
    fn ends(&self, ends: Ends) -> String {
        format!("on {}", self.ends_bare(ends))
    }

    pub(super) fn ends_bare(&self, ends: Ends) -> String {
        match ends {
            Ends::Day(d) => long_date(d),
            Ends::Instant(i) => format!("{} {} time", self.long_instant(i), self.tz.name()),
        }
    }

    fn long_instant(&self, i: DateTime<FixedOffset>) -> String {
        i.with_timezone(&self.tz)
            .format("%-d %B %Y at %H:%M")
            .to_string()
    }

    /// A claim's moment in words: a date, or with its time when the deadline is an instant.
    fn moment(&self, m: Moment, with_time: bool) -> String {
        match m {
            Moment::Day(d) => long_date(d),
            Moment::Instant(i) if with_time => self.long_instant(i),
            Moment::Instant(i) => long_date(i.with_timezone(&self.tz).date_naive()),
        }
    }

    /// The claim event tested against window `w`: from the deciding rule's
    /// conditions first, then any rule of the block; the first one the claim has.
    pub(super) fn tested(&self, rule: Option<&CheckedRule>, w: usize) -> Option<(FactRef, Moment)> {
        let given = |f: &FactRef| moment_of(self.claim, *f).map(|m| (*f, m));
        // The deciding rule's own tests first, as they are written: when it
        // tests `as_of` against the window, the decision's date is what decided.
        let mut own = Vec::new();
        if let Some(r) = rule {
            for e in r.when.iter().chain(r.unless.iter()) {
                self.window_tests(e, w, &mut own, 0);
            }
        }
        if let Some(found) = own.iter().find_map(given) {
            return Some(found);
        }
        // Otherwise (the window is only a deadline of the deciding rule) the
        // block's tests, an event the claim gives before `as_of`: "now" speaks
        // only for an event not there yet (a return received inside the
        // window was explained by the decision's date being past it).
        let mut facts = Vec::new();
        if let Some(b) = self.block {
            for r in b.rules.iter().chain(b.otherwise.iter()) {
                for e in r.when.iter().chain(r.unless.iter()) {
                    self.window_tests(e, w, &mut facts, 0);
                }
            }
        }
        facts
            .iter()
            .filter(|f| **f != FactRef::AsOf)
            .find_map(given)
            .or_else(|| facts.iter().find_map(given))
    }

    /// Collects the facts an expression tests against window `w`, in order.
    pub(super) fn window_tests(&self, e: &IExpr, w: usize, out: &mut Vec<FactRef>, depth: usize) {
        if depth > 64 {
            return;
        }
        let d = depth + 1;
        match e {
            IExpr::Window(x, _, i) => {
                if *i == w {
                    facts_in(x, out);
                }
            }
            IExpr::Threshold(i) => {
                if let Some(t) = self.policy.thresholds.get(*i) {
                    self.window_tests(&t.expr, w, out, d);
                }
            }
            other => {
                for c in other.children() {
                    self.window_tests(c, w, out, d);
                }
            }
        }
    }

    /// Where a moment falls against window `w` (its start as the engine
    /// resolved it, its end `ends`), read as the engine reads it.
    pub(super) fn place(&self, w: usize, ends: Ends, m: Moment) -> Place {
        let start = self.starts.get(w).copied().flatten();
        match ends {
            Ends::Day(end) => {
                let d = self.day(m);
                let start = match start {
                    Some(Ends::Day(s)) => Some(s),
                    Some(Ends::Instant(s)) => Some(s.with_timezone(&self.tz).date_naive()),
                    None => None,
                };
                if d > end {
                    Place::After((d - end).num_days())
                } else if start.is_some_and(|s| d < s) {
                    Place::Before
                } else {
                    Place::Within
                }
            }
            Ends::Instant(end) => {
                let start = match start {
                    Some(Ends::Instant(s)) => Some(s),
                    Some(Ends::Day(d)) => self.instant(Moment::Day(d), DayEdge::Start),
                    None => None,
                };
                if let Moment::Day(d) = m {
                    let (Some(first), Some(last)) = (
                        self.instant(m, DayEdge::Start),
                        self.instant(m, DayEdge::End),
                    ) else {
                        return Place::Within;
                    };
                    return match day_against(first, last, start, end) {
                        DayAgainst::After => {
                            let end_day = end.with_timezone(&self.tz).date_naive();
                            Place::AfterDays((d - end_day).num_days().max(1))
                        }
                        DayAgainst::EndsDuring => Place::Unknown,
                        DayAgainst::Before => Place::Before,
                        DayAgainst::Within => Place::Within,
                    };
                }
                let Moment::Instant(i) = m else {
                    return Place::Within;
                };
                if i > end {
                    Place::After((i - end).num_minutes().max(1))
                } else if start.is_some_and(|s| i < s) {
                    Place::Before
                } else {
                    Place::Within
                }
            }
        }
    }

    fn day(&self, m: Moment) -> NaiveDate {
        match m {
            Moment::Day(d) => d,
            Moment::Instant(i) => i.with_timezone(&self.tz).date_naive(),
        }
    }

    /// A moment as an instant; a plain day at its start or end in the policy's zone
    /// (as the engine reads it for hour windows).
    fn instant(&self, m: Moment, edge: DayEdge) -> Option<DateTime<FixedOffset>> {
        match m {
            Moment::Instant(i) => Some(i),
            Moment::Day(d) => {
                let local = match edge {
                    DayEdge::Start => d.and_time(NaiveTime::MIN),
                    DayEdge::End => d.and_hms_nano_opt(23, 59, 59, 999_999_999)?,
                };
                // The engine's own reading, gaps and skipped days included.
                let resolved = crate::language::eval::day_edge_in_zone(self.tz, local, edge)?;
                Some(resolved.fixed_offset())
            }
        }
    }
}
