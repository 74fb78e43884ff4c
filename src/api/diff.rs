//! [`diff`]: what changes between two versions of a policy.

use super::policy::Policy;

pub use crate::tools::diff::StaticChange as Change;

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
