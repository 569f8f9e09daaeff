//! One demo ticket: its answers, assignment, a conversation with internal
//! notes, tasks, an escalation, a watcher, a resolution and the status history,
//! with times stepping forward from its creation and never past `now`.

use super::people::Person;
use super::{text, DAY, MIN};
use crate::domain::category::{Question, QuestionKind};
use crate::domain::ticket::{Priority, Status};
use crate::domain::OrgId;
use crate::store::tickets::{self, TicketInsert};
use crate::store::{search, StoreError};
use rand::rngs::StdRng;
use rand::Rng;
use rusqlite::{params, Connection};

fn pick<'a, T>(rng: &mut StdRng, list: &'a [T]) -> &'a T {
    &list[rng.gen_range(0..list.len())]
}

#[allow(clippy::too_many_arguments)]
pub fn one_ticket(
    conn: &Connection,
    rng: &mut StdRng,
    org: OrgId,
    number: i64,
    created: i64,
    now: i64,
    cats: &[(i64, Vec<Question>)],
    agents: &[Person],
    requesters: &[i64],
) -> Result<(), StoreError> {
    let ci = rng.gen_range(0..cats.len());
    let (category_id, questions) = &cats[ci];
    let (title, description) = *pick(rng, text::TICKETS[ci]);
    let requester = *pick(rng, requesters);
    let priority = match rng.gen_range(0..100) {
        0..=19 => Priority::Low,
        20..=69 => Priority::Normal,
        70..=91 => Priority::High,
        _ => Priority::Urgent,
    };
    let age = now - created;
    // Older tickets are more likely finished; recent ones still in the queue.
    let status = match (age / DAY, rng.gen_range(0..100)) {
        (0..=2, r) if r < 50 => Status::New,
        (0..=2, _) => Status::Open,
        (3..=14, r) => [
            Status::Open,
            Status::InProgress,
            Status::OnHold,
            Status::Resolved,
        ][r % 4],
        (_, r) if r < 10 => Status::InProgress,
        (_, r) if r < 15 => Status::OnHold,
        (_, r) if r < 45 => Status::Resolved,
        _ => Status::Closed,
    };
    let escalated = rng.gen_range(0..100) < 12;
    let tier = if escalated { rng.gen_range(2..=3) } else { 1 };
    let eligible: Vec<&Person> = agents.iter().filter(|a| a.tier >= tier).collect();
    let assignee = (status != Status::New).then(|| pick(rng, &eligible).id);
    let step = (age / 6).clamp(MIN, 2 * DAY);
    let mut t = created;
    let mut next = |rng: &mut StdRng| {
        t = (t + rng.gen_range(MIN..=step)).min(now);
        t
    };
    let id = tickets::insert(
        conn,
        &TicketInsert {
            org_id: org,
            number,
            category_id: *category_id,
            requester_id: requester,
            title,
            description,
            priority,
            contact: None,
            created_at: created,
        },
    )?;
    let mut history = conn.prepare_cached(
        "INSERT INTO history (ticket_id, actor_id, action, field, old_value, new_value, detail,
                              internal, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    history.execute(params![
        id,
        requester,
        "created",
        None::<String>,
        None::<String>,
        None::<String>,
        title,
        false,
        created
    ])?;
    for q in questions.iter().filter(|q| q.required) {
        let value = match q.kind {
            QuestionKind::YesNo => rng.gen_bool(0.6).to_string(),
            QuestionKind::Choice => {
                serde_json::Value::String(pick(rng, &q.options).clone()).to_string()
            }
            _ => serde_json::Value::String(format!(
                "{}-{:04}",
                pick(rng, text::DEPARTMENTS),
                number % 10_000
            ))
            .to_string(),
        };
        conn.prepare_cached(
            "INSERT INTO answers (ticket_id, question_id, value) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, q.id, value])?;
    }
    let mut conversation = String::new();
    let mut notes = String::new();
    let mut touched = None;
    if let Some(a) = assignee {
        let at = next(rng);
        touched = Some(at);
        history.execute(params![
            id,
            a,
            "assigned",
            "assignee",
            "null",
            format!("{{\"id\":{a}}}"),
            None::<String>,
            false,
            at
        ])?;
        let mut comment = conn.prepare_cached(
            "INSERT INTO comments (ticket_id, author_id, body, internal, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for k in 0..rng.gen_range(1..=5) {
            let at = next(rng);
            let (author, body, internal) = match (k % 2, rng.gen_range(0..4)) {
                (0, 0) => (a, *pick(rng, text::INTERNAL_NOTES), true),
                (0, _) => (a, *pick(rng, text::AGENT_REPLIES), false),
                _ => (requester, *pick(rng, text::REQUESTER_REPLIES), false),
            };
            comment.execute(params![id, author, body, internal, at])?;
            let action = if internal { "internal_note" } else { "replied" };
            history.execute(params![
                id,
                author,
                action,
                None::<String>,
                None::<String>,
                None::<String>,
                body,
                internal,
                at
            ])?;
            let target = if internal {
                &mut notes
            } else {
                &mut conversation
            };
            target.push_str(body);
            target.push('\n');
        }
        if rng.gen_range(0..3) == 0 {
            let mut task = conn.prepare_cached(
                "INSERT INTO tasks (ticket_id, title, done, position, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?;
            for p in 0..rng.gen_range(1..=3) {
                let at = next(rng);
                let title = *pick(rng, text::TASKS);
                task.execute(params![
                    id,
                    title,
                    !status.is_active() || rng.gen_bool(0.3),
                    p,
                    at
                ])?;
                history.execute(params![
                    id,
                    a,
                    "task_added",
                    None::<String>,
                    None::<String>,
                    format!("\"{title}\""),
                    None::<String>,
                    false,
                    at
                ])?;
            }
        }
        if escalated {
            let at = next(rng);
            history.execute(params![
                id,
                a,
                "escalated",
                "tier",
                "1",
                tier.to_string(),
                *pick(rng, text::ESCALATION_REASONS),
                false,
                at
            ])?;
        }
    }
    if rng.gen_range(0..10) == 0 {
        let watcher = *pick(rng, requesters);
        if watcher != requester {
            conn.prepare_cached("INSERT OR IGNORE INTO watchers (ticket_id, user_id, created_at) VALUES (?1, ?2, ?3)")?
                .execute(params![id, watcher, created])?;
            history.execute(params![
                id,
                assignee,
                "watcher_added",
                None::<String>,
                None::<String>,
                format!("{{\"id\":{watcher}}}"),
                None::<String>,
                false,
                created
            ])?;
        }
    }
    let mut resolved = None;
    if matches!(status, Status::Resolved | Status::Closed) {
        let (cause, steps) = *pick(rng, text::RESOLUTIONS[ci]);
        let at = next(rng);
        resolved = Some((cause, steps, at));
        history.execute(params![
            id,
            assignee,
            "status",
            "status",
            "\"in_progress\"",
            "\"resolved\"",
            format!("Cause: {cause}\nSteps: {steps}"),
            false,
            at
        ])?;
    }
    let updated = if status == Status::New {
        created
    } else {
        next(rng)
    };
    if !matches!(status, Status::New | Status::Resolved) {
        // A closed ticket was resolved first: the move is from resolved, so the
        // reports' backlog does not count its finishing twice.
        let from = if resolved.is_some() {
            "\"resolved\""
        } else {
            "\"new\""
        };
        history.execute(params![
            id,
            assignee,
            "status",
            "status",
            from,
            format!("\"{}\"", status.as_str()),
            None::<String>,
            false,
            updated
        ])?;
    }
    conn.prepare_cached(
        "UPDATE tickets SET status = ?2, assignee_id = ?3, tier = ?4, escalated = ?5,
                staff_touched_at = ?6, resolution_cause = ?7, resolution_steps = ?8,
                resolved_at = ?9, resolved_by = ?10, updated_at = ?11,
                closed_at = CASE WHEN ?2 = 'closed' THEN ?11 END
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        status.as_str(),
        assignee,
        tier,
        escalated,
        touched,
        resolved.map(|r| r.0),
        resolved.map(|r| r.1),
        resolved.map(|r| r.2),
        resolved.and(assignee),
        updated
    ])?;
    search::index_ticket(conn, id, title, description, &conversation, &notes)
}
