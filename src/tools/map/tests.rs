//! The sentence splitter, the normaliser and the matcher of quotes against a page.

use super::*;

#[test]
fn sentences_split_at_ends_not_at_abbreviations() {
    let s = split_sentences(
        "RETURNS\n\nShip it back within 30 days. Items must be unused, e.g. tags on! Ask us.\n",
    );
    let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "RETURNS",
            "Ship it back within 30 days.",
            "Items must be unused, e.g. tags on!",
            "Ask us."
        ]
    );
    assert_eq!(s.first().map(|s| s.kind), Some(Kind::Heading));
}

#[test]
fn normalising_ignores_case_quotes_and_spaces() {
    assert_eq!(
        normalize("  “Sold  and Shipped” by iMicro. "),
        normalize("\"sold and shipped\" by imicro")
    );
}

#[test]
fn a_small_edit_is_close_and_a_rewrite_is_not() {
    let page = [normalize(
        "Return labels are valid for 14 days from the date they are issued.",
    )];
    let (_, exact) = locate(&normalize("return labels are valid for 14 days"), &page);
    assert_eq!(exact, 100);
    let (_, near) = locate(
        &normalize("Return labels are valid for 15 days from the date they are issued."),
        &page,
    );
    assert!((NEAR..100).contains(&near), "{near}");
    let (_, far) = locate(
        &normalize("Refunds go to the original payment method."),
        &page,
    );
    assert!(far < NEAR, "{far}");
}

#[test]
fn on_a_long_page_the_nearest_sentence_and_stretch_are_still_found() {
    // Far more sentences, and a far longer sentence, than are compared in full.
    let filler = |i: usize| format!("item {i} ships from our warehouse in a plain brown box");
    let mut page: Vec<String> = (0..500).map(|i| normalize(&filler(i))).collect();
    let target = "return labels are valid for 14 days from the date they are issued";
    page.insert(321, normalize(target));
    let (found, close) = locate(&normalize(&target.replace("14", "15")), &page);
    assert_eq!(found, vec![321]);
    assert!((NEAR..100).contains(&close), "{close}");
    let long = format!(
        "{} {target} {}",
        (0..300).map(filler).collect::<Vec<_>>().join(" "),
        (300..600).map(filler).collect::<Vec<_>>().join(" ")
    );
    let c = closeness(&normalize(&target.replace("14", "15")), &normalize(&long));
    assert!((NEAR..100).contains(&c), "{c}");
}
