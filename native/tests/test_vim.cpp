#include <tinyxml2.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vix/errors.h"
#include "vix/soap.h"
#include "vix/vim/inventory.h"
#include "vix/vim/properties.h"
#include "vix/vim/tasks.h"

using namespace vix;

static std::string envelope(const std::string& inner) {
    return "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>" +
           inner + "</soapenv:Body></soapenv:Envelope>";
}

TEST_CASE("inventory: datastore paths, with and without the space") {
    DatastorePath p;
    REQUIRE(parse_datastore_path("[LocalDS_0] a b/c.vmx", p));
    REQUIRE(p.datastore == "LocalDS_0");
    REQUIRE(p.rest == "a b/c.vmx");
    REQUIRE(p.canonical() == "[LocalDS_0] a b/c.vmx");
    REQUIRE(parse_datastore_path("[ds]dir/x.vmx", p));
    REQUIRE(p.canonical() == "[ds] dir/x.vmx");
    REQUIRE_FALSE(parse_datastore_path("dir/x.vmx", p));
    REQUIRE_FALSE(parse_datastore_path("[] x.vmx", p));
    REQUIRE_FALSE(parse_datastore_path("[ds x.vmx", p));
    REQUIRE_FALSE(parse_datastore_path("", p));
}

TEST_CASE("faults: the rows of SPEC-VM 15 in the one table") {
    REQUIRE(fault_to_code("InvalidPowerState", "poweredOn") == VIX_E_VM_IS_RUNNING);
    REQUIRE(fault_to_code("InvalidPowerState", "poweredOff") == VIX_E_VM_NOT_RUNNING);
    REQUIRE(fault_to_code("InvalidPowerState", "suspended") == VIX_E_VM_NOT_RUNNING);
    REQUIRE(fault_to_code("InvalidState", "poweredOn") == VIX_E_VM_IS_RUNNING);
    REQUIRE(fault_to_code("InvalidState", "poweredOff") == VIX_E_FAIL);
    REQUIRE(fault_to_code("ManagedObjectNotFound", "", "VirtualMachine") == VIX_E_VM_NOT_FOUND);
    REQUIRE(fault_to_code("ManagedObjectNotFound", "", "VirtualMachineSnapshot") == VIX_E_SNAPSHOT_NOTFOUND);
    REQUIRE(fault_to_code("ManagedObjectNotFound", "", "Task") == VIX_E_FAIL);
    REQUIRE(fault_to_code("FileNotFound") == VIX_E_FILE_NOT_FOUND);
    REQUIRE(fault_to_code("NotFound") == VIX_E_NOT_FOUND);
    for (const char* f : {"FileAlreadyExists", "AlreadyExists", "DuplicateName"})
        REQUIRE(fault_to_code(f) == VIX_E_FILE_ALREADY_EXISTS);
    REQUIRE(fault_to_code("InvalidDatastorePath") == VIX_E_INVALID_ARG);
    REQUIRE(fault_to_code("InvalidArgument") == VIX_E_INVALID_ARG);
    REQUIRE(fault_to_code("RestrictedVersion") == VIX_E_LICENSE);
    REQUIRE(fault_to_code("TaskInProgress") == VIX_E_OBJECT_IS_BUSY);
    REQUIRE(fault_to_code("ConcurrentAccess") == VIX_E_OBJECT_IS_BUSY);
    REQUIRE(fault_to_code("ToolsUnavailable") == VIX_E_TOOLS_NOT_RUNNING);
    REQUIRE(fault_to_code("GuestOperationsUnavailable") == VIX_E_TOOLS_NOT_RUNNING);
    REQUIRE(fault_to_code("InvalidGuestLogin") == VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST);
    REQUIRE(fault_to_code("GuestPermissionDenied") == VIX_E_GUEST_USER_PERMISSIONS);
    REQUIRE(fault_to_code("GuestProcessNotFound") == VIX_E_NO_SUCH_PROCESS);
    REQUIRE(fault_to_code("NotADirectory") == VIX_E_NOT_A_DIRECTORY);
    REQUIRE(fault_to_code("NotAFile") == VIX_E_NOT_A_FILE);
    REQUIRE(fault_to_code("InsufficientResourcesFault") == VIX_E_VM_INSUFFICIENT_HOST_MEMORY);
    REQUIRE(fault_to_code("NoDiskSpace") == VIX_E_DISK_FULL);
    REQUIRE(fault_to_code("AlreadyUpgraded") == VIX_E_VM_ALREADY_UP_TO_DATE);
}

TEST_CASE("faults: a SOAP fault's existingState and object type reach the table") {
    Reply r = Reply::parse(envelope("<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>gone</faultstring>"
                                    "<detail><ManagedObjectNotFoundFault xsi:type=\"ManagedObjectNotFound\">"
                                    "<obj type=\"VirtualMachine\">vm-9</obj></ManagedObjectNotFoundFault></detail>"
                                    "</soapenv:Fault>"),
                           "RetrievePropertiesEx");
    REQUIRE(r.is_fault());
    REQUIRE(r.fault().type == "ManagedObjectNotFound");
    REQUIRE(r.fault().object_type == "VirtualMachine");
    REQUIRE(fault_to_code(r.fault().type, r.fault().existing_state, r.fault().object_type) == VIX_E_VM_NOT_FOUND);
}

TEST_CASE("properties: objects, their properties and the paging token") {
    Reply r = Reply::parse(
        envelope("<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><token>next-page</token>"
                 "<objects><obj type=\"VirtualMachine\">vm-1</obj>"
                 "<propSet><name>config.files.vmPathName</name><val>[ds] a/a.vmx</val></propSet>"
                 "<propSet><name>runtime.powerState</name><val>poweredOn</val></propSet></objects>"
                 "<objects><obj type=\"VirtualMachine\">vm-2</obj><missingSet><path>config.files.vmPathName</path>"
                 "</missingSet></objects>"
                 "<objects><obj type=\"Datacenter\">dc-1</obj><propSet><name>datastore</name><val>"
                 "<ManagedObjectReference type=\"Datastore\">ds-1</ManagedObjectReference>"
                 "<ManagedObjectReference type=\"Datastore\">ds-2</ManagedObjectReference></val></propSet></objects>"
                 "</returnval></RetrievePropertiesExResponse>"),
        "RetrievePropertiesEx");
    std::vector<std::string> seen;
    std::vector<std::string> datastores;
    const std::string token = each_object(r.returnval(), [&](const ObjectProps& o) {
        seen.push_back(std::string(o.type) + ":" + std::string(o.moref) + ":" + o.text("config.files.vmPathName") +
                       ":" + o.text("runtime.powerState"));
        if (o.type == "Datacenter") datastores = moref_list(o.get("datastore"));
    });
    REQUIRE(token == "next-page");
    REQUIRE(seen == std::vector<std::string>{"VirtualMachine:vm-1:[ds] a/a.vmx:poweredOn", "VirtualMachine:vm-2::",
                                             "Datacenter:dc-1::"});
    REQUIRE(datastores == std::vector<std::string>{"ds-1", "ds-2"});
}

TEST_CASE("tasks: an update set gives the task's state, result and fault") {
    Reply r = Reply::parse(
        envelope("<WaitForUpdatesExResponse xmlns=\"urn:vim25\"><returnval><version>3</version><filterSet>"
                 "<filter type=\"PropertyFilter\">f</filter><objectSet><kind>modify</kind><obj type=\"Task\">t</obj>"
                 "<changeSet><name>info.state</name><op>assign</op><val>error</val></changeSet>"
                 "<changeSet><name>info.result</name><op>remove</op></changeSet>"
                 "<changeSet><name>info.error</name><op>assign</op><val xsi:type=\"LocalizedMethodFault\">"
                 "<fault xsi:type=\"InvalidPowerState\"><requestedState>poweredOff</requestedState>"
                 "<existingState>suspended</existingState></fault><localizedMessage>Suspended</localizedMessage>"
                 "</val></changeSet></objectSet></filterSet></returnval></WaitForUpdatesExResponse>"),
        "WaitForUpdatesEx");
    std::string state;
    bool result_removed = false;
    Fault f;
    apply_updates(r.returnval(), [&](std::string_view name, const tinyxml2::XMLElement* val) {
        if (name == "info.state") state = val->GetText();
        if (name == "info.result") result_removed = val == nullptr;
        if (name == "info.error") f = fault_from_element(child(val, "fault"), child_text(val, "localizedMessage"));
    });
    REQUIRE(state == "error");
    REQUIRE(result_removed);
    REQUIRE(f.type == "InvalidPowerState");
    REQUIRE(f.existing_state == "suspended");
    REQUIRE(f.message == "Suspended");
    REQUIRE(fault_to_code(f.type, f.existing_state) == VIX_E_VM_NOT_RUNNING);
}

TEST_CASE("soap: the request builder escapes every value and nests elements") {
    Secret out;
    RequestBuilder b(out, "FindByDatastorePath", "SearchIndex", "idx<1>");
    b.moref("datacenter", "Datacenter", "dc&1").text("path", "[ds] a<b>&\"c'.vmx");
    b.open("options", "RetrieveOptions").text("maxObjects", "10").close("options").finish();
    const std::string s(out.view());
    REQUIRE(s.find("<_this type=\"SearchIndex\">idx&lt;1&gt;</_this>") != std::string::npos);
    REQUIRE(s.find("<datacenter type=\"Datacenter\">dc&amp;1</datacenter>") != std::string::npos);
    REQUIRE(s.find("<path>[ds] a&lt;b&gt;&amp;&quot;c&apos;.vmx</path>") != std::string::npos);
    REQUIRE(s.find("<options xsi:type=\"RetrieveOptions\"><maxObjects>10</maxObjects></options>") != std::string::npos);
    REQUIRE(s.find("</FindByDatastorePath></soapenv:Body></soapenv:Envelope>") != std::string::npos);
    // Well-formed: it parses back.
    tinyxml2::XMLDocument doc;
    REQUIRE(doc.Parse(s.data(), s.size()) == tinyxml2::XML_SUCCESS);
}

TEST_CASE("properties: objects are cut from the answer one at a time, the envelope and token stay") {
    WipedString body;
    const std::string text =
        envelope("<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><token>t2</token>"
                 "<objects><obj type=\"VirtualMachine\">vm-1</obj><propSet><name>config.files.vmPathName</name>"
                 "<val xsi:type=\"xsd:string\">[ds] a &amp; b/a.vmx</val></propSet></objects>"
                 "<objects/>"
                 "<vim:objects xmlns:vim=\"urn:vim25\"><vim:obj type=\"VirtualMachine\">vm-2</vim:obj>"
                 "<vim:propSet><vim:name>runtime.powerState</vim:name><vim:val>poweredOff</vim:val></vim:propSet>"
                 "</vim:objects><objectSetNotAnObject/></returnval></RetrievePropertiesExResponse>");
    body.assign(text.data(), text.size());
    std::vector<std::string> seen;
    split_objects(body, [&](const ObjectProps& o) {
        seen.push_back(std::string(o.moref) + ":" + o.text("config.files.vmPathName") + ":" +
                       o.text("runtime.powerState"));
    });
    REQUIRE(seen == std::vector<std::string>{"vm-1:[ds] a & b/a.vmx:", "vm-2::poweredOff"});
    REQUIRE(body.find("objects") == WipedString::npos);
    Reply r = Reply::parse(std::string_view(body.data(), body.size()), "RetrievePropertiesEx");
    std::size_t left = 0;
    REQUIRE(each_object(r.returnval(), [&](const ObjectProps&) { ++left; }) == "t2");
    REQUIRE(left == 0);
}

TEST_CASE("properties: an answer without objects is left alone; a broken object is an XML error") {
    WipedString body;
    const std::string none = envelope("<RetrievePropertiesExResponse xmlns=\"urn:vim25\"/>");
    body.assign(none.data(), none.size());
    split_objects(body, [](const ObjectProps&) { FAIL("no object expected"); });
    REQUIRE(std::string(body.data(), body.size()) == none);

    const std::string broken =
        envelope("<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects><obj>vm-1</o></objects>"
                 "</returnval></RetrievePropertiesExResponse>");
    body.assign(broken.data(), broken.size());
    try {
        split_objects(body, [](const ObjectProps&) {});
        FAIL("expected an error");
    } catch (const Error& e) {
        REQUIRE(e.code() == VIX_E_INVALID_XML);
    }
}
