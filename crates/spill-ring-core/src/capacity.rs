//! Capacity rules shared by every ring.

use core::fmt;

/// The largest capacity a ring may have: 1,048,576 slots.
pub const MAX_CAPACITY: usize = 1 << 20;

/// Why a run-time capacity was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityError {
    /// The capacity was zero.
    Zero,
    /// The capacity was not a power of two.
    NotPowerOfTwo(usize),
    /// The capacity was over [`MAX_CAPACITY`].
    TooLarge(usize),
    /// The slots would not fit in the address space or the allocator failed.
    OutOfMemory(usize),
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CapacityError::Zero => f.write_str("capacity must be greater than zero"),
            CapacityError::NotPowerOfTwo(n) => {
                write!(f, "capacity {n} is not a power of two")
            }
            CapacityError::TooLarge(n) => {
                write!(f, "capacity {n} is over the maximum of {MAX_CAPACITY}")
            }
            CapacityError::OutOfMemory(n) => {
                write!(f, "could not allocate a ring of capacity {n}")
            }
        }
    }
}

impl core::error::Error for CapacityError {}

/// `$n`, a capacity given as a const parameter of the type `$ty`, once it is
/// known to be valid; otherwise the build fails with an error naming `$ty`
/// and the rule.
///
/// The check runs when the constant is evaluated, which happens when a
/// function that uses it is instantiated: `cargo build` reports it, with a
/// note pointing at the call that instantiated it, but `cargo check` and
/// rust-analyzer do not (Rust has no stable way to bound a const parameter
/// in a type's signature). Every public constructor of such a type uses the
/// constant directly, so that note points at the caller's line.
macro_rules! const_capacity {
    ($n:expr, $ty:literal) => {{
        assert!(
            $crate::capacity::check_capacity($n).is_ok(),
            concat!(
                "bad capacity in `",
                $ty,
                "`: N must be a power of two, greater than zero and at most \
                 MAX_CAPACITY (1,048,576); the note `the above error was \
                 encountered while instantiating` below points at the call"
            )
        );
        $n
    }};
}
pub(crate) use const_capacity;

/// Checks that `capacity` is a power of two, greater than zero and at most
/// [`MAX_CAPACITY`].
pub const fn check_capacity(capacity: usize) -> Result<(), CapacityError> {
    if capacity == 0 {
        Err(CapacityError::Zero)
    } else if capacity > MAX_CAPACITY {
        Err(CapacityError::TooLarge(capacity))
    } else if !capacity.is_power_of_two() {
        Err(CapacityError::NotPowerOfTwo(capacity))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_powers_of_two_up_to_the_maximum() {
        for shift in 0..=20 {
            assert_eq!(check_capacity(1 << shift), Ok(()));
        }
    }

    #[test]
    fn refuses_bad_capacities() {
        assert_eq!(check_capacity(0), Err(CapacityError::Zero));
        assert_eq!(check_capacity(3), Err(CapacityError::NotPowerOfTwo(3)));
        assert_eq!(
            check_capacity(MAX_CAPACITY * 2),
            Err(CapacityError::TooLarge(MAX_CAPACITY * 2))
        );
        #[cfg(feature = "alloc")]
        {
            use alloc::string::ToString;
            assert!(CapacityError::Zero.to_string().contains("zero"));
        }
    }
}
