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
