#include <catch2/catch.hpp>

#include <string>

#include <tinyxml2.h>

#include "vix/errors.h"
#include "vix/soap.h"

using namespace vix;

TEST_CASE("soap: every value is escaped") {
    Secret out;
    build_request(out, "Login", "SessionManager", "Session<Manager>",
                  {{"userName", "ro\"ot"}, {"password", "p<>&'\"]]>"}});
    const std::string s(out.view());
    REQUIRE(s.find("<password>p&lt;&gt;&amp;&apos;&quot;]]&gt;</password>") != std::string::npos);
    REQUIRE(s.find("<userName>ro&quot;ot</userName>") != std::string::npos);
    REQUIRE(s.find("Session&lt;Manager&gt;</_this>") != std::string::npos);
    tinyxml2::XMLDocument doc;
    REQUIRE(doc.Parse(s.data(), s.size()) == tinyxml2::XML_SUCCESS);
    const tinyxml2::XMLElement* login = doc.RootElement()->FirstChildElement()->FirstChildElement();
    REQUIRE(std::string(login->FirstChildElement("password")->GetText()) == "p<>&'\"]]>");
}

static const char* kServiceContent =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
    "<soapenv:Body><RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval>"
    "<rootFolder type=\"Folder\">group-d1</rootFolder>"
    "<about><fullName>VMware vCenter Server 8.0.2 build-1</fullName><apiVersion>8.0.2.0</apiVersion></about>"
    "<sessionManager type=\"SessionManager\">SessionManager</sessionManager>"
    "</returnval></RetrieveServiceContentResponse></soapenv:Body></soapenv:Envelope>";

TEST_CASE("soap: a result") {
    Reply r = Reply::parse(kServiceContent, "RetrieveServiceContent");
    REQUIRE_FALSE(r.is_fault());
    REQUIRE(child_text(r.returnval(), "sessionManager") == "SessionManager");
    REQUIRE(child_text(child(r.returnval(), "about"), "fullName") == "VMware vCenter Server 8.0.2 build-1");
}

TEST_CASE("soap: fault type from the detail's xsi:type") {
    const char* body =
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault>"
        "<faultcode>ServerFaultCode</faultcode><faultstring>Cannot complete login</faultstring>"
        "<detail><InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\"></InvalidLoginFault></detail>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
    Reply r = Reply::parse(body, "Login");
    REQUIRE(r.is_fault());
    REQUIRE(r.fault().type == "InvalidLogin");
    REQUIRE(r.fault().message == "Cannot complete login");
    REQUIRE(fault_to_code(r.fault().type) == VIX_E_AUTHENTICATION_FAIL);
}

TEST_CASE("soap: fault type from the element name when xsi:type is missing") {
    const char* body =
        "<Envelope><Body><Fault><faultstring>x</faultstring><detail><NoPermissionFault/></detail></Fault></Body>"
        "</Envelope>";
    REQUIRE(Reply::parse(body, "Login").fault().type == "NoPermission");
    const char* bare = "<Envelope><Body><Fault><faultcode>soap:Client</faultcode></Fault></Body></Envelope>";
    REQUIRE(Reply::parse(bare, "Login").fault().type == "Client");
}

static std::int64_t parse_code(const std::string& body) {
    try {
        Reply::parse(body, "Login");
    } catch (const Error& e) {
        return e.code();
    }
    return VIX_OK;
}

TEST_CASE("soap: what is not a SOAP envelope is VIX_E_INVALID_XML") {
    REQUIRE(parse_code("<html>hello</html>") == VIX_E_INVALID_XML);
    REQUIRE(parse_code("") == VIX_E_INVALID_XML);
    REQUIRE(parse_code("not xml at all") == VIX_E_INVALID_XML);
    REQUIRE(parse_code("<Envelope><Body/></Envelope>") == VIX_E_INVALID_XML);
    REQUIRE(parse_code("<Envelope><Body><OtherResponse/></Body></Envelope>") == VIX_E_INVALID_XML);
    REQUIRE(parse_code("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]><Envelope><Body><LoginResponse>&lol;"
                       "</LoginResponse></Body></Envelope>") == VIX_E_INVALID_XML);
    std::string deep = "<Envelope><Body><LoginResponse>";
    for (int i = 0; i < 100000; ++i) deep += "<a>";
    REQUIRE(parse_code(deep) == VIX_E_INVALID_XML);
    REQUIRE(parse_code("<Envelope><Body><LoginResponse/></Body></Envelope>") == VIX_OK);
}
