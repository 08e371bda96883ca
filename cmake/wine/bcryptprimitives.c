/*
 * ProcessPrng for Wine versions that lack bcryptprimitives.dll (Wine 8, as
 * in Debian 12). Rust's standard library (1.78 and later) imports
 * ProcessPrng from bcryptprimitives.dll, which every Windows 10 and later
 * has; the Wine test runs put this stand-in next to spill_ring.dll. It is
 * built only for those runs and never installed.
 */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
