//! `clause eval POLICY --claim FILE`: one verdict as JSON.

use std::io::Read;
use std::path::Path;

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY, WIDTH};

pub fn run(policy: &Path, claim: &Path) -> i32 {
    let policy = match load_policy(policy) {
        Ok(p) => p,
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e}");
            return EXIT_POLICY;
        }
        Err(LoadError::Policy(d)) => {
            eprint!("{}", d.render(WIDTH));
            return EXIT_POLICY;
        }
    };
    let text = match read_claim(claim) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    match crate::eval::eval_json(&policy, &text) {
        Ok(v) => match serde_json::to_string_pretty(&v) {
            Ok(s) => {
                outln!("{s}");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: cannot write the verdict: {e}");
                EXIT_INPUT
            }
        },
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("error: invalid claim: {e}");
            }
            EXIT_INPUT
        }
    }
}

fn read_claim(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the claim from standard input: {e}"))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    }
    String::from_utf8(bytes).map_err(|_| "the claim is not UTF-8 text".to_string())
}
