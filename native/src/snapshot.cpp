// Snapshot handles: VMCreateSnapshot and friends (SPEC-VM 13), and their
// properties (SPEC-VM 12).
#include "api.h"

namespace vix {

void SnapshotObject::properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) {
    (void)ids;
    out.clear();
    throw Error(VIX_E_NOT_SUPPORTED, "snapshot properties are not implemented yet");
}

}  // namespace vix
