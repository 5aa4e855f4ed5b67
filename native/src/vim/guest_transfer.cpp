// The guest file transfers, on the session's streaming transport.
#include "vix/vim/guest.h"

#include "vix/errors.h"

namespace vix {

// Until the streaming Session::upload/download land (branch transport),
// transfers are refused rather than done in unbounded memory.
void transfer_put(Session&, const std::string&, const std::string&, const Deadline&) {
    throw Error(VIX_E_NOT_SUPPORTED, "file transfers need the streaming transport (not built in yet)");
}

void transfer_get(Session&, const std::string&, const std::string&, const Deadline&) {
    throw Error(VIX_E_NOT_SUPPORTED, "file transfers need the streaming transport (not built in yet)");
}

}  // namespace vix
