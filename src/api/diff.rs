//! [`diff`]: what changes between two versions of a policy.

use super::policy::Policy;

pub use crate::tools::diff::StaticChange as Change;
pub use crate::tools::diff::{MoneyMoved, PayerFlip, Replay, Transition};

/// The differences between two versions of a policy, declaration by
/// declaration (rules, windows, thresholds, tables, fees, settings), in words.
/// Replaying past claims under both is `clause diff --claims`.
///
/// ```
/// let old = clause::Policy::load("policies/imicro.policy")?;
/// let new_text = old.text().replace("30 days", "45 days");
/// let new = clause::Policy::from_text("new.policy", &new_text)?;
/// let changes = clause::diff(&old, &new);
/// assert!(changes.iter().any(|c| c.what == "window"));
/// assert!(clause::diff(&old, &old).is_empty());
/// # Ok::<(), clause::LoadError>(())
/// ```
pub fn diff(old: &Policy, new: &Policy) -> Vec<Change> {
    let (old_ast, _) = old.parts();
    let (new_ast, _) = new.parts();
    crate::tools::diff::static_diff(old_ast, old.text(), new_ast, new.text())
}

/// Replays every claim of `input` (JSON lines; a Parquet history through
/// [`crate::parquet::ClaimLines`]) under both versions of a policy, on
/// `threads` threads, keeping up to `examples` claim ids for each kind of
/// change: how decisions, refunds and fee payers would move.
///
/// ```
/// let old = clause::Policy::load("policies/imicro.policy")?;
/// let new = clause::Policy::from_text("new.policy", &old.text().replace("30 days", "10 days"))?;
/// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
/// let line = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&claim)?)?;
/// let replay = clause::replay(&old, &old, line.as_bytes(), 1, 3)?;
/// assert_eq!((replay.claims, replay.changed), (1, 0));
/// # let _ = new;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn replay<R: std::io::BufRead>(
    old: &Policy,
    new: &Policy,
    input: R,
    threads: usize,
    examples: usize,
) -> std::io::Result<Replay> {
    crate::tools::diff::replay(old.parts().1, new.parts().1, input, threads, examples)
}
