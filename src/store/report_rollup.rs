//! Keeps the reports' rollup on each organization's local days (migration 013
//! has the tables and the triggers that fill them at write time; this module
//! does what SQL cannot: time zones).
//!
//! The triggers put an instant on its local day with the UTC offsets stored in
//! `report_zone_offsets`, the organization's zone's list from
//! [`crate::domain::zone::utc_offsets`]. When that list no longer matches the
//! zone (the admin chose another zone, the server's zone changed for an
//! organization that follows it, a new tz database moved a rule, or the
//! migration left the table empty), [`sync_org`] writes the new list, moves
//! every fact of the organization to its new local day and rebuilds the
//! organization's rollups from the facts. Past figures then read as if the new
//! zone had always been set, which is what a manager comparing months expects.
//! A rebuild reads every fact of the organization once (about a minute for a
//! million tickets on a small machine), under the write lock: it runs at
//! start-up ([`sync_zones`]) and when an admin changes the zone, both rare.

use super::sla_settings::org_zone;
use super::StoreError;
use crate::domain::zone::utc_offsets;
use crate::domain::OrgId;
use rusqlite::{params, Connection};

/// Brings every organization's rollup onto its zone's local days; answers how
/// many organizations were rebuilt. Must run inside a write transaction.
pub fn sync_zones(conn: &Connection) -> Result<usize, StoreError> {
    let orgs: Vec<i64> = conn
        .prepare("SELECT id FROM organizations ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut rebuilt = 0;
    for org in orgs {
        rebuilt += usize::from(sync_org(conn, OrgId(org))?);
    }
    Ok(rebuilt)
}

/// Whether any organization's stored offsets differ from its zone's (a read,
/// so start-up takes the write lock only when there is work).
pub fn needs_sync(conn: &Connection) -> Result<bool, StoreError> {
    let orgs: Vec<i64> = conn
        .prepare("SELECT id FROM organizations ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for org in orgs {
        let org = OrgId(org);
        if stored(conn, org)? != utc_offsets(&org_zone(conn, org)?) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn stored(conn: &Connection, org: OrgId) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT since_ms, offset_ms FROM report_zone_offsets WHERE org_id = ?1
             ORDER BY since_ms",
        )?
        .query_map([org.0], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Rebuilds organization `org`'s rollup if its stored offsets are not its
/// zone's; answers whether it did. Call after changing the organization's zone,
/// inside the same write transaction.
pub fn sync_org(conn: &Connection, org: OrgId) -> Result<bool, StoreError> {
    let offsets = utc_offsets(&org_zone(conn, org)?);
    if stored(conn, org)? == offsets {
        return Ok(false);
    }
    conn.execute("DELETE FROM report_zone_offsets WHERE org_id = ?1", [org.0])?;
    {
        let mut insert = conn.prepare_cached(
            "INSERT INTO report_zone_offsets (org_id, since_ms, offset_ms) VALUES (?1, ?2, ?3)",
        )?;
        for (since, offset) in &offsets {
            insert.execute(params![org.0, since, offset])?;
        }
    }
    rebuild(conn, org)?;
    log::info!("reports: organization {} rebuilt on its local days", org.0);
    Ok(true)
}

/// The organization's facts on their local days, and its rollups summed from
/// them: the finest rows (every value set) first, then the seven "any" levels
/// from those rows rather than from the facts again.
fn rebuild(conn: &Connection, org: OrgId) -> Result<(), StoreError> {
    let o = org.0;
    conn.execute("DELETE FROM report_days WHERE org_id = ?1", [o])?;
    conn.execute("DELETE FROM report_times WHERE org_id = ?1", [o])?;
    // Changing only `day` fires no rollup trigger (they watch the filter columns).
    conn.execute(
        "UPDATE report_facts SET day = (at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
             WHERE z.org_id = report_facts.org_id AND z.since_ms <= report_facts.at
             ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000
         WHERE org_id = ?1",
        [o],
    )?;
    conn.execute(
        "INSERT INTO report_days (org_id, category_id, priority, assignee_id, day,
                                  created, resolved, closed, reopened, backlog_change)
         SELECT org_id, category_id, priority, assignee_id, day,
                SUM(kind = 'created'), SUM(kind = 'resolved'), SUM(kind = 'closed'),
                SUM(kind = 'reopened'), SUM(delta)
         FROM report_facts
         WHERE org_id = ?1 AND kind IN ('created', 'resolved', 'closed', 'reopened')
         GROUP BY category_id, priority, assignee_id, day",
        [o],
    )?;
    conn.execute(
        "INSERT INTO report_days (org_id, category_id, priority, assignee_id, day,
                                  created, resolved, closed, reopened, backlog_change)
         SELECT d.org_id,
                CASE WHEN m & 1 THEN d.category_id ELSE -1 END,
                CASE WHEN m & 2 THEN d.priority ELSE -1 END,
                CASE WHEN m & 4 THEN d.assignee_id ELSE -1 END,
                d.day, SUM(created), SUM(resolved), SUM(closed), SUM(reopened),
                SUM(backlog_change)
         FROM report_days d, report_masks
         WHERE d.org_id = ?1 AND m < 7
           AND d.category_id <> -1 AND d.priority <> -1 AND d.assignee_id <> -1
         GROUP BY 2, 3, 4, 5",
        [o],
    )?;
    conn.execute(
        "INSERT INTO report_times (org_id, category_id, priority, assignee_id, kind, span, start,
                                   bucket, n, sum_ms, met)
         SELECT org_id, category_id, priority, assignee_id, kind, 0, day, bucket,
                COUNT(*), SUM(ms), SUM(met)
         FROM report_facts
         WHERE org_id = ?1 AND kind IN ('first_response', 'resolution')
         GROUP BY category_id, priority, assignee_id, kind, day, bucket",
        [o],
    )?;
    // Every other level and block length from the finest days.
    conn.execute(
        "INSERT INTO report_times (org_id, category_id, priority, assignee_id, kind, span, start,
                                   bucket, n, sum_ms, met)
         SELECT t.org_id,
                CASE WHEN m & 1 THEN t.category_id ELSE -1 END,
                CASE WHEN m & 2 THEN t.priority ELSE -1 END,
                CASE WHEN m & 4 THEN t.assignee_id ELSE -1 END,
                t.kind, s.span, (t.start / s.len) * s.len, t.bucket, SUM(n), SUM(sum_ms), SUM(met)
         FROM report_times t, report_masks, report_spans s
         WHERE t.org_id = ?1 AND t.span = 0 AND NOT (m = 7 AND s.span = 0)
           AND t.category_id <> -1 AND t.priority <> -1 AND t.assignee_id <> -1
         GROUP BY 2, 3, 4, 5, 6, 7, 8",
        [o],
    )?;
    // Deflections have no ticket: the whole desk's row only.
    conn.execute(
        "INSERT INTO report_days (org_id, category_id, priority, assignee_id, day, deflections)
         SELECT org_id, -1, -1, -1,
                (created_at + COALESCE((SELECT offset_ms FROM report_zone_offsets z
                    WHERE z.org_id = deflections.org_id AND z.since_ms <= deflections.created_at
                    ORDER BY z.since_ms DESC LIMIT 1), 0)) / 86400000 AS d,
                COUNT(*)
         FROM deflections WHERE org_id = ?1 GROUP BY d
         ON CONFLICT DO UPDATE SET deflections = excluded.deflections",
        [o],
    )?;
    Ok(())
}
