//! `clause explain`: a verdict as plain sentences a support agent can send a
//! customer.
//!
//! The explanation is made of the verdict, the decoded claim and the checked
//! policy, nothing else: no clock is read, so the same inputs always give the
//! same words. It says, in order:
//!
//! - the decision in words (what is granted, and how much goes back);
//! - the merchant's own words: each `because` message, quoted;
//! - the dates worked out, in long form and in the policy's time zone: when the
//!   time began (the window's anchor event), when it ends (the verdict's
//!   `deadlines`), and where the claim's own event falls;
//! - who pays which fee, and what is taken off the refund;
//! - what is still to be sent (missing evidence);
//! - for a denial, what would have changed it: the nearest deadline the claim
//!   missed and by how much, or else the rule's words as the reason.
//!
//! Only facts the policy reads are kept in a decoded claim (see `eval::facts`):
//! an order id or a delivery date the policy never reads is not known here, and
//! the sentences do without it.

use crate::language::check::ir::Policy;
use crate::language::eval::Claim;
use crate::Verdict;

mod change;
mod dates;
mod decision;
mod fees;
mod output;
mod phrases;
use decision::Explainer;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use phrases::evidence_words;

/// How an explanation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    /// Plain paragraphs, ready to paste into an e-mail.
    Text,
    /// A short heading, paragraphs, quotes and bullets.
    Markdown,
    /// `{"decision", "summary", "sentences": [..], "what_would_change": string|null}`.
    Json,
}

/// Explains a verdict for the customer.
pub fn explain(policy: &Policy, claim: &Claim, verdict: &Verdict, format: ExplainFormat) -> String {
    let e = Explainer::new(policy, claim, verdict).run();
    match format {
        ExplainFormat::Text => e.text(),
        ExplainFormat::Markdown => e.markdown(),
        ExplainFormat::Json => e.json(),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::decision::Late;
    use super::phrases::{evidence_words, join_and, md, money, window_words, words};
    use super::*;
    use crate::language::check::vocab::EVIDENCE;
    use crate::language::money::Money;

    const POLICY: &str = r#"
policy shop "Shop Returns" {
  currency USD
  timezone "America/New_York"

  window return_window = 30 days from order.delivered_at else order.placed_at

  rules for return {
    rule final_sale: deny
      "Final sale items cannot be returned."
      when item.tags has final_sale

    rule damaged: approve refund
      "Items damaged in transit are refunded in full."
      "Please send photos of the item and of the damage."
      when claim.reason is damaged_in_transit
      requires evidence photos_item, photos_damage
      refund item.price * item.quantity
      fee return_shipping paid by merchant
      deadline return_window

    rule standard: approve refund
      "Returns are accepted within 30 days of delivery."
      "Return shipping is taken off the refund."
      when claim.filed_at within return_window
      refund item.price * item.quantity
      deduct return_shipping USD 45
      fee return_shipping paid by customer
      deadline return_window

    otherwise too_late: deny
      "Returns are accepted within 30 days of delivery."
      deadline return_window
  }
}
"#;

    fn claim_json(filed: &str, reason: &str, tags: &str) -> String {
        format!(
            r#"{{
  "claim_id": "C-1",
  "order": {{
    "id": "A-1",
    "placed_at": "2023-11-10T10:00:00-05:00",
    "delivered_at": "2023-11-16T14:05:00-05:00",
    "total": {{"amount": "199.00", "currency": "USD"}}
  }},
  "items": [{{"sku": "SKU-1", "category": "electronics", "price": {{"amount": "199.00", "currency": "USD"}},
              "quantity": 1, "tags": [{tags}]}}],
  "claim": {{"filed_at": "{filed}", "reason": "{reason}", "evidence": ["photos_item"]}}
}}"#
        )
    }

    fn run(filed: &str, reason: &str, tags: &str, format: ExplainFormat) -> String {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let mut claim =
            crate::language::eval::decode(&claim_json(filed, reason, tags), &policy).unwrap();
        // The policy does not read order.id, so decoding drops it; a caller may fill it in.
        claim.order.id = Some("A-1".to_string());
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        explain(&policy, &claim, &verdict, format)
    }

    #[test]
    fn approval_says_what_goes_back_and_who_pays() {
        let t = run("2023-12-01", "changed_mind", "", ExplainFormat::Text);
        assert!(
            t.starts_with("We can refund your order A-1: USD 154.00 goes back to you.\n"),
            "{t}"
        );
        assert!(t.contains("Our policy says: “Returns are accepted within 30 days of delivery. Return shipping is taken off the refund.”"), "{t}");
        assert!(t.contains("You received the order on 16 November 2023; returns are accepted until 16 December 2023; your request of 1 December 2023 is within that time."), "{t}");
        // A fee taken off the refund is one sentence: who pays it, and how much.
        assert!(
            t.contains("You pay the return shipping: USD 45.00 is taken off the refund."),
            "{t}"
        );
        assert!(!t.contains("What would have changed it"), "{t}");
    }

    #[test]
    fn denial_after_the_window_counts_the_days() {
        let t = run(
            "2023-12-20T09:00:00-05:00",
            "changed_mind",
            "",
            ExplainFormat::Text,
        );
        assert!(t.starts_with("We cannot accept this return.\n"), "{t}");
        assert!(t.contains("You received the order on 16 November 2023; returns are accepted until 16 December 2023; your request of 20 December 2023 is after that date."), "{t}");
        assert!(t.contains("Your request came 4 days after the last day of the return window (16 December 2023)"), "{t}");
        assert!(!t.contains("You pay"), "{t}");

        let j: serde_json::Value = serde_json::from_str(&run(
            "2023-12-20T09:00:00-05:00",
            "changed_mind",
            "",
            ExplainFormat::Json,
        ))
        .unwrap();
        assert_eq!(j["decision"], "deny");
        assert_eq!(j["summary"], "We cannot accept this return.");
        assert!(j["sentences"].as_array().unwrap().len() >= 2);
        assert!(j["what_would_change"]
            .as_str()
            .unwrap()
            .starts_with("Your request came 4 days after"));
    }

    #[test]
    fn denial_by_a_rule_gives_its_words_as_the_reason() {
        let t = run(
            "2023-12-01",
            "changed_mind",
            "\"final_sale\"",
            ExplainFormat::Json,
        );
        let j: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(j["decision"], "deny");
        assert_eq!(
            j["what_would_change"],
            "The decision does not turn on a date; it rests on our policy's words: “Final sale items cannot be returned.”"
        );
    }

    #[test]
    fn review_lists_the_missing_evidence() {
        let t = run("2023-12-01", "damaged_in_transit", "", ExplainFormat::Text);
        assert!(
            t.starts_with("A member of our team will look at your request.\n"),
            "{t}"
        );
        assert!(
            t.contains("To go on, we need from you:\n- photos of the damage"),
            "{t}"
        );
        assert!(!t.contains("- photos of the item\n"), "{t}");
        assert!(
            t.contains("If we accept your request, the return shipping is on us."),
            "{t}"
        );

        let m = run(
            "2023-12-01",
            "damaged_in_transit",
            "",
            ExplainFormat::Markdown,
        );
        assert!(m.starts_with("## Your return: under review\n"), "{m}");
        assert!(
            m.contains("### What we need from you\n\n- photos of the damage"),
            "{m}"
        );
        assert!(
            m.contains("> “Items damaged in transit are refunded in full."),
            "{m}"
        );

        let j: serde_json::Value = serde_json::from_str(&run(
            "2023-12-01",
            "damaged_in_transit",
            "",
            ExplainFormat::Json,
        ))
        .unwrap();
        assert_eq!(j["decision"], "review");
        assert!(j["what_would_change"].is_null());
        assert!(j["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "To go on, we need from you: photos of the damage."));
    }

    #[test]
    fn partial_names_the_items_on_each_side() {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let json = claim_json("2023-12-01", "changed_mind", "").replace(
            r#""tags": []}]"#,
            r#""tags": []},
              {"sku": "SKU-2", "category": "toys", "price": {"amount": "1200.00", "currency": "USD"},
               "quantity": 1, "tags": ["final_sale"]}]"#,
        );
        let claim = crate::language::eval::decode(&json, &policy).unwrap();
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        let t = explain(&policy, &claim, &verdict, ExplainFormat::Text);
        assert!(t.starts_with("We can refund SKU-1 from your order: USD 154.00 goes back to you, but we cannot accept SKU-2.\n"), "{t}");
        assert!(
            t.contains("For SKU-2, our policy says: “Final sale items cannot be returned.”"),
            "{t}"
        );
        // Only the accepted item has fees; it needs no name.
        assert!(
            t.contains("You pay the return shipping: USD 45.00 is taken off the refund."),
            "{t}"
        );
        assert!(
            t.contains("For SKU-2, the decision does not turn on a date"),
            "{t}"
        );
    }

    #[test]
    fn review_of_several_items_goes_item_by_item() {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let json = claim_json("2023-12-01", "damaged_in_transit", "").replace(
            r#""tags": []}]"#,
            r#""tags": []},
              {"sku": "SKU-2", "category": "toys", "price": {"amount": "20.00", "currency": "USD"},
               "quantity": 1, "tags": ["final_sale"]}]"#,
        );
        let claim = crate::language::eval::decode(&json, &policy).unwrap();
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        let t = explain(&policy, &claim, &verdict, ExplainFormat::Markdown);
        assert!(
            t.contains(
                "\n\nItem by item: SKU-1 will be looked at by our team, SKU-2 is not accepted.\n"
            ),
            "{t}"
        );
        assert!(
            t.contains("If we accept your request, the return shipping is on us."),
            "{t}"
        );
        assert!(!t.contains("What would have changed it"), "{t}");
    }

    #[test]
    fn a_kind_without_rules_goes_to_a_person_without_engine_words() {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let json = claim_json("2023-12-01", "none", "")
            .replace(r#""filed_at""#, r#""kind": "shipping", "filed_at""#);
        let claim = crate::language::eval::decode(&json, &policy).unwrap();
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        let t = explain(&policy, &claim, &verdict, ExplainFormat::Text);
        assert_eq!(t, "A member of our team will look at your request.\n");
    }

    #[test]
    fn money_is_grouped() {
        let usd = crate::language::money::Currency::parse("USD").unwrap();
        let m = |s: &str| Money::new(s.parse().unwrap(), usd);
        assert_eq!(money(m("1753")), "USD 1,753.00");
        assert_eq!(money(m("1234567.5")), "USD 1,234,567.50");
        assert_eq!(money(m("999.999")), "USD 1,000.00");
        assert_eq!(money(m("0")), "USD 0.00");
    }

    #[test]
    fn every_evidence_code_has_words() {
        for code in EVIDENCE {
            assert_ne!(evidence_words(code), words(code), "{code}");
        }
    }

    #[test]
    fn output_is_the_same_every_time() {
        let a = run("2023-12-20", "changed_mind", "", ExplainFormat::Markdown);
        let b = run("2023-12-20", "changed_mind", "", ExplainFormat::Markdown);
        assert_eq!(a, b);
    }

    #[test]
    fn small_words() {
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(window_words("label_validity"), "the label validity period");
        assert_eq!(window_words("return_window"), "the return window");
        assert_eq!(md("a_b*c"), "a\\_b\\*c");
        assert_eq!(Late::Minutes(90).words(), "1 hour and 30 minutes");
        assert_eq!(Late::Minutes(120).words(), "2 hours");
        assert_eq!(Late::Days(1).words(), "1 day");
    }
}
