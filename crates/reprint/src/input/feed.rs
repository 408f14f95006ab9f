//! RSS and Atom feeds → one document per item.
//!
//! Parsed by `feed-rs` (RSS 0.9x/1.0/2.0, Atom, JSON Feed). An item's id is
//! its guid/id, else its link, else its title; its text is the full content
//! (`content:encoded`, Atom `content`), else the description/summary, with
//! HTML removed ([`super::html::fragment_text`]); its metadata are its link,
//! title, publication (else update) date, and the feed's title as the
//! source. The XML reader does not expand entities declared in a DTD, so an
//! entity bomb stays small.

use super::{html, FileDoc, Meta};

/// Parses a feed into one document per item (id: guid / id, else link,
/// else title; `None` when the item has none). `Err` says what is wrong,
/// for the skip message.
pub fn parse(bytes: &[u8]) -> Result<Vec<FileDoc>, String> {
    use std::sync::{Arc, Mutex};
    // Dates read by reprint's own rules (`normalize_date`, which takes the
    // liberties feeds take with RFC 2822 and 3339), so that one it cannot
    // read is a warning: feed-rs would drop it silently.
    let unread: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&unread);
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(move |raw| {
            let date = super::normalize_date(raw)
                .and_then(|d| chrono::DateTime::parse_from_rfc3339(&d).ok())
                .map(|d| d.with_timezone(&chrono::Utc));
            if date.is_none() {
                seen.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(raw.to_string());
            }
            date
        })
        // No guid: fall back to the link, then the title (empty: no id).
        .id_generator(|links, title, _| {
            links
                .first()
                .map(|l| l.href.clone())
                .or_else(|| title.as_ref().map(|t| t.content.clone()))
                .unwrap_or_default()
        })
        .build();
    let feed = parser
        .parse(bytes)
        .map_err(|e| format!("not a readable RSS or Atom feed ({e}); skipped"))?;
    let source = feed.title.as_ref().map(|t| clean(&t.content));
    let unread = std::mem::take(&mut *unread.lock().unwrap_or_else(|e| e.into_inner()));
    let mut docs: Vec<FileDoc> = feed
        .entries
        .into_iter()
        .map(|e| {
            let mut notes = Vec::new();
            let body = e
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .filter(|b| !b.trim().is_empty())
                .or_else(|| e.summary.as_ref().map(|s| s.content.as_str()))
                .unwrap_or_default();
            let id = e.id.trim().to_string();
            FileDoc {
                id: (!id.is_empty()).then_some(id),
                text: html::fragment_text(body, &mut notes),
                meta: Meta {
                    url: e.links.first().map(|l| l.href.clone()),
                    title: e
                        .title
                        .as_ref()
                        .map(|t| clean(&html::fragment_text(&t.content, &mut notes))),
                    date: e.published.or(e.updated).map(|d| super::format_date(&d)),
                    source: source.clone().filter(|s| !s.is_empty()),
                },
                notes,
            }
        })
        .collect();
    // The feed's unreadable dates are told once, with its first item.
    if let Some(first) = docs.first_mut() {
        let fix = "Fix the feed's pubDate / published / updated values";
        for raw in &unread {
            super::date_or_note(Some(raw), "a date in the feed", fix, &mut first.notes);
        }
    }
    Ok(docs)
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_with_content_and_fallbacks() {
        let rss = r#"<?xml version="1.0"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>Example  Wire</title><link>https://wire.example</link>
            <item><title>Strike ends</title><link>https://wire.example/1</link>
              <guid>wire-1</guid><pubDate>Thu, 02 May 2024 08:30:00 GMT</pubDate>
              <description>Short summary.</description>
              <content:encoded><![CDATA[<p>Full text one.</p><p>Second paragraph.</p>]]></content:encoded>
            </item>
            <item><title>No guid</title><link>https://wire.example/2</link>
              <pubDate>Thursday, 2 May 2024 9:45:00 UTC</pubDate>
              <description>&lt;p&gt;Only a &lt;b&gt;summary&lt;/b&gt;.&lt;/p&gt;</description></item>
            </channel></rss>"#;
        let items = parse(rss.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].id.as_deref(), Some("wire-1"));
        assert_eq!(items[0].text, "Full text one.\n\nSecond paragraph.");
        assert_eq!(items[0].meta.date.as_deref(), Some("2024-05-02T08:30:00Z"));
        assert_eq!(items[0].meta.source.as_deref(), Some("Example Wire"));
        assert_eq!(items[0].meta.url.as_deref(), Some("https://wire.example/1"));
        assert_eq!(items[1].id.as_deref(), Some("https://wire.example/2"));
        assert_eq!(items[1].text, "Only a summary.");
        // A date as feeds write it (long day name, one-digit hour, UTC).
        assert_eq!(items[1].meta.date.as_deref(), Some("2024-05-02T09:45:00Z"));
        assert!(items.iter().all(|i| i.notes.is_empty()));
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
            <id>urn:desk</id><updated>2024-05-03T00:00:00Z</updated>
            <entry><title>Entry</title><id>urn:e1</id><link href="https://desk.example/e1"/>
              <updated>2024-05-03T10:00:00Z</updated>
              <content type="html">&lt;p&gt;Body text.&lt;/p&gt;</content></entry>
            </feed>"#;
        let items = parse(atom.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].id.as_deref(), Some("urn:e1"));
        assert_eq!(items[0].text, "Body text.");
        assert_eq!(items[0].meta.date.as_deref(), Some("2024-05-03T10:00:00Z"));
    }

    #[test]
    fn malformed_feeds_and_entity_bombs_are_errors_or_small() {
        let e = parse(b"<rss><channel><item><title>cut").unwrap_err();
        assert!(e.contains("not a readable RSS or Atom feed"), "{e}");
        assert!(parse(b"not xml at all").is_err());
        let bomb = r#"<?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <rss version="2.0"><channel><title>t</title>
            <item><title>&lol3;</title><description>&lol3;</description></item></channel></rss>"#;
        // Either refused or parsed without expanding the entities.
        if let Ok(items) = parse(bomb.as_bytes()) {
            assert!(items.iter().all(|i| i.text.len() < 10_000));
        }
    }
}
