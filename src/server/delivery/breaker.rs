//! Circuit breakers, one per target: a target that keeps timing out or refusing
//! connections is short-circuited, so its deliveries stop holding attempt slots and network
//! connections that the other targets need.
//!
//! After `--circuit-threshold` (default [`THRESHOLD`]) attempts in a row end in a transport failure (timeout, refused
//! connection, DNS or TLS failure) the circuit opens: the target's deliveries are not sent;
//! each is recorded as a short-circuited attempt (reason `circuit_open`) and waits for its
//! next retry, no earlier than the circuit's next probe, so the retry schedule still
//! decides when a delivery is dead and nothing is dropped. When the open period ends, one
//! delivery goes as a probe (half-open) while the others keep waiting; an answer of any
//! kind closes the circuit (the receiver is reachable; what it answered is the delivery's
//! business) and the waiting deliveries are due at once; another transport failure opens it
//! again for twice as long, up to [`MAX_OPEN`]. An answer, even an error status, resets the
//! count: only an unreachable receiver trips the breaker.
//!
//! On SQLite the state lives in this process's memory: it is a performance guard, not a
//! record, and a restart starts every circuit closed. On PostgreSQL, where several nodes
//! may send to one target, the node whose attempts open a circuit writes it to the
//! database ([`crate::server::store::circuits`]) and the node whose probe closes it deletes
//! it; every node reads the open circuits each second ([`Breakers::follow`]) and holds them
//! open too, so an unreachable receiver is short-circuited by all of them. Each node
//! counts its own failures in a row, and each may send one probe when the open period ends.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::target::Reason;

/// Transport failures in a row that open a circuit, by default.
pub const THRESHOLD: u32 = 5;
/// How long a circuit first stays open, by default.
pub const FIRST_OPEN: Duration = Duration::from_secs(30);
/// The longest it stays open between probes.
pub const MAX_OPEN: Duration = Duration::from_secs(600);

/// What may be sent to a target now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Closed: send.
    Send,
    /// Half-open: send this one delivery as the probe; the others wait.
    Probe,
    /// Open (or a probe is out): do not send; try again no earlier than `until_ms`.
    ShortCircuit { until_ms: i64 },
}

/// A target's circuit, as `/metrics` and the rule list show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    Closed,
    Open { until_ms: i64 },
    HalfOpen,
}

impl CircuitState {
    /// The name `/metrics` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open { .. } => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Circuit {
    state: CircuitState,
    /// Transport failures in a row.
    failures: u32,
    /// Times it opened without closing in between (for the doubling).
    opened: u32,
    /// When this state was known to be in the database every node reads (Unix ms), if it
    /// was: a circuit missing from there since then was closed by another node.
    shared_since: Option<i64>,
}

impl Default for Circuit {
    fn default() -> Self {
        Circuit {
            state: CircuitState::Closed,
            failures: 0,
            opened: 0,
            shared_since: None,
        }
    }
}

/// Whether an attempt that ended with `reason` says the receiver is unreachable.
pub fn is_transport_failure(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::Timeout | Reason::Connect | Reason::Dns | Reason::Tls
    )
}

/// The circuits of this process's targets. Shared through the engine's context.
pub struct Breakers {
    circuits: Mutex<HashMap<i64, Circuit>>,
    /// Transport failures in a row that open a circuit.
    threshold: u32,
    /// How long a circuit first stays open.
    first_open: Duration,
}

impl Default for Breakers {
    fn default() -> Self {
        Breakers::new(THRESHOLD, FIRST_OPEN)
    }
}

/// What an attempt's result did to its target's circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    None,
    Opened {
        until_ms: i64,
        /// Times it opened without closing in between, this one included.
        opened: u32,
    },
    /// It was open or half-open and closed: the deliveries that waited may go now.
    Closed,
}

impl Breakers {
    /// Circuits that open after `threshold` transport failures in a row, for `first_open`
    /// at first.
    pub fn new(threshold: u32, first_open: Duration) -> Breakers {
        Breakers {
            circuits: Mutex::default(),
            threshold: threshold.max(1),
            first_open,
        }
    }

    /// Transport failures in a row that open a circuit.
    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// May a delivery to `target` be sent at `now_ms`? An open circuit whose time is up
    /// becomes half-open and this delivery is its probe.
    pub fn admit(&self, target: i64, now_ms: i64) -> Admit {
        let mut map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        let Some(c) = map.get_mut(&target) else {
            return Admit::Send;
        };
        match c.state {
            CircuitState::Closed => Admit::Send,
            CircuitState::Open { until_ms } if now_ms < until_ms => {
                Admit::ShortCircuit { until_ms }
            }
            CircuitState::Open { .. } => {
                c.state = CircuitState::HalfOpen;
                Admit::Probe
            }
            // The probe is out; the others wait for its answer (a second or so after it).
            CircuitState::HalfOpen => Admit::ShortCircuit {
                until_ms: now_ms + 1_000,
            },
        }
    }

    /// An attempt to `target` ended with `reason` (a real one, not a short circuit).
    pub fn record(&self, target: i64, reason: Reason, now_ms: i64) -> Change {
        let mut map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        if !is_transport_failure(reason) {
            // Only a circuit that is not plainly closed is worth remembering.
            return match map.remove(&target) {
                Some(c) if c.state != CircuitState::Closed => Change::Closed,
                _ => Change::None,
            };
        }
        let c = map.entry(target).or_default();
        c.failures += 1;
        let trips = match c.state {
            CircuitState::HalfOpen => true,
            CircuitState::Closed => c.failures >= self.threshold,
            // An attempt that started before the circuit opened: it is open already.
            CircuitState::Open { .. } => false,
        };
        if !trips {
            return Change::None;
        }
        let open_ms = (self.first_open.as_millis() as i64)
            .saturating_mul(1 << c.opened.min(10))
            .min(MAX_OPEN.as_millis() as i64);
        c.opened += 1;
        let until_ms = now_ms + open_ms;
        c.state = CircuitState::Open { until_ms };
        c.shared_since = None;
        Change::Opened {
            until_ms,
            opened: c.opened,
        }
    }

    /// `target`'s circuit, opened until `until_ms`, was written to the shared database at
    /// `at_ms` (after the write committed).
    pub fn published(&self, target: i64, until_ms: i64, at_ms: i64) {
        let mut map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get_mut(&target) {
            if c.state == (CircuitState::Open { until_ms }) {
                c.shared_since = Some(at_ms);
            }
        }
    }

    /// Follow the circuits open in the shared database, as read at `read_at_ms` (when the
    /// read began): each is held open here too, and a circuit this process knew to be
    /// there, missing since, was closed by another node's probe and closes here. A local
    /// probe that is out keeps its half-open state unless another node reopened the circuit.
    pub fn follow(&self, open: &[(i64, i64, u32)], read_at_ms: i64, now_ms: i64) {
        let mut map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|target, c| {
            c.state == CircuitState::Closed
                || open.iter().any(|(t, _, _)| t == target)
                || c.shared_since.is_none_or(|since| since >= read_at_ms)
        });
        for &(target, until_ms, opened) in open {
            let c = map.entry(target).or_default();
            let adopt = match c.state {
                CircuitState::Closed => true,
                CircuitState::Open { until_ms: mine } => mine != until_ms,
                CircuitState::HalfOpen => until_ms > now_ms,
            };
            if adopt {
                c.state = CircuitState::Open { until_ms };
                c.failures = c.failures.max(self.threshold);
                c.opened = c.opened.max(opened);
            }
            if c.state == (CircuitState::Open { until_ms }) {
                c.shared_since = Some(read_at_ms);
            }
        }
    }

    /// A probe was admitted but not sent (its robot's budget or the target's own rate made
    /// it wait): the circuit may probe again at once.
    pub fn probe_not_sent(&self, target: i64, now_ms: i64) {
        let mut map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get_mut(&target) {
            if c.state == CircuitState::HalfOpen {
                c.state = CircuitState::Open { until_ms: now_ms };
            }
        }
    }

    /// The state of `target`'s circuit.
    pub fn state(&self, target: i64) -> CircuitState {
        let map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&target)
            .map(|c| c.state)
            .unwrap_or(CircuitState::Closed)
    }

    /// Every circuit that is not closed: (target, state, transport failures in a row).
    pub fn not_closed(&self) -> Vec<(i64, CircuitState, u32)> {
        let map = self.circuits.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<_> = map
            .iter()
            .filter(|(_, c)| c.state != CircuitState::Closed)
            .map(|(t, c)| (*t, c.state, c.failures))
            .collect();
        out.sort_by_key(|(t, _, _)| *t);
        out
    }

    /// The `/metrics` lines: how many circuits are open or half-open, and each such target.
    pub fn render(&self) -> String {
        let list = self.not_closed();
        let mut out = String::new();
        let open = list
            .iter()
            .filter(|(_, s, _)| matches!(s, CircuitState::Open { .. }))
            .count();
        let _ = writeln!(
            out,
            "# HELP herald_circuits_open Targets whose circuit breaker is open or half-open (their deliveries wait instead of being sent).\n# TYPE herald_circuits_open gauge\nherald_circuits_open{{state=\"open\"}} {open}\nherald_circuits_open{{state=\"half_open\"}} {}",
            list.len() - open
        );
        let _ = writeln!(
            out,
            "# HELP herald_target_circuit_open A target whose circuit is not closed (1 open, 0.5 half-open).\n# TYPE herald_target_circuit_open gauge"
        );
        for (target, state, _) in list {
            let v = if matches!(state, CircuitState::Open { .. }) {
                "1"
            } else {
                "0.5"
            };
            let _ = writeln!(out, "herald_target_circuit_open{{target=\"{target}\"}} {v}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_timeouts_in_a_row_open_the_circuit_and_an_answer_resets_the_count() {
        let b = Breakers::default();
        for _ in 0..4 {
            assert_eq!(b.record(7, Reason::Timeout, 0), Change::None);
        }
        assert_eq!(b.record(7, Reason::HttpStatus, 0), Change::None);
        for _ in 0..4 {
            assert_eq!(b.record(7, Reason::Connect, 0), Change::None);
        }
        assert_eq!(b.admit(7, 0), Admit::Send);
        assert_eq!(
            b.record(7, Reason::Timeout, 1_000),
            Change::Opened {
                until_ms: 31_000,
                opened: 1
            }
        );
        assert_eq!(b.admit(7, 5_000), Admit::ShortCircuit { until_ms: 31_000 });
        assert_eq!(b.admit(8, 5_000), Admit::Send, "other targets are separate");
    }

    #[test]
    fn the_circuit_probes_once_then_closes_or_opens_for_twice_as_long() {
        let b = Breakers::default();
        for _ in 0..THRESHOLD {
            b.record(7, Reason::Timeout, 0);
        }
        assert_eq!(b.admit(7, 30_000), Admit::Probe);
        assert_eq!(b.state(7), CircuitState::HalfOpen);
        assert!(
            matches!(b.admit(7, 30_001), Admit::ShortCircuit { .. }),
            "one probe at a time"
        );
        assert_eq!(
            b.record(7, Reason::Timeout, 40_000),
            Change::Opened {
                until_ms: 100_000,
                opened: 2
            },
            "a failed probe opens it for twice as long"
        );
        assert_eq!(b.admit(7, 100_000), Admit::Probe);
        assert_eq!(b.record(7, Reason::Delivered, 100_500), Change::Closed);
        assert_eq!(b.state(7), CircuitState::Closed);
        assert_eq!(b.admit(7, 100_600), Admit::Send);
        assert!(b.not_closed().is_empty());
    }

    #[test]
    fn a_probe_that_was_not_sent_lets_the_next_delivery_probe() {
        let b = Breakers::default();
        for _ in 0..THRESHOLD {
            b.record(7, Reason::Dns, 0);
        }
        assert_eq!(b.admit(7, 31_000), Admit::Probe);
        b.probe_not_sent(7, 31_000);
        assert_eq!(b.admit(7, 31_001), Admit::Probe);
    }

    #[test]
    fn the_open_period_is_capped() {
        let b = Breakers::default();
        let mut now = 0;
        for _ in 0..THRESHOLD {
            b.record(7, Reason::Timeout, now);
        }
        for _ in 0..20 {
            let CircuitState::Open { until_ms } = b.state(7) else {
                panic!("open")
            };
            now = until_ms;
            assert_eq!(b.admit(7, now), Admit::Probe);
            b.record(7, Reason::Timeout, now);
        }
        let CircuitState::Open { until_ms } = b.state(7) else {
            panic!("open")
        };
        assert_eq!(until_ms - now, MAX_OPEN.as_millis() as i64);
        assert!(b
            .render()
            .contains("herald_target_circuit_open{target=\"7\"} 1"));
    }

    #[test]
    fn a_circuit_opened_by_another_node_is_held_open_here_until_that_node_closes_it() {
        let here = Breakers::default();
        // Another node opened target 7's circuit; this one follows.
        here.follow(&[(7, 60_000, 1)], 1_000, 1_000);
        assert_eq!(
            here.admit(7, 2_000),
            Admit::ShortCircuit { until_ms: 60_000 }
        );
        assert_eq!(here.state(7), CircuitState::Open { until_ms: 60_000 });
        // Read again, still open: nothing changes.
        here.follow(&[(7, 60_000, 1)], 3_000, 3_000);
        assert_eq!(here.state(7), CircuitState::Open { until_ms: 60_000 });
        // Its time is up: this node may probe too.
        assert_eq!(here.admit(7, 60_000), Admit::Probe);
        // The other node's probe failed and reopened it for twice as long: held open here.
        here.follow(&[(7, 150_000, 2)], 90_000, 90_000);
        assert_eq!(here.state(7), CircuitState::Open { until_ms: 150_000 });
        // The other node's next probe closed it (the row is gone).
        here.follow(&[], 160_000, 160_000);
        assert_eq!(here.state(7), CircuitState::Closed);
        assert_eq!(here.admit(7, 160_001), Admit::Send);
    }

    #[test]
    fn a_circuit_opened_here_is_not_closed_by_a_read_that_began_before_it_was_shared() {
        let here = Breakers::default();
        for _ in 0..THRESHOLD {
            here.record(7, Reason::Connect, 10_000);
        }
        // Not in the database yet: a read that misses it closes nothing.
        here.follow(&[], 10_500, 10_500);
        assert_eq!(here.state(7), CircuitState::Open { until_ms: 40_000 });
        here.published(7, 40_000, 11_000);
        // A read that began before it was written misses it too, and closes nothing.
        here.follow(&[], 10_900, 11_100);
        assert_eq!(here.state(7), CircuitState::Open { until_ms: 40_000 });
        here.follow(&[(7, 40_000, 1)], 12_000, 12_000);
        assert_eq!(here.state(7), CircuitState::Open { until_ms: 40_000 });
        // Another node closed it: gone from the database, closed here.
        here.follow(&[], 13_000, 13_000);
        assert_eq!(here.state(7), CircuitState::Closed);
    }
}
