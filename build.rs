//! Mounts the playground page when its router is in the tree: if
//! `src/adapters/serve/playground.rs` exists, sets `clause_playground` and
//! writes the module declaration that `src/adapters/serve/mod.rs` includes.
//! (A plain `#[cfg] mod playground;` would make `cargo fmt` fail while the
//! file is absent.)

fn main() {
    println!("cargo::rustc-check-cfg=cfg(clause_playground)");
    println!("cargo::rerun-if-changed=src/adapters/serve");
    let file = std::path::Path::new("src/adapters/serve/playground.rs");
    let out = std::env::var("OUT_DIR").map(std::path::PathBuf::from);
    let declaration = match std::fs::canonicalize(file) {
        Ok(path) => {
            println!("cargo::rustc-cfg=clause_playground");
            format!(
                "#[path = {:?}]\nmod playground;\n",
                path.display().to_string()
            )
        }
        Err(_) => String::new(),
    };
    if let Ok(out) = out {
        let _ = std::fs::write(out.join("playground_mod.rs"), declaration);
    }
}
