//! Markdown to safe HTML, for articles, Markdown replies and the editor's preview.
//!
//! Rendering is CommonMark (`pulldown-cmark`, with tables, strikethrough and task
//! lists); the HTML it produces is then cleaned by `ammonia`, an allow-list
//! sanitiser built on html5ever's parser. The browser puts this HTML into the page
//! with `innerHTML` in exactly one place (`public/js/dom.js`, `setSafeHtml`), so
//! this function is the whole defence against stored cross-site scripting in
//! formatted text.
//!
//! # Security
//! - Raw HTML written into the Markdown is shown as text, never passed through
//!   (`<script>` reads as the characters `<script>`); ammonia then removes anything
//!   that still is not on its allow list: `script`/`style` elements, every `on*`
//!   event-handler attribute, `style` attributes, and URLs whose scheme is not
//!   http, https, mailto or relative (so `javascript:` and `data:` links lose their
//!   `href`). Links get `rel="noopener noreferrer nofollow"`.
//! - The Content-Security-Policy (no inline script) is the second wall.
//!   Tests: `markdown::tests::*` and `tests/tickets/knowledge_base.rs`.

use pulldown_cmark::{html, Event, Options, Parser};
use std::collections::HashSet;
use std::sync::OnceLock;

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer nofollow"))
            // Task-list checkboxes come out of pulldown-cmark as disabled inputs.
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"]);
        b
    })
}

/// Renders `text` (CommonMark) to sanitised HTML.
pub fn to_html(text: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    // Raw HTML in the source becomes visible text.
    let events = Parser::new_ext(text, options).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut raw = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut raw, events);
    cleaner().clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_becomes_html() {
        let h = to_html("# Title\n\n**bold** and *it*\n\n- one\n- two\n\n> quote\n\n`code`");
        assert!(h.contains("<h1>Title</h1>"), "{h}");
        assert!(h.contains("<strong>bold</strong>"));
        assert!(h.contains("<em>it</em>"));
        assert!(h.contains("<li>one</li>"));
        assert!(h.contains("<blockquote>"));
        assert!(h.contains("<code>code</code>"));
    }

    #[test]
    fn script_tags_are_shown_as_text_never_run() {
        let h = to_html("hello <script>alert(1)</script>\n\n<script>\nalert(2)\n</script>");
        assert!(!h.to_lowercase().contains("<script"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    /// The real tags in `h` (text is escaped, so `<` only opens a tag).
    fn tags(h: &str) -> Vec<String> {
        h.split('<')
            .skip(1)
            .filter_map(|t| t.split_once('>').map(|(tag, _)| tag.to_lowercase()))
            .collect()
    }

    #[test]
    fn event_handler_attributes_are_removed() {
        for src in [
            "<img src=x onerror=alert(1)>",
            "<a href=\"https://x.test\" onclick=\"alert(1)\">x</a>",
            "![x](https://x.test/a.png \"t\" onerror=alert(1))",
        ] {
            let h = to_html(src);
            for tag in tags(&h) {
                assert!(!tag.contains(" on"), "{src} -> {h}");
            }
        }
    }

    #[test]
    fn javascript_links_lose_their_target() {
        for src in [
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "<javascript:alert(1)>",
            "[click](data:text/html;base64,PHNjcmlwdD4=)",
        ] {
            let h = to_html(src);
            for tag in tags(&h) {
                assert!(!tag.contains("javascript:"), "{src} -> {h}");
                assert!(!tag.contains("data:"), "{src} -> {h}");
            }
        }
        let h = to_html("<img src=x onerror=alert(1)> <a href=\"javascript:x\">y</a>");
        assert!(tags(&h).iter().all(|t| t == "p" || t == "/p"), "{h}");
        let h = to_html("[ok](https://example.test/a)");
        assert!(h.contains("href=\"https://example.test/a\""), "{h}");
        assert!(h.contains("rel=\"noopener noreferrer nofollow\""), "{h}");
    }
}
