//! Guards before parsing: one linear pass over a page's or a feed's markup
//! that measures its nesting depth and element count before any tree is
//! built.
//!
//! html5ever's time grows with the square of the nesting depth (it looks
//! through the stack of open elements for each tag): a 1 MB page of 100,000
//! nested `<div>`s took 77 s. So a page is scanned first by a byte scanner
//! over its tags, with no tree, at a cost linear in its bytes
//! ([`html`]); a page over a limit is **reduced** (the opening tags deeper
//! than [`MAX_DEPTH`] are dropped with their closing tags, their text kept;
//! the markup after the [`MAX_ELEMENTS`]th element is cut) and the caller
//! gets a notice for a warning. A feed over a limit is refused ([`xml`]):
//! cut XML does not parse.
//!
//! The depth counted is an estimate of the parser's stack of open elements,
//! meant never to be much below it: open tags push, matching close tags pop
//! (at most [`CLOSE_REACH`] levels, and never past an element whose end tag
//! the parser would not get past), void elements, comments, doctypes and
//! the contents of `script`, `style` and the other raw-text elements count
//! nothing, and an element whose end tag is optional (`li`, `p`, `dd`,
//! `td`, ...) closes an open one of its kind as the parser does. A
//! self-closing tag (`<path/>`) closes itself only inside `<svg>` or
//! `<math>`, as in the parser (`<div/>` opens a `div`). Where the markup
//! inside `<svg>`/`<math>` leaves foreign content in a way the scanner does
//! not follow, it stops honouring self-closing tags and raw-text elements
//! for the rest of the page, so it counts more, never less.
//!
//! The size limit is the one every document has: `--max-record-mb` (64 MiB
//! by default), checked before the file is read whole.

use std::borrow::Cow;

/// Deepest element nesting parsed. Real pages rarely nest past 100 (the
/// deepest of 181 real news pages measured: 51); at 512 levels html5ever's
/// quadratic cost is still a few milliseconds.
pub const MAX_DEPTH: usize = 512;

/// Most elements parsed from one page or feed. A large real news page has
/// 5,000–30,000; 200,000 elements make a tree of about 40 MB.
pub const MAX_ELEMENTS: usize = 200_000;

/// How far down the stack a close tag (or an open tag that closes an
/// element of its kind) looks for its element; beyond it, the tag is taken
/// as unmatched (which can only make the depth counted larger).
pub const CLOSE_REACH: usize = 64;

/// What the scanner met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// An element that stays open: depth is now `depth`.
    Open,
    /// Elements closed, down to depth `depth`.
    Close,
    /// An element that opened and closed at once (void, self-closing, a
    /// raw-text element with its contents).
    Leaf,
    /// An end tag that closes nothing.
    Stray,
}

/// What the scanner says about one tag: the bytes `start..end` of the
/// markup, and the depth after it.
#[derive(Debug, Clone, Copy)]
struct Tag {
    event: Event,
    start: usize,
    end: usize,
    depth: usize,
}

/// What one pass found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Deepest nesting of elements.
    pub depth: usize,
    /// Elements (start tags) met.
    pub elements: usize,
}

/// The markup of an HTML page (or fragment) to parse, reduced when it is
/// over a limit; then a notice saying which limit and what was dropped is
/// pushed to `notes`.
pub fn html<'a>(markup: &'a str, notes: &mut Vec<String>) -> Cow<'a, str> {
    let m = measure_html(markup);
    if m.depth <= MAX_DEPTH && m.elements <= MAX_ELEMENTS {
        return Cow::Borrowed(markup);
    }
    let r = reduce(markup);
    if m.depth > MAX_DEPTH {
        let cut = if r.depth_cut {
            " (and the markup from the first tag still past it on)"
        } else {
            ""
        };
        notes.push(format!(
            "nests elements {} deep, over the limit of {MAX_DEPTH} levels (parsing time grows \
             with the square of the depth); the {} tags deeper than that{cut} were dropped and \
             the rest read. Such a page is broken or hostile: check it, or remove it",
            m.depth, r.dropped
        ));
    }
    if r.elements_cut {
        notes.push(format!(
            "has {} elements, over the limit of {MAX_ELEMENTS}; only the text before element \
             {} was read. Split the page, or remove it",
            m.elements,
            MAX_ELEMENTS + 1
        ));
    }
    Cow::Owned(r.markup)
}

/// Depth and element count of an HTML page, in one pass.
pub fn measure_html(markup: &str) -> Measure {
    let mut m = Measure::default();
    scan_html(markup.as_bytes(), |t| {
        m.depth = m.depth.max(t.depth);
        if matches!(t.event, Event::Open | Event::Leaf) {
            m.elements += 1;
        }
        true
    });
    m
}

/// A page's markup within the limits.
struct Reduced {
    markup: String,
    /// Tags dropped for being too deep.
    dropped: usize,
    /// Whether the markup after element [`MAX_ELEMENTS`] was cut.
    elements_cut: bool,
    /// Whether the markup was cut where it still went too deep.
    depth_cut: bool,
}

/// `markup` with the tags deeper than [`MAX_DEPTH`] dropped and everything
/// from the start tag of element `MAX_ELEMENTS + 1` on cut.
fn reduce(markup: &str) -> Reduced {
    let mut out = String::with_capacity(markup.len());
    let (mut from, mut dropped, mut elements, mut cut_at) = (0, 0, 0, None);
    scan_html(markup.as_bytes(), |t| {
        // A tag's depth is the one after it: a close tag or a leaf at the
        // limit closed or was an element past it.
        let deep = match t.event {
            Event::Open => t.depth > MAX_DEPTH,
            Event::Close | Event::Leaf => t.depth >= MAX_DEPTH,
            Event::Stray => false,
        };
        if deep {
            out.push_str(&markup[from..t.start]);
            from = t.end;
            dropped += 1;
        } else if matches!(t.event, Event::Open | Event::Leaf) {
            elements += 1;
            if elements > MAX_ELEMENTS {
                cut_at = Some(t.start);
                return false;
            }
        }
        true
    });
    out.push_str(&markup[from..cut_at.unwrap_or(markup.len())]);
    // Dropping tags can change how the rest reads (a dropped `<svg>`
    // makes its `<g/>`s HTML); whatever still goes past the limit is cut.
    let mut over = None;
    scan_html(out.as_bytes(), |t| {
        if t.event == Event::Open && t.depth > MAX_DEPTH {
            over = Some(t.start);
        }
        over.is_none()
    });
    if let Some(at) = over {
        out.truncate(at);
    }
    Reduced {
        markup: out,
        dropped,
        elements_cut: cut_at.is_some(),
        depth_cut: over.is_some(),
    }
}

/// Elements with no end tag.
#[rustfmt::skip]
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose contents are text up to their end tag (in HTML content).
/// `noscript` is left out: with scripting off it holds markup.
#[rustfmt::skip]
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// The parser's "special" elements: an end tag does not look past them for
/// its element (`</span>` inside a `div` inside a `span` is ignored).
#[rustfmt::skip]
const SPECIAL: &[&str] = &[
    "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
    "blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "dd",
    "details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer",
    "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup",
    "hr", "html", "iframe", "img", "input", "keygen", "li", "link", "listing", "main",
    "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript", "object", "ol", "p",
    "param", "plaintext", "pre", "script", "search", "section", "select", "source", "style",
    "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title",
    "tr", "track", "ul", "wbr", "xmp",
    // Integration points of foreign content.
    "foreignobject", "desc", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
];

/// Elements an end tag of a special element does not look past (the
/// parser's "scope" markers).
#[rustfmt::skip]
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
    "foreignobject", "desc", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "button", "ol",
    "ul", "select",
];

/// Start tags that leave `<svg>`/`<math>` content in the parser.
#[rustfmt::skip]
const BREAKOUT: &[&str] = &[
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
    "embed", "font", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
    "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strike",
    "strong", "sub", "sup", "table", "tt", "u", "ul", "var",
];

/// Integration points: inside them, the parser reads HTML again.
#[rustfmt::skip]
const INTEGRATION: &[&str] = &[
    "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
];

/// Elements whose start tag closes an open element of the same group (their
/// end tag is optional), and the group.
fn implied_group(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "li" => &["li"],
        "dd" | "dt" => &["dd", "dt"],
        "p" => &["p"],
        "option" => &["option"],
        "optgroup" => &["optgroup", "option"],
        "td" | "th" => &["td", "th"],
        "tr" => &["tr", "td", "th"],
        "tbody" | "thead" | "tfoot" => &["tbody", "thead", "tfoot", "tr", "td", "th"],
        "rb" | "rt" | "rtc" | "rp" => &["rb", "rt", "rtc", "rp"],
        _ => return None,
    })
}

/// The scanner's stack of open elements (names, lowercased) and mode.
struct Stack {
    names: Vec<Box<str>>,
    /// `svg` and `math` elements on the stack.
    foreign: usize,
    /// Foreign content left in a way not followed: honour no self-closing
    /// tag and no raw-text element from here on.
    lost: bool,
    /// Inside a `select`: the parser ignores `style` and the like there.
    select: bool,
}

impl Stack {
    fn in_foreign(&self) -> bool {
        self.foreign > 0 && !self.lost
    }

    fn push(&mut self, name: &str) {
        if name == "svg" || name == "math" {
            self.foreign += 1;
        }
        if name == "select" {
            self.select = true;
        }
        self.names.push(name.into());
    }

    /// Pops down to (and including) the element at `i`.
    fn pop_to(&mut self, i: usize) {
        for n in self.names.drain(i..) {
            if &*n == "svg" || &*n == "math" {
                self.foreign -= 1;
            }
            if &*n == "select" {
                self.select = false;
            }
        }
    }

    /// The index of the nearest open element named in `names`, looking at
    /// most [`CLOSE_REACH`] levels down and not past an element `stop`s.
    fn find(&self, names: &[&str], stop: impl Fn(&str) -> bool) -> Option<usize> {
        let reach = self.names.len().saturating_sub(CLOSE_REACH);
        (reach..self.names.len()).rev().find_map(|i| {
            let n = &*self.names[i];
            if names.contains(&n) {
                Some(Some(i))
            } else if stop(n) {
                Some(None)
            } else {
                None
            }
        })?
    }

    /// A start tag: whether it stays open.
    fn open(&mut self, name: &str, self_closing: bool) -> Event {
        if VOID.contains(&name) {
            return Event::Leaf;
        }
        if self.in_foreign() {
            let top = self.names.last().map(|n| &**n);
            let in_integration = top.is_some_and(|t| INTEGRATION.contains(&t));
            if BREAKOUT.contains(&name) || in_integration {
                self.lost = true;
            } else if self_closing {
                return Event::Leaf;
            }
        } else if (name == "svg" || name == "math") && self_closing && !self.lost {
            return Event::Leaf;
        } else if self.select && (name == "svg" || name == "math") {
            // Ignored inside a select: no foreign content.
            return Event::Leaf;
        }
        if let Some(group) = implied_group(name) {
            // `p` closes a `p` in button scope; `li` (and the like) one
            // not behind a special element other than address, div and p.
            let found = if name == "p" {
                self.find(group, |n| SCOPE.contains(&n))
            } else {
                self.find(group, |n| {
                    SPECIAL.contains(&n) && !matches!(n, "address" | "div" | "p")
                })
            };
            if let Some(i) = found {
                self.pop_to(i);
            }
        }
        self.push(name);
        Event::Open
    }

    /// An end tag.
    fn close(&mut self, name: &str) -> Event {
        if self.in_foreign() && self.names.last().is_none_or(|n| &**n != name) {
            // The parser may leave foreign content here.
            self.lost = true;
        }
        if matches!(name, "body" | "html" | "br") {
            // The parser pops nothing for these (`</br>` is a `<br>`).
            return Event::Stray;
        }
        // A special element's end tag looks down to a scope marker; any
        // other (formatting ones too, conservatively) to a special element.
        let found = if SPECIAL.contains(&name) {
            self.find(&[name], |n| SCOPE.contains(&n))
        } else {
            self.find(&[name], |n| SPECIAL.contains(&n))
        };
        match found {
            Some(i) => {
                self.pop_to(i);
                Event::Close
            }
            None => Event::Stray,
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Where the tag that starts at `i` (after its name) ends: the byte after
/// its `>` (or the end of the input), and whether it is self-closing
/// (`/>`), following the tokenizer's attribute states.
fn tag_end(s: &[u8], mut i: usize) -> (usize, bool) {
    let n = s.len();
    // Before an attribute name (or right after the tag name).
    loop {
        while i < n && is_space(s[i]) {
            i += 1;
        }
        if i >= n {
            return (n, false);
        }
        match s[i] {
            b'>' => return (i + 1, false),
            b'/' => {
                if s.get(i + 1) == Some(&b'>') {
                    return (i + 2, true);
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        // An attribute name ('=' can start one).
        i += 1;
        while i < n && !is_space(s[i]) && !matches!(s[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        while i < n && is_space(s[i]) {
            i += 1;
        }
        if i < n && s[i] == b'=' {
            i += 1;
            while i < n && is_space(s[i]) {
                i += 1;
            }
            match s.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    i = memchr::memchr(q, &s[i + 1..]).map_or(n, |j| i + 1 + j + 1);
                }
                Some(b'>') => return (i + 1, false),
                Some(_) => {
                    while i < n && !is_space(s[i]) && s[i] != b'>' {
                        i += 1;
                    }
                }
                None => return (n, false),
            }
        }
    }
}

/// The lowercased tag name starting at `i`, and the byte after it.
fn tag_name(s: &[u8], i: usize) -> (String, usize) {
    let mut j = i;
    while j < s.len() && !is_space(s[j]) && s[j] != b'/' && s[j] != b'>' {
        j += 1;
    }
    (String::from_utf8_lossy(&s[i..j]).to_ascii_lowercase(), j)
}

/// The end of a comment whose `<!--` ends before `i`: after `-->` or
/// `--!>`, `<!-->` and `<!--->` being empty comments.
fn comment_end(s: &[u8], i: usize) -> usize {
    if s.get(i) == Some(&b'>') {
        return i + 1;
    }
    if s.get(i..i + 2) == Some(b"->") {
        return i + 2;
    }
    let mut j = i;
    while let Some(k) = memchr::memchr(b'-', &s[j..]) {
        let k = j + k;
        if s.get(k..k + 3) == Some(b"-->") {
            return k + 3;
        }
        if s.get(k..k + 4) == Some(b"--!>") {
            return k + 4;
        }
        j = k + 1;
    }
    s.len()
}

/// Where the raw text of a `name` element that starts at `i` ends: the
/// start of its end tag (`</name` then a space, `/` or `>`), else the end.
fn raw_text_end(s: &[u8], name: &str, mut i: usize) -> usize {
    let name = name.as_bytes();
    while let Some(k) = memchr::memmem::find(&s[i..], b"</") {
        let k = i + k;
        let after = k + 2 + name.len();
        if s.get(k + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && s.get(after)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
        {
            return k;
        }
        i = k + 2;
    }
    s.len()
}

/// Scans an HTML page's tags in order, calling `f` for each until it
/// returns false.
fn scan_html(s: &[u8], mut f: impl FnMut(Tag) -> bool) {
    let mut st = Stack {
        names: Vec::new(),
        foreign: 0,
        lost: false,
        select: false,
    };
    let n = s.len();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &s[i..]) {
        let start = i + k;
        let next = s.get(start + 1).copied();
        let (event, end) = match next {
            Some(b'!') if s.get(start + 2..start + 4) == Some(b"--") => {
                i = comment_end(s, start + 4);
                continue;
            }
            Some(b'!') if st.in_foreign() && s.get(start + 2..start + 9) == Some(b"[CDATA[") => {
                i = memchr::memmem::find(&s[start..], b"]]>").map_or(n, |j| start + j + 3);
                continue;
            }
            Some(b'!' | b'?') => {
                i = memchr::memchr(b'>', &s[start..]).map_or(n, |j| start + j + 1);
                continue;
            }
            Some(b'/') => match s.get(start + 2) {
                Some(c) if c.is_ascii_alphabetic() => {
                    let (name, j) = tag_name(s, start + 2);
                    let (end, _) = tag_end(s, j);
                    (st.close(&name), end)
                }
                Some(b'>') => {
                    i = start + 3;
                    continue;
                }
                Some(_) => {
                    i = memchr::memchr(b'>', &s[start..]).map_or(n, |j| start + j + 1);
                    continue;
                }
                None => break,
            },
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, j) = tag_name(s, start + 1);
                let (end, self_closing) = tag_end(s, j);
                let foreign = st.in_foreign() || st.lost;
                if name == "plaintext" && !foreign {
                    // The rest of the page is text.
                    f(Tag {
                        event: Event::Leaf,
                        start,
                        end: n,
                        depth: st.names.len(),
                    });
                    return;
                }
                let raw = !foreign
                    && RAW_TEXT.contains(&name.as_str())
                    && (!st.select || name == "script" || name == "textarea");
                if raw {
                    // The element and its text, up to its end tag.
                    let close = raw_text_end(s, &name, end);
                    let end = if close < n {
                        tag_end(s, close + 2 + name.len()).0
                    } else {
                        n
                    };
                    (Event::Leaf, end)
                } else {
                    if st.select && matches!(name.as_str(), "input" | "keygen" | "textarea") {
                        if let Some(i) = st.find(&["select"], |_| false) {
                            st.pop_to(i);
                        }
                    }
                    (st.open(&name, self_closing), end)
                }
            }
            _ => {
                i = start + 1;
                continue;
            }
        };
        let tag = Tag {
            event,
            start,
            end,
            depth: st.names.len(),
        };
        if !f(tag) {
            return;
        }
        i = end;
    }
}

/// Checks a feed's XML before it is parsed: `Err` says which limit it is
/// over (the feed is skipped: cut XML does not parse).
pub fn xml(bytes: &[u8]) -> Result<(), String> {
    let m = measure_xml(bytes);
    if m.depth > MAX_DEPTH {
        return Err(format!(
            "nests XML elements {} deep, over the limit of {MAX_DEPTH} levels; skipped. \
             Such a feed is broken or hostile: check it, or remove it",
            m.depth
        ));
    }
    if m.elements > MAX_ELEMENTS {
        return Err(format!(
            "has {} XML elements, over the limit of {MAX_ELEMENTS}; skipped. \
             Split the feed, or remove it",
            m.elements
        ));
    }
    Ok(())
}

/// Depth and element count of an XML document, in one pass: start tags
/// push, end tags pop, `<x/>` counts one element; comments, CDATA sections,
/// processing instructions and the doctype (with its internal subset) are
/// passed over.
pub fn measure_xml(s: &[u8]) -> Measure {
    let (mut m, mut depth, mut i) = (Measure::default(), 0usize, 0);
    let n = s.len();
    let find = |from: usize, pat: &[u8]| {
        memchr::memmem::find(&s[from.min(n)..], pat).map_or(n, |j| from + j + pat.len())
    };
    while let Some(k) = memchr::memchr(b'<', &s[i..]) {
        let start = i + k;
        let rest = &s[start..];
        i = if rest.starts_with(b"<!--") {
            find(start + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            find(start + 9, b"]]>")
        } else if rest.starts_with(b"<?") {
            find(start + 2, b"?>")
        } else if rest.starts_with(b"<!") {
            // A doctype, with its internal subset in brackets.
            let gt = find(start, b">");
            match memchr::memchr(b'[', &s[start..gt]) {
                Some(_) => find(start, b"]>").max(gt),
                None => gt,
            }
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            find(start, b">")
        } else {
            let (end, self_closing) = tag_end(s, tag_name(s, start + 1).1);
            m.elements += 1;
            if !self_closing {
                depth += 1;
                m.depth = m.depth.max(depth);
            }
            end
        };
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(html: &str) -> usize {
        measure_html(html).depth
    }

    #[test]
    fn depth_counts_open_elements_only() {
        assert_eq!(depth("<div><div><p>x</p></div></div>"), 3);
        assert_eq!(depth("<div><br><img src=a><hr/><meta x></div>"), 1);
        assert_eq!(depth("<!doctype html><!-- <div><div> --><div></div>"), 1);
        assert_eq!(
            depth("<script>if (a<b) { s = '<div><div><div>'; }</script><div>"),
            1
        );
        assert_eq!(depth("<style>a<b{}</style ><title><b><b></title>x"), 0);
        assert_eq!(depth("<div title='a > <div>' class=\"<div>\"><span>"), 2);
        // Unclosed list items and paragraphs close their predecessors.
        assert_eq!(depth("<ul><li>a"), 2);
        assert_eq!(depth(&format!("<ul>{}</ul>", "<li>item".repeat(1000))), 2);
        assert_eq!(depth(&"<p>para".repeat(1000)), 1);
        assert_eq!(depth(&"<div><span></div>".repeat(1000)), 2);
        // Self-closing only in svg and math; `<div/>` opens a div.
        assert_eq!(
            depth(&format!("<svg>{}</svg>", "<path d=\"x\"/>".repeat(1000))),
            1
        );
        assert_eq!(depth(&"<div/>".repeat(1000)), 1000);
    }

    #[test]
    fn end_tags_the_parser_ignores_do_not_lower_the_depth() {
        // `</span>` does not close past a div, `</x>` closes nothing.
        assert_eq!(depth(&"<div></span></x>".repeat(1000)), 1000);
        // A formatting element misnested across a block stays counted.
        assert!(depth(&"<b><div></b>".repeat(1000)) >= 1000);
    }

    #[test]
    fn foreign_content_left_early_turns_self_closing_off() {
        let page = format!(
            "<svg><foreignObject>{}</foreignObject></svg>",
            "<div/>".repeat(1000)
        );
        assert!(depth(&page) >= 1000, "{}", depth(&page));
        let page = format!("<svg><p>{}", "<g/>".repeat(1000));
        assert!(depth(&page) >= 1000);
        let page = format!("<svg></div><style>{}</style>", "<g>".repeat(1000));
        assert!(depth(&page) >= 1000);
    }

    #[test]
    fn a_deep_page_is_reduced_with_a_notice_naming_the_limit() {
        let page = format!(
            "{}deep text{}",
            "<div>".repeat(2_000),
            "</div>".repeat(2_000)
        );
        let mut notes = Vec::new();
        let out = html(&page, &mut notes);
        assert_eq!(measure_html(&out).depth, MAX_DEPTH);
        assert!(out.contains("deep text"));
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains("2000 deep") && notes[0].contains("limit of 512 levels"),
            "{notes:?}"
        );
        let mut notes = Vec::new();
        assert!(matches!(html("<p>fine</p>", &mut notes), Cow::Borrowed(_)));
        assert!(notes.is_empty());
    }

    #[test]
    fn too_many_elements_are_cut_with_a_notice() {
        let page = "<span>w</span>".repeat(MAX_ELEMENTS + 10);
        let mut notes = Vec::new();
        let out = html(&page, &mut notes);
        assert_eq!(measure_html(&out).elements, MAX_ELEMENTS);
        assert!(notes[0].contains("over the limit of 200000"), "{notes:?}");
    }

    #[test]
    fn xml_depth_and_elements() {
        let m = measure_xml(
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a '<b>'>]><rss><a/><b x='>'>\
              <![CDATA[<c><c>]]><!-- <d> --></b></rss>",
        );
        assert_eq!(
            m,
            Measure {
                depth: 2,
                elements: 3
            }
        );
        let deep = format!("<rss>{}</rss>", "<x>".repeat(1000));
        let e = xml(deep.as_bytes()).unwrap_err();
        assert!(e.contains("1001 deep") && e.contains("limit of 512"), "{e}");
        assert!(xml(b"<rss><channel/></rss>").is_ok());
    }
}
