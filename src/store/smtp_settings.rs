//! The organization's SMTP relay: where e-mail goes and how, and the relay's
//! last failure in words (for the admin's screen). The outbox
//! ([`super::mail`]) sends through it.
//!
//! # Security
//! The relay's password is stored here (the relay asks for it at every
//! connection) and leaves this module only towards the transport: the API's
//! view of the settings ([`SmtpSettings::public_json`]) says `password_set`.

use super::StoreError;
use crate::domain::OrgId;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection, then STARTTLS (required): port 587.
    StartTls,
    /// TLS from the first byte: port 465.
    Tls,
    /// No encryption: only for a relay on the same machine or a trusted LAN.
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::StartTls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// An organization's relay.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: String,
    pub sender: String,
    pub link_base: String,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

impl SmtpSettings {
    /// What the browser may see: everything but the password.
    pub fn public_json(&self) -> Value {
        json!({
            "host": self.host,
            "port": self.port,
            "security": self.security.as_str(),
            "username": self.username,
            "password_set": !self.password.is_empty(),
            "sender": self.sender,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
        })
    }
}

/// The relay of `org`, if one is set.
pub fn settings(conn: &Connection, org: OrgId) -> Result<Option<SmtpSettings>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT host, port, security, username, password, sender, link_base, last_error,
                    last_error_at
             FROM smtp_settings WHERE org_id = ?1",
        )?
        .query_row([org.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .optional()?;
    let Some((host, port, security, username, password, sender, link_base, last_error, at)) = row
    else {
        return Ok(None);
    };
    let corrupt = || {
        StoreError::Corrupt(super::row::CorruptRow {
            table: "smtp_settings",
            row: org.0,
            detail: "port or security out of range".into(),
        })
    };
    Ok(Some(SmtpSettings {
        host,
        port: u16::try_from(port).map_err(|_| corrupt())?,
        security: Security::parse(&security).ok_or_else(corrupt)?,
        username,
        password,
        sender,
        link_base,
        last_error,
        last_error_at: at,
    }))
}

/// Saves the relay of `org` (replacing the old one; errors are forgotten).
pub fn save_settings(
    conn: &Connection,
    org: OrgId,
    s: &SmtpSettings,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO smtp_settings (org_id, host, port, security, username, password, sender,
                                    link_base, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (org_id) DO UPDATE SET host = ?2, port = ?3, security = ?4, username = ?5,
             password = ?6, sender = ?7, link_base = ?8, updated_at = ?9,
             last_error = NULL, last_error_at = NULL",
        params![
            org.0,
            s.host,
            s.port,
            s.security.as_str(),
            s.username,
            s.password,
            s.sender,
            s.link_base,
            now
        ],
    )?;
    Ok(())
}

/// Removes the relay of `org`: e-mail is off. Waiting rows stay for later.
pub fn delete_settings(conn: &Connection, org: OrgId) -> Result<(), StoreError> {
    conn.execute("DELETE FROM smtp_settings WHERE org_id = ?1", [org.0])?;
    Ok(())
}

/// Records the relay's last failure (or, with `None`, that it worked again).
pub fn note_relay(
    conn: &Connection,
    org: OrgId,
    error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE smtp_settings SET last_error = ?2, last_error_at = CASE WHEN ?2 IS NULL THEN NULL ELSE ?3 END
         WHERE org_id = ?1",
        params![org.0, error, now],
    )?;
    Ok(())
}
