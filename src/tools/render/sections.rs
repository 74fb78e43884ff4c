//! The sections after the rules: time limits, terms, tables, the business-day
//! calendar and the facts a claim is judged on.

use super::conditions::Ctx;
use super::nouns::{capitalize, duration_text, humanize, join_plain, path_noun, window_noun};
use super::values::{date_runs, fmt_date};
use super::{para, Block};
use crate::ast::{Decl, ExtendTo, Holiday, PolicyFile, TimeUnit, WindowShape};
use crate::language::calendar;
use chrono::NaiveDate;

pub(super) fn windows_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    if ctx.windows.is_empty() {
        return;
    }
    out.push(Block::Heading(2, "Time limits".into()));
    let rows = ctx
        .windows
        .iter()
        .map(|w| {
            vec![
                capitalize(&window_noun(&w.name.node).replacen("the ", "", 1)),
                ctx.window_text(w),
            ]
        })
        .collect();
    out.push(Block::Table {
        head: ["Time limit", "How long"].map(String::from).to_vec(),
        rows,
    });
    let in_hours = |w: &&crate::ast::WindowDecl| matches!(&w.shape, WindowShape::From { duration, .. } if duration.unit == TimeUnit::Hours);
    let all_hours = ctx.windows.iter().all(in_hours);
    let mut note = if all_hours {
        String::new()
    } else if ctx.windows.iter().any(in_hours) {
        String::from("Each time limit in days includes its last day.")
    } else {
        String::from("Each time limit includes its last day.")
    };
    let example = ctx.windows.iter().find_map(|w| match &w.shape {
        WindowShape::From { duration, .. } if duration.unit == TimeUnit::Days => {
            let n = u64::try_from(duration.count.node.trunc().mantissa()).ok()?;
            let start = NaiveDate::from_ymd_opt(2023, 9, 1)?;
            let end = start.checked_add_days(chrono::Days::new(n))?;
            Some(format!(
                " For example, {} from {} run to the end of {}.",
                duration_text(duration),
                fmt_date(start),
                fmt_date(end)
            ))
        }
        _ => None,
    });
    if let Some(e) = example {
        note.push_str(&e);
    }
    // A limit in hours ends at the exact time, not at the end of a day.
    let hours = ctx.windows.iter().find_map(|w| match &w.shape {
        WindowShape::From { duration, .. } if duration.unit == TimeUnit::Hours => {
            let n = i64::try_from(duration.count.node.trunc().mantissa()).ok()?;
            let start = NaiveDate::from_ymd_opt(2023, 9, 1)?.and_hms_opt(12, 0, 0)?;
            let end = start.checked_add_signed(chrono::Duration::hours(n))?;
            Some(format!(
                "{}Time limits in hours end at the exact time: {} from 12:00 on {} end at {} on {}.",
                if note.is_empty() { "" } else { " " },
                duration_text(duration),
                fmt_date(start.date()),
                end.format("%H:%M"),
                fmt_date(end.date())
            ))
        }
        _ => None,
    });
    if let Some(h) = hours {
        note.push_str(&h);
    }
    if !note.is_empty() {
        out.push(para(note));
    }
}

pub(super) fn terms_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    if ctx.thresholds.is_empty() {
        return;
    }
    out.push(Block::Heading(2, "Terms we use".into()));
    let rows = ctx
        .thresholds
        .iter()
        .map(|(name, e)| {
            vec![
                capitalize(&humanize(name)),
                capitalize(&ctx.cond(e, true, 0).text()),
            ]
        })
        .collect();
    out.push(Block::Table {
        head: ["Term", "Means that"].map(String::from).to_vec(),
        rows,
    });
}

pub(super) fn tables_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    for t in &ctx.tables {
        let name = capitalize(&humanize(&t.name.node));
        out.push(Block::Heading(2, name.clone()));
        let key = path_noun(&t.key.node);
        out.push(para(format!("By {key}.")));
        let mut rows: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| {
                let keys: Vec<String> = r.keys.iter().map(|k| k.node.clone()).collect();
                vec![keys.join(", "), ctx.value(&r.value)]
            })
            .collect();
        if let Some(d) = &t.default {
            rows.push(vec!["Any other".to_string(), ctx.value(d)]);
        }
        out.push(Block::Table {
            head: vec![capitalize(&key.replacen("the ", "", 1)), name],
            rows,
        });
        if t.default.is_none() {
            out.push(para(format!(
                "When {key} is not listed, this table gives no amount."
            )));
        }
    }
}

pub(super) fn calendar_section(ctx: &Ctx<'_>, ast: &PolicyFile, out: &mut Vec<Block>) {
    let cal = ast.decls.iter().find_map(|d| match d {
        Decl::Calendar(c) => Some(c),
        _ => None,
    });
    let uses_business_days = ctx.windows.iter().any(|w| {
        w.roll_forward
            || matches!(&w.shape, WindowShape::From { duration, .. } if duration.unit == TimeUnit::BusinessDays)
            || w.extensions
                .iter()
                .any(|e| matches!(&e.to, ExtendTo::By(d) if d.unit == TimeUnit::BusinessDays))
    });
    if cal.is_none() && !uses_business_days {
        return;
    }
    out.push(Block::Heading(2, "Business days".into()));
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let weekend: Vec<&str> = match cal {
        Some(c) if !c.weekend.is_empty() => c.weekend.iter().map(|w| w.node.as_str()).collect(),
        _ => vec!["saturday", "sunday"],
    };
    let open: Vec<usize> = (0..7)
        .filter(|i| DAYS.get(*i).is_some_and(|d| !weekend.contains(d)))
        .collect();
    let day = |i: usize| capitalize(DAYS.get(i).copied().unwrap_or(""));
    // The business days as one run of the week ("Sunday to Thursday"), when they are one.
    let run = (0..7).find_map(|start| {
        let len = open.len();
        let fits = (0..len).all(|k| open.contains(&((start + k) % 7)));
        (len >= 3 && fits).then(|| format!("{} to {}", day(start), day((start + len - 1) % 7)))
    });
    let open_text =
        run.unwrap_or_else(|| join_plain(&open.iter().map(|&i| day(i)).collect::<Vec<_>>(), "and"));
    let mut bundled = Vec::new();
    let mut extra = Vec::new();
    for h in cal.iter().flat_map(|c| c.holidays.iter()) {
        match h {
            Holiday::Bundled(s) => match calendar::find_bundled(&s.node) {
                Some(def) => bundled.push(def),
                None => extra.push(format!("the “{}” holidays", s.node)),
            },
            Holiday::Date(d) => extra.push(fmt_date(d.node)),
        }
    }
    let mut holidays = Vec::new();
    for def in &bundled {
        holidays.push(if def.code == "KR" {
            "Korean public holidays (with substitute and temporary holidays and election days, listed below)"
                .to_string()
        } else {
            format!("the holidays of the “{}” calendar, {}, listed below", def.code, def.name)
        });
    }
    holidays.extend(extra);
    let text = if holidays.is_empty() {
        format!("Business days are {open_text}.")
    } else {
        format!(
            "Business days are {open_text}, except {}.",
            join_plain(&holidays, "and")
        )
    };
    out.push(para(text));
    for def in bundled {
        let what = if def.code == "KR" {
            "Korean public holidays".to_string()
        } else {
            format!("Holidays of the “{}” calendar", def.code)
        };
        out.push(para(format!(
            "{what} we count, {} to {}:",
            def.first, def.last
        )));
        let mut rows = Vec::new();
        for year in def.first..=def.last {
            let dates: Vec<NaiveDate> = def.holidays(year).iter().map(|h| h.date).collect();
            rows.push(vec![year.to_string(), date_runs(&dates)]);
        }
        out.push(Block::Table {
            head: ["Year", "Holidays"].map(String::from).to_vec(),
            rows,
        });
    }
}

pub(super) fn facts_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    if ctx.facts.is_empty() {
        return;
    }
    out.push(Block::Heading(2, "Other things we record".into()));
    out.push(para(
        "Besides your order and your request, we record these for a decision:",
    ));
    let rows = ctx
        .facts
        .iter()
        .map(|f| {
            let codes: Vec<String> = f.codes.iter().map(|c| humanize(&c.node)).collect();
            let ty = match f.ty.node.as_str() {
                "bool" => "yes or no".to_string(),
                "number" => "a number".to_string(),
                "money" => "an amount of money".to_string(),
                "weight" => "a weight".to_string(),
                "event" => "a date".to_string(),
                "text" => "text".to_string(),
                "percent" => "a percentage".to_string(),
                "code" => format!("one of {}", join_plain(&codes, "or")),
                "codes" => format!("any of {}", join_plain(&codes, "and")),
                other => other.to_string(),
            };
            let ty = if f.optional {
                format!("{ty}; may be unknown")
            } else {
                ty
            };
            let name = f
                .label
                .as_ref()
                .map_or_else(|| humanize(&f.name.node), |l| l.node.clone());
            vec![capitalize(&name), capitalize(&ty)]
        })
        .collect();
    out.push(Block::Table {
        head: ["What", "Value"].map(String::from).to_vec(),
        rows,
    });
}
