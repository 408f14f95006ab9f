//! HTML pages → article text and metadata.
//!
//! The article is found by `dom_smoothie` (a port of Mozilla's
//! Readability, the algorithm behind Firefox's reader view): it scores the
//! page's blocks by their text, commas and link density, keeps the best
//! one with its siblings, and drops what reads as chrome (menus, lists of
//! headlines, share buttons, comment threads, subscribe prompts). Both it
//! and the walk below parse with html5ever, the browsers' algorithm, so
//! any byte soup parses.
//!
//! The article's HTML is then turned into text here: script, style,
//! navigation, forms and similar chrome are dropped; each block element
//! (paragraph, heading, list item, quote, table cell, ...) becomes its own
//! paragraph, separated by a blank line, with whitespace inside it
//! collapsed. The tree is walked without recursion, so nesting depth costs
//! no stack. A page where Readability finds no article (too little text,
//! or none in one block) is read whole by the same walk, as before.
//!
//! Metadata (canonical URL, title, published time, site name) come from
//! the page's head, read before Readability changes the tree.

use dom_query::Document;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::Meta;

/// Elements whose whole subtree is page chrome, not article text.
const CHROME: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "iframe", "svg", "canvas", "object", "embed", "menu", "dialog", "head",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figcaption",
    "figure",
    "address",
    "hr",
    "br",
    "body",
];

/// An HTML page's article text (paragraphs separated by blank lines) and
/// metadata. A page over a limit of [`guard`](super::guard) is reduced
/// first, and a date that is none of [`normalize_date`](super::normalize_date)'s
/// forms is left out; both push a warning to `notes`.
pub fn extract(html: &str, notes: &mut Vec<String>) -> (String, Meta) {
    let html = super::guard::html(html, notes);
    let doc = Document::from(html.as_ref());
    let mut meta = meta_of(&doc);
    let fix = "Fix the page's article:published_time, date or time[datetime]";
    meta.date = super::date_or_note(meta.date.as_deref(), "the page's date", fix, notes);
    let article = dom_smoothie::Readability::with_document(doc, None, None)
        .and_then(|mut r| r.parse())
        .ok()
        .map(|a| text_of(&Html::parse_fragment(&a.content)))
        .filter(|t| !t.is_empty());
    let text = match article {
        Some(t) => t,
        None => text_of(&Html::parse_document(&html)),
    };
    (trim_chrome(text), meta)
}

/// Most words of a paragraph [`is_chrome`] may call chrome.
const CHROME_MAX_WORDS: usize = 40;

/// Whether a short paragraph is a site's standing line rather than the
/// article's: a copyright line, a cookie notice, a newsletter prompt, a
/// comment or share invitation. Judged on its words only, so it is asked
/// only of the paragraphs at the article's two ends (see [`trim_chrome`]).
fn is_chrome(para: &str) -> bool {
    if para.split_whitespace().count() > CHROME_MAX_WORDS {
        return false;
    }
    let p = para.to_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| p.contains(x));
    p.contains('©')
        || p.starts_with("copyright")
        || p.contains("all rights reserved")
        || (p.contains("cookie") && has(&["we use", "accept", "policy", "consent", "agree"]))
        || (p.contains("newsletter") && has(&["subscribe", "sign up", "sign-up"]))
        || has(&[
            "leave a reply",
            "leave a comment",
            "share this article",
            "share on facebook",
        ])
}

/// `text` without the chrome paragraphs ([`is_chrome`]) that lead or end
/// it: Readability keeps a cookie notice or a copyright line that sits
/// beside the article in the same container.
fn trim_chrome(text: String) -> String {
    let paras: Vec<&str> = text.split("\n\n").collect();
    let start = paras.iter().take_while(|p| is_chrome(p)).count();
    let end = paras.len()
        - paras[start..]
            .iter()
            .rev()
            .take_while(|p| is_chrome(p))
            .count();
    if start == 0 && end == paras.len() {
        return text;
    }
    paras[start..end].join("\n\n")
}

/// The text of an HTML fragment (a feed item's content), as [`extract`].
pub fn fragment_text(html: &str, notes: &mut Vec<String>) -> String {
    text_of(&Html::parse_fragment(&super::guard::html(html, notes)))
}

fn text_of(doc: &Html) -> String {
    let mut out = String::new();
    let mut para = String::new();
    // Depth inside chrome elements (their text is skipped).
    let mut skip = 0usize;
    let end_para = |para: &mut String, out: &mut String| {
        let t = para.trim();
        if !t.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(t);
        }
        para.clear();
    };
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if skip > 0 || CHROME.contains(&name) {
                        skip += 1;
                    } else if BLOCKS.contains(&name) {
                        end_para(&mut para, &mut out);
                    }
                }
                Node::Text(t) if skip == 0 => {
                    // Whitespace collapses to one space; text nodes that
                    // touch (`a<b>b</b>.`) stay joined.
                    if t.starts_with(char::is_whitespace)
                        && !para.is_empty()
                        && !para.ends_with(' ')
                    {
                        para.push(' ');
                    }
                    for (i, word) in t.split_whitespace().enumerate() {
                        if i > 0 {
                            para.push(' ');
                        }
                        para.push_str(word);
                    }
                    if t.ends_with(char::is_whitespace) && !para.is_empty() && !para.ends_with(' ')
                    {
                        para.push(' ');
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if skip > 0 {
                        skip -= 1;
                    } else if BLOCKS.contains(&e.name()) {
                        end_para(&mut para, &mut out);
                    }
                }
            }
        }
    }
    end_para(&mut para, &mut out);
    out
}

fn meta_of(doc: &Document) -> Meta {
    let first = |css: &str, attr: Option<&str>| -> Option<String> {
        let sel = doc.try_select(css)?;
        let el = *sel.nodes().first()?;
        let v = match attr {
            Some(a) => el.attr(a)?.to_string(),
            None => el.text().to_string(),
        };
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        (!v.is_empty()).then_some(v)
    };
    Meta {
        url: first("link[rel=canonical]", Some("href"))
            .or_else(|| first("meta[property='og:url']", Some("content"))),
        title: first("meta[property='og:title']", Some("content"))
            .or_else(|| first("title", None))
            .or_else(|| first("h1", None)),
        date: first("meta[property='article:published_time']", Some("content"))
            .or_else(|| first("meta[name=date]", Some("content")))
            .or_else(|| first("time[datetime]", Some("datetime"))),
        source: first("meta[property='og:site_name']", Some("content")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_text_without_chrome_and_with_paragraphs() {
        let page = r#"<!doctype html><html><head><title>Harbor strike ends</title>
            <link rel="canonical" href="https://example.com/a/1">
            <meta property="article:published_time" content="2024-05-02T08:30:00+02:00">
            <meta property="og:site_name" content="The Example Post">
            <style>p { color: red }</style><script>var x = "not text";</script></head>
            <body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
            <article><h1>Harbor strike ends</h1>
            <p>Dock workers   voted on <b>Friday</b> to end
               the strike.</p><p>The port reopens on Monday.</p>
            <ul><li>First item</li><li>Second item</li></ul></article>
            <aside>Most read: something else</aside>
            <footer>Leave a reply. Cookies help us.</footer></body></html>"#;
        let (text, meta) = extract(page, &mut Vec::new());
        assert_eq!(
            text,
            "Dock workers voted on Friday to end the strike.\n\n\
             The port reopens on Monday.\n\nFirst item\n\nSecond item"
        );
        assert_eq!(meta.url.as_deref(), Some("https://example.com/a/1"));
        assert_eq!(meta.title.as_deref(), Some("Harbor strike ends"));
        assert_eq!(meta.date.as_deref(), Some("2024-05-02T06:30:00Z"));
        assert_eq!(meta.source.as_deref(), Some("The Example Post"));
    }

    #[test]
    fn deeply_nested_and_broken_html_is_fine() {
        // html5ever's cost grows with depth × elements; the guard drops the
        // tags past 512 levels (with a warning) and keeps the text.
        let deep = format!("{}deep text{}", "<div>".repeat(20_000), "</div>".repeat(10));
        let mut notes = Vec::new();
        assert_eq!(extract(&deep, &mut notes).0, "deep text");
        assert!(notes[0].contains("20000 deep"), "{notes:?}");
        let soup = "<p>unclosed <b>bold <i>both</p> after </i></b> <<>> &amp; &bogus;";
        let mut notes = Vec::new();
        let (text, _) = extract(soup, &mut notes);
        assert!(text.contains("unclosed bold both"), "{text:?}");
        assert!(text.contains("& &bogus;"), "{text:?}");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(extract("", &mut notes).0, "");
    }

    #[test]
    fn a_date_in_no_known_form_is_left_out_with_a_note() {
        let page = r#"<meta property="article:published_time" content="last Tuesday"><p>x</p>"#;
        let mut notes = Vec::new();
        assert_eq!(extract(page, &mut notes).1.date, None);
        assert!(
            notes[0].contains("`last Tuesday` is not a date"),
            "{notes:?}"
        );
    }

    #[test]
    fn chrome_at_the_article_ends_is_trimmed_and_inside_it_kept() {
        let t = "We use cookies on this site. Accept?\n\nThe council met.\n\n\
                 Its copyright claim was rejected.\n\nThe vote was 5-2.\n\n\
                 Copyright 2024 Example Media.\n\nSubscribe to our newsletter";
        assert_eq!(
            trim_chrome(t.to_string()),
            "The council met.\n\nIts copyright claim was rejected.\n\nThe vote was 5-2."
        );
        let long = format!("All rights reserved {}", "word ".repeat(CHROME_MAX_WORDS));
        assert_eq!(trim_chrome(long.clone()), long);
        assert_eq!(trim_chrome("© Example".to_string()), "");
    }

    #[test]
    fn fragments_keep_paragraphs() {
        assert_eq!(
            fragment_text("<p>One.</p><p>Two &amp; three.</p>", &mut Vec::new()),
            "One.\n\nTwo & three."
        );
        assert_eq!(
            fragment_text("plain text, no tags", &mut Vec::new()),
            "plain text, no tags"
        );
    }
}
