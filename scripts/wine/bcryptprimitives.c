/* A stand-in for Windows' bcryptprimitives.dll, used only to run Strata's tests under Wine.
 *
 * Rust's standard library asks ProcessPrng (bcryptprimitives.dll, Windows 10 and later) for
 * random bytes, and Wine 8.0 — Debian 12's — has no such DLL, so no Rust program starts there.
 * This one answers ProcessPrng with RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * scripts/test-windows.sh builds it with MinGW and puts it beside the test executable. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
