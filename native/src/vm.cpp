// VM handles: inventory, power and properties (SPEC-VM 10 to 12).
#include "api.h"

namespace vix {

void VmObject::properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) {
    (void)ids;
    out.clear();
    throw Error(VIX_E_NOT_SUPPORTED, "VM properties are not implemented yet");
}

}  // namespace vix
