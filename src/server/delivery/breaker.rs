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
//! The state lives in this process's memory: it is a performance guard, not a record, and a
//! restart starts every circuit closed.

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
}

impl Default for Circuit {
    fn default() -> Self {
        Circuit {
            state: CircuitState::Closed,
            failures: 0,
            opened: 0,
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
        Change::Opened { until_ms }
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
            Change::Opened { until_ms: 31_000 }
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
            Change::Opened { until_ms: 100_000 },
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
}
