//! Server-sent events on the wire, as the HTML standard defines them
//! ("Server-sent events", section 9.2 of the WHATWG HTML Living Standard): the
//! bytes of one event, a `retry:` line, a comment. Nothing here knows about
//! sockets; the server's stream hub (`server/streams.rs`) queues what these
//! functions return.
//!
//! An event is a block of `field: value` lines ended by a blank line. `data`
//! may span lines: each line becomes its own `data:` line and the browser joins
//! them with `\n` again. A line starting with `:` is a comment, which browsers
//! ignore; the hub sends one as a heartbeat so proxies and browsers see traffic
//! on a quiet stream.
//!
//! # Security
//! A line break in `id` or `event` would end the field early and let the rest of
//! the text add fields or events of its own; they are replaced by spaces (a
//! value the application chose should never contain one anyway). An `id`
//! containing NUL is ignored by browsers, so NUL is dropped from it. Line breaks
//! in `data` are what splits it into `data:` lines, so they cannot inject fields.

/// How long a browser waits before reconnecting after the stream drops, sent
/// once at the start of every stream.
pub const DEFAULT_RETRY_MS: u64 = 3_000;

/// One event: `id`, `event` (the type a page listens for) and `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    id: Option<String>,
    event: Option<String>,
    data: String,
}

impl Event {
    /// An event of the default type (`message`) carrying `data`.
    pub fn new(data: impl Into<String>) -> Event {
        Event {
            data: data.into(),
            ..Event::default()
        }
    }

    /// Sets the id a reconnecting browser sends back in `Last-Event-ID`.
    pub fn id(mut self, id: impl Into<String>) -> Event {
        self.id = Some(id.into());
        self
    }

    /// Sets the event type (`addEventListener(type, ...)` in the page).
    pub fn event(mut self, name: impl Into<String>) -> Event {
        self.event = Some(name.into());
        self
    }

    /// The event's bytes, ending with the blank line that dispatches it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 32);
        if let Some(id) = &self.id {
            let id: String = id.chars().filter(|&c| c != '\0').collect();
            push_field(&mut out, "id", &one_line(&id));
        }
        if let Some(event) = &self.event {
            push_field(&mut out, "event", &one_line(event));
        }
        for line in lines(&self.data) {
            push_field(&mut out, "data", line);
        }
        out.push(b'\n');
        out
    }
}

/// `retry: ms`, telling the browser how long to wait before reconnecting.
pub fn retry(ms: u64) -> Vec<u8> {
    format!("retry: {ms}\n\n").into_bytes()
}

/// A comment: ignored by browsers, but traffic for proxies and idle timers.
pub fn comment(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 4);
    for line in lines(text) {
        out.push(b':');
        if !line.is_empty() {
            out.push(b' ');
            out.extend_from_slice(line.as_bytes());
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out
}

fn push_field(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.push(b'\n');
}

/// Splits on every line ending the standard knows: CRLF, LF, or a lone CR.
/// Empty text is one empty line (an event with empty data is still an event).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\r', '\n']) {
            None => {
                rest = None;
                Some(text)
            }
            Some(i) => {
                let skip = if text[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[i + skip..]);
                Some(&text[..i])
            }
        }
    })
}

fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn an_event_has_id_type_and_data_lines_then_a_blank_line() {
        let e = Event::new("{\"n\":1}").id("42").event("ticket");
        assert_eq!(
            text(e.encode()),
            "id: 42\nevent: ticket\ndata: {\"n\":1}\n\n"
        );
    }

    #[test]
    fn multi_line_data_becomes_one_data_line_each() {
        let e = Event::new("one\ntwo\r\nthree\rfour");
        assert_eq!(
            text(e.encode()),
            "data: one\ndata: two\ndata: three\ndata: four\n\n"
        );
        assert_eq!(text(Event::new("").encode()), "data: \n\n");
        assert_eq!(text(Event::new("end\n").encode()), "data: end\ndata: \n\n");
    }

    #[test]
    fn line_breaks_in_id_or_type_cannot_inject_fields() {
        let e = Event::new("x")
            .id("1\ndata: forged\0")
            .event("a\r\n\r\nevent: b");
        let out = text(e.encode());
        assert_eq!(out, "id: 1 data: forged\nevent: a    event: b\ndata: x\n\n");
    }

    #[test]
    fn retry_and_comments() {
        assert_eq!(text(retry(3000)), "retry: 3000\n\n");
        assert_eq!(text(comment("")), ":\n\n");
        assert_eq!(text(comment("a\nb")), ": a\n: b\n\n");
    }
}
