//! A criterion measurement that counts the CPU time of the benchmark's own
//! thread instead of wall-clock time.
//!
//! The benchmarks run on a small machine shared with other work: a thread
//! that is descheduled half of the time would show half of its real speed
//! in wall-clock time, differently from one case to the next. The thread's
//! CPU time leaves those pauses out, so cases measured a minute apart stay
//! comparable. Only for single-threaded benchmarks: other threads' time is
//! not counted.

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
pub struct ThreadCpuTime;

/// The calling thread's CPU time so far.
fn now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `timespec`, and
    // `CLOCK_THREAD_CPUTIME_ID` is supported on every Linux kernel.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        now()
    }

    fn end(&self, start: Duration) -> Duration {
        now().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    /// Values are nanoseconds, as `WallTime`'s are: its formatter fits.
    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}
