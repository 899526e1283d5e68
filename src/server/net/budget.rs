//! The outbound budget of "Test connection". Each test sends a real request to an address a
//! tenant typed in, and waits up to [`TEST_TIMEOUT`] for it: without a bound, one account
//! could keep hundreds of Herald's sockets busy and aim them at any public address. So an
//! account runs at most `--max-tests-per-account` tests at once, and a user starts at most
//! `--tests-per-user-per-minute`; beyond either, the answer is 429 with how long to wait.
//!
//! Kept in memory, per process: a restart forgets the last minute, which is harmless.
//! Saving a target resolves its host name but sends nothing; that lookup is bounded by the
//! resolver's own timeout (`net::client`).

use crate::domain::AppError;
use crate::server::config::TEST_TIMEOUT;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The rate limit's window.
const WINDOW: Duration = Duration::from_secs(60);

/// Users whose starts are remembered before the forgotten ones are swept out.
const SWEEP_ABOVE: usize = 1024;

/// Tests running per account and started per user.
pub struct TestBudget {
    per_account: usize,
    per_minute: usize,
    books: Mutex<Books>,
}

#[derive(Default)]
struct Books {
    /// Account id → tests running now.
    running: HashMap<i64, usize>,
    /// User id → when each of their tests in the last minute started.
    started: HashMap<i64, VecDeque<Instant>>,
}

/// A running test's place in its account's budget, given back when dropped.
pub struct TestSlot {
    budget: Arc<TestBudget>,
    account_id: i64,
}

impl Drop for TestSlot {
    fn drop(&mut self) {
        if let Ok(mut books) = self.budget.books.lock() {
            if let Some(n) = books.running.get_mut(&self.account_id) {
                *n -= 1;
                if *n == 0 {
                    books.running.remove(&self.account_id);
                }
            }
        }
    }
}

impl TestBudget {
    /// A budget of `per_account` tests at once and `per_minute` starts per user.
    pub fn new(per_account: u32, per_minute: u32) -> Self {
        TestBudget {
            per_account: per_account as usize,
            per_minute: per_minute as usize,
            books: Mutex::new(Books::default()),
        }
    }

    /// Let `user_id` of `account_id` start a test now, or say how long to wait. A test
    /// refused for the account's cap does not count toward the user's minute.
    pub fn admit(self: &Arc<Self>, account_id: i64, user_id: i64) -> Result<TestSlot, AppError> {
        self.admit_at(account_id, user_id, Instant::now())
    }

    fn admit_at(
        self: &Arc<Self>,
        account_id: i64,
        user_id: i64,
        now: Instant,
    ) -> Result<TestSlot, AppError> {
        let mut books = self.books.lock().map_err(|_| AppError::Internal)?;
        let running = books.running.get(&account_id).copied().unwrap_or(0);
        if running >= self.per_account {
            return Err(AppError::TooManyRequests {
                message: format!(
                    "Test connection: {running} tests are already running for this account, \
                     the most at once; try again when one finishes."
                ),
                retry_after_secs: TEST_TIMEOUT.as_secs(),
            });
        }
        if books.started.len() > SWEEP_ABOVE {
            books
                .started
                .retain(|_, starts| starts.back().is_some_and(|t| now - *t < WINDOW));
        }
        let starts = books.started.entry(user_id).or_default();
        while starts.front().is_some_and(|t| now - *t >= WINDOW) {
            starts.pop_front();
        }
        if starts.len() >= self.per_minute {
            let oldest = *starts.front().expect("a full window has a first start");
            let wait = (WINDOW - (now - oldest)).as_secs().max(1);
            return Err(AppError::TooManyRequests {
                message: format!(
                    "Test connection: at most {} tests per minute per user; try again in {wait} s.",
                    self.per_minute
                ),
                retry_after_secs: wait,
            });
        }
        starts.push_back(now);
        *books.running.entry(account_id).or_default() += 1;
        Ok(TestSlot {
            budget: self.clone(),
            account_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_runs_at_most_its_cap_at_once_and_a_finished_test_frees_its_place() {
        let budget = Arc::new(TestBudget::new(2, 100));
        let a = budget.admit(1, 10).unwrap();
        let _b = budget.admit(1, 11).unwrap();
        let Err(AppError::TooManyRequests { message, .. }) = budget.admit(1, 12) else {
            panic!("a third test at once")
        };
        assert!(message.contains("the most at once"), "{message}");
        // Another account has its own budget.
        let _c = budget.admit(2, 20).unwrap();
        drop(a);
        budget.admit(1, 12).unwrap();
    }

    #[test]
    fn a_user_starts_at_most_the_rate_per_minute_and_is_told_how_long_to_wait() {
        let budget = Arc::new(TestBudget::new(100, 2));
        let t0 = Instant::now();
        drop(budget.admit_at(1, 10, t0).unwrap());
        drop(
            budget
                .admit_at(1, 10, t0 + Duration::from_secs(20))
                .unwrap(),
        );
        let Err(AppError::TooManyRequests {
            retry_after_secs, ..
        }) = budget.admit_at(1, 10, t0 + Duration::from_secs(30))
        else {
            panic!("a third start within the minute")
        };
        assert_eq!(retry_after_secs, 30);
        // Another user of the same account is not held back.
        drop(
            budget
                .admit_at(1, 11, t0 + Duration::from_secs(30))
                .unwrap(),
        );
        // A minute after the first start, one more is allowed.
        drop(
            budget
                .admit_at(1, 10, t0 + Duration::from_secs(61))
                .unwrap(),
        );
    }
}
