// The ICU C API used by the ICUBridge target. Only C code includes this header, so the
// versioned names that urename.h produces (ubrk_open → ubrk_open_72) are fine as they are.
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>
