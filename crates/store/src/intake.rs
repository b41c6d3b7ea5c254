//! Group commit for new tickets: requests that arrive while a transaction is
//! being written wait and go together into the next one. Under load this
//! writes each touched index page once per batch instead of once per ticket;
//! alone, a request still commits at once. A batch that fails is retried one
//! ticket per transaction, so one bad request never fails the others.

use crate::StoreError;
use crate::report_cells::Delta;
use crate::tickets::{NewMessage, TicketChange, create_in};
use rapport_core::Actor;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

/// The most tickets one transaction takes.
const MAX_BATCH: usize = 64;

pub(crate) struct CreateJob {
    pub(crate) opening: rapport_core::Opening,
    pub(crate) actor: Actor,
    pub(crate) first: Option<NewMessage>,
    pub(crate) reply: oneshot::Sender<Result<TicketChange, StoreError>>,
}

/// Starts the batching writer; it ends when every sender is dropped.
pub(crate) fn start(write: AnyPool, sla: crate::clocks::SlaSlot) -> mpsc::Sender<CreateJob> {
    let (sender, mut receiver) = mpsc::channel::<CreateJob>(1024);
    tokio::spawn(async move {
        while let Some(first) = receiver.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            match write_batch(&write, &sla, &jobs).await {
                Ok(changes) => {
                    for (job, change) in jobs.into_iter().zip(changes) {
                        let _ = job.reply.send(Ok(change));
                    }
                }
                Err(error) if jobs.len() == 1 => {
                    if let Some(job) = jobs.pop() {
                        let _ = job.reply.send(Err(error));
                    }
                }
                Err(_) => {
                    for job in jobs {
                        let result = write_batch(&write, &sla, std::slice::from_ref(&job)).await;
                        let _ = job.reply.send(result.map(|mut c| c.remove(0)));
                    }
                }
            }
        }
    });
    sender
}

async fn write_batch(
    write: &AnyPool,
    sla: &crate::clocks::SlaSlot,
    jobs: &[CreateJob],
) -> Result<Vec<TicketChange>, StoreError> {
    let rules = sla.get();
    let mut tx = write.begin().await?;
    let mut changes = Vec::with_capacity(jobs.len());
    let mut cells = Delta::default();
    for job in jobs {
        changes.push(
            create_in(
                &mut tx,
                &job.opening,
                job.actor,
                job.first.as_ref(),
                rules.as_deref(),
                &mut cells,
            )
            .await?,
        );
    }
    cells.apply(&mut tx).await?;
    tx.commit().await?;
    Ok(changes)
}
