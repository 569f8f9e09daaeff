//! Request-target pieces: splitting path from query, percent-decoding (RFC 3986
//! section 2.1) and `application/x-www-form-urlencoded` query pairs.

/// Decodes `%XX` escapes. Returns `None` for a truncated or non-hex escape, or when
/// the result is not UTF-8, so a caller can answer 400 rather than guess.
pub fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits `/a/b?x=1` into `("/a/b", "x=1")`.
pub fn split_target(target: &str) -> (&str, &str) {
    match target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (target, ""),
    }
}

/// Parses `a=1&b=two+words&c` into pairs; `+` means space, as HTML forms and
/// `URLSearchParams` send it. Pairs that do not decode are skipped.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = percent_decode(&k.replace('+', " "))?;
            let v = percent_decode(&v.replace('+', " "))?;
            Some((k, v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_and_bad_ones_are_refused() {
        assert_eq!(percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(percent_decode("%2e%2E"), Some("..".to_string()));
        assert_eq!(percent_decode("%"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None, "not UTF-8");
    }

    #[test]
    fn query_pairs_decode_plus_as_space() {
        let q = parse_query("status=open&status=new&q=printer+jam&empty&x=%41");
        assert_eq!(
            q,
            vec![
                ("status".into(), "open".into()),
                ("status".into(), "new".into()),
                ("q".into(), "printer jam".into()),
                ("empty".into(), "".into()),
                ("x".into(), "A".into()),
            ]
        );
    }
}
