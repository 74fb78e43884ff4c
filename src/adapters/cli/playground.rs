//! `clause playground`: `clause serve` on the bundled policies (or `--policies
//! DIR`), with the playground page at `/`; prints its address and opens it in
//! the system's browser (`--no-open` only prints it).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser as _;

use super::{EXIT_INPUT, EXIT_USAGE};

/// The bundled policies, their cases files and their merchants' pages, written
/// to a fresh folder at start.
const BUNDLED: &[(&str, &str)] = &[
    (
        "boutique.policy",
        include_str!("../../../policies/boutique.policy"),
    ),
    (
        "boutique.cases.json",
        include_str!("../../../policies/boutique.cases.json"),
    ),
    (
        "boutique.page.txt",
        include_str!("../../../policies/boutique.page.txt"),
    ),
    (
        "imicro.policy",
        include_str!("../../../policies/imicro.policy"),
    ),
    (
        "imicro.cases.json",
        include_str!("../../../policies/imicro.cases.json"),
    ),
    (
        "imicro.page.txt",
        include_str!("../../../policies/imicro.page.txt"),
    ),
    (
        "imirror.policy",
        include_str!("../../../policies/imirror.policy"),
    ),
    (
        "imirror.cases.json",
        include_str!("../../../policies/imirror.cases.json"),
    ),
    (
        "imirror.page.txt",
        include_str!("../../../policies/imirror.page.txt"),
    ),
    (
        "import-express.policy",
        include_str!("../../../policies/import-express.policy"),
    ),
    (
        "import-express.cases.json",
        include_str!("../../../policies/import-express.cases.json"),
    ),
    (
        "import-express.page.txt",
        include_str!("../../../policies/import-express.page.txt"),
    ),
    ("imro.policy", include_str!("../../../policies/imro.policy")),
    (
        "imro.cases.json",
        include_str!("../../../policies/imro.cases.json"),
    ),
    (
        "imro.page.txt",
        include_str!("../../../policies/imro.page.txt"),
    ),
];

/// `clause serve`'s own options, parsed from the arguments this command builds.
#[derive(clap::Parser)]
struct ServeArgs {
    #[command(flatten)]
    args: crate::adapters::serve::Args,
}

pub struct Options {
    pub policies: Option<PathBuf>,
    pub addr: SocketAddr,
    pub allow_write: bool,
    pub open: bool,
}

pub fn run(options: Options) -> i32 {
    // The bundled policies are served from a temporary copy deleted on exit:
    // cases written there would be lost without a word.
    if options.allow_write && options.policies.is_none() {
        eprintln!(
            "error: --allow-write needs --policies DIR: without it the playground serves a temporary copy of the bundled policies, deleted when it stops, and the cases it wrote would be lost\n\n  copy the policies to a folder of yours and serve it: clause playground --policies DIR --allow-write"
        );
        return EXIT_USAGE;
    }
    // Bound first, so the address is known before the server starts and can be
    // printed and opened; the server takes this very socket.
    let bound = TcpListener::bind(options.addr).and_then(|l| Ok((l.local_addr()?, l)));
    let (addr, listener) = match bound {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", options.addr);
            return EXIT_INPUT;
        }
    };
    let (dir, bundled) = match options.policies {
        Some(dir) => (dir, None),
        None => match write_bundled() {
            Ok(dir) => (dir.clone(), Some(dir)),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_INPUT;
            }
        },
    };
    let mut argv = vec![
        "clause-serve".to_string(),
        "--policies".to_string(),
        dir.display().to_string(),
        "--addr".to_string(),
        addr.to_string(),
    ];
    if options.allow_write {
        argv.push("--allow-write".to_string());
    }
    let args = match ServeArgs::try_parse_from(argv) {
        Ok(a) => a.args,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let url = format!("http://{addr}/");
    eprintln!(
        "playground at {url} ({}; Ctrl-C stops it)",
        if bundled.is_some() {
            "the bundled policies".to_string()
        } else {
            format!("the policies in {}", dir.display())
        }
    );
    if options.open {
        std::thread::spawn(move || open_when_up(addr, &url));
    }
    let code = crate::adapters::serve::run_on(args, Some(listener));
    if let Some(dir) = bundled {
        let _ = std::fs::remove_dir_all(dir);
    }
    code
}

/// The bundled policies in a new folder under the system's temporary folder.
fn write_bundled() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("clause-playground-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in BUNDLED {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(dir)
}

/// Opens `url` in the system's browser once the server answers (for at most 10 seconds).
fn open_when_up(addr: SocketAddr, url: &str) {
    for _ in 0..100 {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let Some((program, first)) = opener.split_first() else {
        return;
    };
    let opened = std::process::Command::new(program)
        .args(first)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    if !opened.is_ok_and(|s| s.success()) {
        eprintln!("note: could not open a browser; open {url} yourself");
    }
}
