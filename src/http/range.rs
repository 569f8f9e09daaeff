//! The `Range` request field for one byte range (RFC 9110 section 14), so an
//! interrupted download of a large attachment resumes where it stopped.
//!
//! Only a single range is served; a list of ranges, another unit, or a field
//! that does not parse is ignored and the whole file is sent, which the RFC
//! allows (section 14.2: a server MAY ignore `Range`). A range that starts at or
//! past the end is unsatisfiable: 416 with `Content-Range: bytes */LEN`.

/// What to send of a representation `len` bytes long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// All of it (no `Range`, or one we ignore): 200.
    Full,
    /// `len` bytes from `start`: 206 with `Content-Range`.
    Part { start: u64, len: u64 },
    /// 416.
    Unsatisfiable,
}

/// Reads `Range` (`field`) for a representation of `len` bytes.
pub fn parse(field: Option<&str>, len: u64) -> ByteRange {
    let Some(spec) = field.and_then(|f| f.trim().strip_prefix("bytes=")) else {
        return ByteRange::Full;
    };
    if spec.contains(',') {
        return ByteRange::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return ByteRange::Full;
    };
    let digits = |s: &str| -> Option<Option<u64>> {
        let s = s.trim();
        if s.is_empty() {
            Some(None)
        } else if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok().map(Some)
        } else {
            None
        }
    };
    let (Some(first), Some(last)) = (digits(first), digits(last)) else {
        return ByteRange::Full;
    };
    match (first, last) {
        // `bytes=-N`: the last N bytes.
        (None, Some(suffix)) => {
            if suffix == 0 || len == 0 {
                ByteRange::Unsatisfiable
            } else {
                let n = suffix.min(len);
                ByteRange::Part {
                    start: len - n,
                    len: n,
                }
            }
        }
        (None, None) => ByteRange::Full,
        (Some(start), last) => {
            if start >= len {
                return ByteRange::Unsatisfiable;
            }
            let end = match last {
                Some(last) if last < start => return ByteRange::Full,
                Some(last) => last.min(len - 1),
                None => len - 1,
            };
            ByteRange::Part {
                start,
                len: end - start + 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_range_is_served_in_its_three_spellings() {
        assert_eq!(
            parse(Some("bytes=0-99"), 1000),
            ByteRange::Part { start: 0, len: 100 }
        );
        assert_eq!(
            parse(Some("bytes=900-"), 1000),
            ByteRange::Part {
                start: 900,
                len: 100
            }
        );
        assert_eq!(
            parse(Some("bytes=-10"), 1000),
            ByteRange::Part {
                start: 990,
                len: 10
            }
        );
        assert_eq!(
            parse(Some("bytes=990-5000"), 1000),
            ByteRange::Part {
                start: 990,
                len: 10
            }
        );
    }

    #[test]
    fn what_cannot_be_served_is_416_and_what_we_do_not_do_is_the_whole_file() {
        assert_eq!(parse(Some("bytes=1000-"), 1000), ByteRange::Unsatisfiable);
        assert_eq!(parse(Some("bytes=-0"), 1000), ByteRange::Unsatisfiable);
        assert_eq!(parse(None, 1000), ByteRange::Full);
        assert_eq!(parse(Some("bytes=0-1,5-6"), 1000), ByteRange::Full);
        assert_eq!(parse(Some("items=0-1"), 1000), ByteRange::Full);
        assert_eq!(parse(Some("bytes=5-1"), 1000), ByteRange::Full);
        assert_eq!(parse(Some("bytes=+1-2"), 1000), ByteRange::Full);
        assert_eq!(
            parse(Some("bytes=99999999999999999999999-"), 1000),
            ByteRange::Full
        );
    }
}
