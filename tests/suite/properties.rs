//! Properties over generated claims (proptest): evaluation is deterministic and
//! does not depend on the order of a claim's keys; money is conserved (refund
//! plus deductions is the refund basis); and a fact no rule reads never changes a
//! verdict.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::support::{claim_with, policy, root, verdict};

/// The same JSON with every object's keys in another order.
fn reorder(v: &Value, seed: u64) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            // A cheap, seed-driven shuffle: rotate and maybe reverse.
            let n = keys.len().max(1);
            keys.rotate_left((seed as usize) % n);
            if seed % 2 == 1 {
                keys.reverse();
            }
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), reorder(&m[k.as_str()], seed / 3 + 1));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| reorder(x, seed + 7)).collect()),
        other => other.clone(),
    }
}

/// Every claim of the five seed policies' cases files, with its policy.
fn seed_claims() -> Vec<(clause::language::check::ir::Policy, Value)> {
    let mut out = Vec::new();
    for name in ["imicro", "boutique", "imirror", "import-express", "imro"] {
        let path = root().join(format!("policies/{name}.cases.json"));
        let file = clause::cases::load(&path).unwrap();
        let p = super::support::policy_file(&root().join(format!("policies/{name}.policy")));
        for case in file
            .cases
            .iter()
            .filter(|c| !c.expect.contains_key("error"))
        {
            out.push((p.clone(), case.claim.clone()));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn verdicts_do_not_depend_on_key_order_or_on_when_they_are_computed(pick in 0usize..10_000, seed in any::<u64>()) {
        let claims = seed_claims();
        let (p, claim) = &claims[pick % claims.len()];
        let first = verdict(p, claim);
        prop_assert_eq!(&first, &verdict(p, claim));
        prop_assert_eq!(&first, &verdict(p, &reorder(claim, seed)));
    }

    #[test]
    fn refund_and_deductions_add_up_to_the_refund_basis(
        cents in 0i64..1_000_000,
        quantity in 1u32..5,
        cost_cents in 0i64..2_000_000,
        percent in 0u32..101,
        cap_cents in 0i64..500_000,
    ) {
        let p = policy(&format!(
            "policy m \"M\" {{\n  timezone \"UTC\"\n  rules for return {{\n    rule ok: approve refund \"Ok.\"\n      refund item.price * item.quantity\n      deduct restocking {percent}% up to USD {}.{:02}\n      deduct return_shipping claim.return_cost when claim.return_cost is set\n  }}\n}}\n",
            cap_cents / 100,
            cap_cents % 100
        ));
        let price = format!("{}.{:02}", cents / 100, cents % 100);
        let cost = format!("{}.{:02}", cost_cents / 100, cost_cents % 100);
        let v = verdict(&p, &claim_with(&[
            ("items[0].price", json!({"amount": price, "currency": "USD"})),
            ("items[0].quantity", json!(quantity)),
            ("claim.return_cost", json!({"amount": cost, "currency": "USD"})),
        ]));
        let dec = |x: &Value| x.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        let refund = dec(&v["refund"]["amount"]);
        let deducted: rust_decimal::Decimal = v["deductions"].as_array().unwrap().iter().map(|d| dec(&d["amount"]["amount"])).sum();
        let basis = rust_decimal::Decimal::new(cents, 2) * rust_decimal::Decimal::from(quantity);
        prop_assert!(refund >= rust_decimal::Decimal::ZERO);
        prop_assert_eq!(refund + deducted, basis);
    }

    #[test]
    fn a_fact_no_rule_reads_never_changes_a_verdict(pick in 0usize..10_000, noise in 0u8..6) {
        let claims = seed_claims();
        let (p, claim) = &claims[pick % claims.len()];
        let before = verdict(p, claim);
        // Change a standard fact the policy does not read (to a valid or an invalid value).
        let candidates = [
            ("order.payment_method", json!("gift_card"), clause::language::check::vocab::FactRef::PaymentMethod),
            ("order.shipping_paid", json!({"amount": "nope"}), clause::language::check::vocab::FactRef::ShippingPaid),
            ("order.id", json!(12), clause::language::check::vocab::FactRef::OrderId),
            ("claim.return_shipped_at", json!("not a date"), clause::language::check::vocab::FactRef::ReturnShippedAt),
            ("items[0].condition.packaging_damaged", json!("maybe"), clause::language::check::vocab::FactRef::Cond(clause::language::check::vocab::Condition::PackagingDamaged)),
            ("order.channel", json!("telepathy"), clause::language::check::vocab::FactRef::Channel),
        ];
        let (path, value, fact) = &candidates[noise as usize % candidates.len()];
        prop_assume!(!p.reads.contains(fact));
        let mut changed = claim.clone();
        clause::tools::cases::set_path(&mut changed, path, value.clone()).unwrap();
        let mut after = verdict(p, &changed);
        after["claim_id"] = before["claim_id"].clone();
        prop_assert_eq!(before, after);
    }
}
