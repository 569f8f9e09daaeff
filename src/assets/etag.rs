//! Entity tags and `If-None-Match` (RFC 9110 sections 8.8.3 and 13.1.2).
//!
//! An asset's ETag is a strong validator derived from its bytes: the first 16
//! bytes of its SHA-256, in hex, quoted. Equal bytes give equal tags across
//! restarts and across servers, and any change gives a new tag, so a browser that
//! revalidates (we send `Cache-Control: no-cache`) gets a body-less 304 exactly
//! when its copy is current.

use sha2::{Digest, Sha256};

/// The quoted strong ETag for `bytes`, such as `"3f2a...c9"` (32 hex digits).
pub fn for_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut tag = String::with_capacity(34);
    tag.push('"');
    for b in &digest[..16] {
        tag.push(HEX[usize::from(b >> 4)] as char);
        tag.push(HEX[usize::from(b & 0xf)] as char);
    }
    tag.push('"');
    tag
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether the `If-None-Match` field values (every line the client sent) match
/// `etag`, which means the client's copy is current and the answer is 304.
///
/// RFC 9110 section 13.1.2: `*` matches any current representation; otherwise the
/// field is a comma-separated list of entity tags compared with the *weak*
/// comparison (section 8.8.3.2), so `W/"x"` matches `"x"`. A malformed list stops
/// at the first thing that is not an entity tag, and what was read so far counts:
/// a broken header can cost a full response, never a wrong 304 for another tag.
pub fn none_match<'a>(values: impl IntoIterator<Item = &'a str>, etag: &str) -> bool {
    let ours = opaque(etag);
    values.into_iter().any(|value| {
        if value.trim() == "*" {
            return true;
        }
        EntityTags(value).any(|theirs| theirs == ours)
    })
}

/// The opaque tag (quotes included) without a `W/` prefix.
fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// The opaque tags in a list like `"a", W/"b" ,"c"`. Commas may appear inside a
/// tag (`etagc` allows them), so this scans quotes rather than splitting on commas.
struct EntityTags<'a>(&'a str);

impl<'a> Iterator for EntityTags<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0.trim_start_matches([' ', '\t', ',']);
        let rest = rest.strip_prefix("W/").unwrap_or(rest);
        self.0 = "";
        if !rest.starts_with('"') {
            return None;
        }
        let close = rest[1..].find('"')? + 1;
        let (tag, after) = rest.split_at(close + 1);
        self.0 = after;
        Some(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_a_quoted_hex_prefix_of_sha256() {
        // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb924...
        assert_eq!(for_bytes(b""), "\"e3b0c44298fc1c149afbf4c8996fb924\"");
        assert_ne!(for_bytes(b"a"), for_bytes(b"b"));
    }

    #[test]
    fn exact_tag_matches_and_other_tags_do_not() {
        let tag = "\"abc\"";
        assert!(none_match(["\"abc\""], tag));
        assert!(!none_match(["\"abd\""], tag));
        assert!(!none_match(["abc"], tag), "unquoted is not an entity tag");
        assert!(!none_match(std::iter::empty(), tag));
    }

    #[test]
    fn lists_and_repeated_fields_are_searched() {
        let tag = "\"abc\"";
        assert!(none_match(["\"x\", \"abc\""], tag));
        assert!(none_match(["\"x\",\"y\" ,  \"abc\""], tag));
        assert!(none_match(["\"x\"", "\"abc\""], tag));
        assert!(none_match(["\"a,b\", \"abc\""], tag), "comma inside a tag");
    }

    #[test]
    fn weak_comparison_ignores_the_weak_prefix() {
        assert!(none_match(["W/\"abc\""], "\"abc\""));
        assert!(none_match(["\"x\", W/\"abc\""], "\"abc\""));
    }

    #[test]
    fn star_matches_any_representation() {
        assert!(none_match(["*"], "\"abc\""));
        assert!(none_match([" * "], "\"abc\""));
    }

    #[test]
    fn malformed_lists_never_match_a_different_tag() {
        assert!(!none_match(["\"abc"], "\"abc\""), "unterminated");
        assert!(!none_match(["garbage, \"abc\""], "\"abc\""));
        assert!(!none_match([""], "\"abc\""));
    }
}
