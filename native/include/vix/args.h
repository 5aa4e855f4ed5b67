// Arguments and results as the XS layer hands them to the core.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "vix/http.h"

namespace vix {

// An integer argument as Perl gave it.
struct IntArg {
    enum Kind { Undef, Int, NotInt } kind = Undef;
    std::int64_t value = 0;
};

// A string argument: undef, UTF-8 bytes (a character string already
// encoded), or something that is not a string (a plain reference).
struct StrArg {
    enum Kind { Undef, Bytes, NotString } kind = Undef;
    std::string_view bytes;
};

// An optional callback argument: undef (none), code (a Perl code reference,
// already wrapped), or anything else, which the core refuses in its turn.
struct CallbackArg {
    enum Kind { Undef, Code, NotCode } kind = Undef;
    Progress progress;
};

struct PropertyValue {
    bool is_string = false;
    std::int64_t number = 0;
    std::string text;
};

// The one hook the embedding sets, once, before any call: tells whether a
// signal is waiting (a Perl script's alarm), so that every wait stops with
// VIX_E_CANCELLED within 50 ms. Null: nothing interrupts.
void set_interrupt_check(InterruptCheck check) noexcept;

}  // namespace vix
