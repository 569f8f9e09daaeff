//! Knowledge-base articles: what a valid article is, who may read it, how one is
//! drafted from a ticket's resolution, and how suggestions are ranked.
//!
//! Staff (agents and admins) write, publish, restore and delete; a requester
//! reads only published articles whose audience is everyone in the organization.
//! A staff-only or draft article asked for by a requester is "not found", never
//! "forbidden", so its existence does not leak.

use super::ticket::bounded_text;
use super::Actor;

/// Characters in an article title.
pub const TITLE_MAX: usize = 200;
/// Characters in an article body (Markdown): a long how-to fits; a pasted log does not.
pub const BODY_MAX: usize = 100_000;
/// Tags on one article, and characters per tag.
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 40;

/// Who may read an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Agents and admins only: internal procedures.
    Staff,
    /// Everyone in the organization, requesters included.
    Everyone,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Staff => "staff",
            Audience::Everyone => "everyone",
        }
    }
}

impl TryFrom<&str> for Audience {
    type Error = String;
    fn try_from(s: &str) -> Result<Audience, String> {
        match s {
            "staff" => Ok(Audience::Staff),
            "everyone" => Ok(Audience::Everyone),
            _ => Err("Choose staff or everyone.".into()),
        }
    }
}

/// Whether an article is being written or can be read by its audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleStatus {
    Draft,
    Published,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }
}

impl TryFrom<&str> for ArticleStatus {
    type Error = String;
    fn try_from(s: &str) -> Result<ArticleStatus, String> {
        match s {
            "draft" => Ok(ArticleStatus::Draft),
            "published" => Ok(ArticleStatus::Published),
            _ => Err("Choose draft or published.".into()),
        }
    }
}

/// An article title: one trimmed line, 1..=[`TITLE_MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleTitle(String);

impl ArticleTitle {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for ArticleTitle {
    type Error = String;
    fn try_from(raw: &str) -> Result<ArticleTitle, String> {
        let t = bounded_text(raw, TITLE_MAX, "a title")?;
        if t.contains(['\n', '\r']) {
            return Err("Keep the title on one line.".into());
        }
        Ok(ArticleTitle(t))
    }
}

/// An article body in Markdown: 1..=[`BODY_MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleBody(String);

impl ArticleBody {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for ArticleBody {
    type Error = String;
    fn try_from(raw: &str) -> Result<ArticleBody, String> {
        bounded_text(raw, BODY_MAX, "the article's text").map(ArticleBody)
    }
}

/// Tags, lower-cased, deduplicated, each made of letters, digits and dashes.
/// Stored joined by spaces so the search index reads each as a word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub fn parse(raw: &[String]) -> Result<Tags, String> {
        let mut tags: Vec<String> = Vec::new();
        for t in raw {
            let t = t.trim().to_lowercase();
            if t.is_empty() {
                continue;
            }
            if t.chars().count() > TAG_MAX || !t.chars().all(|c| c.is_alphanumeric() || c == '-') {
                return Err(format!(
                    "Tags are single words (letters, digits, dashes) under {TAG_MAX} characters."
                ));
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.len() > TAGS_MAX {
            return Err(format!("Use at most {TAGS_MAX} tags."));
        }
        Ok(Tags(tags))
    }

    /// The stored form: tags joined by single spaces.
    pub fn joined(&self) -> String {
        self.0.join(" ")
    }

    /// Reads the stored form back.
    pub fn split(stored: &str) -> Vec<String> {
        stored.split_whitespace().map(str::to_string).collect()
    }
}

/// True when `actor` may read an article with this audience and status.
pub fn can_read(actor: &Actor, audience: Audience, status: ArticleStatus) -> bool {
    actor.is_staff() || (audience == Audience::Everyone && status == ArticleStatus::Published)
}

/// True when `actor` may write, publish, restore or delete articles.
pub fn can_write(actor: &Actor) -> bool {
    actor.is_staff() && !actor.is_system()
}

/// The draft made from a resolved ticket: its title, and a body with the problem
/// as the requester described it, the cause and the steps that fixed it.
pub fn draft_from_resolution(
    title: &str,
    description: &str,
    cause: &str,
    steps: &str,
) -> (String, String) {
    let mut title: String = title.trim().chars().take(TITLE_MAX).collect();
    if title.is_empty() {
        title = "Untitled".into();
    }
    let body = format!(
        "## Problem\n\n{}\n\n## Cause\n\n{}\n\n## Steps\n\n{}\n",
        description.trim(),
        cause.trim(),
        steps.trim()
    );
    (title, body.chars().take(BODY_MAX).collect())
}

/// How much one "This solved it" lifts an article: relevance times
/// `1 + SOLVED_WEIGHT × ln(1 + solved)`. Logarithmic, so an article that solved
/// 100 problems ranks above an equally relevant new one but cannot bury a much
/// better match.
pub const SOLVED_WEIGHT: f64 = 0.25;

/// The suggestion score of an article: FTS5's `bm25` (negative, lower is better)
/// made positive and lifted by how often the article solved a problem.
pub fn suggestion_score(bm25: f64, solved: i64) -> f64 {
    let relevance = -bm25;
    relevance * (1.0 + SOLVED_WEIGHT * (1.0 + solved.max(0) as f64).ln())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrgId, Role, UserId};

    fn actor(role: Role) -> Actor {
        Actor::person(UserId(1), OrgId(1), role, None)
    }

    #[test]
    fn requesters_read_only_published_articles_for_everyone() {
        let r = actor(Role::Requester);
        assert!(can_read(&r, Audience::Everyone, ArticleStatus::Published));
        assert!(!can_read(&r, Audience::Staff, ArticleStatus::Published));
        assert!(!can_read(&r, Audience::Everyone, ArticleStatus::Draft));
        assert!(can_read(
            &actor(Role::Agent),
            Audience::Staff,
            ArticleStatus::Draft
        ));
        assert!(!can_write(&r));
        assert!(can_write(&actor(Role::Admin)));
    }

    #[test]
    fn empty_titles_and_long_bodies_are_refused() {
        assert!(ArticleTitle::try_from("  ").is_err());
        assert!(ArticleTitle::try_from("a\nb").is_err());
        assert!(ArticleBody::try_from(&*"x".repeat(BODY_MAX + 1)).is_err());
        assert!(ArticleBody::try_from(&*"x".repeat(BODY_MAX)).is_ok());
    }

    #[test]
    fn tags_are_lowercase_words_without_repeats() {
        let t = Tags::parse(&["VPN".into(), "vpn".into(), " wi-fi ".into(), "".into()]).unwrap();
        assert_eq!(t.joined(), "vpn wi-fi");
        assert!(Tags::parse(&["two words".into()]).is_err());
        assert!(Tags::parse(&(0..11).map(|i| format!("t{i}")).collect::<Vec<_>>()).is_err());
    }

    #[test]
    fn a_draft_from_a_resolution_holds_problem_cause_and_steps() {
        let (title, body) =
            draft_from_resolution(" VPN drops ", "It drops", "Old client", "Update");
        assert_eq!(title, "VPN drops");
        assert!(body.contains("## Cause\n\nOld client"));
        assert!(body.contains("## Steps\n\nUpdate"));
    }

    #[test]
    fn solving_problems_lifts_an_article_but_not_past_a_much_better_match() {
        assert!(suggestion_score(-2.0, 10) > suggestion_score(-2.0, 0));
        assert!(suggestion_score(-6.0, 0) > suggestion_score(-2.0, 100));
        assert_eq!(suggestion_score(-2.0, 0), 2.0);
    }
}
