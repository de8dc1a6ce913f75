// Implements ICUBridge.h with the system ICU. Written in C because a Swift module cannot import
// the system ICU module next to Foundation; keeping the ICU calls here also keeps one place
// that knows ICU's buffer-size conventions.

#include "ICUBridge.h"
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <stdlib.h>
#include <string.h>

/// Reusable per-thread state: growable buffers and one word-break iterator.
typedef struct {
    UChar *a;
    int32_t aCapacity;
    UChar *b;
    int32_t bCapacity;
    int32_t *starts;
    int32_t *statuses;
    int32_t segmentCapacity;
    UBreakIterator *words;
} scratch_t;

static __thread scratch_t scratch;

static int grow_units(UChar **buffer, int32_t *capacity, int32_t needed) {
    if (needed <= *capacity) return 1;
    int32_t next = *capacity > 0 ? *capacity : 256;
    while (next < needed) next *= 2;
    UChar *grown = (UChar *)realloc(*buffer, (size_t)next * sizeof(UChar));
    if (!grown) return 0;
    *buffer = grown;
    *capacity = next;
    return 1;
}

static int grow_segments(int32_t needed) {
    if (needed <= scratch.segmentCapacity) return 1;
    int32_t next = scratch.segmentCapacity > 0 ? scratch.segmentCapacity : 128;
    while (next < needed) next *= 2;
    int32_t *starts = (int32_t *)realloc(scratch.starts, (size_t)next * sizeof(int32_t));
    if (!starts) return 0;
    scratch.starts = starts;
    int32_t *statuses = (int32_t *)realloc(scratch.statuses, (size_t)next * sizeof(int32_t));
    if (!statuses) return 0;
    scratch.statuses = statuses;
    scratch.segmentCapacity = next;
    return 1;
}

static void set_empty(icub_prepared *out) {
    out->units = scratch.a;
    out->unitCount = 0;
    out->starts = scratch.starts;
    out->statuses = scratch.statuses;
    out->segmentCount = 0;
}

int32_t icub_prepare(const char *utf8, int32_t length, icub_prepared *out) {
    UErrorCode status = U_ZERO_ERROR;
    set_empty(out);
    if (length <= 0) return 0;

    // 1. UTF-8 → UTF-16. UTF-16 never needs more units than UTF-8 has bytes.
    if (!grow_units(&scratch.a, &scratch.aCapacity, length + 1)) return U_MEMORY_ALLOCATION_ERROR;
    int32_t utf16Length = 0;
    int32_t substitutions = 0;
    u_strFromUTF8WithSub(scratch.a, scratch.aCapacity, &utf16Length, utf8, length, 0xFFFD, &substitutions,
                         &status);
    if (U_FAILURE(status)) return status;

    // 2. NFC, skipping the work when the text is already normalized (the common case).
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) return status;
    UChar *text = scratch.a;
    int32_t textLength = utf16Length;
    int32_t normalizedPrefix = unorm2_spanQuickCheckYes(nfc, text, textLength, &status);
    if (U_FAILURE(status)) return status;
    if (normalizedPrefix < textLength) {
        int32_t capacity = textLength * 3 + 16;
        if (!grow_units(&scratch.b, &scratch.bCapacity, capacity)) return U_MEMORY_ALLOCATION_ERROR;
        memcpy(scratch.b, text, (size_t)normalizedPrefix * sizeof(UChar));
        int32_t total = unorm2_normalizeSecondAndAppend(nfc, scratch.b, normalizedPrefix, scratch.bCapacity,
                                                        text + normalizedPrefix, textLength - normalizedPrefix,
                                                        &status);
        if (U_FAILURE(status)) return status;
        // Swap so that `a` holds the normalized text.
        UChar *tmp = scratch.a; scratch.a = scratch.b; scratch.b = tmp;
        int32_t cap = scratch.aCapacity; scratch.aCapacity = scratch.bCapacity; scratch.bCapacity = cap;
        text = scratch.a;
        textLength = total;
    }

    // 3. Lower case (root locale: Vietnamese has no special casing rules).
    if (!grow_units(&scratch.b, &scratch.bCapacity, textLength + 16)) return U_MEMORY_ALLOCATION_ERROR;
    int32_t lowerLength = u_strToLower(scratch.b, scratch.bCapacity, text, textLength, "", &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        status = U_ZERO_ERROR;
        if (!grow_units(&scratch.b, &scratch.bCapacity, lowerLength + 1)) return U_MEMORY_ALLOCATION_ERROR;
        lowerLength = u_strToLower(scratch.b, scratch.bCapacity, text, textLength, "", &status);
    }
    if (U_FAILURE(status)) return status;
    const UChar *lower = scratch.b;

    // 4. Word boundaries.
    if (!scratch.words) {
        scratch.words = ubrk_open(UBRK_WORD, "vi", NULL, 0, &status);
        if (U_FAILURE(status)) { scratch.words = NULL; return status; }
    }
    ubrk_setText(scratch.words, lower, lowerLength, &status);
    if (U_FAILURE(status)) return status;
    int32_t count = 0;
    int32_t start = ubrk_first(scratch.words);
    for (int32_t end = ubrk_next(scratch.words); end != UBRK_DONE; end = ubrk_next(scratch.words)) {
        if (!grow_segments(count + 1)) return U_MEMORY_ALLOCATION_ERROR;
        scratch.starts[count] = start;
        scratch.statuses[count] = ubrk_getRuleStatus(scratch.words);
        count += 1;
        start = end;
    }
    // Drop the iterator's pointer to our buffer before the buffer can move.
    ubrk_setText(scratch.words, NULL, 0, &status);
    status = U_ZERO_ERROR;

    out->units = lower;
    out->unitCount = lowerLength;
    out->starts = scratch.starts;
    out->statuses = scratch.statuses;
    out->segmentCount = count;
    return 0;
}

void icub_release_thread_buffers(void) {
    if (scratch.words) ubrk_close(scratch.words);
    free(scratch.a);
    free(scratch.b);
    free(scratch.starts);
    free(scratch.statuses);
    memset(&scratch, 0, sizeof(scratch));
}
