// crash_vfs.hpp — an SQLite VFS shim for crash tests: it forwards to the default VFS and SIGKILLs the process at
// the k-th write, sync or truncate, so a test can stop an append at every step in turn (after SQLite's test_vfs idea).
#pragma once

namespace yimen::test {

// Registers the VFS "crashvfs" (idempotent). Operations are counted from the call to arm().
void register_crash_vfs();
// Kill the process at the k-th I/O operation from now (k ≥ 1); 0 disarms.
void arm_crash_after(int k);
int crash_vfs_operations();

}  // namespace yimen::test
