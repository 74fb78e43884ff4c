//! The customer-facing page of a policy, generated from the policy file itself,
//! so that the page a customer reads and the verdicts the engine gives can never
//! disagree.
//!
//! [`render`] turns a parsed and checked policy into GitHub-flavoured Markdown or
//! a standalone HTML page. Everything on the page comes from the file: the title,
//! the merchant's quoted words, and every condition, time limit, threshold, table,
//! fee and piece of evidence. Conditions are put into plain English by a small
//! expression-to-words renderer (`Ctx::cond`); nothing is written by hand for
//! one policy. The output depends only on its inputs (no clock, no hash order).

use crate::ast::PolicyFile;
use crate::language::check::ir::Policy;

mod conditions;
mod html;
mod markdown;
mod nouns;
mod page;
mod sections;
mod values;
use conditions::Ctx;
use html::html;
use markdown::markdown;
use nouns::{capitalize, humanize};
use page::page;

/// The output format of a rendered customer page (`Policy::render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderFormat {
    /// GitHub-flavoured Markdown, with tables.
    Markdown,
    /// A standalone HTML5 document with a little inline CSS.
    Html,
}

/// Renders a parsed and checked policy as its customer-facing page.
pub fn render(ast: &PolicyFile, policy: &Policy, format: RenderFormat) -> String {
    let ctx = Ctx::new(ast);
    let title = ast
        .title
        .clone()
        .unwrap_or_else(|| capitalize(&humanize(&ast.name.node)));
    let blocks = page(&ctx, ast, policy);
    match format {
        RenderFormat::Markdown => markdown(&title, &blocks),
        RenderFormat::Html => html(&title, &blocks),
    }
}

// ------------------------------------------------------------------ the document

/// A run of text in a paragraph.
enum Inline {
    Text(String),
    Strong(String),
}

/// A piece of the page, independent of the output format.
enum Block {
    /// A heading of level 2 or 3 (the title is level 1).
    Heading(u8, String),
    Para(Vec<Inline>),
    /// The merchant's own words.
    Quote(String),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The blocks of one rule, with an id for an HTML anchor.
    Group(String, Vec<Block>),
}

fn para(text: impl Into<String>) -> Block {
    Block::Para(vec![Inline::Text(text.into())])
}

// ------------------------------------------------------------------ the page

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::html::html_escape;
    use super::markdown::{md_escape, md_start};
    use super::nouns::path_noun;
    use super::*;
    use crate::language::source::Source;

    /// The words for a condition, given as the body of a threshold.
    fn words(decls: &str, cond: &str) -> String {
        let text = format!(
            "policy t {{ timezone \"UTC\" fact tier: code (gold, silver) optional \
             window return_window = 30 days from order.invoiced_at else order.placed_at \
             {decls} threshold subject = {cond} }}"
        );
        let ast = crate::parse(&Source::new("t.policy", text)).unwrap();
        let ctx = Ctx::new(&ast);
        let e = ctx.threshold("subject").unwrap();
        ctx.cond(e, true, 0).text()
    }

    #[test]
    fn codes_and_comparisons() {
        assert_eq!(
            words("", "item.category is digital"),
            "the item's category is digital"
        );
        assert_eq!(
            words("", "item.weight is set and item.weight <= 30 lb"),
            "the item weighs at most 30 lb"
        );
        assert_eq!(
            words("", "order.destination.country is one of (US, MO)"),
            "the order ships to US or MO"
        );
        assert_eq!(
            words("", "claim.reason is not one of (defective, quality_issue)"),
            "the reason is neither a defect nor a quality issue"
        );
        assert_eq!(
            words("", "order.total in CNY > CNY 1000"),
            "the order total, converted to CNY at the exchange rate of the day, is more than CNY 1,000"
        );
    }

    #[test]
    fn windows_and_known_facts() {
        assert_eq!(
            words("", "claim.filed_at within return_window"),
            "you contact us within the return window"
        );
        assert_eq!(
            words("", "not (claim.filed_at after return_window)"),
            "you contact us by the end of the return window"
        );
        assert_eq!(words("", "facts.tier is set"), "“tier” is known");
        assert_eq!(
            words("", "order.delivered_at is missing"),
            "we have no delivery date for the order"
        );
    }

    #[test]
    fn not_and_or_else() {
        assert_eq!(
            words("", "not (claim.preapproved else false)"),
            "your request was not approved in advance (including when we do not know)"
        );
        assert_eq!(
            words("", "item.condition.used else false"),
            "the item has been used"
        );
        assert_eq!(
            words(
                "",
                "claim.return_label_issued_at is set and ((claim.return_received_at is set \
                 and claim.return_received_at after return_window) or \
                 (claim.return_received_at is missing and as_of after return_window))"
            ),
            "a return label has been issued, and either we receive the return after the return \
             window has ended, or we have not received the return yet and the return window has \
             already ended"
        );
        // A negated threshold: the country may be unknown.
        assert_eq!(
            words(
                "threshold to_fr = order.destination.country is set and order.destination.country is FR",
                "not to_fr"
            ),
            "the order does not ship to FR or the destination country is not known"
        );
    }

    #[test]
    fn every_standard_fact_has_a_noun() {
        for f in crate::language::check::vocab::VOCABULARY {
            let noun = path_noun(f.path);
            assert!(!noun.contains('“'), "{} has no noun phrase", f.path);
        }
    }

    /// A limit in hours is said to end at the exact time; only limits in days
    /// include their last day (the note said so of every limit). A missing
    /// shipping date is not said to mean "not shipped".
    #[test]
    fn limits_in_hours_end_at_the_exact_time() {
        let text = r#"policy shop "Shop" {
  currency USD
  timezone "Asia/Seoul"
  window contact = 24 hours from order.delivered_at, plain dates at end of day
  window arrival = 7 days from order.delivered_at
  rules for return {
    rule unknown: review "We need the shipping date." when claim.return_shipped_at is missing
    otherwise ok: approve refund "Fine." refund item.price
  }
}"#;
        let source = Source::new("shop.policy", text);
        let ast = crate::parse(&source).unwrap();
        let policy = crate::language::check::check(&ast, &source).unwrap();
        let md = render(&ast, &policy, RenderFormat::Markdown);
        assert!(md.contains("Each time limit in days includes its last day. For example, 7 days from 1 September 2023 run to the end of 8 September 2023. Time limits in hours end at the exact time: 24 hours from 12:00 on 1 September 2023 end at 12:00 on 2 September 2023."), "{md}");
        assert!(md.contains("the return has no shipping date yet"), "{md}");
        // A start given as a day: the limit begins with the day (the page said
        // it started at the end of it, which the engine no longer does).
        assert!(md.contains("If the date it starts from has no time of day, the time limit begins with that day and its hours count from the end of that day."), "{md}");
        let hours_only = text.replace("  window arrival = 7 days from order.delivered_at\n", "");
        let source = Source::new("shop.policy", hours_only.as_str());
        let ast = crate::parse(&source).unwrap();
        let policy = crate::language::check::check(&ast, &source).unwrap();
        let md = render(&ast, &policy, RenderFormat::Markdown);
        assert!(!md.contains("includes its last day"), "{md}");
        assert!(
            md.contains("Time limits in hours end at the exact time"),
            "{md}"
        );
    }

    #[test]
    fn renders_a_whole_page() {
        let text = r#"policy shop "Shop <Returns> & More" {
  currency USD
  timezone "Asia/Seoul"
  calendar { weekend friday, saturday  holidays "KR"  holidays 2024-05-01 }
  window w = 5 business days from order.delivered_at, rolled forward to a business day
  table limit by order.destination.country { US, MO: USD 130  otherwise: USD 99 }
  rules for return {
    rule late: deny "Too late | sorry." when order.delivered_at is set and claim.filed_at after w
    rule ok: approve refund "Fine." when order.total >= (limit else USD 1)
      requires evidence order_number
      refund item.price * item.quantity
      deduct restocking 15% up to USD 50 when item.condition.opened else false
      fee return_shipping paid by customer
  }
}"#;
        let source = Source::new("shop.policy", text);
        let ast = crate::parse(&source).unwrap();
        let policy = crate::language::check::check(&ast, &source).unwrap();
        let md = render(&ast, &policy, RenderFormat::Markdown);
        assert!(md.starts_with("# Shop \\<Returns\\> & More\n"), "{md}");
        assert!(md.contains("> Too late \\| sorry."), "{md}");
        assert!(md.contains("| US, MO | USD 130 |"), "{md}");
        assert!(
            md.contains("Business days are Sunday to Thursday, except Korean"),
            "{md}"
        );
        assert!(md.contains("From it we deduct restocking fee: 15% of the refund, at most USD 50, when the item has been opened."), "{md}");
        assert!(md.contains("If its last day is not a business day"), "{md}");
        assert!(md.contains("a person decides those"), "{md}");
        let html = render(&ast, &policy, RenderFormat::Html);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>Shop &lt;Returns&gt; &amp; More</title>"));
        assert_eq!(html, render(&ast, &policy, RenderFormat::Html));
    }

    #[test]
    fn escaping() {
        assert_eq!(md_escape("a | b * c_d _e"), "a \\| b \\* c_d \\_e");
        assert_eq!(md_start("1. first"), "1\\. first");
        assert_eq!(html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
