//! What programs other than the workspace call: the MTA pipe posting raw
//! mail, and the metrics scrape. Each needs a token whose scope says so;
//! an agent's everyday token can do neither, so no agent can forge a
//! customer's mail (or a bounce) into a ticket.

use crate::intake::IngestOutcome;
use crate::throttle::take;
use crate::{App, AppError, Caller};
use rapport_core::Permission;

impl App {
    /// Takes in one raw message posted by an MTA or forwarding service: the
    /// caller needs the `inbound_mail` (or `admin`) scope, and each agent's
    /// tokens share a rate limit.
    pub async fn receive_mail<B>(&self, caller: &Caller, raw: B) -> Result<IngestOutcome, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        caller.require(Permission::IngestMail, "post inbound mail")?;
        take(&self.limits.inbound, caller.agent_id.0, "inbound mail")?;
        self.ingest_one(raw).await
    }

    /// Refuses callers who may not read the metrics (admins' `metrics`,
    /// `read_only` or `admin` tokens may).
    pub fn may_read_metrics(&self, caller: &Caller) -> Result<(), AppError> {
        caller.require(Permission::ReadMetrics, "read the metrics")
    }
}
