//! The chunked transfer coding (RFC 9112 section 7.1), decoded incrementally.
//!
//! Bytes arrive in whatever pieces the network delivers, so the decoder is a small
//! state machine: feed it what is buffered, it appends decoded data to `out`, says
//! how much input it used, and whether the last chunk and trailers are done. It
//! counts decoded bytes against the route's body limit as it goes, so a chunked
//! body cannot slip past the limit that `Content-Length` would have hit up front.

use super::error::ParseError;

/// Longest chunk-size line we accept, extensions included. Real clients send a few
/// hex digits; a longer line is an attempt to make us buffer.
const MAX_SIZE_LINE: usize = 1024;
/// Total trailer bytes we read (and discard).
const MAX_TRAILERS: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex chunk size and optional `;extensions` up to CRLF.
    Size {
        line_len: usize,
    },
    /// Reading chunk data; this many bytes remain.
    Data {
        remaining: u64,
    },
    /// Expecting the CRLF after chunk data.
    DataEnd,
    /// After the zero-size chunk: trailer lines until an empty one.
    Trailers {
        line_len: usize,
        total: usize,
    },
    Done,
}

/// Incremental decoder for one chunked body.
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    size: u64,
    size_digits: usize,
    in_extension: bool,
    decoded: u64,
    limit: u64,
}

impl ChunkedDecoder {
    /// A decoder that refuses more than `limit` decoded bytes with `BodyTooLarge`.
    pub fn new(limit: u64) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size { line_len: 0 },
            size: 0,
            size_digits: 0,
            in_extension: false,
            decoded: 0,
            limit,
        }
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes from `input`, appending data to `out`. Returns how many input bytes
    /// were consumed; stops at the end of the body, leaving pipelined bytes unread.
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, ParseError> {
        let mut i = 0;
        while i < input.len() && self.state != State::Done {
            match self.state {
                State::Size { line_len } => {
                    let b = input[i];
                    i += 1;
                    if line_len + 1 > MAX_SIZE_LINE {
                        return Err(ParseError::BadChunk("chunk-size line too long"));
                    }
                    match b {
                        b'\n' => {
                            // Tolerate a bare LF? No: RFC 9112 section 7.1 requires CRLF;
                            // lenient line endings are how parsers come to disagree.
                            return Err(ParseError::BadChunk("chunk-size line must end in CRLF"));
                        }
                        b'\r' => {
                            if self.size_digits == 0 {
                                return Err(ParseError::BadChunk("missing chunk size"));
                            }
                            // Expect LF next; handled by peeking.
                            if i >= input.len() {
                                // Need the LF; un-consume the CR and wait.
                                return Ok(i - 1);
                            }
                            if input[i] != b'\n' {
                                return Err(ParseError::BadChunk("CR without LF"));
                            }
                            i += 1;
                            self.finish_size_line();
                        }
                        _ if self.in_extension => {
                            self.state = State::Size {
                                line_len: line_len + 1,
                            };
                        }
                        b';' => {
                            self.in_extension = true;
                            self.state = State::Size {
                                line_len: line_len + 1,
                            };
                        }
                        _ => {
                            let digit = hex_digit(b)
                                .ok_or(ParseError::BadChunk("chunk size is not hex"))?;
                            if self.size_digits >= 15 {
                                return Err(ParseError::BadChunk("chunk size too large"));
                            }
                            self.size = self.size << 4 | digit as u64;
                            self.size_digits += 1;
                            self.state = State::Size {
                                line_len: line_len + 1,
                            };
                        }
                    }
                }
                State::Data { remaining } => {
                    let take = remaining.min((input.len() - i) as u64) as usize;
                    out.extend_from_slice(&input[i..i + take]);
                    i += take;
                    let remaining = remaining - take as u64;
                    self.state = if remaining == 0 {
                        State::DataEnd
                    } else {
                        State::Data { remaining }
                    };
                }
                State::DataEnd => {
                    if input.len() - i < 2 {
                        return Ok(i);
                    }
                    if &input[i..i + 2] != b"\r\n" {
                        return Err(ParseError::BadChunk("chunk data not followed by CRLF"));
                    }
                    i += 2;
                    self.state = State::Size { line_len: 0 };
                }
                State::Trailers { line_len, total } => {
                    let b = input[i];
                    i += 1;
                    if total + 1 > MAX_TRAILERS {
                        return Err(ParseError::BadChunk("trailers too large"));
                    }
                    match b {
                        b'\r' => {
                            if i >= input.len() {
                                return Ok(i - 1);
                            }
                            if input[i] != b'\n' {
                                return Err(ParseError::BadChunk("CR without LF in trailers"));
                            }
                            i += 1;
                            self.state = if line_len == 0 {
                                State::Done
                            } else {
                                State::Trailers {
                                    line_len: 0,
                                    total: total + 2,
                                }
                            };
                        }
                        b'\n' => return Err(ParseError::BadChunk("trailer line must end in CRLF")),
                        _ => {
                            self.state = State::Trailers {
                                line_len: line_len + 1,
                                total: total + 1,
                            }
                        }
                    }
                }
                State::Done => break,
            }
        }
        Ok(i)
    }

    fn finish_size_line(&mut self) {
        let size = self.size;
        self.size = 0;
        self.size_digits = 0;
        self.in_extension = false;
        self.state = if size == 0 {
            State::Trailers {
                line_len: 0,
                total: 0,
            }
        } else {
            State::Data { remaining: size }
        };
        // Count before reading, so an oversized chunk is refused before we buffer it.
        self.decoded = self.decoded.saturating_add(size);
    }

    /// True once the announced chunk sizes passed the limit.
    pub fn over_limit(&self) -> bool {
        self.decoded > self.limit
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one whole chunked body in one call; a convenience for tests and for
/// bodies that arrived complete.
pub fn decode_all(input: &[u8], limit: u64) -> Result<(Vec<u8>, usize), ParseError> {
    let mut decoder = ChunkedDecoder::new(limit);
    let mut out = Vec::new();
    let used = decoder.decode(input, &mut out)?;
    if decoder.over_limit() {
        return Err(ParseError::BodyTooLarge);
    }
    if !decoder.is_done() {
        return Err(ParseError::BadChunk("body ended early"));
    }
    Ok((out, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_chunks_extensions_and_trailers_and_stops_at_the_end() {
        let raw = b"4;name=v\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next";
        let (body, used) = decode_all(raw, 100).unwrap();
        assert_eq!(body, b"Wikipedia");
        assert_eq!(&raw[used..], b"GET /next");
    }

    #[test]
    fn decodes_one_byte_at_a_time() {
        let raw = b"3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
        let mut d = ChunkedDecoder::new(1000);
        let mut out = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        for &b in raw.iter() {
            pending.push(b);
            let used = d.decode(&pending, &mut out).unwrap();
            pending.drain(..used);
        }
        assert!(d.is_done());
        assert_eq!(out, b"abc0123456789abcdef");
    }

    #[test]
    fn refuses_bodies_over_the_limit_before_reading_them() {
        let mut d = ChunkedDecoder::new(10);
        let mut out = Vec::new();
        d.decode(b"ff\r\n", &mut out).unwrap();
        assert!(d.over_limit());
        assert!(out.is_empty());
    }

    #[test]
    fn refuses_malformed_chunks() {
        for raw in [
            &b"zz\r\n"[..],
            b"\r\n",
            b"3\nabc",
            b"3\r\nabcX\r\n",
            b"fffffffffffffffff\r\n",
        ] {
            assert!(decode_all(raw, u64::MAX).is_err(), "{raw:?}");
        }
    }
}
