//! When evaluations run: every threshold of the playground's scheduling, in one place (the
//! browser side receives the worker's from here).

use serde::Serialize;

/// Debounce between a keystroke and the evaluation, when evaluations are slow.
pub const DEBOUNCE_MS: u32 = 150;
/// Evaluations answering within this (worker round trip included) run at every keystroke.
pub const FAST_MS: f64 = 50.0;
/// A new input waits for a running evaluation that has run less than this (replacing the
/// worker costs more than a fast evaluation); one running longer is cancelled for it.
pub const PATIENCE_MS: f64 = 100.0;
/// The watchdog's default: an evaluation running longer is stopped and its worker replaced.
pub const WATCHDOG_MS: f64 = 2000.0;
/// The watchdog limits `?watchdog=MS` may ask for.
pub const WATCHDOG_RANGE: std::ops::RangeInclusive<f64> = 100.0..=60000.0;

/// What the evaluation worker's scheduler needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// The watchdog's limit.
    pub limit_ms: f64,
    /// See [`PATIENCE_MS`].
    pub patience_ms: f64,
}

/// The schedule for a page whose address asks `watchdog` (`?watchdog=MS`, from 100 ms to 60 s:
/// a longer-running mapping, or to see the watchdog stop one that the engine's own 500 ms
/// deadline would otherwise answer first); anything else keeps the default.
pub fn schedule(watchdog: Option<&str>) -> Schedule {
    let limit_ms = watchdog
        .and_then(|w| w.parse::<f64>().ok())
        .filter(|ms| WATCHDOG_RANGE.contains(ms))
        .unwrap_or(WATCHDOG_MS);
    Schedule {
        limit_ms,
        patience_ms: PATIENCE_MS,
    }
}

/// The `watchdog` parameter of the page's address.
pub fn watchdog_param() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("watchdog=").map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_follows_the_address_within_its_range() {
        assert_eq!(schedule(None).limit_ms, WATCHDOG_MS);
        assert_eq!(schedule(Some("300")).limit_ms, 300.0);
        assert_eq!(schedule(Some("50")).limit_ms, WATCHDOG_MS);
        assert_eq!(schedule(Some("x")).limit_ms, WATCHDOG_MS);
        assert_eq!(schedule(Some("300")).patience_ms, PATIENCE_MS);
    }
}
