/* Thin XS glue: convert the arguments, call the core once, push the results.
 * No logic lives here; the core (native/) never throws across this line. */
#include <string>
#include <vector>

/* C++ headers before perl.h, whose macros clash with the STL */
#include "vix/host.h"
#include "vix/snapshot.h"
#include "vix/vm.h"
#include "vix/guest.h"

#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

/* The last error detail, per interpreter (so per Perl thread). */
#define MY_CXT_KEY "VMware::Vix::Simple::_guts" XS_VERSION
typedef struct {
    SV* last_detail;
} my_cxt_t;
START_MY_CXT

/* A number as the core wants it: undef, an exact integer, or not one. */
static vix::IntArg to_int_arg(pTHX_ SV* sv) {
    vix::IntArg a;
    SvGETMAGIC(sv);
    if (!SvOK(sv)) return a;
    a.kind = vix::IntArg::NotInt;
    if (SvROK(sv) && !SvAMAGIC(sv)) return a;
    if (SvIOK(sv)) {
        if (SvIsUV(sv) && SvUVX(sv) > (UV)IV_MAX) return a;
        a.kind = vix::IntArg::Int;
        a.value = (std::int64_t)SvIVX(sv);
        return a;
    }
    if (!looks_like_number(sv)) return a;
    const NV nv = SvNV_nomg(sv);
    if (nv != nv || nv < -9.2e18 || nv > 9.2e18 || (NV)(IV)nv != nv) return a;
    a.kind = vix::IntArg::Int;
    a.value = (std::int64_t)(IV)nv;
    return a;
}

/* A string as UTF-8 bytes: character strings are encoded, byte strings are
 * passed as they are (the core checks that they are valid UTF-8). */
static vix::StrArg to_str_arg(pTHX_ SV* sv) {
    vix::StrArg a;
    SvGETMAGIC(sv);
    if (!SvOK(sv)) return a;
    if (SvROK(sv)) {
        if (!SvAMAGIC(sv)) {
            a.kind = vix::StrArg::NotString;
            return a;
        }
        SV* copy = sv_2mortal(newSVpvs(""));
        sv_copypv_nomg(copy, sv); /* an object that stringifies, e.g. a URI */
        sv = copy;
    }
    STRLEN len;
    const char* p = SvUTF8(sv) ? SvPVutf8_nomg(sv, len) : SvPV_nomg(sv, len);
    a.kind = vix::StrArg::Bytes;
    a.bytes = std::string_view(p, len);
    return a;
}

static int to_handle(pTHX_ SV* sv) {
    const vix::IntArg a = to_int_arg(aTHX_ sv);
    return (a.kind == vix::IntArg::Int && a.value > 0 && a.value <= 0x7fffffff) ? (int)a.value : 0;
}

/* A Perl signal handler is waiting to run (perl defers them until we
 * return): let the core stop, so that a script's alarm still bounds a call. */
static bool perl_signal_pending() {
    dTHX; /* asked every 20 ms at most while a wait lasts: one TLS lookup */
    return PL_sig_pending != 0;
}

static void record(pTHX_ const vix::Status& s) {
    dMY_CXT;
    sv_setpvn(MY_CXT.last_detail, s.detail.data(), s.detail.size());
}

/* An optional code reference as the core's progress callback. The core
 * calls it on this thread, inside the call. A die in it (a bug, or a
 * script's alarm handler: Perl runs pending signal handlers inside the
 * callback) is caught here, since it must never unwind through the core,
 * and stops the copy with VIX_E_CANCELLED through a C++ exception, which
 * the core's transfer code unwinds cleanly. */
static vix::CallbackArg to_callback_arg(pTHX_ SV* sv) {
    vix::CallbackArg a;
    if (!sv) return a;
    SvGETMAGIC(sv);
    if (!SvOK(sv)) return a;
    if (!SvROK(sv) || SvTYPE(SvRV(sv)) != SVt_PVCV) {
        a.kind = vix::CallbackArg::NotCode;
        return a;
    }
    a.kind = vix::CallbackArg::Code;
    SV* code = sv;  /* alive for the call: it is on the argument stack */
    a.progress = [code](std::uint64_t done, std::uint64_t total) {
        dTHX;
        dSP;
        ENTER;
        SAVETMPS;
        PUSHMARK(SP);
        EXTEND(SP, 2);
        mPUSHu((UV)done);
        mPUSHu((UV)total);
        PUTBACK;
        call_sv(code, G_DISCARD | G_EVAL);
        FREETMPS;
        LEAVE;
        if (SvTRUE(ERRSV)) {
            STRLEN len;
            const char* msg = SvPV(ERRSV, len);
            std::string why(msg, len);
            why = why.substr(0, why.find('\n'));
            throw vix::Error(vix::VIX_E_CANCELLED, "the progress callback died: " + why);
        }
    };
    return a;
}

/* A string from the server (UTF-8) as a Perl character string. */
static SV* utf8_sv(pTHX_ const std::string& s) {
    SV* sv = newSVpvn(s.data(), s.size());
    SvUTF8_on(sv);
    return sv;
}

/* The shapes of SPEC-VM 9: the error code alone, or followed by results. */
#define PUSH_STATUS(call)                                  \
    do {                                                   \
        const vix::Status st_ = (call); /* evaluated once */ \
        record(aTHX_ st_);                                 \
        XPUSHs(sv_2mortal(newSViv((IV)st_.code)));         \
    } while (0)
/* VMRunProgramInGuestEx's flat hash; only the pid when it did not wait. */
#define PUSH_RUN_RESULT(r)                                          \
    do {                                                            \
        EXTEND(SP, 6);                                              \
        if ((r).finished) {                                         \
            mPUSHs(newSVpvs("EXIT_CODE"));                          \
            mPUSHi((IV)(r).exit_code);                              \
            mPUSHs(newSVpvs("ELAPSED_TIME"));                       \
            mPUSHi((IV)(r).elapsed_seconds);                        \
        }                                                           \
        mPUSHs(newSVpvs("PROCESS_ID"));                             \
        mPUSHi((IV)(r).pid);                                        \
    } while (0)
#define PUSH_STATUS_AND_HANDLE(st, h)   \
    do {                                \
        PUSH_STATUS(st);                \
        XPUSHs(sv_2mortal(newSViv((IV)(h)))); \
    } while (0)

MODULE = VMware::Vix::Simple    PACKAGE = VMware::Vix::Simple

PROTOTYPES: DISABLE

BOOT:
{
    MY_CXT_INIT;
    MY_CXT.last_detail = newSVpvs("");
    vix::set_interrupt_check(perl_signal_pending);
}

void
CLONE(...)
  CODE:
    MY_CXT_CLONE;
    MY_CXT.last_detail = newSVpvs("");

void
HostConnect(apiVersion, hostType, hostName, hostPort, userName, password, options, propertyListHandle)
    SV* apiVersion
    SV* hostType
    SV* hostName
    SV* hostPort
    SV* userName
    SV* password
    SV* options
    SV* propertyListHandle
  PPCODE:
    vix::ConnectArgs a;
    a.api_version = to_int_arg(aTHX_ apiVersion);
    a.host_type = to_int_arg(aTHX_ hostType);
    a.host_name = to_str_arg(aTHX_ hostName);
    a.host_port = to_int_arg(aTHX_ hostPort);
    a.user_name = to_str_arg(aTHX_ userName);
    a.password = to_str_arg(aTHX_ password);
    a.options = to_int_arg(aTHX_ options);
    a.property_list = to_int_arg(aTHX_ propertyListHandle);
    a.interrupted = perl_signal_pending;
    int handle = 0;
    const vix::Status s = vix::host_connect(a, handle);
    record(aTHX_ s);
    EXTEND(SP, 2);
    mPUSHi((IV)s.code);
    mPUSHi((IV)handle);

void
HostDisconnect(hostHandle)
    SV* hostHandle
  CODE:
    vix::host_disconnect(to_handle(aTHX_ hostHandle));
    record(aTHX_ vix::Status{});

void
ReleaseHandle(handle)
    SV* handle
  CODE:
    vix::release_handle(to_handle(aTHX_ handle));
    record(aTHX_ vix::Status{});

IV
GetHandleType(handle)
    SV* handle
  CODE:
    RETVAL = (IV)vix::handle_type(to_handle(aTHX_ handle));
  OUTPUT:
    RETVAL

const char*
GetErrorText(err, locale = NULL)
    SV* err
    SV* locale
  CODE:
    /* The optional locale is accepted and ignored, as in the original. */
    PERL_UNUSED_VAR(locale);
    RETVAL = vix::error_text((std::int64_t)SvIV(err));
  OUTPUT:
    RETVAL

void
GetProperties(handle, ...)
    SV* handle
  PPCODE:
    std::vector<vix::IntArg> ids;
    for (I32 i = 1; i < items; ++i) ids.push_back(to_int_arg(aTHX_ ST(i)));
    std::vector<vix::PropertyValue> values;
    const vix::Status s = vix::get_properties(to_handle(aTHX_ handle), ids, values);
    record(aTHX_ s);
    EXTEND(SP, (SSize_t)values.size() + 1);
    mPUSHi((IV)s.code);
    for (const vix::PropertyValue& v : values) {
        if (v.is_string) {
            SV* sv = newSVpvn(v.text.data(), v.text.size());
            SvUTF8_on(sv);
            mPUSHs(sv);
        } else {
            mPUSHi((IV)v.number);
        }
    }

void
AcquireCloneTicket(hostHandle)
    SV* hostHandle
  PPCODE:
    vix::Secret ticket;
    const vix::Status s = vix::acquire_clone_ticket(to_handle(aTHX_ hostHandle), ticket);
    record(aTHX_ s);
    EXTEND(SP, 2);
    mPUSHi((IV)s.code);
    if (s.ok())
        mPUSHs(newSVpvn(ticket.view().data(), ticket.view().size()));
    else
        PUSHs(&PL_sv_undef);

SV*
GetLastErrorDetail()
  CODE:
    dMY_CXT;
    RETVAL = newSVsv(MY_CXT.last_detail);
  OUTPUT:
    RETVAL

void
_disconnect_all()
  CODE:
    vix::disconnect_all();

IV
_open_handle_count()
  CODE:
    RETVAL = (IV)vix::open_handle_count();
  OUTPUT:
    RETVAL

INCLUDE: vm.xsh
INCLUDE: snapshot.xsh

INCLUDE: guest.xsh
