//! The `wardline` binary: everything lives in the library; this sets the allocator.

// glibc's malloc grows per-thread arenas a page range at a time (an mprotect call each),
// which was a quarter of a large check's time; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same index in v2 and v3);
/// `libmimalloc-sys` names no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // A check is one short process that frees each file's syntax tree and reuses the
    // memory for the next file. Handing freed pages back to the kernel (mimalloc's default,
    // after a delay) only makes the kernel zero them again, huge page by huge page, on the
    // next touch: at 100,000 devices that was up to 40 % of the run, for 3 % less memory.
    // SAFETY: one option slot written before any other thread exists; mimalloc reads it
    // when it next considers purging.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    wardline::cli::main()
}
