//! Natively, jq programs run on a stack of their own, so deeply nested values can't crash the
//! host.
//!
//! A program can build a value nested millions of levels deep within its time limit
//! (`reduce range(1e6) as $i (0; [.])`), and jaq drops, compares and prints values by
//! recursion: on an ordinary 2 MiB thread that overflows the stack, which aborts the process.
//! Definitions are bounded separately (the recursion limit in [`super::limits`]).
//!
//! So each thread that runs programs reserves [`SIZE`] of address space once (only the pages
//! touched are ever committed; a guard region at the bottom) and every run switches onto it with
//! `psm` -- a few nanoseconds, where mapping a fresh stack per run (`stacker::grow`) costs about
//! 14 µs. After a run that went deep, the deep pages are given back to the system.
//!
//! Elsewhere (wasm, non-Unix hosts) programs run on the caller's stack: in wasm a stack overflow
//! is a trap, which the JS layer answers with an error and a fresh instance.

/// Address space reserved per thread for running programs (only touched pages are committed):
/// enough for `tojson` on a value nested about four million levels deep.
#[cfg(target_pointer_width = "64")]
pub const SIZE: usize = 4 << 30;
/// Address space reserved per thread for running programs.
#[cfg(not(target_pointer_width = "64"))]
pub const SIZE: usize = 256 << 20;

#[cfg(all(unix, not(target_family = "wasm")))]
mod imp {
    use super::SIZE;
    use std::cell::Cell;
    use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

    /// Inaccessible bottom of the region: running past it faults instead of corrupting memory.
    const GUARD: usize = 256 * 1024;
    /// The top of the region, kept committed between runs (what ordinary programs use).
    const KEEP: usize = 1 << 20;

    /// A thread's reserved region (unmapped when the thread ends).
    struct Region(*mut u8);

    impl Drop for Region {
        fn drop(&mut self) {
            if !self.0.is_null() {
                // SAFETY: the region was mapped by `map_region` with this size, and no run is
                // on it (a thread's locals are destroyed after its last frame returns).
                unsafe { libc::munmap(self.0.cast(), SIZE) };
            }
        }
    }

    thread_local! {
        static REGION: Region = Region(map_region());
        /// The lowest usable address while a run is on the region, else 0.
        static LIMIT: Cell<usize> = const { Cell::new(0) };
    }

    fn map_region() -> *mut u8 {
        // SAFETY: a fresh private anonymous mapping; the guard is within it.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            if libc::mprotect(p, GUARD, libc::PROT_NONE) != 0 {
                libc::munmap(p, SIZE);
                return std::ptr::null_mut();
            }
            canary(p.cast()).write_volatile(CANARY);
            p.cast()
        }
    }

    /// Run `f` on this thread's region (directly when already on it, or when it can't be mapped).
    pub fn run<R>(f: impl FnOnce() -> R) -> R {
        if LIMIT.get() != 0 {
            return f();
        }
        let base = REGION.with(|r| r.0);
        if base.is_null() {
            return f();
        }
        LIMIT.set(base as usize + GUARD);
        let mut outcome = None;
        // SAFETY: the region is page-aligned, SIZE is a multiple of the alignment, and the
        // callback can't unwind (panics are caught and resumed once back on the thread's stack).
        unsafe {
            psm::on_stack(base, SIZE, || outcome = Some(catch_unwind(AssertUnwindSafe(f))));
        }
        LIMIT.set(0);
        release_deep_pages(base);
        match outcome.expect("the callback ran") {
            Ok(r) => r,
            Err(panic) => resume_unwind(panic),
        }
    }

    /// A word that runs never write unless their stack reaches below the kept top.
    const CANARY: u64 = 0x686f_6f6b_6d61_7021;

    /// Where the canary lives: the last word of the kept top.
    fn canary(base: *mut u8) -> *mut u64 {
        (base as usize + SIZE - KEEP - 8) as *mut u64
    }

    /// Give back the pages below the kept top when the last run reached them: a stack that grew
    /// that deep overwrote the canary (or, rarely, left it alone: then the pages stay committed
    /// until a later deep run). A probe costs two memory accesses, no system call.
    fn release_deep_pages(base: *mut u8) {
        // SAFETY: the canary and the released pages are within the mapped region, which no run
        // is using now.
        unsafe {
            if canary(base).read_volatile() != CANARY {
                libc::madvise(base.add(GUARD).cast(), SIZE - KEEP - GUARD, libc::MADV_DONTNEED);
                canary(base).write_volatile(CANARY);
            }
        }
    }

    /// Whether the page 64 MiB below the top of this thread's region is committed (for tests).
    #[cfg(test)]
    pub fn deep_page_resident() -> bool {
        let base = REGION.with(|r| r.0);
        let page = (base as usize + SIZE - (64 << 20)) & !4095;
        let mut resident = 0u8;
        // SAFETY: a query about a page of the mapped region.
        unsafe { libc::mincore(page as *mut libc::c_void, 4096, &mut resident) == 0 && resident & 1 == 1 }
    }

    /// Stack left on the region, when running on it.
    pub fn remaining(position: usize) -> Option<usize> {
        let limit = LIMIT.get();
        (limit != 0).then(|| position.saturating_sub(limit))
    }
}

#[cfg(not(all(unix, not(target_family = "wasm"))))]
mod imp {
    /// Run `f` on the caller's stack.
    pub fn run<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    /// Never on a region of our own.
    pub fn remaining(_position: usize) -> Option<usize> {
        None
    }
}

pub use imp::{remaining, run};

#[cfg(all(test, unix, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn runs_switch_to_the_region_and_back() {
        assert_eq!(remaining(super::super::limits::stack_position()), None);
        let inside = run(|| remaining(super::super::limits::stack_position()));
        assert!(inside.is_some_and(|left| left > SIZE / 2), "{inside:?}");
        // Nested runs stay on the region.
        let nested = run(|| run(|| remaining(super::super::limits::stack_position())));
        assert!(nested.is_some());
        assert_eq!(remaining(super::super::limits::stack_position()), None);
    }

    #[test]
    fn a_panic_inside_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| run(|| panic!("boom")));
        assert!(caught.is_err());
        assert_eq!(run(|| 1 + 1), 2);
    }

    #[test]
    fn deep_recursion_fits_and_its_pages_are_given_back() {
        fn depth(n: usize) -> usize {
            // 200 bytes of frame that the optimiser can't remove (all zeros, so it adds nothing).
            let pad = std::hint::black_box([0u8; 200]);
            if n == 0 {
                0
            } else {
                1 + depth(std::hint::black_box(n - 1)) + usize::from(pad[199])
            }
        }
        // 128 MiB or more of stack, far beyond the thread's own 256 KiB.
        let frames = (128 << 20) / 200;
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let reached_half = run(|| {
                    let n = depth(frames);
                    (n, imp::deep_page_resident())
                });
                (reached_half, imp::deep_page_resident())
            })
            .unwrap();
        let ((n, resident_during), resident_after) = handle.join().unwrap();
        assert_eq!(n, frames);
        assert!(resident_during, "the recursion reached 64 MiB down");
        assert!(!resident_after, "the deep pages were given back");
    }
}
