//! Pacing: each chat robot gets messages below its provider's limit (DingTalk and WeCom
//! 20 a minute, Lark 5 a second and 100 a minute; Herald keeps a margin). A robot is its
//! webhook URL, so targets of several rules that post to one robot share its budget. A
//! delivery that finds the budget spent waits (it is never dropped), and when several wait
//! for one target they go out together as one digest message. Deliveries waiting for an HTTP target's
//! own rate are spread over its next free slots, so they come back one slot apart rather
//! than all at once.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::catalog::TargetKind;

/// Sliding-window limits: (most messages, per window).
pub fn limits(kind: TargetKind) -> &'static [(usize, Duration)] {
    const MINUTE: Duration = Duration::from_secs(60);
    const SECOND: Duration = Duration::from_secs(1);
    match kind {
        // 20/min documented; 18 leaves room for clock skew and test messages.
        TargetKind::DingTalk | TargetKind::WeCom => &[(18, MINUTE)],
        TargetKind::Lark => &[(4, SECOND), (90, MINUTE)],
        _ => &[],
    }
}

/// Recent sends per robot (its webhook URL) and per rate-limited HTTP target, in Unix
/// milliseconds.
#[derive(Default)]
pub struct Pacer {
    robots: Mutex<HashMap<String, VecDeque<i64>>>,
    targets: Mutex<HashMap<i64, VecDeque<i64>>>,
    /// The last slot a waiting delivery was given, per HTTP target.
    slots: Mutex<HashMap<i64, i64>>,
}

impl Pacer {
    /// Take one send to the robot at `url` at `now_ms`: `Ok(())`, or `Err(when)` — the
    /// earliest time (ms) a send will fit.
    pub fn take(&self, url: &str, kind: TargetKind, now_ms: i64) -> Result<(), i64> {
        let windows = limits(kind);
        if windows.is_empty() {
            return Ok(());
        }
        let mut map = self.robots.lock().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(url) {
            map.insert(url.to_string(), VecDeque::new());
        }
        let times = map.get_mut(url).expect("inserted above");
        take_within(times, windows, now_ms)
    }

    /// As [`Pacer::take`], for an HTTP target's own limit of `per_second`; each delivery
    /// that must wait gets the next free slot (`1000 / per_second` ms after the last one).
    pub fn take_rate(&self, target: i64, per_second: u32, now_ms: i64) -> Result<(), i64> {
        let window = [(per_second as usize, Duration::from_secs(1))];
        let when = {
            let mut map = self.targets.lock().unwrap_or_else(|e| e.into_inner());
            take_within(map.entry(target).or_default(), &window, now_ms)
        };
        when.map_err(|when| {
            let spacing = (1000 / i64::from(per_second.max(1))).max(1);
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            let last = slots.entry(target).or_insert(i64::MIN);
            let slot = if *last >= when { *last + spacing } else { when };
            *last = slot;
            slot
        })
    }
}

/// Take one send from the sliding `windows` over `times` (the recent sends), or say when one
/// fits.
fn take_within(
    times: &mut VecDeque<i64>,
    windows: &[(usize, Duration)],
    now_ms: i64,
) -> Result<(), i64> {
    let longest = windows
        .iter()
        .map(|(_, w)| w.as_millis() as i64)
        .max()
        .unwrap_or(0);
    while times.front().is_some_and(|t| *t <= now_ms - longest) {
        times.pop_front();
    }
    let mut wait_until = now_ms;
    for (max, window) in windows {
        let w = window.as_millis() as i64;
        let in_window: Vec<i64> = times.iter().copied().filter(|t| *t > now_ms - w).collect();
        if in_window.len() >= *max {
            // The send that leaves the window first makes room.
            let oldest = in_window[in_window.len() - max];
            wait_until = wait_until.max(oldest + w);
        }
    }
    if wait_until > now_ms {
        return Err(wait_until);
    }
    times.push_back(now_ms);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_gets_eighteen_a_minute_then_waits_for_the_window() {
        let p = Pacer::default();
        for i in 0..18 {
            assert!(p.take("robot-1", TargetKind::DingTalk, 1_000 + i).is_ok());
        }
        assert_eq!(p.take("robot-1", TargetKind::DingTalk, 2_000), Err(61_000));
        assert!(
            p.take("robot-2", TargetKind::DingTalk, 2_000).is_ok(),
            "other robots are separate"
        );
        assert!(p.take("robot-1", TargetKind::DingTalk, 61_001).is_ok());
    }

    #[test]
    fn lark_is_limited_per_second_and_per_minute() {
        let p = Pacer::default();
        for i in 0..4 {
            assert!(p.take("lark-9", TargetKind::Lark, 10_000 + i).is_ok());
        }
        assert_eq!(p.take("lark-9", TargetKind::Lark, 10_100), Err(11_000));
        let mut t = 11_000;
        let mut sent = 4;
        while sent < 90 {
            if p.take("lark-9", TargetKind::Lark, t).is_ok() {
                sent += 1;
            }
            t += 250;
        }
        assert!(p.take("lark-9", TargetKind::Lark, t).unwrap_err() >= 70_000);
    }

    #[test]
    fn an_http_target_may_set_its_own_rate() {
        let p = Pacer::default();
        assert!(p.take_rate(4, 2, 0).is_ok());
        assert!(p.take_rate(4, 2, 10).is_ok());
        assert_eq!(p.take_rate(4, 2, 20), Err(1000));
        assert_eq!(
            p.take_rate(4, 2, 30),
            Err(1500),
            "the next waits one slot more"
        );
        assert_eq!(p.take_rate(4, 2, 40), Err(2000));
        assert_eq!(p.take_rate(5, 2, 40), Ok(()), "other targets are separate");
        assert!(p.take_rate(4, 2, 1000).is_ok());
        assert!(p.take_rate(4, 2, 1500).is_ok());
        assert_eq!(
            p.take_rate(4, 2, 1600),
            Err(2500),
            "slots already given out are not given twice"
        );
    }

    #[test]
    fn http_and_contact_targets_are_not_paced() {
        let p = Pacer::default();
        for i in 0..1000 {
            assert!(p.take("http-3", TargetKind::Http, i).is_ok());
        }
    }
}
