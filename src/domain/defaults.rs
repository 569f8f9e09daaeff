//! The categories every new organization starts with: what a typical IT desk is
//! asked about, with guidance a requester reads before writing, and the extra
//! questions that save a round trip ("Asset tag", "Which application?",
//! "Can you still work?"). Admins change them afterwards; the store seeds them
//! when an organization is created.

use super::category::{CategoryDraft, QuestionDraft, QuestionKind};
use super::ticket::Priority;

fn q(label: &str, kind: QuestionKind, required: bool, options: &[&str]) -> QuestionDraft {
    QuestionDraft {
        id: None,
        label: label.to_string(),
        kind,
        required,
        options: options.iter().map(|s| s.to_string()).collect(),
    }
}

fn can_you_work() -> QuestionDraft {
    q("Can you still work?", QuestionKind::YesNo, true, &[])
}

fn category(
    name: &str,
    guidance: &str,
    default_priority: Priority,
    questions: Vec<QuestionDraft>,
) -> CategoryDraft {
    CategoryDraft {
        name: name.to_string(),
        guidance: guidance.to_string(),
        default_priority,
        active: true,
        questions,
    }
}

/// The starting categories, in the order the form shows them.
pub fn default_categories() -> Vec<CategoryDraft> {
    use QuestionKind::*;
    vec![
        category(
            "Account and access",
            "Locked out, forgotten password, or need access to a shared drive, mailbox or \
             application? Tell us which account and what you see. Never send us your password.",
            Priority::High,
            vec![
                q("Which account or system?", Text, true, &[]),
                q(
                    "What do you need?",
                    Choice,
                    true,
                    &[
                        "Password reset",
                        "Account locked",
                        "New access",
                        "Remove access",
                        "Other",
                    ],
                ),
                can_you_work(),
            ],
        ),
        category(
            "Hardware repair",
            "Broken screen, dead battery, noisy fan, damaged keyboard? Find the asset tag \
             sticker (usually under the device) and tell us where the device is.",
            Priority::Normal,
            vec![
                q("Asset tag", Text, true, &[]),
                q(
                    "Device type",
                    Choice,
                    true,
                    &["Laptop", "Desktop", "Monitor", "Phone", "Dock", "Other"],
                ),
                q("Where is the device?", Text, false, &[]),
                can_you_work(),
            ],
        ),
        category(
            "Software",
            "An application crashes, will not install or needs a licence. Include the exact \
             error message and what you clicked just before.",
            Priority::Normal,
            vec![
                q("Which application?", Text, true, &[]),
                q("Error message, if any", LongText, false, &[]),
                can_you_work(),
            ],
        ),
        category(
            "Network and Wi-Fi",
            "No connection, slow Wi-Fi or VPN trouble. Tell us where you are (building, floor, \
             room) and whether colleagues nearby have the same problem.",
            Priority::High,
            vec![
                q(
                    "Connection",
                    Choice,
                    true,
                    &["Office Wi-Fi", "Guest Wi-Fi", "Wired", "VPN from home"],
                ),
                q("Where are you?", Text, false, &[]),
                q("Are colleagues affected too?", YesNo, false, &[]),
                can_you_work(),
            ],
        ),
        category(
            "E-mail",
            "Mail not arriving, calendar not syncing, a shared mailbox or a suspicious message. \
             Do not forward a phishing e-mail to colleagues: report it here.",
            Priority::Normal,
            vec![
                q(
                    "Where do you read mail?",
                    Choice,
                    false,
                    &["Desktop app", "Web mail", "Phone"],
                ),
                q("Is it a suspicious message?", YesNo, true, &[]),
            ],
        ),
        category(
            "Printing",
            "Jammed, offline or printing blank pages? The printer's name is on its front \
             label. Tell us what the printer's display says.",
            Priority::Low,
            vec![
                q("Which printer?", Text, true, &[]),
                q("What does the display say?", Text, false, &[]),
            ],
        ),
        category(
            "Other",
            "Anything else IT can help with. Describe what you need and by when.",
            Priority::Normal,
            vec![],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_desk_starts_with_the_seven_usual_categories() {
        let names: Vec<String> = default_categories().into_iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "Account and access",
                "Hardware repair",
                "Software",
                "Network and Wi-Fi",
                "E-mail",
                "Printing",
                "Other"
            ]
        );
    }

    #[test]
    fn the_defaults_ask_the_questions_a_desk_needs() {
        let cats = default_categories();
        let labels = |name: &str| -> Vec<String> {
            cats.iter()
                .find(|c| c.name == name)
                .unwrap()
                .questions
                .iter()
                .map(|q| q.label.clone())
                .collect()
        };
        assert!(labels("Hardware repair").contains(&"Asset tag".to_string()));
        assert!(labels("Software").contains(&"Which application?".to_string()));
        assert!(labels("Software").contains(&"Can you still work?".to_string()));
    }

    #[test]
    fn every_default_category_passes_the_admins_own_validation() {
        for c in default_categories() {
            assert!(!c.guidance.is_empty(), "{} has guidance", c.name);
            let questions: Vec<_> = c
                .questions
                .iter()
                .map(|q| {
                    json!({"label": q.label, "kind": q.kind.as_str(),
                           "required": q.required, "options": q.options})
                })
                .collect();
            let v = json!({"name": c.name, "guidance": c.guidance,
                           "default_priority": c.default_priority.as_str(),
                           "questions": questions});
            assert_eq!(CategoryDraft::parse(&v), Ok(c));
        }
    }
}
