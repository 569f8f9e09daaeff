//! What an attachment may be: a file name we can store and show, and a type on
//! the allow-list whose first bytes agree with its name.
//!
//! # Security
//! The name comes from the uploader and goes back out in a `Content-Disposition`
//! header and into the web app: path separators, NUL and control characters are
//! refused (a name is never a path: files are stored by content hash), and so
//! are names over [`NAME_MAX`] characters. The type is decided here, from the
//! extension *and* the file's first bytes, never from the client's
//! `Content-Type`: a page renamed `.png` is refused, and only a fixed set of
//! raster images is ever shown inline (no SVG, which can carry script).

use std::fmt;

/// Longest file name accepted, in characters.
pub const NAME_MAX: usize = 255;

/// A checked attachment file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

/// Why a name or a file was refused; the API answers 422 with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    NameMissing,
    NameTooLong,
    NameHasPath,
    NameHasControl,
    Empty,
    TypeNotAllowed,
    ContentMismatch,
}

impl fmt::Display for AttachmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AttachmentError::NameMissing => "Give the file a name.",
            AttachmentError::NameTooLong => "The file name is too long (255 characters at most).",
            AttachmentError::NameHasPath => "The file name cannot contain / or \\.",
            AttachmentError::NameHasControl => "The file name contains invalid characters.",
            AttachmentError::Empty => "The file is empty.",
            AttachmentError::TypeNotAllowed => {
                "This type of file cannot be attached. Allowed: images (PNG, JPEG, GIF, WebP), \
                 PDF, text (.txt, .log, .csv), ZIP and Office documents (.docx, .xlsx, .pptx)."
            }
            AttachmentError::ContentMismatch => {
                "The file's content does not match its name's extension."
            }
        })
    }
}

impl FileName {
    /// Checks a name as the uploader gave it (already percent-decoded).
    pub fn parse(raw: &str) -> Result<FileName, AttachmentError> {
        let name = raw.trim();
        if name.is_empty() || name == "." || name == ".." {
            return Err(AttachmentError::NameMissing);
        }
        if name.chars().count() > NAME_MAX {
            return Err(AttachmentError::NameTooLong);
        }
        if name.contains(['/', '\\']) {
            return Err(AttachmentError::NameHasPath);
        }
        // Controls include NUL, CR and LF; also refuse the bidirectional
        // overrides that make "gpj.exe" display as "exe.jpg".
        let sneaky = |c: char| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c);
        if name.chars().any(sneaky)
            || name.contains(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'])
        {
            return Err(AttachmentError::NameHasControl);
        }
        Ok(FileName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-case extension, if any.
    fn extension(&self) -> Option<String> {
        let (stem, ext) = self.0.rsplit_once('.')?;
        (!stem.is_empty()).then(|| ext.to_ascii_lowercase())
    }
}

/// An allowed type: what we serve it as, and whether a browser may show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub content_type: &'static str,
    /// Raster images are shown inline (thumbnails); everything else downloads.
    pub inline: bool,
}

/// How a type is recognised from its first bytes.
enum Magic {
    Prefix(&'static [u8]),
    /// RIFF....WEBP
    WebP,
    /// Valid UTF-8 (a cut-off last character allowed) with no NUL.
    Text,
}

/// The allow-list: extensions, served type, inline or not, and the magic.
const TYPES: &[(&[&str], &str, bool, Magic)] = &[
    (
        &["png"],
        "image/png",
        true,
        Magic::Prefix(b"\x89PNG\r\n\x1a\n"),
    ),
    (
        &["jpg", "jpeg"],
        "image/jpeg",
        true,
        Magic::Prefix(b"\xff\xd8\xff"),
    ),
    (&["gif"], "image/gif", true, Magic::Prefix(b"GIF8")),
    (&["webp"], "image/webp", true, Magic::WebP),
    (&["pdf"], "application/pdf", false, Magic::Prefix(b"%PDF-")),
    (
        &["txt", "log"],
        "text/plain; charset=utf-8",
        false,
        Magic::Text,
    ),
    (&["csv"], "text/csv; charset=utf-8", false, Magic::Text),
    (
        &["zip"],
        "application/zip",
        false,
        Magic::Prefix(b"PK\x03\x04"),
    ),
    (
        &["docx"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        false,
        Magic::Prefix(b"PK\x03\x04"),
    ),
    (
        &["xlsx"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        false,
        Magic::Prefix(b"PK\x03\x04"),
    ),
    (
        &["pptx"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        false,
        Magic::Prefix(b"PK\x03\x04"),
    ),
];

/// Bytes of the file's start [`detect`] needs to see.
pub const SNIFF_BYTES: usize = 512;

/// The type of a file named `name` whose first bytes are `head` (up to
/// [`SNIFF_BYTES`]; fewer only when the file is that short).
pub fn detect(name: &FileName, head: &[u8]) -> Result<FileType, AttachmentError> {
    if head.is_empty() {
        return Err(AttachmentError::Empty);
    }
    let ext = name.extension().ok_or(AttachmentError::TypeNotAllowed)?;
    let (_, content_type, inline, magic) = TYPES
        .iter()
        .find(|(exts, ..)| exts.contains(&ext.as_str()))
        .ok_or(AttachmentError::TypeNotAllowed)?;
    let matches = match magic {
        Magic::Prefix(p) => head.starts_with(p),
        Magic::WebP => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
        Magic::Text => looks_like_text(head),
    };
    if !matches {
        return Err(AttachmentError::ContentMismatch);
    }
    Ok(FileType {
        content_type,
        inline: *inline,
    })
}

fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // The sniffed window may cut a character in two; only that is forgiven.
        Err(e) => e.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> FileName {
        FileName::parse(s).unwrap()
    }

    #[test]
    fn names_with_paths_controls_or_300_characters_are_refused() {
        assert_eq!(
            FileName::parse("../etc/passwd"),
            Err(AttachmentError::NameHasPath)
        );
        assert_eq!(
            FileName::parse("a\\b.png"),
            Err(AttachmentError::NameHasPath)
        );
        assert_eq!(
            FileName::parse("a\0.png"),
            Err(AttachmentError::NameHasControl)
        );
        assert_eq!(
            FileName::parse("a\r\nb.png"),
            Err(AttachmentError::NameHasControl)
        );
        assert_eq!(
            FileName::parse("x\u{202e}gnp.exe"),
            Err(AttachmentError::NameHasControl)
        );
        assert_eq!(
            FileName::parse(&"a".repeat(300)),
            Err(AttachmentError::NameTooLong)
        );
        assert_eq!(FileName::parse("  "), Err(AttachmentError::NameMissing));
        assert_eq!(name(" screen shot.png ").as_str(), "screen shot.png");
        assert!(FileName::parse(&format!("{}.png", "é".repeat(251))).is_ok());
    }

    #[test]
    fn the_type_comes_from_the_extension_and_must_match_the_first_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let t = detect(&name("shot.PNG"), png).unwrap();
        assert_eq!(t.content_type, "image/png");
        assert!(t.inline);
        assert_eq!(
            detect(&name("page.png"), b"<html><script>"),
            Err(AttachmentError::ContentMismatch)
        );
        assert_eq!(
            detect(&name("evil.svg"), b"<svg"),
            Err(AttachmentError::TypeNotAllowed)
        );
        assert_eq!(
            detect(&name("noext"), b"hello"),
            Err(AttachmentError::TypeNotAllowed)
        );
        assert_eq!(
            detect(&name(".png"), png),
            Err(AttachmentError::TypeNotAllowed)
        );
        assert!(!detect(&name("a.pdf"), b"%PDF-1.7").unwrap().inline);
        assert_eq!(detect(&name("a.txt"), b""), Err(AttachmentError::Empty));
    }

    #[test]
    fn text_is_utf8_without_nul_even_when_the_window_cuts_a_character() {
        assert!(detect(&name("a.log"), "déjà vu".as_bytes()).is_ok());
        let cut = &"é".as_bytes()[..1];
        assert!(detect(&name("a.log"), &[b"ok ".as_slice(), cut].concat()).is_ok());
        assert_eq!(
            detect(&name("a.txt"), b"MZ\x90\0\x03"),
            Err(AttachmentError::ContentMismatch)
        );
        let webp = b"RIFF\x24\0\0\0WEBPVP8 ";
        assert_eq!(
            detect(&name("a.webp"), webp).unwrap().content_type,
            "image/webp"
        );
    }
}
