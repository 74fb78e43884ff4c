//! Embedding Clause as a library, with only its documented API: load the
//! bundled policies, evaluate a claim, and print the diagnostics of a broken
//! policy. Run from the repository's root:
//!
//!     cargo run --example embed
//!
//! It exits non-zero if any of that does not behave as described, so CI runs it.

use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("embed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Every policy of a directory, by name.
    let set = clause::PolicySet::load_dir("policies")?;
    for policy in set.iter() {
        println!(
            "loaded {} ({}) from {}",
            policy.name(),
            policy.version(),
            policy.file_name()
        );
    }
    if let Some((file, why)) = set.failures().first() {
        return Err(format!("{} did not load: {why}", file.display()).into());
    }

    // 2. A claim, as JSON text, to a verdict.
    let imicro = set
        .get("imicro")
        .ok_or("policies/ has no policy named imicro")?;
    let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    let verdict = imicro.evaluate(&claim)?;
    println!(
        "claim {}: {} ({})",
        verdict.claim_id,
        verdict.decision.as_str(),
        verdict.because.first().map_or("", |b| &*b.message)
    );
    if let Some(refund) = &verdict.refund {
        println!("refund: {} {}", refund.amount(), refund.currency());
    }
    println!("{}", imicro.explain(&claim, clause::ExplainFormat::Text)?);

    // 3. A claim that is not valid names the JSON path at fault.
    match imicro.evaluate(r#"{"claim_id": "C-2", "order": {}}"#) {
        Ok(v) => return Err(format!("an empty order was accepted: {}", v.to_json()).into()),
        Err(e) => {
            for p in &e.problems {
                println!("invalid claim: {}: {}", p.path, p.message);
            }
        }
    }

    // 4. A broken policy: its findings as data, and drawn as the CLI draws them.
    let broken = imicro.text().replace("currency USD", "currency XYZ");
    let report = clause::check_text("broken.policy", &broken, &clause::CheckOptions::default());
    if !report.has_errors() {
        return Err("the broken policy checked".into());
    }
    for f in &report.findings {
        let at = f.labels.first().map_or((0, 0), |l| (l.line, l.column));
        println!(
            "broken.policy:{}:{}: {:?} [{}] {}",
            at.0, at.1, f.severity, f.code, f.message
        );
    }
    if let Err(e) = clause::Policy::from_text("broken.policy", &broken) {
        print!("{}", e.render(100));
    }
    Ok(())
}
