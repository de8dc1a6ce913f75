#ifndef MOTCUA_ICU_BRIDGE_H
#define MOTCUA_ICU_BRIDGE_H

// The one door between Swift and the system ICU. This header uses only <stdint.h> types so
// that Swift modules can import it together with Foundation (whose own renamed ICU clashes
// with the system ICU's module; see docs/ARCHITECTURE.md).

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Word-break rule status ranges reported for each segment (ICU's UWordBreak values).
enum {
    ICUB_SEGMENT_NONE = 0,      ///< spaces, punctuation, symbols
    ICUB_SEGMENT_NUMBER = 100,  ///< [100, 200): numbers
    ICUB_SEGMENT_LETTER = 200,  ///< [200, 300): words of letters
    ICUB_SEGMENT_KANA = 300,
    ICUB_SEGMENT_IDEO = 400,
};

/// The result of preparing one text, valid until the next call of `icub_prepare` on the same
/// thread (the buffers are thread-local and reused, so a hot loop allocates nothing).
typedef struct icub_prepared {
    /// The text as UTF-16, in NFC, lower-cased.
    const uint16_t *units;
    int32_t unitCount;
    /// Segment i spans units [starts[i], starts[i + 1]) (the last one ends at unitCount).
    const int32_t *starts;
    /// The ICU word-break rule status of segment i.
    const int32_t *statuses;
    int32_t segmentCount;
} icub_prepared;

/// Converts UTF-8 to UTF-16 (invalid sequences become U+FFFD), normalizes to NFC, lower-cases
/// and finds the word boundaries with ICU's Vietnamese word-break rules.
/// Returns 0 on success or the ICU error code; on error `out` is set to an empty text.
int32_t icub_prepare(const char *utf8, int32_t length, icub_prepared *out);

/// Releases this thread's reusable buffers (optional; for leak checkers and long-lived threads).
void icub_release_thread_buffers(void);

#ifdef __cplusplus
}
#endif

#endif
