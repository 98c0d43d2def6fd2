//! The `wardline` binary: everything lives in the library; this sets the allocator.

// glibc's malloc grows per-thread arenas a page range at a time (an mprotect call each),
// which was a quarter of a large check's time; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    wardline::cli::main()
}
