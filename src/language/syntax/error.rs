//! Syntax errors in words a merchant understands, not grammar rule names.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::Span;

/// The byte offset a pest error points at.
pub(super) fn position(e: &Error<Rule>) -> usize {
    match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// Converts a pest error (in `text`, which starts at `offset` in the file) to a diagnostic.
pub(super) fn from_pest(e: &Error<Rule>, text: &str, offset: usize) -> Diagnostic {
    let pos = position(e);
    let found = found_at(text, pos);
    let start = offset + pos;
    let span = Span::new(
        start,
        start
            + found
                .len()
                .max(1)
                .min(text.len().saturating_sub(pos).max(1)),
    );
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut words: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
            words.sort_unstable();
            words.dedup();
            // Only a rule's title or a fact's label is text before a `:`; it is
            // optional, and the `:` is what is missing.
            if words.contains(&"`:`") {
                words.retain(|w| *w != "text in double quotes");
            }
            words
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found_words = if found.is_empty() {
        "the end of the file".to_string()
    } else {
        crate::language::diagnostic::quoted(found)
    };
    let message = if expected.is_empty() {
        format!("unexpected {found_words}")
    } else {
        format!("expected {}, found {found_words}", join_or(&expected))
    };
    Diagnostic::new(
        Code::Syntax,
        message,
        span,
        "the policy cannot be read past here",
    )
    .with_help(help_for(&expected, found))
}

fn found_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.starts_with('"') {
        return "\"";
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || "(),:{}=<>\"".contains(c))
        .unwrap_or(rest.len());
    match rest.get(..end) {
        Some("") => rest
            .get(..rest.chars().next().map_or(0, char::len_utf8))
            .unwrap_or(""),
        Some(w) => w,
        None => "",
    }
}

fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn help_for(expected: &[&str], found: &str) -> String {
    if expected == ["`:`"] {
        return "a rule reads `rule NAME: DECISION \"the page's words\"`; a fact `fact NAME: TYPE`; a table row `US, MO: USD 130`".to_string();
    }
    if expected == ["`=`"] {
        return "a declaration reads `window NAME = 30 days from EVENT` or `threshold NAME = CONDITION`".to_string();
    }
    if expected.contains(&"`{`") {
        return "a block's contents go between braces: `rules for return { ... }`".to_string();
    }
    let quote_expected = expected.iter().any(|e| e.contains("double quotes"));
    if found == "rule" && expected.contains(&"`}`") && !expected.contains(&"a rule") {
        return "`otherwise` comes last in a rules block: move this rule above it".to_string();
    }
    let after_otherwise = expected.contains(&"`deduct`") && !expected.contains(&"`when`");
    if (found == "when" || found == "unless")
        && (after_otherwise || !quote_expected)
        && !expected.contains(&"`when`")
    {
        return "`otherwise` takes every claim the rules above it leave, so it has no `when` or `unless`; write a `rule` for a condition".to_string();
    }
    if found == "else" {
        return "`else` follows a value that may be missing; a test such as `within` is written in parentheses before it: `(claim.filed_at within contact_window) else false`".to_string();
    }
    if found == "=" {
        return "equality is a single `=`; codes are tested with `is`: `claim.reason is defective`"
            .to_string();
    }
    if found.is_empty() && expected.iter().any(|e| e.contains("policy NAME")) {
        return "a policy file starts with `policy NAME \"Title\" {` and ends with `}`".to_string();
    }
    if found.chars().next().is_some_and(|c| c.is_ascii_digit()) && expected == ["a name"] {
        return "`within`, `after` and `before` take a window's name: declare it first, `window return_window = 30 days from order.delivered_at`".to_string();
    }
    if found == "," {
        return "numbers are written without separators: `USD 1000`, not `USD 1,000`".to_string();
    }
    if found.starts_with('\'') {
        return "the policy's words are written in double quotes: `\"All sales are final.\"`"
            .to_string();
    }
    if expected == ["a name"] && super::RESERVED_WORDS.contains(&found) {
        return format!("`{found}` is a word of the language and cannot be a name; choose another, such as `{found}_rule`");
    }
    if found.is_empty() {
        return "every `{` needs its `}`: a brace is missing at the end of the policy or of a block".to_string();
    }
    if found == "\"" {
        return "a quote opens and closes with `\"` on the same line; write a `\"` inside it as `\\\"`".to_string();
    }
    if expected.iter().any(|e| e.contains("double quotes")) {
        return "the policy's own words come right after the outcome: `rule name: deny \"All sales are final\"`".to_string();
    }
    if expected.iter().any(|e| e.contains("a rule")) {
        return "inside `rules for ... { }` each rule reads `rule name: approve refund \"the page's words\" when ...`, and the block may end with `otherwise name: deny \"...\"`".to_string();
    }
    if expected.iter().any(|e| e.contains("declaration")) {
        return "a policy holds declarations: `currency`, `timezone`, `calendar`, `fact`, `fees`, `window`, `threshold`, `table` and `rules for KIND { ... }`".to_string();
    }
    if expected.iter().any(|e| e.contains("value")) {
        return "a value is a fact (`order.total`), a name (`return_window`), money (`USD 130`), a weight (`30 lb`), a percentage (`15%`), a date (`2024-01-31`), a number, `true` or `false`".to_string();
    }
    "see docs/language.md for the shape of each declaration and rule".to_string()
}

/// What a grammar rule looks like, in words; `None` for rules never worth naming.
fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::EOI => "the end of the file",
        Rule::policy => "`policy NAME \"Title\" { ... }`",
        Rule::currency_decl
        | Rule::timezone_decl
        | Rule::calendar_decl
        | Rule::fact_decl
        | Rule::fees_decl
        | Rule::jurisdictions_decl
        | Rule::window_decl
        | Rule::threshold_decl
        | Rule::table_decl
        | Rule::rules_block => "a declaration",
        Rule::weekend_entry | Rule::holidays_entry => "`weekend ...` or `holidays ...`",
        Rule::type_expr => "a type (bool, number, money, weight, event, code, codes, text)",
        Rule::optional => "`optional`",
        Rule::span_from | Rule::span_until | Rule::span_between => {
            "a span of time (`30 days from EVENT`, `until DATE`, `between DATE and DATE`)"
        }
        Rule::anchor => "the event the window starts from (`order.delivered_at`)",
        Rule::duration => "a duration (`30 days`, `7 business days`, `24 hours`, `2 months`)",
        Rule::time_unit => "a unit of time (days, business days, hours, weeks, months)",
        Rule::extension | Rule::roll_forward | Rule::plain_dates => {
            "a window option (`extended to DATE when ...`, `rolled forward to a business day`, `plain dates at start of day`)"
        }
        Rule::extend_to | Rule::extend_by => "`to DATE` or `by DURATION`",
        Rule::day_edge | Rule::edge_start | Rule::edge_end => "`start` or `end`",
        Rule::table_row => "a table row (`US, MO: USD 130`)",
        Rule::table_key => "a table key",
        Rule::table_default => "`otherwise: VALUE`",
        Rule::scope | Rule::scope_each_item | Rule::scope_whole_order => "`each item` or `whole order`",
        Rule::rule => "a rule",
        Rule::otherwise_rule => "`otherwise NAME: ...`",
        Rule::quote => "the policy's own words in quotes",
        Rule::outcome | Rule::decision => "`approve`, `deny` or `review`",
        Rule::remedies => "a remedy (refund, exchange, store_credit, reship, repair, cancel)",
        Rule::as_requested => "`as requested`",
        Rule::when_clause => "`when CONDITION`",
        Rule::unless_clause => "`unless CONDITION`",
        Rule::evidence_clause => "`requires evidence ...`",
        Rule::refund_clause => "`refund AMOUNT`",
        // `may` is optional before `deduct`: a clause that can start here is named by `deduct`.
        Rule::deduct_clause => "`deduct`",
        Rule::up_to => "`up to AMOUNT`",
        Rule::fee_clause => "`fee NAME paid by customer|merchant`",
        Rule::fee_amount => "`amount AMOUNT`",
        Rule::fee_condition => "`when CONDITION`",
        Rule::deadline_clause => "`deadline WINDOW`",
        Rule::expr | Rule::test | Rule::arith | Rule::term => "a value",
        Rule::not_op => "`not`",
        Rule::and_op | Rule::or_op => "`and` or `or`",
        Rule::is_set
        | Rule::is_missing
        | Rule::is_one_of
        | Rule::is_not_one_of
        | Rule::is_not
        | Rule::is_code
        | Rule::has_any
        | Rule::has_all
        | Rule::has_code
        | Rule::within
        | Rule::after_window
        | Rule::before_window
        | Rule::between
        | Rule::compare => "a test (`is`, `has`, `within`, `after`, `before`, `between`, `<=`, ...)",
        Rule::compare_op => "a comparison (`<`, `<=`, `>`, `>=`, `=`, `!=`)",
        Rule::code_list => "a list of codes in parentheses",
        Rule::code => "a code (`changed_mind`, `jewelry`)",
        Rule::else_op | Rule::add_op | Rule::sub_op | Rule::mul_op => "an operator",
        Rule::conversion => "`in CURRENCY`",
        Rule::money => "an amount of money (`USD 130`)",
        Rule::measure | Rule::unit => "a weight (`30 lb`)",
        Rule::percent => "a percentage",
        Rule::date => "a date (`2024-01-31`)",
        Rule::year => "a year of four digits (`2026`)",
        Rule::number | Rule::digits => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::path => "a fact (`order.total`)",
        Rule::name => "a name",
        Rule::word => "a word",
        Rule::currency_code => "a currency code (`USD`)",
        Rule::string | Rule::string_inner => "text in double quotes",
        Rule::paren => "a value in parentheses",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::remedy => "a remedy (refund, exchange, store_credit, reship, repair, cancel)",
        Rule::kw_policy => "`policy`",
        Rule::kw_currency => "`currency`",
        Rule::kw_timezone => "`timezone`",
        Rule::kw_calendar => "`calendar`",
        Rule::kw_weekend => "`weekend`",
        Rule::kw_holidays => "`holidays`",
        Rule::kw_covering => "`covering`",
        Rule::kw_fact => "`fact`",
        Rule::kw_fees => "`fees`",
        Rule::kw_jurisdictions => "`jurisdictions`",
        Rule::kw_fee => "`fee`",
        Rule::kw_window => "`window`",
        Rule::kw_threshold => "`threshold`",
        Rule::kw_table => "`table`",
        Rule::kw_rules => "`rules`",
        Rule::kw_rule => "`rule`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_optional => "`optional`",
        Rule::kw_from => "`from`",
        Rule::kw_until => "`until`",
        Rule::kw_between => "`between`",
        Rule::kw_extended => "`extended`",
        Rule::kw_rolled => "`rolled`",
        Rule::kw_forward => "`forward`",
        Rule::kw_business => "`business`",
        Rule::kw_day => "`day`",
        Rule::kw_plain => "`plain`",
        Rule::kw_dates => "`dates`",
        Rule::kw_at => "`at`",
        Rule::kw_when => "`when`",
        Rule::kw_unless => "`unless`",
        Rule::kw_requires => "`requires`",
        Rule::kw_evidence => "`evidence`",
        Rule::kw_refund => "`refund`",
        Rule::kw_deduct => "`deduct`",
        Rule::kw_paid => "`paid`",
        Rule::kw_by => "`by`",
        Rule::kw_amount => "`amount`",
        Rule::kw_deadline => "`deadline`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_is => "`is`",
        Rule::kw_has => "`has`",
        Rule::kw_within => "`within`",
        Rule::kw_after => "`after`",
        Rule::kw_before => "`before`",
        Rule::kw_else => "`else`",
        Rule::kw_in => "`in`",
        Rule::kw_of => "`of`",
        Rule::kw_one => "`one`",
        Rule::kw_any => "`any`",
        Rule::kw_all => "`all`",
        Rule::kw_set => "`set`",
        Rule::kw_missing => "`missing`",
        Rule::kw_up => "`up`",
        Rule::kw_to => "`to`",
        Rule::kw_for => "`for`",
        Rule::kw_as => "`as`",
        Rule::kw_requested => "`requested`",
        Rule::kw_each => "`each`",
        Rule::kw_item => "`item`",
        Rule::kw_whole => "`whole`",
        Rule::kw_order => "`order`",
        _ => return None,
    })
}
