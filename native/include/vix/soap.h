// SOAP envelopes (every value escaped, here and only here) and response
// parsing: a result element or a fault whose type comes from the detail's
// xsi:type.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vix/secret.h"

namespace tinyxml2 {
class XMLDocument;
class XMLElement;
}  // namespace tinyxml2

namespace vix {

// Appends `text` with the five XML special characters escaped.
void append_escaped(WipedString& out, std::string_view text);

struct Param {
    std::string_view name;
    std::string_view value;
};

// <Method xmlns="urn:vim25"><_this type="T">V</_this><name>value</name>...</Method>
// inside a SOAP envelope.
void build_request(Secret& out, std::string_view method, std::string_view this_type, std::string_view this_value,
                   std::initializer_list<Param> params);

// Builds a request with nested elements (PropertySpec, ObjectSpec, ...).
// Element names and xsi types are our own literals; every value is escaped.
// The envelope is complete once finish() has run.
class RequestBuilder {
public:
    RequestBuilder(Secret& out, std::string_view method, std::string_view this_type, std::string_view this_value);
    // <name>value</name>
    RequestBuilder& text(std::string_view name, std::string_view value);
    // <name xsi:type="T">value</name>
    RequestBuilder& typed(std::string_view name, std::string_view xsi_type, std::string_view value);
    // <name type="T">value</name>: a managed object reference.
    RequestBuilder& moref(std::string_view name, std::string_view type, std::string_view value);
    // <name> or <name xsi:type="T">, closed by close(name).
    RequestBuilder& open(std::string_view name, std::string_view xsi_type = {});
    RequestBuilder& close(std::string_view name);
    void finish();

private:
    WipedString& s_;
    std::string method_;
};

struct Fault {
    std::string type;     // e.g. "InvalidLogin"; from detail xsi:type, else element name
    std::string message;  // faultstring
    // Facts some rows of the fault table need (SPEC-VM 15): a power-state
    // fault's existingState, and the type of ManagedObjectNotFound's obj.
    std::string existing_state;
    std::string object_type;
};

// The fault a detail element describes (<InvalidPowerStateFault>, or
// <fault xsi:type="InvalidPowerState"> inside a task's LocalizedMethodFault).
Fault fault_from_element(const tinyxml2::XMLElement* e, std::string message);

// A parsed response. The document's text is wiped when the Reply is destroyed.
class Reply {
public:
    Reply();
    ~Reply();
    Reply(Reply&&) noexcept;
    Reply& operator=(Reply&&) noexcept;

    bool is_fault() const { return fault_.has_value; }
    const Fault& fault() const { return fault_.value; }
    // The <MethodResponse> element's first <returnval>, or nullptr.
    const tinyxml2::XMLElement* returnval() const { return returnval_; }

    // Throws Error(VIX_E_INVALID_XML) when the body is not a SOAP envelope
    // with either a fault or <{method}Response>. With `wipe`, every string
    // of the document is overwritten when the Reply goes: for answers to
    // requests that carried a secret, and for answers that are one.
    static Reply parse(std::string_view body, std::string_view method, bool wipe = true);

private:
    std::unique_ptr<tinyxml2::XMLDocument> doc_;
    bool wipe_ = true;
    const tinyxml2::XMLElement* returnval_ = nullptr;
    struct {
        bool has_value = false;
        Fault value;
    } fault_;
};

// Text of the first direct child element with this local name, or "".
std::string child_text(const tinyxml2::XMLElement* parent, std::string_view local_name);
const tinyxml2::XMLElement* child(const tinyxml2::XMLElement* parent, std::string_view local_name);

std::string_view local_name(const char* qualified);

}  // namespace vix
