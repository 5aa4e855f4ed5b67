// The vSphere calls of the connection layer: ServiceContent, Login,
// CloneSession, AcquireCloneTicket, Logout. Each throws vix::Error with the
// code of SPEC section 4.
#pragma once
#include <string>
#include <string_view>

#include "vix/http.h"
#include "vix/secret.h"

namespace vix {

struct ServiceContent {
    std::string session_manager;  // moref value, e.g. "SessionManager"
    std::string full_name;        // about.fullName: product, version and build
    std::string api_version;      // about.apiVersion
    std::string api_type;         // about.apiType: "VirtualCenter" or "HostAgent"
};

ServiceContent retrieve_service_content(Client& c, const Deadline& dl);
void login(Client& c, const ServiceContent& sc, std::string_view user, std::string_view password, const Deadline& dl);
void clone_session(Client& c, const ServiceContent& sc, std::string_view ticket, const Deadline& dl);
Secret acquire_clone_ticket(Client& c, const ServiceContent& sc, const Deadline& dl);
void logout(Client& c, const ServiceContent& sc, const Deadline& dl);

}  // namespace vix
