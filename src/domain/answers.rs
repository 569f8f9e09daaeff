//! A requester's answers to a category's questions, checked when a ticket is
//! raised or edited: required ones present, choices among the options, yes/no a
//! boolean, text bounded. [`parse_answers`] returns every problem at once, keyed
//! `answers.<question_id>` like the JSON, so the form can mark each question.
//! The questions themselves are defined in [`super::category`].

use super::category::{Problems, Question, QuestionKind};
use serde_json::{Map, Value};

pub const TEXT_ANSWER_MAX: usize = 1_000;
pub const LONG_TEXT_ANSWER_MAX: usize = 10_000;

/// A checked answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    Text(String),
    YesNo(bool),
}

impl AnswerValue {
    pub fn to_json(&self) -> Value {
        match self {
            AnswerValue::Text(s) => Value::String(s.clone()),
            AnswerValue::YesNo(b) => Value::Bool(*b),
        }
    }
}

/// Checks `answers` (`{"<question_id>": value}`) against `questions`. Blank text
/// counts as not answered. Returns the answers in question order.
pub fn parse_answers(
    questions: &[Question],
    answers: &Map<String, Value>,
) -> Result<Vec<(i64, AnswerValue)>, Problems> {
    let mut problems = Problems::new();
    for key in answers.keys() {
        if !questions.iter().any(|q| q.id.to_string() == *key) {
            problems.push((
                format!("answers.{key}"),
                "This question is not part of the category.".into(),
            ));
        }
    }
    let mut out = Vec::new();
    for q in questions {
        let key = format!("answers.{}", q.id);
        let raw = answers.get(&q.id.to_string()).unwrap_or(&Value::Null);
        match parse_one(q, raw) {
            Ok(Some(v)) => out.push((q.id, v)),
            Ok(None) if q.required => problems.push((key, "Please answer this question.".into())),
            Ok(None) => {}
            Err(e) => problems.push((key, e)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn parse_one(q: &Question, raw: &Value) -> Result<Option<AnswerValue>, String> {
    if raw.is_null() {
        return Ok(None);
    }
    match q.kind {
        QuestionKind::YesNo => match raw {
            Value::Bool(b) => Ok(Some(AnswerValue::YesNo(*b))),
            _ => Err("Answer yes (true) or no (false).".into()),
        },
        kind => {
            let Some(s) = raw.as_str() else {
                return Err("Answer with text.".into());
            };
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let max = if kind == QuestionKind::LongText {
                LONG_TEXT_ANSWER_MAX
            } else {
                TEXT_ANSWER_MAX
            };
            if s.chars().count() > max {
                return Err(format!("Keep the answer under {max} characters."));
            }
            if kind == QuestionKind::Choice && !q.options.iter().any(|o| o == s) {
                return Err(format!("Choose one of: {}.", q.options.join(", ")));
            }
            Ok(Some(AnswerValue::Text(s.to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: 1,
                label: "Asset tag".into(),
                kind: QuestionKind::Text,
                required: true,
                options: vec![],
            },
            Question {
                id: 2,
                label: "Device".into(),
                kind: QuestionKind::Choice,
                required: false,
                options: vec!["Laptop".into(), "Desktop".into()],
            },
            Question {
                id: 3,
                label: "Can you still work?".into(),
                kind: QuestionKind::YesNo,
                required: true,
                options: vec![],
            },
            Question {
                id: 4,
                label: "What happened?".into(),
                kind: QuestionKind::LongText,
                required: false,
                options: vec![],
            },
        ]
    }

    fn answers(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn keys(p: &Problems) -> Vec<&str> {
        p.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn complete_answers_are_accepted_in_question_order() {
        let got = parse_answers(
            &questions(),
            &answers(json!({"3": false, "1": " HD-0042 ", "2": "Laptop"})),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                (1, AnswerValue::Text("HD-0042".into())),
                (2, AnswerValue::Text("Laptop".into())),
                (3, AnswerValue::YesNo(false)),
            ]
        );
    }

    #[test]
    fn a_missing_required_answer_is_named() {
        let p =
            parse_answers(&questions(), &answers(json!({"1": "  ", "2": "Laptop"}))).unwrap_err();
        assert_eq!(keys(&p), ["answers.1", "answers.3"]);
    }

    #[test]
    fn a_choice_must_be_one_of_the_options() {
        let p = parse_answers(
            &questions(),
            &answers(json!({"1": "x", "2": "Tablet", "3": true})),
        )
        .unwrap_err();
        assert_eq!(keys(&p), ["answers.2"]);
    }

    #[test]
    fn yes_no_takes_a_boolean_not_text() {
        let p = parse_answers(&questions(), &answers(json!({"1": "x", "3": "yes"}))).unwrap_err();
        assert_eq!(keys(&p), ["answers.3"]);
    }

    #[test]
    fn text_must_be_text_and_bounded() {
        let long = "x".repeat(TEXT_ANSWER_MAX + 1);
        let p = parse_answers(
            &questions(),
            &answers(json!({"1": long, "3": true, "4": 5})),
        )
        .unwrap_err();
        assert_eq!(keys(&p), ["answers.1", "answers.4"]);
    }

    #[test]
    fn answers_to_other_questions_are_refused() {
        let p = parse_answers(
            &questions(),
            &answers(json!({"1": "x", "3": true, "99": "?"})),
        )
        .unwrap_err();
        assert_eq!(keys(&p), ["answers.99"]);
    }
}
