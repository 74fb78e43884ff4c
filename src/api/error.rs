//! The errors of the façade, as typed values.

use std::fmt;
use std::path::PathBuf;

use super::finding::Finding;
use crate::Diagnostics;

/// Why a policy could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read, or is not UTF-8 text.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong, in words, naming the file.
        message: String,
    },
    /// The policy was read but does not check: every error of the file.
    Invalid(Box<Diagnostics>),
}

impl LoadError {
    /// The findings that stop the policy from checking, as data (empty for
    /// [`LoadError::Io`]).
    ///
    /// ```
    /// let err = clause::Policy::from_text("p.policy", "policy p \"P\" {").unwrap_err();
    /// assert_eq!(err.findings()[0].code, "clause::syntax");
    /// ```
    pub fn findings(&self) -> Vec<Finding> {
        match self {
            LoadError::Io { .. } => Vec::new(),
            LoadError::Invalid(d) => Finding::all(d),
        }
    }

    /// The error drawn as the command line draws it (for a policy that does not
    /// check: each diagnostic with its source lines, at `width` columns).
    pub fn render(&self, width: usize) -> String {
        match self {
            LoadError::Io { message, .. } => format!("error: {message}\n"),
            LoadError::Invalid(d) => d.render(width),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { message, .. } => f.write_str(message),
            LoadError::Invalid(d) => {
                let n = d.items.len() + d.omitted;
                write!(
                    f,
                    "{} does not check ({n} problem{})",
                    d.source.name,
                    plural(n)
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// One problem with a claim: where it is (a JSON path such as
/// `items[0].price.amount`, empty for the whole claim) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimProblem {
    /// The JSON path of the value at fault.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

/// A claim that is not valid for the policy: every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimError {
    /// The problems, in the order found; never empty.
    pub problems: Vec<ClaimProblem>,
}

impl ClaimError {
    pub(crate) fn from_internal(e: crate::language::eval::ClaimErrors) -> ClaimError {
        ClaimError {
            problems: e
                .0
                .into_iter()
                .map(|p| ClaimProblem {
                    path: p.path,
                    message: p.message,
                })
                .collect(),
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> ClaimError {
        ClaimError {
            problems: vec![ClaimProblem {
                path: String::new(),
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            if p.path.is_empty() {
                f.write_str(&p.message)?;
            } else {
                write!(f, "{}: {}", p.path, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ClaimError {}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
