//! `clause calendar CODE --year YYYY` and `clause calendar --list`: the bundled
//! holiday calendars, so that a merchant can check which days count before
//! trusting a deadline counted in business days.

use clause::calendar;

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The calendar: an ISO 3166-1 country code (`US`) or ISO 3166-2 region code (`GB-SCT`)
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    code: Option<String>,
    /// The year to list the holidays of
    #[arg(long, required_unless_present = "list", conflicts_with = "list")]
    year: Option<i32>,
    /// List every bundled calendar with the years it covers
    #[arg(long)]
    list: bool,
    /// Output format (`json`: a list of {"date", "name"}, or with --list of {"code", "name", "first_year", "last_year"})
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &Args) -> i32 {
    if args.list {
        return list(args.format);
    }
    let (Some(code), Some(year)) = (&args.code, args.year) else {
        eprintln!("error: give a calendar code and --year, or --list");
        return EXIT_USAGE;
    };
    let holidays = match calendar::holidays(code, year) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            if let calendar::CalendarError::Unknown(_) = e {
                match calendar::suggest(code) {
                    Some(s) => eprintln!(
                        "help: did you mean `{s}`? `clause calendar --list` shows every calendar"
                    ),
                    None => eprintln!("help: `clause calendar --list` shows every calendar"),
                }
            }
            return EXIT_INPUT;
        }
    };
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = holidays
                .iter()
                .map(|h| serde_json::json!({"date": h.date.to_string(), "name": h.name}))
                .collect();
            outln!("{}", serde_json::Value::Array(list));
        }
        Format::Human => {
            let def = calendar::find(code);
            if let Some(def) = def {
                outln!(
                    "{} ({}), {year}: {} holidays",
                    def.name(),
                    def.code(),
                    holidays.len()
                );
            }
            for h in &holidays {
                outln!("{}  {}  {}", h.date, h.date.format("%a"), h.name);
            }
            let workdays = def.map(|d| d.workdays(year)).unwrap_or_default();
            if !workdays.is_empty() {
                outln!("Weekend days that are working days:");
                for d in workdays {
                    outln!("{}  {}  working day", d, d.format("%a"));
                }
            }
        }
    }
    EXIT_OK
}

fn list(format: Format) -> i32 {
    let all = calendar::bundled();
    match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = all
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "code": d.code(),
                        "name": d.name(),
                        "first_year": d.first_year(),
                        "last_year": d.last_year(),
                    })
                })
                .collect();
            outln!("{}", serde_json::Value::Array(list));
        }
        Format::Human => {
            let width = all.iter().map(|d| d.code().len()).max().unwrap_or(2);
            for d in &all {
                outln!(
                    "{:width$}  {}–{}  {}",
                    d.code(),
                    d.first_year(),
                    d.last_year(),
                    d.name()
                );
            }
        }
    }
    EXIT_OK
}
