//! Media types for the files the frontend ships, chosen by file extension.
//!
//! The server sends `X-Content-Type-Options: nosniff`, so browsers trust this
//! `Content-Type` exactly: a module script served as anything but JavaScript will
//! not run, and a stylesheet that is not `text/css` is ignored. Text types say
//! `charset=utf-8` so no browser guesses an encoding. Anything unknown is
//! `application/octet-stream`, which browsers download rather than render.

/// The `Content-Type` for a URL path or file name, by its extension
/// (compared case-insensitively).
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => return OCTET_STREAM,
    };
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        // RFC 9239: text/javascript is the one media type for JavaScript,
        // classic scripts and ES modules alike.
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        // JSON is UTF-8 by definition (RFC 8259 section 8.1) and has no charset parameter.
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => OCTET_STREAM,
    }
}

const OCTET_STREAM: &str = "application/octet-stream";

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn frontend_file_types_get_their_media_types() {
        assert_eq!(content_type("/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("/css/app.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("/js/app.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("/js/lib.mjs"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("/data.json"), "application/json");
        assert_eq!(content_type("/js/app.js.map"), "application/json");
        assert_eq!(content_type("/logo.svg"), "image/svg+xml");
        assert_eq!(content_type("/logo.png"), "image/png");
        assert_eq!(content_type("/photo.jpg"), "image/jpeg");
        assert_eq!(content_type("/favicon.ico"), "image/x-icon");
        assert_eq!(content_type("/fonts/inter.woff2"), "font/woff2");
        assert_eq!(content_type("/robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(
            content_type("/app.webmanifest"),
            "application/manifest+json"
        );
    }

    #[test]
    fn extensions_are_compared_case_insensitively() {
        assert_eq!(content_type("/INDEX.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("/js/App.Js"), "text/javascript; charset=utf-8");
    }

    #[test]
    fn unknown_or_missing_extensions_are_octet_stream() {
        assert_eq!(content_type("/archive.zip"), "application/octet-stream");
        assert_eq!(content_type("/README"), "application/octet-stream");
        assert_eq!(content_type("/dir.css/file"), "application/octet-stream");
    }
}
