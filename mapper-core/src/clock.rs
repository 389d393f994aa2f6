//! Where `now` and deadlines take their time from: the host (WebAssembly has no clock).

/// A source of the current time, in seconds since the Unix epoch (what jq's `now` returns).
/// The host supplies it: WebAssembly has no system clock.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now(&self) -> f64;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> f64 {
        #[cfg(not(target_family = "wasm"))]
        {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64())
        }
        #[cfg(target_family = "wasm")]
        {
            0.0
        }
    }
}

/// A clock that always answers the same time (for tests and reproducible runs).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub f64);

impl Clock for FixedClock {
    fn now(&self) -> f64 {
        self.0
    }
}
