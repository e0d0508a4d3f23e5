//! The global allocator: mimalloc, tuned for peak memory.
//!
//! Evaluation allocates and frees many small objects (frames, thunks,
//! sets); mimalloc's thread-local free lists make that markedly cheaper
//! than glibc's malloc (see benches/README.md). The `mimalloc` crate's own
//! `GlobalAlloc` sends every request through mimalloc's aligned entry
//! points; nearly all of ours ask for 8-byte alignment, which every
//! mimalloc block has, so those go to the plain entry points and skip the
//! alignment checks.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every mimalloc block has (one machine word).
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

/// mimalloc behind `GlobalAlloc`.
pub struct Allocator;

// SAFETY: every method forwards to the mimalloc function with the same
// contract; the plain (unaligned) ones are used only when the requested
// alignment is at most a word, which all mimalloc blocks satisfy.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_malloc(layout.size()) as *mut u8
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_zalloc(layout.size()) as *mut u8
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}

/// Tunes mimalloc for peak memory before anything is allocated: commit
/// arena memory on demand rather than eagerly (an eagerly committed arena
/// is backed by transparent huge pages, 15–20 MiB more peak RSS on the
/// evaluation benchmarks, above C++ Nix's on two), and return freed pages
/// to the OS after 100 ms rather than 10 ms. With the defaults peak RSS
/// was up to 70 % above glibc's; with these it is about glibc's. The
/// delay is not shorter because every page returned and used again is a
/// fresh page fault: with 1 ms, deep recursion (`benches/eval/
/// deep-recursion.nix`) faulted 81 MiB in for a 24 MiB peak and spent a
/// quarter of its time in the kernel zeroing pages (265 → 230 ms at
/// 100 ms, peak RSS unchanged). It runs as an ELF constructor because
/// the Rust runtime allocates before `main`, and the first allocation
/// fixes the first arena's commit mode.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

// Option numbers of the mimalloc v3 sources libmimalloc-sys builds
// (`mi_option_e` in its mimalloc.h); the crate's named constants follow
// the v2 numbering.
#[cfg(target_os = "linux")]
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
#[cfg(target_os = "linux")]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets a mimalloc option, unless its environment variable `env` is set
/// (mimalloc's own variables win, for measuring). Setting an option is a
/// plain store into mimalloc's static option table that allocates
/// nothing, so it is fine before `main` and while running (mimalloc
/// reads the options each time it uses them).
#[cfg(target_os = "linux")]
fn set_option(option: libmimalloc_sys::mi_option_t, env: &std::ffi::CStr, value: i64) {
    // SAFETY: `getenv` reads the environment without allocating; the
    // option store is as described above.
    unsafe {
        if getenv(env.as_ptr()).is_null() {
            libmimalloc_sys::mi_option_set(option, value as std::ffi::c_long);
        }
    }
}

#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    set_option(ARENA_EAGER_COMMIT, c"MIMALLOC_ARENA_EAGER_COMMIT", 0);
    set_option(PURGE_DELAY, c"MIMALLOC_PURGE_DELAY", 100);
}

/// Keeps freed memory for `ms` milliseconds before returning it to the
/// OS (unless `MIMALLOC_PURGE_DELAY` is set): for a long-running process
/// that frees and allocates the same amounts again and again.
pub fn keep_freed_memory(ms: i64) {
    #[cfg(target_os = "linux")]
    set_option(PURGE_DELAY, c"MIMALLOC_PURGE_DELAY", ms);
    #[cfg(not(target_os = "linux"))]
    let _ = ms;
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    /// libc's `getenv`, which (unlike `std::env`) allocates nothing.
    fn getenv(name: *const std::ffi::c_char) -> *const std::ffi::c_char;
}
