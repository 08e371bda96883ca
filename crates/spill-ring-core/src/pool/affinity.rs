//! Pinning a worker thread to one CPU (Linux only).

/// Pins the calling thread to the `index`-th CPU it is allowed to run on
/// (counting round the allowed set when `index` is past its end) and returns
/// that CPU's number. Returns `None` when pinning is not supported here or
/// the system refused it; the thread then runs where the scheduler puts it.
#[cfg(target_os = "linux")]
pub(crate) fn pin_current_thread(index: usize) -> Option<usize> {
    use core::mem::{size_of, zeroed};

    // SAFETY: `cpu_set_t` is a plain bit array, for which all zeros is a
    // valid (empty) value.
    let mut allowed: libc::cpu_set_t = unsafe { zeroed() };
    // SAFETY: `allowed` is a writable `cpu_set_t` of the size given; pid 0
    // names the calling thread.
    if unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut allowed) } != 0 {
        return None;
    }
    let max = libc::CPU_SETSIZE as usize;
    // SAFETY (of `CPU_ISSET`): every `cpu` is below `CPU_SETSIZE`, the
    // number of bits in the set.
    let allowed_cpus = || (0..max).filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &allowed) });
    let count = allowed_cpus().count();
    if count == 0 {
        return None;
    }
    let cpu = allowed_cpus().nth(index % count)?;
    // SAFETY: as above, all zeros is an empty set.
    let mut only: libc::cpu_set_t = unsafe { zeroed() };
    // SAFETY: `cpu` is below `CPU_SETSIZE`.
    unsafe { libc::CPU_SET(cpu, &mut only) };
    // SAFETY: `only` is a valid `cpu_set_t` of the size given; pid 0 names
    // the calling thread.
    if unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &only) } != 0 {
        return None;
    }
    Some(cpu)
}

/// Pinning is only implemented on Linux; elsewhere threads are not pinned.
#[cfg(not(target_os = "linux"))]
pub(crate) fn pin_current_thread(_index: usize) -> Option<usize> {
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore)]
    fn a_pinned_thread_runs_on_its_cpu_only() {
        std::thread::spawn(|| {
            let cpu = pin_current_thread(0).expect("pinning works on Linux");
            // SAFETY: as in `pin_current_thread`.
            let mut now: libc::cpu_set_t = unsafe { core::mem::zeroed() };
            let size = core::mem::size_of::<libc::cpu_set_t>();
            // SAFETY: `now` is a writable set of `size` bytes.
            assert_eq!(unsafe { libc::sched_getaffinity(0, size, &mut now) }, 0);
            // SAFETY: `now` is a valid set.
            assert_eq!(unsafe { libc::CPU_COUNT(&now) }, 1);
            // SAFETY: `cpu` is below `CPU_SETSIZE`.
            assert!(unsafe { libc::CPU_ISSET(cpu, &now) });
        })
        .join()
        .unwrap();
    }
}
