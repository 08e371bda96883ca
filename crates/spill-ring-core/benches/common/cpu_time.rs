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

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::Throughput;

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

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Formats values given in nanoseconds, and throughputs per second.
struct Nanoseconds;

/// The largest of `scales` (factor, unit) whose factor is at most `typical`,
/// or the first; divides every value by its factor and returns the unit.
fn rescale(typical: f64, values: &mut [f64], scales: &[(f64, &'static str)]) -> &'static str {
    let (factor, unit) = scales
        .iter()
        .rev()
        .find(|(factor, _)| typical >= *factor)
        .unwrap_or(&scales[0]);
    for value in values {
        *value /= factor;
    }
    unit
}

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        rescale(
            typical,
            values,
            &[(1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")],
        )
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (per_iteration, units): (f64, &[(f64, &'static str)]) = match *throughput {
            Throughput::Elements(n) => (
                n as f64,
                &[
                    (1.0, "elem/s"),
                    (1e3, "Kelem/s"),
                    (1e6, "Melem/s"),
                    (1e9, "Gelem/s"),
                ],
            ),
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => (
                n as f64,
                &[(1.0, "B/s"), (1e3, "KB/s"), (1e6, "MB/s"), (1e9, "GB/s")],
            ),
            Throughput::Bits(n) => (
                n as f64,
                &[(1.0, "b/s"), (1e3, "Kb/s"), (1e6, "Mb/s"), (1e9, "Gb/s")],
            ),
        };
        for value in values.iter_mut() {
            *value = per_iteration * 1e9 / *value;
        }
        rescale(per_iteration * 1e9 / typical, values, units)
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
