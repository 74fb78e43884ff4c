//! The HTML writer: a standalone page, with its style sheet, from the page's blocks.

use super::{Block, Inline};

pub(super) const CSS: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;line-height:1.5;color:#1f2328;max-width:50rem;margin:2rem auto;padding:0 1rem}\
h1,h2,h3{line-height:1.25}\
h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}\
blockquote{margin:.5rem 0;padding:0 1rem;color:#59636e;border-left:.25rem solid #d0d7de}\
table{border-collapse:collapse;margin:1rem 0}\
th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}\
section.rule{margin:1.25rem 0}\
section.rule p{margin:.35rem 0}";

pub(super) fn html(title: &str, blocks: &[Block]) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", html_escape(title)));
    out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n<main>\n"));
    out.push_str(&format!("<h1>{}</h1>\n", html_escape(title)));
    for b in blocks {
        html_block(b, &mut out);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

pub(super) fn html_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(level, text) => {
            out.push_str(&format!("<h{level}>{}</h{level}>\n", html_escape(text)));
        }
        Block::Para(inlines) => {
            out.push_str("<p>");
            for i in inlines {
                match i {
                    Inline::Text(t) => out.push_str(&html_escape(t)),
                    Inline::Strong(t) => {
                        out.push_str(&format!("<strong>{}</strong>", html_escape(t)));
                    }
                }
            }
            out.push_str("</p>\n");
        }
        Block::Quote(text) => {
            out.push_str(&format!(
                "<blockquote><p>{}</p></blockquote>\n",
                html_escape(text)
            ));
        }
        Block::Table { head, rows } => {
            out.push_str("<table>\n<thead><tr>");
            for h in head {
                out.push_str(&format!("<th>{}</th>", html_escape(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in rows {
                out.push_str("<tr>");
                for c in r {
                    out.push_str(&format!("<td>{}</td>", html_escape(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Group(id, blocks) => {
            out.push_str(&format!(
                "<section class=\"rule\" id=\"{}\">\n",
                html_escape(id)
            ));
            for b in blocks {
                html_block(b, out);
            }
            out.push_str("</section>\n");
        }
    }
}

pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
