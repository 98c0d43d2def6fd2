//! The `wardline` binary: everything lives in the library; this sets the allocator.

// glibc's malloc grows per-thread arenas a page range at a time (an mprotect call each),
// which was a quarter of a large check's time; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same index in v2 and v3);
/// `libmimalloc-sys` names no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// `mi_option_arena_max_object_size` (mimalloc v3, the version `libmimalloc-sys` builds),
/// in KiB.
const MI_OPTION_ARENA_MAX_OBJECT_SIZE: libmimalloc_sys::mi_option_t = 45;

fn main() -> std::process::ExitCode {
    // A check is one short process that frees each file's syntax tree and reuses the
    // memory for the next file. Handing freed pages back to the kernel (mimalloc's default,
    // after a delay) only makes the kernel zero them again, huge page by huge page, on the
    // next touch: at 100,000 devices that was up to 40 % of the run, for 3 % less memory.
    // SAFETY: one option slot written before any other thread exists; mimalloc reads it
    // when it next considers purging.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // mimalloc's arenas are backed by transparent huge pages, which is what makes the
    // inventory's many small allocations fast to reach. A source file is one large
    // buffer, though, and in an arena its rounding is touched and resident: 120 MB over
    // the 1,000 files of a million devices. Buffers over 256 KiB are mapped on their own.
    // SAFETY: as above; mimalloc reads the option at each arena allocation.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_MAX_OBJECT_SIZE, 256) };
    wardline::cli::main()
}
