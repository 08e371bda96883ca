//! The boundary every exported function crosses: the panic guard and
//! statuses ([`entry`]), opaque handles and their checks ([`handle`]), the
//! one block a handle lives in ([`block`], [`lifecycle`]), pointer
//! arguments ([`ptr_args`]), results ([`outcome`]), errors
//! ([`last_error`], [`status`]), limits and the version.

pub(crate) mod block;
pub(crate) mod entry;
pub(crate) mod handle;
pub(crate) mod last_error;
pub(crate) mod lifecycle;
pub(crate) mod limits;
pub(crate) mod outcome;
pub(crate) mod ptr_args;
pub(crate) mod status;
pub(crate) mod version;
