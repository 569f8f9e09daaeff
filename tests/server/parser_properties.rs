//! The request parser and the chunked decoder never panic, whatever the bytes,
//! and what they report is consistent with their input. Seeded, so a failure
//! reproduces.

use helpdesk::http::chunked::ChunkedDecoder;
use helpdesk::http::parse::{parse_head, BodyFraming, HeadLimits};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CASES: usize = 100_000;

const VALID_HEADS: [&[u8]; 4] = [
    b"GET /api/tickets?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
];

const VALID_CHUNKED: &[u8] = b"4;a=b\r\nWiki\r\n5\r\npedia\r\n0\r\nT: 1\r\n\r\nGET";

/// Random bytes biased towards the ones HTTP syntax is made of.
fn noise(rng: &mut StdRng, len: usize) -> Vec<u8> {
    const INTERESTING: &[u8] = b"\r\n :;,0123456789abcdefABCDEF/?HTTP\t\x00\x7f\xff";
    (0..len)
        .map(|_| {
            if rng.gen_bool(0.7) {
                INTERESTING[rng.gen_range(0..INTERESTING.len())]
            } else {
                rng.gen()
            }
        })
        .collect()
}

/// A valid message with a few random edits: flips, insertions, deletions, cuts.
fn mutate(rng: &mut StdRng, valid: &[u8]) -> Vec<u8> {
    let mut bytes = valid.to_vec();
    for _ in 0..rng.gen_range(1..4) {
        let at = rng.gen_range(0..=bytes.len());
        match rng.gen_range(0..4) {
            0 if at < bytes.len() => bytes[at] = rng.gen(),
            1 => bytes
                .splice(at..at, {
                    let n = rng.gen_range(1..8);
                    noise(rng, n)
                })
                .for_each(drop),
            2 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[test]
fn the_head_parser_never_panics_and_never_claims_more_than_it_was_given() {
    let mut rng = StdRng::seed_from_u64(0x4854_5450);
    let peer = "127.0.0.1:9".parse().unwrap();
    for case in 0..CASES {
        let input = if case % 2 == 0 {
            {
                let n = rng.gen_range(0..300);
                noise(&mut rng, n)
            }
        } else {
            mutate(&mut rng, VALID_HEADS[case % VALID_HEADS.len()])
        };
        let limits = if case % 7 == 0 {
            HeadLimits {
                max_head_bytes: rng.gen_range(1..100),
                max_headers: rng.gen_range(1..4),
                max_uri_bytes: rng.gen_range(1..20),
            }
        } else {
            HeadLimits::default()
        };
        if let Ok(Some(parsed)) = parse_head(&input, &limits, peer) {
            assert!(parsed.head_len <= input.len(), "case {case}: {input:?}");
            let blank = input
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            assert!(
                parsed.head_len <= limits.max_head_bytes + blank,
                "case {case}"
            );
            assert!(
                parsed.request.target.len() <= limits.max_uri_bytes,
                "case {case}"
            );
            if let BodyFraming::Length(n) = parsed.framing {
                assert!(n > 0, "case {case}: a zero length is no body");
            }
        }
    }
}

#[test]
fn the_chunked_decoder_never_panics_and_consumes_only_what_it_was_given() {
    let mut rng = StdRng::seed_from_u64(0x4348_554e);
    for case in 0..CASES {
        let input = if case % 2 == 0 {
            {
                let n = rng.gen_range(0..200);
                noise(&mut rng, n)
            }
        } else {
            mutate(&mut rng, VALID_CHUNKED)
        };
        let mut decoder = ChunkedDecoder::new(rng.gen_range(0..64));
        let mut out = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        // Feed it in random pieces, as the network would.
        let mut rest = &input[..];
        while !rest.is_empty() {
            let take = rng.gen_range(1..=rest.len());
            pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            match decoder.decode(&pending, &mut out) {
                Ok(used) => {
                    assert!(used <= pending.len(), "case {case}: {input:?}");
                    pending.drain(..used);
                }
                Err(_) => break,
            }
            assert!(
                out.len() <= input.len(),
                "case {case}: decoded more than given"
            );
            if decoder.is_done() || decoder.over_limit() {
                break;
            }
        }
    }
}

#[test]
fn a_valid_chunked_body_decodes_the_same_however_it_is_split() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..10_000 {
        let mut decoder = ChunkedDecoder::new(1000);
        let mut out = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut rest = VALID_CHUNKED;
        while !decoder.is_done() {
            assert!(!rest.is_empty(), "the decoder wanted bytes past the end");
            let take = rng.gen_range(1..=rest.len());
            pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            let used = decoder.decode(&pending, &mut out).unwrap();
            pending.drain(..used);
        }
        assert_eq!(out, b"Wikipedia");
        pending.extend_from_slice(rest);
        assert_eq!(pending, b"GET");
    }
}
