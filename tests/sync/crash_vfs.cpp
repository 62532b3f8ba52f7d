// crash_vfs.cpp — wraps sqlite3_io_methods of the default VFS; only write, sync and truncate count as steps,
// because those are the operations whose interruption a power cut or a kill can leave half-done.
#include "crash_vfs.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <cstring>

namespace yimen::test {
namespace {

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;
int g_armed_at = 0;
int g_ops = 0;

struct CrashFile {
    sqlite3_file base;          // must be first: SQLite sees this struct as an sqlite3_file
    sqlite3_file* real;         // the underlying file, allocated right after this struct
};

void step() {
    ++g_ops;
    if (g_armed_at > 0 && g_ops >= g_armed_at) raise(SIGKILL);
}

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<CrashFile*>(f)->real; }

int x_close(sqlite3_file* f) { return real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK; }
int x_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), b, n, o); }
int x_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
    step();
    return real(f)->pMethods->xWrite(real(f), b, n, o);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 s) {
    step();
    return real(f)->pMethods->xTruncate(real(f), s);
}
int x_sync(sqlite3_file* f, int flags) {
    step();
    return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* s) { return real(f)->pMethods->xFileSize(real(f), s); }
int x_lock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int x_check(sqlite3_file* f, int* r) { return real(f)->pMethods->xCheckReservedLock(real(f), r); }
int x_fcntl(sqlite3_file* f, int op, void* a) { return real(f)->pMethods->xFileControl(real(f), op, a); }
int x_sector(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_devchar(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int pg, int sz, int ext, void volatile** p) {
    return real(f)->pMethods->xShmMap(real(f), pg, sz, ext, p);
}
int x_shm_lock(sqlite3_file* f, int off, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), off, n, flags); }
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); }
int x_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return real(f)->pMethods->xFetch(real(f), o, n, p); }
int x_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return real(f)->pMethods->xUnfetch(real(f), o, p); }

const sqlite3_io_methods kMethods = {3,        x_close,   x_read,      x_write,       x_truncate,  x_sync,
                                     x_file_size, x_lock, x_unlock,    x_check,       x_fcntl,     x_sector,
                                     x_devchar, x_shm_map, x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch,
                                     x_unfetch};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    auto* cf = reinterpret_cast<CrashFile*>(f);
    cf->real = reinterpret_cast<sqlite3_file*>(cf + 1);
    std::memset(cf->real, 0, static_cast<std::size_t>(g_base->szOsFile));
    const int rc = g_base->xOpen(g_base, name, cf->real, flags, out_flags);
    cf->base.pMethods = rc == SQLITE_OK ? &kMethods : nullptr;
    return rc;
}
int x_delete(sqlite3_vfs*, const char* n, int s) {
    step();
    return g_base->xDelete(g_base, n, s);
}
int x_access(sqlite3_vfs*, const char* n, int f, int* r) { return g_base->xAccess(g_base, n, f, r); }
int x_full(sqlite3_vfs*, const char* n, int sz, char* out) { return g_base->xFullPathname(g_base, n, sz, out); }
int x_random(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
int x_sleep(sqlite3_vfs*, int us) { return g_base->xSleep(g_base, us); }
int x_time(sqlite3_vfs*, double* t) { return g_base->xCurrentTime(g_base, t); }
int x_error(sqlite3_vfs*, int n, char* out) { return g_base->xGetLastError(g_base, n, out); }
int x_time64(sqlite3_vfs*, sqlite3_int64* t) { return g_base->xCurrentTimeInt64(g_base, t); }

}  // namespace

void register_crash_vfs() {
    if (g_base) return;
    g_base = sqlite3_vfs_find(nullptr);
    std::memset(&g_vfs, 0, sizeof g_vfs);
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(CrashFile)) + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = "crashvfs";
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full;
    g_vfs.xRandomness = x_random;
    g_vfs.xSleep = x_sleep;
    g_vfs.xCurrentTime = x_time;
    g_vfs.xGetLastError = x_error;
    g_vfs.xCurrentTimeInt64 = x_time64;
    sqlite3_vfs_register(&g_vfs, 0);
}

void arm_crash_after(int k) {
    g_ops = 0;
    g_armed_at = k;
}

int crash_vfs_operations() { return g_ops; }

}  // namespace yimen::test
