//! SLA warnings and breaches on the jobs thread. Each run records the marks due
//! at the job clock's `now` and publishes them after the commit
//! ([`crate::api::sla::fire_marks`]), then asks to run again when the next mark
//! comes due. The work is handed in as a function by `api::App`, which owns the
//! live hub the events go to; this file knows only when to call it.

use super::{Job, JobError};
use crate::domain::zone::from_ms;
use crate::store::StoreError;
use jiff::Timestamp;

/// One pass at `now` (Unix ms): answers when the next mark comes due.
pub type Pass = Box<dyn FnMut(i64) -> Result<Option<i64>, StoreError> + Send>;

/// The SLA marks job; see the module docs.
pub struct SlaJob {
    pass: Pass,
}

impl SlaJob {
    pub fn new(pass: Pass) -> SlaJob {
        SlaJob { pass }
    }
}

impl Job for SlaJob {
    fn name(&self) -> &'static str {
        "SLA warnings and breaches"
    }

    fn run(&mut self, now: Timestamp) -> Result<Option<Timestamp>, JobError> {
        // A ticket event can bring a mark forward (a priority raised): the
        // thread's longest sleep bounds how late such a mark fires.
        Ok((self.pass)(now.as_millisecond())?.map(from_ms))
    }
}
