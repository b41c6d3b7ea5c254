//! CPU-heavy mail work (parsing and sanitising) on a bounded pool of
//! blocking threads: never on the async workers, never while a write
//! transaction is held, and never on every core at once, so one hostile
//! message cannot starve the requests of everyone else.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Why CPU work did not give a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CpuError {
    /// It ran past its time budget (it finishes in the background, holding
    /// its place in the pool, so a flood of slow work stays bounded).
    #[error("took longer than {0:?}")]
    TimedOut(Duration),
    /// The worker thread panicked or the runtime is shutting down.
    #[error("the worker stopped: {0}")]
    Stopped(String),
}

/// A semaphore sized to the cores in front of `spawn_blocking`.
#[derive(Clone, Debug)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
}

impl Default for CpuPool {
    /// One thread fewer than there are cores (at least one), so requests
    /// always have a core while mail is being read.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::with_threads(cores.saturating_sub(1))
    }
}

impl CpuPool {
    /// A pool that runs at most `threads` jobs at once.
    pub fn with_threads(threads: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(threads.max(1))),
        }
    }

    /// Runs `work` on a blocking thread once a place is free; with a budget,
    /// gives up waiting for the result after it (counted from the start of
    /// the work, not the wait for a place).
    pub async fn run<R, F>(&self, budget: Option<Duration>, work: F) -> Result<R, CpuError>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| CpuError::Stopped(e.to_string()))?;
        let handle = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        });
        let joined = match budget {
            Some(budget) => tokio::time::timeout(budget, handle)
                .await
                .map_err(|_| CpuError::TimedOut(budget))?,
            None => handle.await,
        };
        joined.map_err(|e| CpuError::Stopped(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn never_runs_more_than_its_threads_at_once() {
        let pool = CpuPool::with_threads(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..8 {
            let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
            jobs.push(tokio::spawn(async move {
                pool.run(None, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        for job in jobs {
            assert_eq!(job.await.ok(), Some(Ok(())));
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn work_past_its_budget_is_given_up() {
        let pool = CpuPool::with_threads(1);
        let slow = pool
            .run(Some(Duration::from_millis(10)), || {
                std::thread::sleep(Duration::from_millis(300));
            })
            .await;
        assert_eq!(slow, Err(CpuError::TimedOut(Duration::from_millis(10))));
        assert_eq!(pool.run(None, || 7).await, Ok(7));
    }
}
