//! Categories and their questionnaire: the extra questions a requester answers
//! when raising a ticket of that category.
//!
//! [`CategoryDraft::parse`] turns an admin's JSON into a category definition (name,
//! guidance, default priority, questions). It returns every problem at once, keyed
//! like the JSON (`name`, `questions.0.label`), so the form can mark each field.
//! Checking a requester's answers against these questions is [`super::answers`].

use super::ticket::{bounded_text, Priority};
use serde_json::Value;

pub const NAME_MAX: usize = 80;
pub const GUIDANCE_MAX: usize = 2_000;
pub const LABEL_MAX: usize = 200;
pub const OPTION_MAX: usize = 100;
pub const MAX_QUESTIONS: usize = 30;
pub const MAX_OPTIONS: usize = 50;

/// Per-field problems, keyed like the JSON input.
pub type Problems = Vec<(String, String)>;

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    Text,
    LongText,
    Choice,
    YesNo,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Text => "text",
            QuestionKind::LongText => "long_text",
            QuestionKind::Choice => "choice",
            QuestionKind::YesNo => "yes_no",
        }
    }
}

impl TryFrom<&str> for QuestionKind {
    type Error = String;
    fn try_from(s: &str) -> Result<QuestionKind, String> {
        match s {
            "text" => Ok(QuestionKind::Text),
            "long_text" => Ok(QuestionKind::LongText),
            "choice" => Ok(QuestionKind::Choice),
            "yes_no" => Ok(QuestionKind::YesNo),
            _ => Err("Choose text, long_text, choice or yes_no.".into()),
        }
    }
}

/// A stored question of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub options: Vec<String>,
}

/// A question as an admin defines it; `id` keeps an existing question (and so the
/// answers already given to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDraft {
    pub id: Option<i64>,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub options: Vec<String>,
}

/// A whole category definition, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryDraft {
    pub name: String,
    pub guidance: String,
    pub default_priority: Priority,
    pub active: bool,
    pub questions: Vec<QuestionDraft>,
}

impl CategoryDraft {
    /// Parses an admin's category JSON (every field present; the API merges a
    /// PATCH onto the stored category first).
    pub fn parse(v: &Value) -> Result<CategoryDraft, Problems> {
        let mut problems = Problems::new();
        let mut note = |k: &str, m: String| problems.push((k.to_string(), m));
        let name = match v.get("name").and_then(Value::as_str) {
            Some(s) => bounded_text(s, NAME_MAX, "a name").map_err(|e| note("name", e)),
            None => {
                note("name", "Enter a name.".into());
                Err(())
            }
        };
        let guidance = match v.get("guidance") {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) if s.chars().count() <= GUIDANCE_MAX => Ok(s.trim().to_string()),
            Some(_) => {
                note(
                    "guidance",
                    format!("Guidance is text under {GUIDANCE_MAX} characters."),
                );
                Err(())
            }
        };
        let default_priority = match v.get("default_priority") {
            None | Some(Value::Null) => Ok(Priority::Normal),
            Some(p) => Priority::try_from(p.as_str().unwrap_or(""))
                .map_err(|e| note("default_priority", e)),
        };
        let active = match v.get("active") {
            None | Some(Value::Null) => Ok(true),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => {
                note("active", "Active is true or false.".into());
                Err(())
            }
        };
        let questions = match v.get("questions") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(list)) if list.len() <= MAX_QUESTIONS => {
                let mut out = Vec::new();
                for (i, q) in list.iter().enumerate() {
                    match QuestionDraft::parse(i, q) {
                        Ok(d) => out.push(d),
                        Err(mut p) => problems.append(&mut p),
                    }
                }
                Ok(out)
            }
            Some(_) => {
                problems.push((
                    "questions".into(),
                    format!("Questions are a list of at most {MAX_QUESTIONS}."),
                ));
                Err(())
            }
        };
        match (name, guidance, default_priority, active, questions) {
            (Ok(name), Ok(guidance), Ok(default_priority), Ok(active), Ok(questions))
                if problems.is_empty() =>
            {
                Ok(CategoryDraft {
                    name,
                    guidance,
                    default_priority,
                    active,
                    questions,
                })
            }
            _ => Err(problems),
        }
    }
}

impl QuestionDraft {
    /// Parses the `i`th question of a category definition.
    pub fn parse(i: usize, v: &Value) -> Result<QuestionDraft, Problems> {
        let mut problems = Problems::new();
        let key = |f: &str| format!("questions.{i}.{f}");
        let id = v.get("id").and_then(Value::as_i64);
        let label = v
            .get("label")
            .and_then(Value::as_str)
            .ok_or_else(|| "Enter the question.".to_string())
            .and_then(|s| bounded_text(s, LABEL_MAX, "the question"))
            .map_err(|e| problems.push((key("label"), e)));
        let kind = QuestionKind::try_from(v.get("kind").and_then(Value::as_str).unwrap_or(""))
            .map_err(|e| problems.push((key("kind"), e)));
        let required = match v.get("required") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                problems.push((key("required"), "Required is true or false.".into()));
                false
            }
        };
        let mut options = Vec::new();
        match v.get("options") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) if list.len() <= MAX_OPTIONS => {
                for o in list {
                    match o.as_str().map(|s| bounded_text(s, OPTION_MAX, "an option")) {
                        Some(Ok(s)) if !options.contains(&s) => options.push(s),
                        Some(Ok(_)) => {
                            problems.push((key("options"), "Options must differ.".into()))
                        }
                        _ => problems.push((
                            key("options"),
                            format!("Each option is text under {OPTION_MAX} characters."),
                        )),
                    }
                }
            }
            Some(_) => problems.push((
                key("options"),
                format!("Options are a list of at most {MAX_OPTIONS}."),
            )),
        }
        if let Ok(kind) = kind {
            if kind == QuestionKind::Choice && options.len() < 2 {
                problems.push((
                    key("options"),
                    "A choice needs at least two options.".into(),
                ));
            }
            if kind != QuestionKind::Choice {
                options.clear();
            }
        }
        match (label, kind) {
            (Ok(label), Ok(kind)) if problems.is_empty() => Ok(QuestionDraft {
                id,
                label,
                kind,
                required,
                options,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(p: &Problems) -> Vec<&str> {
        p.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn a_category_definition_parses_with_defaults() {
        let d = CategoryDraft::parse(&json!({
            "name": "Printing",
            "questions": [
                {"label": "Which printer?", "kind": "choice", "options": ["2nd floor", "Lobby"]},
                {"id": 7, "label": "Urgent?", "kind": "yes_no", "required": true, "options": ["x"]}
            ]
        }))
        .unwrap();
        assert_eq!(d.default_priority, Priority::Normal);
        assert!(d.active);
        assert_eq!(d.questions[1].id, Some(7));
        assert!(
            d.questions[1].options.is_empty(),
            "only choices keep options"
        );
    }

    #[test]
    fn a_bad_category_definition_names_every_bad_field() {
        let p = CategoryDraft::parse(&json!({
            "name": " ",
            "default_priority": "asap",
            "questions": [
                {"label": "", "kind": "essay"},
                {"label": "Pick", "kind": "choice", "options": ["only one"]}
            ]
        }))
        .unwrap_err();
        assert_eq!(
            keys(&p),
            [
                "name",
                "default_priority",
                "questions.0.label",
                "questions.0.kind",
                "questions.1.options"
            ]
        );
    }

    #[test]
    fn question_kinds_round_trip() {
        for k in [
            QuestionKind::Text,
            QuestionKind::LongText,
            QuestionKind::Choice,
            QuestionKind::YesNo,
        ] {
            assert_eq!(QuestionKind::try_from(k.as_str()), Ok(k));
        }
    }
}
