//! Counters behind `/metrics`, in the Prometheus text format: events accepted, rejected and
//! duplicated, PutEvents requests refused as a whole, attempts by target kind and outcome, an attempt latency histogram, and (read
//! from the database when scraped) the queue depth, the age of the oldest pending delivery,
//! how late the most overdue one is, and the size of the write-ahead log.

use super::store::events::QueueFigures;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The server's counters. Shared through the state.
#[derive(Default)]
pub struct Metrics {
    events_accepted: AtomicU64,
    events_rejected: AtomicU64,
    events_duplicate: AtomicU64,
    /// HTTP status → PutEvents requests refused as a whole.
    refused: Mutex<BTreeMap<u16, u64>>,
    /// (kind, outcome) → attempts.
    attempts: Mutex<BTreeMap<(String, String), u64>>,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
}

impl Metrics {
    /// Count a PutEvents result.
    pub fn events(&self, accepted: u64, duplicate: u64, rejected: u64) {
        self.events_accepted.fetch_add(accepted, Ordering::Relaxed);
        self.events_duplicate
            .fetch_add(duplicate, Ordering::Relaxed);
        self.events_rejected.fetch_add(rejected, Ordering::Relaxed);
    }

    /// Count a PutEvents request refused as a whole, by the status it was answered with.
    pub fn refused(&self, status: u16) {
        if let Ok(mut map) = self.refused.lock() {
            *map.entry(status).or_default() += 1;
        }
    }

    /// Count one attempt: its kind, its outcome (`delivered`, `retry`, `failed`, `dead`) and
    /// how long it took.
    pub fn attempt(&self, kind: &str, outcome: &str, latency_ms: u64) {
        if let Ok(mut map) = self.attempts.lock() {
            *map.entry((kind.to_string(), outcome.to_string()))
                .or_default() += 1;
        }
        let seconds = latency_ms as f64 / 1000.0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us
            .fetch_add(latency_ms.saturating_mul(1000), Ordering::Relaxed);
    }

    /// The exposition text, with the queue figures read at scrape time (left out when they
    /// could not be read) and the database writer's figures (transactions, seconds waiting
    /// for it, seconds holding it) and the size of its write-ahead log (left out for a
    /// database in memory).
    pub fn render(
        &self,
        queue: Option<QueueFigures>,
        writes: (u64, f64, f64),
        wal_bytes: Option<u64>,
    ) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            &mut out,
            "herald_events_accepted_total",
            "Events accepted by PutEvents (new, stored).",
            self.events_accepted.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "herald_events_duplicate_total",
            "Events re-sent with a (source, id) already stored; no-ops.",
            self.events_duplicate.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "herald_events_rejected_total",
            "Event entries refused by validation.",
            self.events_rejected.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP herald_put_events_refused_total PutEvents requests refused as a whole (bad key, wrong content type, too large, unreadable), by HTTP status.\n# TYPE herald_put_events_refused_total counter"
        );
        if let Ok(map) = self.refused.lock() {
            for (status, n) in map.iter() {
                let _ = writeln!(
                    out,
                    "herald_put_events_refused_total{{status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP herald_delivery_attempts_total Delivery attempts by target kind and outcome.\n# TYPE herald_delivery_attempts_total counter"
        );
        if let Ok(map) = self.attempts.lock() {
            for ((kind, outcome), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "herald_delivery_attempts_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP herald_attempt_duration_seconds How long delivery attempts took.\n# TYPE herald_attempt_duration_seconds histogram"
        );
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "herald_attempt_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                self.latency_buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "herald_attempt_duration_seconds_bucket{{le=\"+Inf\"}} {count}\nherald_attempt_duration_seconds_sum {}\nherald_attempt_duration_seconds_count {count}",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        if let Some(q) = queue {
            let _ = writeln!(
                out,
                "# HELP herald_queue_depth Deliveries waiting to be sent (due now or later).\n# TYPE herald_queue_depth gauge\nherald_queue_depth {}",
                q.depth
            );
            let _ = writeln!(
                out,
                "# HELP herald_oldest_pending_seconds Age of the oldest delivery not sent yet (waiting for a retry or a robot's pace included).\n# TYPE herald_oldest_pending_seconds gauge\nherald_oldest_pending_seconds {:.3}",
                q.oldest_pending_s.max(0.0)
            );
            let _ = writeln!(
                out,
                "# HELP herald_due_lag_seconds How long the most overdue delivery has been due without being sent.\n# TYPE herald_due_lag_seconds gauge\nherald_due_lag_seconds {}",
                q.due_lag_ms as f64 / 1000.0
            );
        }
        let (count, wait_s, hold_s) = writes;
        let _ = writeln!(
            out,
            "# HELP herald_db_write_transactions_total Write transactions (SQLite has one writer).\n# TYPE herald_db_write_transactions_total counter\nherald_db_write_transactions_total {count}"
        );
        let _ = writeln!(
            out,
            "# HELP herald_db_write_wait_seconds_total Time write transactions waited for their turn.\n# TYPE herald_db_write_wait_seconds_total counter\nherald_db_write_wait_seconds_total {wait_s}"
        );
        let _ = writeln!(
            out,
            "# HELP herald_db_write_busy_seconds_total Time the writer was held; its rate is how busy it is (1 = always).\n# TYPE herald_db_write_busy_seconds_total counter\nherald_db_write_busy_seconds_total {hold_s}"
        );
        if let Some(bytes) = wal_bytes {
            let _ = writeln!(
                out,
                "# HELP herald_wal_bytes Size of the database's write-ahead log file; truncated when it passes --wal-limit-mib.\n# TYPE herald_wal_bytes gauge\nherald_wal_bytes {bytes}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histogram_render_in_the_text_format() {
        let m = Metrics::default();
        m.events(3, 1, 2);
        m.refused(401);
        m.refused(401);
        m.refused(413);
        m.attempt("http", "delivered", 7);
        m.attempt("http", "delivered", 40);
        m.attempt("dingtalk", "retry", 2000);
        let queue = QueueFigures {
            depth: 5,
            oldest_pending_s: 90.25,
            due_lag_ms: 1500,
        };
        let text = m.render(Some(queue), (4, 0.25, 1.5), Some(8192));
        assert!(text.contains("herald_events_accepted_total 3"), "{text}");
        assert!(text.contains("herald_events_rejected_total 2"), "{text}");
        assert!(
            text.contains("herald_put_events_refused_total{status=\"401\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("herald_put_events_refused_total{status=\"413\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("herald_delivery_attempts_total{kind=\"http\",outcome=\"delivered\"} 2")
        );
        assert!(
            text.contains("herald_attempt_duration_seconds_bucket{le=\"0.01\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("herald_attempt_duration_seconds_bucket{le=\"0.05\"} 2"),
            "{text}"
        );
        assert!(text.contains("herald_attempt_duration_seconds_count 3"));
        assert!(text.contains("herald_queue_depth 5"));
        assert!(
            text.contains("herald_oldest_pending_seconds 90.250\n"),
            "{text}"
        );
        assert!(text.contains("herald_due_lag_seconds 1.5\n"), "{text}");
        // Figures that could not be read are left out, not made up.
        assert!(text.contains("herald_wal_bytes 8192\n"), "{text}");
        let text = m.render(None, (4, 0.25, 1.5), None);
        assert!(!text.contains("herald_queue_depth"), "{text}");
        assert!(!text.contains("herald_wal_bytes"), "{text}");
        assert!(text.contains("herald_db_write_transactions_total 4"));
        assert!(text.contains("herald_db_write_wait_seconds_total 0.25"));
        assert!(text.contains("herald_db_write_busy_seconds_total 1.5"));
    }
}
