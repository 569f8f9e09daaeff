//! JSON representations shared by the account endpoints (`User`, `Org` in
//! docs/api.md).

use crate::store::orgs::Org;
use crate::store::users::User;
use serde_json::{json, Value};

/// `Org {id, name, slug, time_zone, auto_assign, join_code?}`: the join code
/// only for its admins; `time_zone` null means the server's zone.
pub fn org(org: &Org, show_join_code: bool) -> Value {
    let mut v = json!({ "id": org.id, "name": org.name, "slug": org.slug,
                        "time_zone": org.time_zone, "auto_assign": org.auto_assign });
    if show_join_code {
        v["join_code"] = json!(org.join_code);
    }
    v
}

/// `{user, organization}`, as sign-in and `GET /api/me` answer.
pub fn user_and_org(user: &User, o: &Org) -> Value {
    json!({ "user": user, "organization": org(o, user.role.is_admin()) })
}
